"""Write the planners' notebooks (01-04) from the cells below, with empty outputs.

The notebooks are generated so that they stay reviewable in git: edit this file, then run

    .venv/bin/python notebooks/make_notebooks.py

Each notebook opens with the question it answers and a cell that adapts it to a region and a
budget; every number it shows is a labelled table (a pandas DataFrame with human column names
and units) and every figure a static matplotlib image, shown inline and saved to
``results/notebooks/`` (or ``$SINERGI_FIGURES``). Each runs top to bottom in well under a
minute at the small sizes used here; `make notebooks` opens them in JupyterLab.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent


def md(text: str):
    """A markdown cell."""
    return new_markdown_cell(text.strip())


def code(text: str):
    """A code cell with no outputs."""
    return new_code_cell(text.strip())


def adapt(what: str) -> object:
    """The markdown cell every notebook has after its question: how to adapt it."""
    return md(
        """
## Adapt it to your region and budget

Change the settings in the next cell and run the notebook again (*Run > Run All Cells*):

* `region`: a province or kabupaten/kota as BPS names it (`"NUSA TENGGARA TIMUR"`,
  `"Kota Kupang"`), a BPS code (`"5300"`) or a short name (`"NTT"`); `None` keeps the default
  district of 300,000 households. A region starts from its own BPS March 2024 figures and
  its real number of households (`.venv/bin/python -m sim.regions ntt` lists a province and
  its kabupaten/kota); the simulated households stand for them, so persons and rupiah are
  the region's.
* `money`: budgets in **rupiah for the whole region**, `_rp_per_year` for a yearly amount and
  `_rp` for an opening balance, e.g. `{"donors.giving_rp_per_year": 1.2e10,
  "institutions": [{"name": "zakat_agency", "budget_rp": 2.5e9}]}`
  (Rp 12 billion a year of giving, an opening balance of Rp 2.5 billion for the zakat agency).
  README, "Money a planner can type", and `docs/parameters.md` list every such field; an
  amount implausible for the region stops with the rupiah it implies.
* """
        + what
    )


def settings(households: str, months: str, extra: str = "") -> object:
    """The settings cell: region, money, sizes, and where figures are saved."""
    return code(
        f"""
region = None  # e.g. "NUSA TENGGARA TIMUR", "Kota Kupang", "5300" or "NTT"; None: the default
money = {{}}  # rupiah for the whole region, e.g. {{"donors.giving_rp_per_year": 1.2e10}}
households = {households}  # simulated households (more: less noise, a longer run)
months = {months}  # months simulated{extra}
"""
    )


SETUP = """
import os
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import sim
from sim.report.labels import scenario_label
from sim.report.text import words

here = Path.cwd()
root = next((p for p in (here, *here.parents) if (p / "pyproject.toml").is_file()), here)
FIGURES = Path(os.environ.get("SINERGI_FIGURES", root / "results" / "notebooks"))
FIGURES.mkdir(parents=True, exist_ok=True)
WORDS = words("en")  # the report's names of metrics, money and parameters (sim/report/words/)
plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 150, "axes.spines.top": False})


def scenario(name, **more):
    \"\"\"The scenario ``name`` at this notebook's size, region, money and ``more`` fields.\"\"\"
    overrides = {"population.households": households, "months": months, **money, **more}
    if region:
        overrides["region"] = region
    if not sim.load_scenario(name).institutions:  # no_programs: no roster to give budgets to
        overrides.pop("institutions", None)
    return sim.load_scenario(name, overrides=overrides)


def label(scenario_id):
    \"\"\"The report's name of a scenario: ``"pooled_funding"`` -> ``"Pooled funding"``.\"\"\"
    return scenario_label(scenario_id, "en")


def save(fig, stem):
    \"\"\"Show ``fig`` inline and save it as ``FIGURES/<stem>.png``.\"\"\"
    fig.savefig(FIGURES / f"{stem}.png", bbox_inches="tight")
    plt.show()
    print("saved", FIGURES / f"{stem}.png")
"""


QUICKSTART = [
    md("""
# 01 · Quickstart: one scenario, its poverty path and where its money went

**The question this notebook answers.** Under the status quo, where each institution works
alone, keeps its own beneficiary list and competes for donors (the scenario `competition`), how
does poverty move over three years, where does the programme money go, and how much poverty
does a billion rupiah of it avoid, compared with no programmes at all?

It runs one scenario of Sinergi for 3,000 simulated households over 36 months, then shows

1. **the poverty path**: the headcount P0 (the share of persons below the poverty line) and
   the poverty gap P1 (the average shortfall from the line, as a share of the line);
2. **where the money went**: the institutions' spending by category;
3. **value for money**: against `no_programs` on the same seed, with the report's definitions.

