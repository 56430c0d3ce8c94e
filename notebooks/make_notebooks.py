"""Write the planners' notebooks (01-04) from the cells below, with empty outputs.

The notebooks are generated so that they stay reviewable in git: edit this file, then run

    .venv/bin/python notebooks/make_notebooks.py

Each notebook runs top to bottom in well under a minute at the small sizes used here.
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


QUICKSTART = [
    md("""
# 01 · Quickstart: one scenario, its poverty path and where its money went

This notebook runs **one scenario** of Sinergi, `competition` (the status quo: each institution
works alone, keeps its own beneficiary list and competes for donors), for a small district of
3,000 simulated households over 36 months. It then looks at two things a planner asks first:

1. **the poverty path**: the headcount ratio P0 (share of persons below the poverty line) and
   the poverty gap P1 (the average shortfall from the line, as a share of the line);
2. **where the money went**: the institutions' spending by category, month by month.

Rates are fractions in the model (`0.09` = 9%); BPS publishes them multiplied by 100, as we show
them here. Money is rupiah per month for the district's represented population, at March 2024
prices (see `docs/outputs.md`).
"""),
    code("""
import matplotlib.pyplot as plt

import sim

HOUSEHOLDS, MONTHS, SEED = 3_000, 36, 1
size = {"population.households": HOUSEHOLDS, "months": MONTHS}
model = sim.PovertyModel(sim.load_scenario("competition", overrides=size), rng=SEED).run()
ts = model.timeseries()  # one row per month; month 0 is the starting population
ts.loc[[0, 12, 24, 36], ["month", "p0", "p1", "coverage_poor", "coalition_members"]]
"""),
    md("""
## The poverty path

P0 counts who is poor; P1 also weighs how far below the line they are, so it responds when
programmes lift the poorest even if they do not cross the line. Both move with the harvest
season and with shocks; small districts are noisy, so read trends, not single months.
"""),
    code("""
fig, ax = plt.subplots(1, 2, figsize=(10, 3.5))
ax[0].plot(ts.month, 100 * ts.p0, color="#0072B2")
ax[0].set(title="Headcount P0", xlabel="month", ylabel="% of persons below the line")
ax[1].plot(ts.month, 100 * ts.p1, color="#D55E00")
ax[1].set(title="Poverty gap P1", xlabel="month", ylabel="index x 100")
for a in ax:
    a.set_ylim(bottom=0)
fig.suptitle(f"competition, {HOUSEHOLDS:,} households, seed {SEED}")
fig.tight_layout()
plt.show()
"""),
    md("""
## Where the money went

Every rupiah an institution spends is booked in one of six categories: **transfers** (paid to
households), **delivery** (staff, coaching, clinics), **overhead**, **fundraising**,
**coordination** (alliances, pooled funds, forums) and **monitoring**. Under competition,
fundraising and overhead take a visible share; coordination is zero because nobody cooperates.
"""),
    code("""
SPENT = {
    "spent_transfers": "transfers",
    "spent_delivery": "delivery",
    "spent_overhead": "overhead",
    "spent_fundraising": "fundraising",
    "spent_coordination": "coordination",
    "spent_monitoring": "monitoring",
}
COLOURS = ["#0072B2", "#56B4E9", "#E69F00", "#D55E00", "#009E73", "#CC79A7"]
months = ts.month[1:]
fig, ax = plt.subplots(figsize=(8, 3.5))
ax.stackplot(months, [ts[c][1:] / 1e9 for c in SPENT], labels=SPENT.values(), colors=COLOURS)
ax.set(title="Spending by category", xlabel="month", ylabel="Rp billion per month")
ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
fig.tight_layout()
plt.show()

totals = ts[list(SPENT)].sum().rename(SPENT)
(100 * totals / totals.sum()).round(1).rename("% of all spending").to_frame()
"""),
    md("""
## Against no programmes at all

`value_for_money` compares the run with the `no_programs` scenario **on the same seed**, so both
districts meet the same shocks and the difference is the programmes' effect (a paired
comparison; see `sim/rng/streams.py`). One seed at this size is an illustration, not evidence:
`02_compare_scenarios.ipynb` runs replicates and gives confidence intervals.
"""),
    code("""
baseline = sim.PovertyModel(sim.load_scenario("no_programs", overrides=size), rng=SEED).run()
vfm = sim.value_for_money(model, baseline)
{k: f"{v:,.4g}" for k, v in vfm.items()}
"""),
]

COMPARE = [
    md("""