Rates are shown as BPS publishes them: x 100 (a P0 of 9.0 means 9% of persons; P1 in index
points). Money is rupiah for the region's real households at March 2024 prices
(`docs/outputs.md`).
"""),
    adapt(
        "`households`, `months`, `seed`: the size, horizon and luck of the run. The report of the "
        "default batch runs 10,000 households for 120 months and 20 seeds; one seed at 3,000 "
        "households is an illustration (`02_compare_scenarios.ipynb` gives confidence "
        "intervals)."
    ),
    settings("3_000", "36", "\nseed = 1  # the run's random seed (the same seed: the same shocks)"),
    code(SETUP),
    code("""
run = scenario("competition")
place = run.region if region else "the default district (Indonesia's BPS figures)"
model = sim.PovertyModel(run, rng=seed).run()
ts = model.timeseries()  # one row per month; month 0 is the starting population
pd.DataFrame(
    {
        "setting": [
            "region",
            "real households represented",
            "simulated households",
            "months",
            "seed",
        ],
        "value": [
            place,
            f"{run.population.households_represented:,}",
            f"{households:,}",
            f"{months}",
            f"{seed}",
        ],
    }
).set_index("setting")
"""),
    md("""
## The poverty path

P0 counts who is poor; P1 also weighs how far below the line they are, so it responds when
programmes lift the poorest even if they do not cross the line. Both move with the harvest
season and with shocks; a small population is noisy, so read trends, not single months.
"""),
    code("""
shown = sorted({*range(0, months + 1, 12), months})
path = ts.set_index("month").loc[shown]
pd.DataFrame(
    {
        "headcount P0 (% of persons)": (100 * path.p0).round(2),
        "poverty gap P1 (index points)": (100 * path.p1).round(3),
        "poor persons": path.persons_poor.round(-1).astype(int),
        "poor persons in an NGO programme (%)": (100 * path.coverage_poor).round(1),
        "coalition members (institutions)": path.coalition_members.astype(int),
    }
).rename_axis("month")
"""),
    code("""
fig, ax = plt.subplots(1, 2, figsize=(10, 3.5))
ax[0].plot(ts.month, 100 * ts.p0, color="#0072B2")
ax[0].set(title="Headcount P0", xlabel="month", ylabel="% of persons below the line")
ax[1].plot(ts.month, 100 * ts.p1, color="#D55E00")
ax[1].set(title="Poverty gap P1", xlabel="month", ylabel="index points (P1 x 100)")
for a in ax:
    a.set_ylim(bottom=0)
fig.suptitle(f"{label('competition')} in {place}, {households:,} simulated households, seed {seed}")
fig.tight_layout()
save(fig, "01_poverty_path")
"""),
    md("""
## Where the money went

Every rupiah an institution spends is booked in one of six categories: **transfers** (paid to
households), **delivery** (staff, coaching, clinics), **overhead**, **fundraising**,
**coordination** (alliances, pooled funds, forums) and **monitoring**. The table sums them over
the run; the figure shows them month by month.
"""),
    code("""
from sim.report.contents import SPENDING  # the spent_* columns in the report's order

names = {c: WORDS[c] for c in SPENDING}
totals = ts[list(SPENDING)].sum().rename(names)
pd.DataFrame(
    {
        f"Rp billion over {months} months": (totals / 1e9).round(2),
        "% of all spending": (100 * totals / totals.sum()).round(1),
    }
).rename_axis("category")
"""),
    code("""
COLOURS = ["#0072B2", "#56B4E9", "#E69F00", "#D55E00", "#009E73", "#CC79A7"]
later = ts[ts.month > 0]
fig, ax = plt.subplots(figsize=(8, 3.5))
ax.stackplot(later.month, [later[c] / 1e9 for c in SPENDING], labels=names.values(), colors=COLOURS)
ax.set(title="Spending by category", xlabel="month", ylabel="Rp billion per month")
ax.legend(loc="upper left", bbox_to_anchor=(1, 1), frameon=False)
fig.tight_layout()
save(fig, "01_spending")
"""),
    md("""
## Value for money against no programmes at all

`sim.value_for_money` compares the run with the `no_programs` scenario **on the same seed**, so
both meet the same shocks and the difference is the programmes' effect (a paired comparison,
`sim/rng/streams.py`). It is the function the batch report uses (`sim.measures.value_for_money`),
and the table below names and scales its figures as the report does:

* **over the whole run** (the report's headline and ranking): the poverty gap avoided month by
  month (P1 x persons: persons at the full line's gap), summed over the months, per Rp 1 billion
  of programme money beyond what `no_programs` spends; gains and money discounted at 6% a year;
* **at the final month**: persons out of poverty and P1 closed at the last month, per rupiah
  spent over the whole run (undiscounted).
"""),
    code("""
from sim.measures.discounting import DISCOUNT_RATE_ANNUAL
from sim.report.contents import VFM_PANELS  # the report's value-for-money figures and scales
from sim.report.numbers import fmt_number

baseline = sim.PovertyModel(scenario("no_programs"), rng=seed).run()
vfm = sim.value_for_money(model, baseline)

rows = [(WORDS[key], vfm[m] * scale, max(d, 1)) for m, scale, d, key in VFM_PANELS]
money_label = f"programme money beyond {label('no_programs')} (Rp billion"
rows += [
    (money_label + ", discounted)", vfm["spent_discounted"] / 1e9, 1),
    (money_label + ")", vfm["spent"] / 1e9, 1),
    (f"extra persons out of poverty at month {months}", vfm["extra_persons_out"], 0),
]
rate = f"{100 * DISCOUNT_RATE_ANNUAL:g}% a year"
whole, end = f"months 0-{months}, discounted at {rate}", f"month {months}"
pd.DataFrame(
    {
        "value": [fmt_number(v, d) for _, v, d in rows],
        "period": [whole, whole, end, end, whole, f"months 0-{months}", end],
        "against": f"{label('no_programs')}, same seed",
        "population": f"{run.population.households_represented:,} real households",
    },
    index=[name for name, *_ in rows],
).rename_axis(f"{label('competition')}, {households:,} simulated households")
"""),
    md("""
### Why the report gives other numbers

The final-month figures depend on when the run stops: they divide what is left at the last
month by all the money spent until then, so a gain that came early and a long run of spending
pull them apart. The table shows this run's figures as if it had stopped earlier (the months
before a stop do not depend on the stop). The report of the default batch
(`.venv/bin/python run_scenarios.py`) uses the same definitions but its own size, horizon and
replicates (the next cell states them) and gives the mean over replicates; compare like with
like: the whole-run figure at the same horizon.
"""),
    code("""
from sim.measures.value_for_money import value_for_money_frames

base_ts = baseline.timeseries()
by_stop = []
for stop in sorted({*range(12, months + 1, 12), months}):
    v = value_for_money_frames(ts[ts.month <= stop], base_ts[base_ts.month <= stop])
    by_stop.append(
        {
            "run stops at month": stop,
            WORDS["col_vfm_gap_pm"]: round(v["gap_person_months_avoided_per_billion_rupiah"], 1),
            WORDS["col_vfm_persons"]: round(v["persons_out_per_billion_rupiah"], 2),
            money_label + ")": round(v["spent"] / 1e9, 1),
        }
    )
pd.DataFrame(by_stop).set_index("run stops at month")
"""),
    code("""
from sim.batch import DEFAULT_REPS

default = sim.load_scenario("competition")
pd.DataFrame(
    {
        "this notebook": [
            f"{households:,}",
            f"{run.population.households_represented:,}",
            months,
            "1 (one seed)",
        ],
        "the default batch's report": [
            f"{default.population.households:,}",
            f"{default.population.households_represented:,}",
            default.months,
            f"{DEFAULT_REPS} (mean and 95% CI)",
        ],
    },
    index=["simulated households", "real households represented", "months", "replicates"],
)
"""),
    md("""
If you have run a batch with `competition` and `no_programs` (for instance the default batch,
written to `results/all`), the next cell reads its value for money from `summary.csv`: the
same figures, with their 95% confidence intervals over replicates.
"""),
    code("""
from sim.report.numbers import ci_text

batch = root / "results" / "all"  # or the folder of your own batch
if (batch / "summary.csv").is_file():
    s = pd.read_csv(batch / "summary.csv")
    s = s[(s.scenario == "competition") & (s.statistic == "value_for_money")]
    if "region" in s.columns:  # a batch over several regions: this notebook's region, or the first
        s = s[s.region == (run.region if run.region in set(s.region) else s.region.iloc[0])]
    s = s.set_index("metric")
    shown = pd.DataFrame(
        {
            "mean [95% CI]": [
                ci_text(*s.loc[m, ["mean", "ci_low", "ci_high"]], scale, max(d, 1), "en")
                for m, scale, d, _ in VFM_PANELS
            ]
        },
        index=[WORDS[key] for *_, key in VFM_PANELS],
    ).rename_axis(f"{label('competition')} in {batch.name}")
else:
    shown = pd.DataFrame({"note": [f"no summary.csv in {batch}: run a batch first"]})
shown
"""),
]

COMPARE = [
    md("""
# 02 · Compare scenarios: a small batch, its table and figures

**The question this notebook answers.** Does a coalition strategy (a pooled fund, full
synergy) leave less poverty than competition, by how much, and is the difference larger than
the simulation's noise?

A comparison needs **replicates**: each replicate draws a new population and new shocks, and
the scenarios of one replicate share the same seed, so their differences are paired. This
notebook runs a tiny batch (4 scenarios x 3 replicates x 2,000 households x 24 months) into a
temporary folder, or loads a folder you already have (set `results_folder` to its path, e.g. a
folder written by `.venv/bin/python run_scenarios.py`). The batch writes the same folder as the
command line: `summary.csv`, `summary.xlsx`, `report.md` (with its figures) and the monthly
results of every run.
"""),
    adapt(
        "`scenarios`, `replicates`, `households`, `months`: what the batch compares and its size. "
        "`no_programs` is the baseline of value for money; `competition` the reference of the "
        "differences. `results_folder`: an existing results folder to read instead of running. "
        "`money` applies to every scenario of the batch (`--set`); `no_programs` has no "
        "institutions, so with it in the batch write the budgets of named institutions in a "
        'scenario file (`extends = "competition"`, README) and name that file in `scenarios`.'
    ),
    settings(
        "2_000",
        "24",
        '\nscenarios = ["competition", "pooled_funding", "full_synergy", "no_programs"]'
        "\nreplicates = 3  # paired replicates per scenario (the report's default: 20)"
        "\nresults_folder = None  # or the path of an existing results folder",
    ),
    code(SETUP),
    code("""
import tempfile

if results_folder is None:
    results_folder = sim.run_batch(
        scenarios,
        reps=replicates,
        households=households,
        months=months,
        set=money or None,
        regions=[region] if region else None,
        out=Path(tempfile.mkdtemp()) / "batch",
        workers=1,
        progress=False,
    )
results = sim.load_results(results_folder)
m = results.manifest
horizon = int(results.timeseries.month.max())  # the batch's months (its own, when read)
pd.DataFrame(
    {
        "value": [
            str(results_folder),
            ", ".join(sorted(results.runs.scenario.unique())),
            m["reps"],
            m["reference"],
            m.get("baseline_for_value_for_money") or "none",
        ]
    },
    index=["results folder", "scenarios", "replicates", "reference", "baseline of value for money"],
)
"""),
    md("""
## Poverty at the final month

`results.summary` (the file `summary.csv`) holds, per scenario and metric, the mean over
replicates with its 95% confidence interval. Indices are shown x 100 (index points, as BPS
publishes them). The intervals cover simulation noise with the parameters fixed at their
values, not uncertainty about the parameters themselves.
"""),
    code("""
from sim.report.labels import metric_label
from sim.report.numbers import ci_text, p_text

s = results.summary
final = s[s.statistic == "final"]
UNITS = {"p0": "% of persons", "p1": "index points", "watts": "index points"}
table = {}
for metric, unit in UNITS.items():
    rows = final[final.metric == metric].set_index("scenario")
    decimals = 2 if metric == "p0" else 3
    table[f"{metric_label(metric, 'en', short=True)} ({unit}), mean [95% CI]"] = {
        label(name): ci_text(r["mean"], r["ci_low"], r["ci_high"], 100, decimals, "en")
        for name, r in rows.iterrows()
    }
pd.DataFrame(table).rename_axis(f"month {horizon}")
"""),
    md("""
## Against the reference

The **paired difference** from the reference (`competition`): scenario minus reference, replicate
by replicate, then its mean and 95% interval. Below zero means less poverty than competition.
The interval is one comparison's; the Holm-adjusted p-value allows for every comparison in
`summary.csv` (every scenario and metric), so a difference counts as detectable here when that
p-value is below 0.05. An interval that spans zero, or a Holm p of 0.05 or more, means no
detectable difference at this number of replicates.
"""),
    code("""
ref = m["reference"]
diff = final[(final.metric == "p1") & (final.scenario != ref) & final.diff_mean.notna()]
diff = diff.set_index("scenario")
excludes_zero = (diff.diff_ci_low > 0) | (diff.diff_ci_high < 0)
pd.DataFrame(
    {
        f"P1 minus {label(ref)} (points) [95% CI]": [
            ci_text(r.diff_mean, r.diff_ci_low, r.diff_ci_high, 100, 3, "en")
            for r in diff.itertuples()
        ],
        "Holm-adjusted p": [p_text(p) for p in diff.p_holm],
        "paired replicates": diff.diff_n.astype(int),
        "95% CI excludes 0": excludes_zero.map({True: "yes", False: "no"}),
        "detectable (Holm p < 0.05)": (diff.p_holm < 0.05).map({True: "yes", False: "no"}),
    },
).set_index(diff.index.map(label))
"""),
    md("""
## Value for money

When `no_programs` is in the batch, each replicate is also compared with it on the same seed,
as in the report: the poverty gap avoided over the whole run per Rp 1 billion of programme money
(discounted), and the final month's persons out of poverty per Rp 1 billion.
"""),
    code("""
from sim.report.contents import VFM_PANELS

vfm = s[s.statistic == "value_for_money"]
if vfm.empty:
    out = pd.DataFrame({"note": ["no value for money: the baseline is not in the batch"]})
else:
    out = pd.DataFrame(
        {
            WORDS[f"col_{key}"] + ", mean [95% CI]": {
                label(r.scenario): ci_text(r.mean, r.ci_low, r.ci_high, scale, max(d, 1), "en")
                for r in vfm[vfm.metric == metric].itertuples()
            }
            for metric, scale, d, key in VFM_PANELS
        }
    ).rename_axis(f"against {label(m['baseline_for_value_for_money'])}, months 0-{horizon}")
out
"""),
    md("""
## Figures

Left: the headcount over time, the mean of the replicates with the range they span. Right: the
paired difference in the final poverty gap from the reference, with its 95% interval (left of
zero: less poverty than the reference).
"""),
    code("""
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000"]
colour = dict(zip(sorted(results.runs.scenario.unique()), COLOURS, strict=False))
ts = results.timeseries
fig, ax = plt.subplots(1, 2, figsize=(11, 3.8))
for name, g in ts.groupby("scenario"):
    by_month = g.groupby("month").p0
    mean = by_month.mean()
    ax[0].plot(mean.index, 100 * mean, label=label(name), color=colour[name])
    ax[0].fill_between(
        mean.index, 100 * by_month.min(), 100 * by_month.max(), alpha=0.15, color=colour[name]
    )
ax[0].set(title="Headcount P0: mean and range of replicates", xlabel="month", ylabel="% of persons")
ax[0].legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=4)