# 02 · Compare scenarios: a small batch, its table and figures

A comparison needs **replicates**: each replicate draws a new district and new shocks, and the
scenarios of one replicate share the same seed, so their differences are paired. This notebook
runs a tiny batch (3 scenarios x 3 replicates x 2,000 households x 24 months, about 15 seconds)
into a temporary folder, or loads a folder you already have (set `RESULTS` to its path, e.g. a
folder written by `python run_scenarios.py`).

The batch writes the same folder as the command line: `summary.csv`, `report.md` (with its
figures) and the monthly results of every run.
"""),
    code("""
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

import sim

RESULTS = None  # or the path of an existing results folder
SCENARIOS = ["competition", "pooled_funding", "full_synergy"]
if RESULTS is None:
    RESULTS = sim.run_batch(
        SCENARIOS,
        reps=3,
        households=2_000,
        months=24,
        out=Path(tempfile.mkdtemp()) / "batch",
        workers=1,
        progress=False,
    )
results = sim.load_results(RESULTS)
print("results folder:", RESULTS)
"""),
    md("""
## The comparison table

`results.summary` has one row per scenario and metric: the mean over replicates with its 95%
confidence interval, and the **paired difference from the reference** (`competition`) with its
own interval. Values below are x 100 (BPS index points). An interval that spans zero means no
detectable difference at this number of replicates. The intervals cover simulation noise given
the parameters, not uncertainty about the parameters themselves.
"""),
    code("""
s = results.summary
final = s[(s.statistic == "final") & s.metric.isin(["p0", "p1", "watts"])].copy()
for c in ["mean", "ci_low", "ci_high", "diff_mean", "diff_ci_low", "diff_ci_high"]:
    final[c] = 100 * final[c]
table = final.pivot(index="scenario", columns="metric", values=["mean", "diff_mean"])
table.round(3)
"""),
    code("""
diff = final[final.metric == "p1"].set_index("scenario")[
    ["diff_mean", "diff_ci_low", "diff_ci_high", "diff_n"]
]
diff.round(3)
"""),
    md("""
## Figures

Left: the headcount over time, the mean of the replicates with the range they span. Right: the
paired difference in the final poverty gap from `competition`, with its 95% interval (below
zero is better than competition).
"""),
    code("""
COLOURS = {"competition": "#0072B2", "pooled_funding": "#E69F00", "full_synergy": "#009E73"}
ts = results.timeseries
fig, ax = plt.subplots(1, 2, figsize=(11, 3.8))
for name, g in ts.groupby("scenario"):
    by_month = g.groupby("month").p0
    colour = COLOURS.get(name)
    ax[0].plot(by_month.mean().index, 100 * by_month.mean(), label=name, color=colour)
    ax[0].fill_between(
        by_month.mean().index, 100 * by_month.min(), 100 * by_month.max(), alpha=0.2, color=colour
    )
ax[0].set(title="Headcount P0 (mean and range of replicates)", xlabel="month", ylabel="%")
ax[0].legend()

others = diff.drop(index="competition", errors="ignore").dropna(subset=["diff_mean"])
y = range(len(others))
ax[1].errorbar(
    others.diff_mean,
    list(y),
    xerr=[others.diff_mean - others.diff_ci_low, others.diff_ci_high - others.diff_mean],
    fmt="o",
    color="#D55E00",
    capsize=4,
)
ax[1].axvline(0, color="grey", lw=1)
ax[1].set_yticks(list(y), others.index)
ax[1].set(title="Final P1 minus competition (95% CI)", xlabel="P1 x 100")
fig.tight_layout()
plt.show()
"""),
    md("""
The batch's own report sits beside the data: open `report.md` (or `report.html`) in the results
folder for the brief-ready sentences, the full tables and the report's figures.
"""),
    code("""
sorted(p.name for p in Path(RESULTS).iterdir())
"""),
]

EXPLORE = [
    md("""
# 03 · Explore: change coordination cost or trust and see the effect

Move the sliders, pick a scenario and press **Run**: the notebook re-runs a small model (2,000
households, 36 months) with your settings and redraws its poverty gap P1 and its coalition
members next to `competition` on the same seed. The defaults are the scenario schema's.

* **coordination cost**: what each alliance member pays per month to coordinate (rupiah per
  member per 1,000 households represented);
* **trust threshold**: members leave the coalition when their trust falls below it;
* **transparency**: how openly members report money and results (x their own level); low
  transparency erodes trust;