y = list(range(len(diff)))
ax[1].errorbar(
    100 * diff.diff_mean,
    y,
    xerr=[100 * (diff.diff_mean - diff.diff_ci_low), 100 * (diff.diff_ci_high - diff.diff_mean)],
    fmt="o",
    color="#D55E00",
    capsize=4,
)
ax[1].axvline(0, color="grey", lw=1)
ax[1].set_yticks(y, [label(s) for s in diff.index])
ax[1].set_ylim(-0.5, len(y) - 0.5)
ax[1].set(title=f"Final P1 minus {label(ref)} (95% CI)", xlabel="difference (index points)")
fig.tight_layout()
save(fig, "02_compare")
"""),
    md("""
The batch's own report sits beside the data: open `report.md` (or `report.html`) in the results
folder for the brief-ready sentences, the full tables and the report's figures.
"""),
    code("""
ABOUT = {
    "manifest.json": "command, seeds, versions: how to reproduce the batch",
    "summary.csv": "every metric per scenario: mean, 95% CI, paired difference, Holm p",
    "summary.xlsx": "the same, a labelled sheet per metric",
    "report.md": "the report (brief-ready sentences, tables, figures)",
    "report.html": "the report with its figures embedded",
    "figures": "the report's figures (PNG and SVG)",
    "runs.parquet": "one row per run: scenario, replicate, seed, status",
    "runs": "one file per run: its monthly time series",
    "scenarios": "each resolved scenario (JSON)",
}


def holds(name):
    \"\"\"What the file ``name`` of a results folder holds (``.id.``: the Indonesian version).\"\"\"
    if ".id." in name:
        return ABOUT.get(name.replace(".id.", "."), "") + " (Bahasa Indonesia)"
    return ABOUT.get(name, "")


files = sorted(p.name for p in Path(results_folder).iterdir() if not p.name.startswith("."))
pd.DataFrame({"holds": [holds(f) for f in files]}, index=pd.Index(files, name="file"))
"""),
]

EXPLORE = [
    md("""
# 03 · Explore: change the costs and trust of cooperation and see the effect

**The question this notebook answers.** How much does what a coalition achieves against
competition depend on the price and the glue of cooperation: what coordinating costs, how much
trust members need to stay, how openly they report, what a joint campaign adds, and how
donors respond to fundraising?

Move the sliders, pick a scenario and press **Run**: the notebook re-runs a small model (2,000
households, 36 months) with your settings, and `competition` with the same settings on the same
seed, and redraws the poverty gap P1 and the coalition's members of both, with a table of their
final month. The sliders start at the scenario schema's defaults.

* **coordination cost**: what each alliance member pays a month to coordinate (rupiah per
  member per 1,000 households represented);
* **trust threshold**: members leave the coalition when their trust falls below it;
* **transparency**: how openly members report money and results (x their own level); low
  transparency erodes trust;
* **awareness effect**: the extra effectiveness of a pooled fund's joint-campaign spend;
* **donor elasticity**: how much total giving responds to fundraising spend.

The widgets need a live kernel (JupyterLab: `make notebooks`). The figure and table at the
bottom are drawn once at the defaults when the notebook runs, as static images, so a saved or
headless copy shows them too.
"""),
    adapt(
        "`households`, `months`, `seed`: the size, horizon and luck of every run the sliders "
        "start (a run of 2,000 households x 36 months takes a second or two)."
    ),
    settings("2_000", "36", "\nseed = 1  # the same seed for the scenario and competition"),
    code(SETUP),
    code("""
import ipywidgets as widgets
from IPython.display import display

from sim.scenario import available_scenarios

PARAMETERS = WORDS["parameters"]  # human names of the uncertain parameters, by dotted path
defaults = sim.load_scenario("competition")
WIDE = {"style": {"description_width": "330px"}, "layout": widgets.Layout(width="640px")}