* **awareness effect**: extra effectiveness of a pooled fund's joint campaign;
* **donor elasticity**: how much total giving responds to fundraising spend.

Without a live kernel (e.g. when this notebook is run in CI), the cell at the bottom draws the
defaults once.
"""),
    code("""
import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display

import sim
from sim.scenario import available_scenarios

SIZE = {"population.households": 2_000, "months": 36}
SEED = 1
defaults = sim.load_scenario("competition")

scenario = widgets.Dropdown(
    options=[s for s in available_scenarios() if s not in ("competition", "no_programs")],
    value="pooled_funding",
    description="scenario",
)
coordination_cost = widgets.FloatSlider(
    value=defaults.cooperation.alliance.coordination_cost,
    min=0,
    max=150_000,
    step=5_000,
    description="coord. cost",
)
trust_threshold = widgets.FloatSlider(
    value=defaults.cooperation.trust.threshold, min=0, max=1, step=0.05, description="trust thr."
)
transparency = widgets.FloatSlider(
    value=defaults.cooperation.trust.transparency_multiplier,
    min=0,
    max=2,
    step=0.05,
    description="transparency",
)
awareness = widgets.FloatSlider(
    value=defaults.cooperation.pool.awareness_effect,
    min=0,
    max=1,
    step=0.05,
    description="awareness",
)
elasticity = widgets.FloatSlider(
    value=defaults.donors.elasticity, min=0, max=1, step=0.05, description="donor elast."
)
run_button = widgets.Button(description="Run", button_style="primary")
output = widgets.Output()
"""),
    code("""
_reference = {}


def competition_run(donor_elasticity):
    \"\"\"The reference run on the same seed (cached: it depends on donor elasticity only).\"\"\"
    if donor_elasticity not in _reference:
        sc = sim.load_scenario(
            "competition", overrides={**SIZE, "donors.elasticity": donor_elasticity}
        )
        _reference[donor_elasticity] = sim.PovertyModel(sc, rng=SEED).run().timeseries()
    return _reference[donor_elasticity]


def redraw(_button=None):
    \"\"\"Re-run the chosen scenario with the sliders' values and redraw.\"\"\"
    overrides = {
        **SIZE,
        "cooperation.alliance.coordination_cost": coordination_cost.value,
        "cooperation.trust.threshold": trust_threshold.value,
        "cooperation.trust.transparency_multiplier": transparency.value,
        "cooperation.pool.awareness_effect": awareness.value,
        "donors.elasticity": elasticity.value,
    }
    ts = sim.PovertyModel(sim.load_scenario(scenario.value, overrides=overrides), rng=SEED)
    ts = ts.run().timeseries()
    ref = competition_run(elasticity.value)
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.5))
    ax[0].plot(ref.month, 100 * ref.p1, color="#0072B2", label="competition")
    ax[0].plot(ts.month, 100 * ts.p1, color="#E69F00", label=scenario.value)
    ax[0].set(title="Poverty gap P1", xlabel="month", ylabel="index x 100")
    ax[0].legend()
    ax[1].step(ref.month, ref.coalition_members, color="#0072B2", label="competition")
    ax[1].step(ts.month, ts.coalition_members, color="#E69F00", label=scenario.value)
    ax[1].set(title="Coalition members", xlabel="month", ylabel="institutions")
    ax[1].set_ylim(bottom=0)
    gap = 100 * (ts.p1.iloc[-1] - ref.p1.iloc[-1])
    months = SIZE["months"]
    fig.suptitle(f"{scenario.value} minus competition after {months} months: {gap:+.3f} P1 points")
    fig.tight_layout()
    if _button is None:  # called from a cell (a headless run too): the figure is the cell's output
        plt.show()
    else:  # the Run button: redraw inside the widget's output area
        with output:
            output.clear_output(wait=True)
            plt.show()
    plt.close(fig)
    return gap


run_button.on_click(redraw)
sliders = [coordination_cost, trust_threshold, transparency, awareness, elasticity]
display(widgets.VBox([scenario, *sliders, run_button]), output)
"""),
    code("""
gap = redraw()  # the defaults, drawn once (what a headless run shows)
print(f"{scenario.value} minus competition, final P1: {gap:+.3f} points")
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
# 04 · Sensitivity: how the pooled-vs-competition difference moves along two parameters

The advantage of a pooled fund over competition depends on assumptions. Two matter most for
money: the **awareness effect** of the joint campaign (`cooperation.pool.awareness_effect`) and
the **donor elasticity** (`donors.elasticity`: how much total giving grows with fundraising
spend). This notebook runs a 3 x 3 grid of the two, and in each cell the paired difference of
the final poverty gap, `pooled_funding` minus `competition`, on the same seeds.