scenario_choice = widgets.Dropdown(
    options=[
        (label(s), s) for s in available_scenarios() if s not in ("competition", "no_programs")
    ],
    value="pooled_funding",
    description="scenario compared with competition",
    **WIDE,
)
SLIDERS = {
    "cooperation.alliance.coordination_cost": widgets.FloatSlider(
        value=defaults.cooperation.alliance.coordination_cost,
        min=0,
        max=200_000,
        step=5_000,
        readout_format=",.0f",
        description=PARAMETERS["cooperation.alliance.coordination_cost"]
        + " (Rp/member/month per 1,000 households)",
        **WIDE,
    ),
    "cooperation.trust.threshold": widgets.FloatSlider(
        value=defaults.cooperation.trust.threshold,
        min=0,
        max=1,
        step=0.05,
        description=PARAMETERS["cooperation.trust.threshold"] + " (0-1)",
        **WIDE,
    ),
    "cooperation.trust.transparency_multiplier": widgets.FloatSlider(
        value=defaults.cooperation.trust.transparency_multiplier,
        min=0,
        max=2,
        step=0.05,
        description="transparency (x each member's own level)",
        **WIDE,
    ),
    "cooperation.pool.awareness_effect": widgets.FloatSlider(
        value=defaults.cooperation.pool.awareness_effect,
        min=0,
        max=1,
        step=0.05,
        description=PARAMETERS["cooperation.pool.awareness_effect"] + " (0 = none)",
        **WIDE,
    ),
    "donors.elasticity": widgets.FloatSlider(
        value=defaults.donors.elasticity,
        min=0,
        max=1,
        step=0.05,
        description=PARAMETERS["donors.elasticity"] + " (0 = a fixed pool of giving)",
        **WIDE,
    ),
}
run_button = widgets.Button(description="Run", button_style="primary")
output = widgets.Output()
"""),
    code("""
def run_pair(name, values):
    \"\"\"``name`` and competition with the same slider ``values``, on the same seed.\"\"\"
    chosen = sim.PovertyModel(scenario(name, **values), rng=seed).run().timeseries()
    reference = sim.PovertyModel(scenario("competition", **values), rng=seed).run().timeseries()
    return chosen, reference


def draw(name, chosen, reference):
    \"\"\"The poverty gap and the coalition of both runs, side by side (a matplotlib figure).\"\"\"
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.6))
    for ts, who, colour in ((reference, "competition", "#0072B2"), (chosen, name, "#E69F00")):
        ax[0].plot(ts.month, 100 * ts.p1, color=colour, label=label(who))
        ax[2].step(ts.month, ts.coalition_members, color=colour, where="post")
    ax[0].set(title="Poverty gap P1", xlabel="month", ylabel="index points (P1 x 100)")
    ax[0].set_ylim(bottom=0)
    ax[0].legend(frameon=False, loc="lower left")
    ax[1].plot(chosen.month, 100 * (chosen.p1 - reference.p1), color="#D55E00")
    ax[1].axhline(0, color="grey", lw=1)
    ax[1].set(title=f"P1: {label(name)} minus competition", xlabel="month", ylabel="index points")
    ax[2].set(title="Coalition members", xlabel="month", ylabel="institutions")
    ax[2].set_ylim(-0.2, max(9.5, ax[2].get_ylim()[1]))
    gap = 100 * (chosen.p1.iloc[-1] - reference.p1.iloc[-1])
    fig.suptitle(f"{label(name)} minus competition after {months} months: {gap:+.3f} P1 points")
    fig.tight_layout()
    return fig


def final_month(name, chosen, reference):
    \"\"\"The final month of both runs and their difference, as a labelled table.\"\"\"
    rows = {label("competition"): reference.iloc[-1], label(name): chosen.iloc[-1]}
    table = pd.DataFrame(
        {
            "headcount P0 (%)": {k: 100 * r.p0 for k, r in rows.items()},
            "poverty gap P1 (points)": {k: 100 * r.p1 for k, r in rows.items()},
            "coalition members": {k: r.coalition_members for k, r in rows.items()},
            "mean trust (0-1)": {k: r.mean_trust for k, r in rows.items()},
        }
    )
    first, second = rows
    table.loc[f"{second} minus {first}"] = table.loc[second] - table.loc[first]
    return table.round(3).rename_axis(f"month {months}, seed {seed}")


def on_run(_button):
    \"\"\"The Run button: re-run both with the sliders' values and redraw in the output area.\"\"\"
    values = {path: slider.value for path, slider in SLIDERS.items()}
    with output:
        output.clear_output(wait=True)
        chosen, reference = run_pair(scenario_choice.value, values)
        draw(scenario_choice.value, chosen, reference)
        plt.show()
        display(final_month(scenario_choice.value, chosen, reference))


run_button.on_click(on_run)
with output:
    print("Press Run to draw the chosen scenario with these settings.")
display(widgets.VBox([scenario_choice, *SLIDERS.values(), run_button]), output)
"""),
    md("""
## At the defaults (a static figure)

`pooled_funding` against `competition` with every slider at its default, drawn when the
notebook runs (also saved as `results/notebooks/03_explore.png`):
"""),
    code("""
start = {path: slider.value for path, slider in SLIDERS.items()}
chosen, reference = run_pair(scenario_choice.value, start)
save(draw(scenario_choice.value, chosen, reference), "03_explore")
final_month(scenario_choice.value, chosen, reference)
"""),
    md("""
Things to try: raise the coordination cost under `thematic_alliance`; lower the transparency
under `pooled_funding` until the coalition breaks up (that is the `fragile_coalition`
scenario); raise the trust threshold so members leave sooner. One seed at this size is noisy:
confirm what you see with replicates (`02_compare_scenarios.ipynb`, or a sweep in
`04_sensitivity.ipynb`).
"""),
]

SENSITIVITY = [
    md("""
# 04 · Sensitivity: does the pooled fund's difference hold, and which assumptions matter?

**The question this notebook answers.** Does a pooled fund leave a smaller or a larger poverty
gap than competition whatever one assumes about donors, and which of the model's uncertain
assumptions move the comparison most?

Two assumptions matter most for money: the **awareness effect** of the joint campaign
(`cooperation.pool.awareness_effect`: the extra effectiveness of its spend) and the **donor
elasticity** (`donors.elasticity`: how much total giving grows with fundraising spend). The
notebook runs a 3 x 3 grid of the two and, in each cell, the paired difference of the final
poverty gap, `pooled_funding` minus `competition`, on the same seeds. Then it screens every
uncertain assumption (Morris elementary effects) and reads the project's full screening.

The sizes are small (2,000 households, 36 months, 2 seeds a cell), so the map shows the
direction of the effect, not its precise value. For a study, use `run_scenarios.py` with
`--sweep` and more replicates.
"""),
    adapt(
        "`households`, `months`, `seeds`, `awareness`, `elasticity`: the size of each run and the "
        "grid. The Morris screening below runs the default district at its own small size "
        "(`sim.analysis.sensitivity.morris` builds its scenarios itself), so `region` and "
        "`money` apply to the grid only."
    ),
    settings(
        "2_000",
        "36",
        "\nseeds = [1, 2]  # each cell: the mean paired difference over these seeds"
        "\nawareness = [0.0, 0.2, 0.5]  # awareness effect of a joint campaign (0 = none)"
        "\nelasticity = [0.0, 0.3, 0.6]  # donor elasticity (0 = a fixed pool of giving)",
    ),
    code(SETUP),
    code("""
import numpy as np


def final_p1(name, seed, **values):
    \"\"\"The poverty gap P1 (a fraction) at the last month of one run.\"\"\"
    return sim.PovertyModel(scenario(name, **values), rng=seed).run().timeseries().p1.iloc[-1]


# competition has no joint campaign: it depends on donor elasticity only
reference = {
    (e, s): final_p1("competition", s, **{"donors.elasticity": e})
    for e in elasticity
    for s in seeds
}
per_seed = np.zeros((len(awareness), len(elasticity), len(seeds)))
for i, a in enumerate(awareness):
    for j, e in enumerate(elasticity):
        values = {"cooperation.pool.awareness_effect": a, "donors.elasticity": e}
        for k, s in enumerate(seeds):
            per_seed[i, j, k] = 100 * (final_p1("pooled_funding", s, **values) - reference[(e, s)])
difference = per_seed.mean(axis=2)  # P1 points, pooled funding minus competition
pd.DataFrame(
    difference.round(3),
    index=[f"awareness effect {a:g}" for a in awareness],
    columns=[f"donor elasticity {e:g}" for e in elasticity],
).rename_axis("final P1, pooled minus competition (points)")
"""),
    md("""
## The heat map

Each cell is the mean paired difference in the final P1 (index points) over the seeds. The
colour scale is centred on zero: purple cells are below zero (the pooled fund leaves a smaller
poverty gap than competition), orange cells above zero (a larger one). The sentence under the
figure says which the data show.
"""),
    code("""
limit = max(np.abs(difference).max(), 1e-9)
fig, ax = plt.subplots(figsize=(6, 4.6))
im = ax.imshow(difference, cmap="PuOr_r", vmin=-limit, vmax=limit, origin="lower")
ax.set_xticks(range(len(elasticity)), [f"{e:g}" for e in elasticity])
ax.set_yticks(range(len(awareness)), [f"{a:g}" for a in awareness])
ax.set(xlabel="donor elasticity (0 = a fixed pool of giving)")
ax.set_ylabel("awareness effect of a joint campaign")
for i in range(len(awareness)):
    for j in range(len(elasticity)):
        ax.text(j, i, f"{difference[i, j]:+.3f}", ha="center", va="center", fontsize=9)
fig.colorbar(im, ax=ax, label="P1 points (below 0: pooled is better)")

cells, below, above = difference.size, int((difference < 0).sum()), int((difference > 0).sum())
if above == cells:
    verdict = f"in all {cells} cells pooled funding leaves a larger poverty gap than competition"
elif below == cells:
    verdict = f"in all {cells} cells pooled funding leaves a smaller poverty gap than competition"
else:
    verdict = (
        f"pooled funding leaves a smaller poverty gap than competition in {below} of {cells} "
        f"cells and a larger one in {above}"
    )