The size is tiny (2,000 households, 36 months, 2 seeds a cell: about 10 seconds), so the map
shows the direction of the effect, not its precise value. For a study, use `run_scenarios.py`
with `--sweep` and more replicates.
"""),
    code("""
import matplotlib.pyplot as plt
import numpy as np

import sim

SIZE = {"population.households": 2_000, "months": 36}
SEEDS = [1, 2]
AWARENESS = [0.0, 0.2, 0.5]
ELASTICITY = [0.0, 0.3, 0.6]


def final_p1(name, overrides, seed):
    sc = sim.load_scenario(name, overrides={**SIZE, **overrides})
    return sim.PovertyModel(sc, rng=seed).run().timeseries().p1.iloc[-1]


# competition has no joint campaign: it depends on donor elasticity only
reference = {
    (e, s): final_p1("competition", {"donors.elasticity": e}, s) for e in ELASTICITY for s in SEEDS
}
difference = np.zeros((len(AWARENESS), len(ELASTICITY)))
for i, a in enumerate(AWARENESS):
    for j, e in enumerate(ELASTICITY):
        over = {"cooperation.pool.awareness_effect": a, "donors.elasticity": e}
        paired = [final_p1("pooled_funding", over, s) - reference[(e, s)] for s in SEEDS]
        difference[i, j] = 100 * np.mean(paired)
difference.round(4)
"""),
    md("""
## The heat map

Each cell is the mean paired difference in the final P1 (x 100, BPS index points). Below zero
(purple) the pooled fund leaves a smaller poverty gap than competition; above zero (orange) a
larger one.
"""),
    code("""
limit = max(np.abs(difference).max(), 1e-9)
fig, ax = plt.subplots(figsize=(5.5, 4.5))
im = ax.imshow(difference, cmap="PuOr_r", vmin=-limit, vmax=limit, origin="lower")
ax.set_xticks(range(len(ELASTICITY)), [str(e) for e in ELASTICITY])
ax.set_yticks(range(len(AWARENESS)), [str(a) for a in AWARENESS])
ax.set(xlabel="donor elasticity", ylabel="joint-campaign awareness effect")
ax.set_title("Final P1: pooled funding minus competition (x 100)")
for i in range(len(AWARENESS)):
    for j in range(len(ELASTICITY)):
        ax.text(j, i, f"{difference[i, j]:+.3f}", ha="center", va="center", fontsize=9)
fig.colorbar(im, ax=ax, label="P1 points (negative: pooled is better)")
fig.tight_layout()
plt.show()
"""),
    md("""
Reading it: along the awareness axis only the pooled fund changes, so the rows show what the
joint campaign buys. Along the elasticity axis both scenarios change, since fundraising spend
matters more for competing institutions when giving responds to it.
"""),
    md("""
## Which assumptions matter most: a Morris screening

`sim.analysis.sensitivity.morris` moves every uncertain parameter within its documented range (Morris
elementary effects, SALib) and ranks the parameters by `mu_star`, the mean absolute effect on
an outcome. At this tiny size (1,000 households, 12 months, 2 trajectories: a few seconds) the
ranking is a sketch; `python -m sim.sensitivity morris` runs the full screening.
"""),
    code("""
from sim.analysis import sensitivity, sensitivity_outputs

screening = sensitivity.morris(trajectories=2, households=1_000, months=12, seed=0)
ranked = screening[screening["outcome"] == "pooled_minus_competition_p1"]
ranked[["rank", "parameter", "mu_star", "mu_star_conf", "mu", "sigma"]].head(10)
"""),
    md("""
The full screening (2,000 households, 120 months, 10 trajectories, seed 0; the command is in
`docs/VALIDATION.md`) is kept in `docs/sensitivity/morris.csv`. Its ranking, with the 95%
confidence interval of each `mu_star`, for all four headline outcomes:
"""),
    code("""
from pathlib import Path

import pandas as pd

here = Path.cwd()
root = next(p for p in (here, *here.parents) if (p / "docs" / "sensitivity").is_dir())
full = pd.read_csv(root / "docs" / "sensitivity" / "morris.csv")
fig = sensitivity_outputs.plot_ranked(full, "mu_star", "mu_star_conf")
full.groupby("outcome").head(3)[["outcome", "rank", "parameter", "mu_star_relative"]]
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