agree = int((np.abs(np.sign(per_seed).sum(axis=2)) == len(seeds)).sum())
title = verdict[0].upper() + verdict[1:].replace(" poverty gap", "\\npoverty gap")
ax.set_title(title, fontsize=10)
fig.tight_layout()
save(fig, "04_heat_map")
print(
    f"At {households:,} households and {months} months, {verdict} "
    f"(differences from {difference.min():+.3f} to {difference.max():+.3f} P1 points); "
    f"in {agree} of {cells} cells every one of the {len(seeds)} seeds has the same sign."
)
"""),
    md("""
Reading it: along the awareness axis only the pooled fund changes, so the rows show what the
joint campaign buys. Along the elasticity axis both scenarios change, since fundraising spend
matters more for competing institutions when giving responds to it.
"""),
    md("""
## Which assumptions matter most: a Morris screening

`sim.analysis.sensitivity.morris` moves uncertain parameters within their documented ranges
(Morris elementary effects, SALib) and ranks them by **μ\\***, the mean absolute change of an
outcome when one parameter moves, and **μ**, its mean signed change (its sign says which way
the parameter pushes). Here a tiny screening of six assumptions about money and cooperation
(1,000 households, 12 months, 2 trajectories: a few seconds) for the outcome *poverty gap under
pooled funding minus competition*; the full screening of every assumption follows.
"""),
    code("""
from sim.analysis import sensitivity

PARAMETERS, OUTCOMES = WORDS["parameters"], WORDS["outcomes"]
SCREENED = [
    "cooperation.pool.awareness_effect",
    "cooperation.pool.campaign_cost_share",
    "donors.elasticity",
    "cooperation.alliance.coordination_cost",
    "cooperation.trust.threshold",
    "business.csr_funds",
]
screening = sensitivity.morris(trajectories=2, households=1_000, months=12, seed=0, names=SCREENED)
small = screening[screening.outcome == "pooled_minus_competition_p1"]
pd.DataFrame(
    {
        "assumption": small.parameter.map(PARAMETERS).values,
        "μ* (P1 points)": (100 * small.mu_star).round(4).values,
        "95% CI of μ* (±)": (100 * small.mu_star_conf).round(4).values,
        "μ, mean signed effect (P1 points)": (100 * small.mu).round(4).values,
    },
    index=pd.Index(small["rank"].values, name="rank"),
)
"""),
    md("""
## The full screening

The full screening (2,000 households, 120 months, 10 trajectories, seed 0; the command is in
`docs/VALIDATION.md`) is kept in `docs/sensitivity/morris.csv`. Below, the eight assumptions
that move each of its four outcomes most, with the 95% confidence interval of each μ\\*, in the
outcome's own unit.
"""),
    code("""
import textwrap

from matplotlib.ticker import MaxNLocator

# each outcome's unit: P1 x 100 (points); P1 closed per rupiah x 1e5 (points per Rp trillion)
UNITS = {
    "p1_final": (100, "P1 points"),
    "p1_closed_per_bn": (1e5, "P1 points per Rp trillion"),
    "pooled_minus_competition_p1": (100, "P1 points"),
    "synergy_minus_competition_p1": (100, "P1 points"),
}
full = pd.read_csv(root / "docs" / "sensitivity" / "morris.csv")
fig, axes = plt.subplots(2, 2, figsize=(12, 8.5))
for ax, (outcome, (scale, unit)) in zip(axes.flat, UNITS.items(), strict=True):
    top = full[full.outcome == outcome].nsmallest(8, "rank").iloc[::-1]
    names = [textwrap.fill(PARAMETERS.get(p, p), 34) for p in top.parameter]
    ax.barh(names, scale * top.mu_star, xerr=scale * top.mu_star_conf, color="#0072B2", alpha=0.85)
    ax.set_title(textwrap.fill(OUTCOMES[outcome], 55), fontsize=10)
    ax.set_xlabel(f"μ*, mean absolute effect ({unit})")
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.set_xlim(left=0)
    ax.tick_params(axis="y", labelsize=8)
fig.tight_layout()
save(fig, "04_morris")
"""),
    code("""
first = full[full["rank"] <= 3].sort_values(["outcome", "rank"])
pd.DataFrame(
    {
        "outcome": first.outcome.map(OUTCOMES).values,
        "rank": first["rank"].values,
        "assumption": first.parameter.map(PARAMETERS).values,
        "μ* relative to the first": first.mu_star_relative.round(2).values,
    }
).set_index(["outcome", "rank"])
"""),
]

NOTEBOOKS = {
    "01_quickstart.ipynb": QUICKSTART,
    "02_compare_scenarios.ipynb": COMPARE,
    "03_explore.ipynb": EXPLORE,
    "04_sensitivity.ipynb": SENSITIVITY,
}


def build(cells: list) -> nbformat.NotebookNode:
    """A notebook with the python3 kernel and no outputs."""
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    nb.metadata["language_info"] = {"name": "python"}
    for k, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{k:02d}"  # stable ids: the files change only when the cells do
    return nb


def main() -> None:
    """Write the four notebooks beside this file."""
    for name, cells in NOTEBOOKS.items():
        nbformat.write(build(cells), HERE / name)
        print("wrote", HERE / name)


if __name__ == "__main__":
    main()
