"""Money a planner can type: rupiah for the region, implausible amounts, the roster, --baseline."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

import sim
from sim import batch
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.money import (
    MAX_SHARE_OF_CONSUMPTION,
    gb2_mean,
    regional_consumption,
    rupiah,
)

ROOT = Path(__file__).resolve().parent.parent
HOUSEHOLDS = 612_345
"""A region's real number of households (not a round number, so conversions are not exact by
luck)."""


def _cli():
    spec = importlib.util.spec_from_file_location("run_scenarios_cli", ROOT / "run_scenarios.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text)
    return path


PLANNER = f"""extends = "competition"
[population]
households_represented = {HOUSEHOLDS}
[donors]
giving_rp_per_year = 1.2e10
[business]
csr_funds_rp_per_year = 6e9
[[institutions]]
name = "scholarship_foundation"
budget_rp = 2.5e9
[[institutions]]
name = "baznas_kabupaten"
theme = "social_assistance"
programme = "cash_transfer"
zakat_eligible = true
budget_rp = 1e9
fundraising_effort_rp_per_year = 3e8
"""


# --------------------------------------------------------------------------------------------
# (a) rupiah for the region, converted at the region's size
# --------------------------------------------------------------------------------------------


def test_rupiah_for_the_region_convert_exactly_at_its_size(tmp_path):
    sc = load_scenario(write(tmp_path, "planner", PLANNER))
    scale = HOUSEHOLDS / 1000
    by_name = {i.name: i for i in sc.institutions}
    assert by_name["scholarship_foundation"].budget * scale == pytest.approx(2.5e9, rel=1e-12)
    assert by_name["baznas_kabupaten"].budget * scale == pytest.approx(1e9, rel=1e-12)
    assert by_name["baznas_kabupaten"].fundraising_effort * 12 * scale == pytest.approx(
        3e8, rel=1e-12
    )
    assert sc.donors.giving * 12 * scale == pytest.approx(1.2e10, rel=1e-12)
    assert sc.business.csr_funds * 12 * scale == pytest.approx(6e9, rel=1e-12)
    # the resolved scenario holds per-1,000 values and says where they came from
    note = sc.converted_from_rupiah["institutions.scholarship_foundation.budget"]
    assert (note.written, note.rupiah, note.households_represented) == (
        "budget_rp",
        2.5e9,
        HOUSEHOLDS,
    )
    assert note.value == by_name["scholarship_foundation"].budget
    assert sc.converted_from_rupiah["donors.giving"].written == "giving_rp_per_year"
    dumped = sc.model_dump(mode="json")
    assert "budget_rp" not in json.dumps(dumped["institutions"])
    # the same amounts written per 1,000 households compute the same: the same content hash
    per_1000 = {
        "donors.giving": sc.donors.giving,
        "business.csr_funds": sc.business.csr_funds,
    }
    same = load_scenario(
        write(
            tmp_path,
            "per_1000",
            PLANNER.replace("giving_rp_per_year = 1.2e10", f"giving = {sc.donors.giving!r}")
            .replace("csr_funds_rp_per_year = 6e9", f"csr_funds = {sc.business.csr_funds!r}")
            .replace("budget_rp = 2.5e9", f"budget = {by_name['scholarship_foundation'].budget!r}")
            .replace("budget_rp = 1e9", f"budget = {by_name['baznas_kabupaten'].budget!r}")
            .replace(
                "fundraising_effort_rp_per_year = 3e8",
                f"fundraising_effort = {by_name['baznas_kabupaten'].fundraising_effort!r}",
            ),
        )
    )
    assert same.converted_from_rupiah == {} and same.donors.giving == per_1000["donors.giving"]
    assert same.content_hash() == sc.content_hash()
    # a resolved scenario validates again to itself (what a worker receives)
    again = sim.Scenario.model_validate(dumped)
    assert again.content_hash() == sc.content_hash()
    assert again.converted_from_rupiah == sc.converted_from_rupiah


def test_the_run_books_the_rupiah_written(tmp_path):
    over = {"population.households": 200, "months": 1}
    sc = load_scenario(write(tmp_path, "planner", PLANNER), overrides=over)
    ledger = sim.PovertyModel(sc, rng=1).run().ledger()
    booked = ledger[ledger["raised_budget"] > 0].set_index("institution")["raised_budget"]
    assert booked["scholarship_foundation"] == pytest.approx(2.5e9, rel=1e-9)
    assert booked["baznas_kabupaten"] == pytest.approx(1e9, rel=1e-9)


def test_the_absolute_form_follows_the_households_represented_it_is_run_at(tmp_path):
    path = write(tmp_path, "planner", PLANNER)
    big = load_scenario(path, overrides={"population.households_represented": 2 * HOUSEHOLDS})
    small = load_scenario(path)
    assert big.donors.giving == pytest.approx(small.donors.giving / 2, rel=1e-12)


def test_a_form_written_replaces_the_other_inherited_and_overrides_do_too(tmp_path):
    # roster_2024 writes budget per 1,000; the child's budget_rp replaces it (no "both")
    sc = load_scenario(write(tmp_path, "planner", PLANNER))
    assert "institutions.scholarship_foundation.budget" in sc.converted_from_rupiah
    # an override in one form replaces the file's other form, and the record goes with it
    over = load_scenario(write(tmp_path, "p2", PLANNER), overrides={"donors.giving": 5_000_000.0})
    assert over.donors.giving == 5_000_000.0 and "donors.giving" not in over.converted_from_rupiah
    back = load_scenario("competition", overrides={"donors.giving_rp_per_year": 3e10})
    assert back.donors.giving * 12 * 300 == pytest.approx(3e10, rel=1e-12)


def test_both_forms_of_one_amount_is_an_error_naming_the_field(tmp_path):
    path = write(
        tmp_path,
        "both",
        'extends = "competition"\n[donors]\ngiving = 1.0\ngiving_rp_per_year = 1e10\n',
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    text = str(err.value)
    assert len(text.splitlines()) == 1 and text.startswith(str(path))
    assert "'donors.giving_rp_per_year'" in text and "not both" in text
    # in a roster entry, and in overrides
    path = write(
        tmp_path,
        "both_roster",
        'extends = "competition"\n[[institutions]]\nname = "zakat_agency"\nbudget = 1.0\n'
        "budget_rp = 5e8\n",
    )
    with pytest.raises(ScenarioError, match=r"field 'institutions\.0\.budget_rp'.*not both"):
        load_scenario(path)
    with pytest.raises(ScenarioError, match=r"^overrides: field 'business\.csr_funds_rp_per_year'"):
        load_scenario(
            "competition",
            overrides={"business.csr_funds": 1.0, "business.csr_funds_rp_per_year": 1e9},
        )
    with pytest.raises(ValueError, match="not both"):  # straight into the schema
        sim.Scenario.model_validate({"donors": {"giving": 1.0, "giving_rp_per_year": 1e9}})


def test_the_wrong_time_basis_points_to_the_right_name(tmp_path):
    path = write(
        tmp_path,
        "wrong",
        'extends = "competition"\n[[institutions]]\nname = "zakat_agency"\n'
        "budget_rp_per_year = 2.5e9\n",
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    text = str(err.value)
    assert "'institutions.7.budget_rp_per_year'" in text and "write budget_rp" in text
    with pytest.raises(ScenarioError, match="write giving_rp_per_year"):
        load_scenario("competition", overrides={"donors.giving_rp": 1e9})


# --------------------------------------------------------------------------------------------
# (b) implausible money is refused with the figure it implies
# --------------------------------------------------------------------------------------------


def test_gb2_mean_is_the_mean_of_the_fitted_distribution():
    from sim.analysis.calibration import gb2_quantiles

    sc = load_scenario("competition")
    # mean = integral of the quantile function over (0, 1); u = 1 - t^2 takes out the
    # singularity of the upper tail (quantile ~ (1 - u)^(-1 / aq)), midpoints in t
    t = (np.arange(50_000) + 0.5) / 50_000
    for d in (sc.calibration.urban, sc.calibration.rural):
        numeric = (gb2_quantiles(d.a, d.scale, d.p, d.q, 1 - t**2) * 2 * t).mean()
        assert gb2_mean(d) == pytest.approx(numeric, rel=1e-3)
    heavy = sc.calibration.urban.model_copy(update={"q": 0.3})  # a x q < 1: no mean
    assert gb2_mean(heavy) == np.inf


def test_an_amount_above_the_bound_is_refused_with_the_yearly_rupiah_it_implies(tmp_path):
    cons = regional_consumption(load_scenario("competition"))
    bound = MAX_SHARE_OF_CONSUMPTION * cons.per_year
    # Rp 1.45 M a month per person, 3.7 persons: consumption of Rp 19 T a year at 300,000
    assert 1.0e6 < cons.per_capita_month < 2.0e6 and 3.6 < cons.persons_per_household < 3.8
    path = write(
        tmp_path, "big", 'extends = "competition"\n[business]\ncsr_funds_rp_per_year = 5e13\n'
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    text = str(err.value)
    assert len(text.splitlines()) == 1 and text.startswith(str(path))
    assert "'business.csr_funds_rp_per_year'" in text and "implausible" in text
    assert rupiah(5e13) in text and rupiah(bound) in text and rupiah(cons.per_year) in text
    # per 1,000 households too: Rp 1 B a month per 1,000 households is Rp 3.6 T a year here
    with pytest.raises(ScenarioError) as err:
        load_scenario("competition", overrides={"donors.giving": 1e9})
    assert "'donors.giving'" in str(err.value) and rupiah(1e9 * 12 * 300) in str(err.value)
    # an opening balance counts once; just under the bound loads
    under = bound * 0.99 / 300
    assert load_scenario("competition", overrides={"donors.giving": under / 12}).donors.giving
    with pytest.raises(ScenarioError, match="opening balance, counted once"):
        load_scenario(
            write(
                tmp_path,
                "rich",
                'extends = "competition"\n[[institutions]]\nname = "zakat_agency"\n'
                f"budget_rp = {bound * 1.01!r}\n",
            )
        )


def test_the_bound_is_that_of_the_households_the_scenario_runs_at(tmp_path):
    # Rp 5 T a year is above the bound at the file's 300,000 households, not at 10 million
    path = write(
        tmp_path, "large", 'extends = "competition"\n[donors]\ngiving_rp_per_year = 5e12\n'
    )
    with pytest.raises(ScenarioError, match="implausible"):
        load_scenario(path)
    sc = load_scenario(path, overrides={"population.households_represented": 10_000_000})
    assert sc.donors.giving * 12 * 10_000 == pytest.approx(5e12, rel=1e-12)


def test_negative_or_non_numeric_rupiah_are_refused(tmp_path):
    for value in ("-5e9", '"lots"', "true"):
        path = write(
            tmp_path, "neg", f'extends = "competition"\n[donors]\ngiving_rp_per_year = {value}\n'
        )
        with pytest.raises(ScenarioError, match=r"'donors\.giving_rp_per_year': must be a number"):
            load_scenario(path)


def test_the_readme_example_loads(tmp_path):
    readme = (ROOT / "README.md").read_text()
    block = readme.split("**Money a planner can type.**", 1)[1].split("```toml\n", 1)[1]
    text = block.split("```", 1)[0].replace('region = "NUSA TENGGARA TIMUR"\n', "")
    sc = load_scenario(write(tmp_path, "readme", text))
    assert sc.institutions[-1].name == "baznas_ntt"
    assert {i.name: i.budget for i in sc.institutions}["zakat_agency"] * 300 == pytest.approx(2.5e9)


def test_every_shipped_scenario_is_plausible():
    for name in sim.scenario.available_scenarios():
        load_scenario(name)  # raises if any amount were refused


# --------------------------------------------------------------------------------------------
# (c) the roster merges by name unless replaced
# --------------------------------------------------------------------------------------------


def test_institutions_merge_by_name(tmp_path):
    base = load_scenario("competition")
    sc = load_scenario(
        write(
            tmp_path,
            "merge",
            'extends = "competition"\n[[institutions]]\nname = "education_ngo"\n'
            "capacity = 9.0\n[[institutions]]\nname = "
            '"new_one"\ntheme = "health"\nprogramme = "clinic"\n',
        )
    )
    names = [i.name for i in base.institutions]
    assert [i.name for i in sc.institutions] == [*names, "new_one"]
    old = {i.name: i for i in base.institutions}["education_ngo"]
    new = {i.name: i for i in sc.institutions}["education_ngo"]
    assert new.capacity == 9.0
    assert new.model_dump(exclude={"capacity"}) == old.model_dump(exclude={"capacity"})
    # overrides merge the same way
    over = load_scenario(
        "competition", overrides={"institutions": [{"name": "zakat_agency", "capacity": 1.0}]}
    )
    assert len(over.institutions) == len(base.institutions)
    assert {i.name: i.capacity for i in over.institutions}["zakat_agency"] == 1.0


def test_institutions_replace_replaces_the_roster(tmp_path):
    text = (
        'extends = "competition"\ninstitutions_replace = true\n[[institutions]]\n'
        'name = "only_one"\ntheme = "health"\nprogramme = "clinic"\n'
    )
    sc = load_scenario(write(tmp_path, "replace", text))
    assert [i.name for i in sc.institutions] == ["only_one"]
    over = load_scenario(
        "competition",
        overrides={
            "institutions_replace": True,
            "institutions": [{"name": "solo", "theme": "health", "programme": "clinic"}],
        },
    )
    assert [i.name for i in over.institutions] == ["solo"]
    path = write(tmp_path, "bad", 'extends = "competition"\ninstitutions_replace = "yes"\n')
    with pytest.raises(ScenarioError, match=r"field 'institutions_replace': must be true"):
        load_scenario(path)


def test_a_name_repeated_in_one_file_is_still_a_duplicate(tmp_path):
    text = 'extends = "competition"\n' + '[[institutions]]\nname = "zakat_agency"\n' * 2
    path = write(tmp_path, "dup", text)
    with pytest.raises(ScenarioError, match=r"field 'institutions': 'zakat_agency' twice") as err:
        load_scenario(path)
    assert str(err.value).startswith(str(path))


# --------------------------------------------------------------------------------------------
# (d) --show and --baseline
# --------------------------------------------------------------------------------------------


def test_show_prints_the_merged_roster_in_rupiah_and_per_1000(tmp_path, capsys):
    path = write(tmp_path, "planner", PLANNER)
    rc = _cli().main([str(path), "--show"])
    out = capsys.readouterr().out
    assert rc == 0
    assert f"money at {HOUSEHOLDS:,} households represented" in out
    assert "roster: 10 institutions" in out
    line = next(x for x in out.splitlines() if x.startswith("#   scholarship_foundation"))
    assert "opening balance Rp 2.5 B" in line and "from budget_rp" in line
    assert "baznas_kabupaten" in out and "converted_from_rupiah" in out


def test_baseline_flag_chooses_the_value_for_money_baseline(tmp_path):
    fast = write(
        tmp_path,
        "faster_growth",
        'extends = "no_programs"\n[income]\ngrowth_annual = 0.30\n',
    )
    plan = batch.plan_batch(["no_programs", str(fast)], reps=1, baseline="faster_growth")
    assert plan.baseline == "faster_growth" and plan.arguments["baseline"] == "faster_growth"
    default = batch.plan_batch(["no_programs", str(fast)], reps=1)
    assert default.baseline == "no_programs" and "baseline" not in default.arguments
    with pytest.raises(batch.BatchInputError, match=r"--baseline nope: not a scenario"):
        batch.plan_batch(["no_programs"], reps=1, baseline="nope")
    out = batch.run_batch(
        ["no_programs", str(fast)],
        reps=2,
        households=300,
        months=3,
        workers=1,
        out=tmp_path / "out",
        progress=False,
        baseline="faster_growth",
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["baseline_for_value_for_money"] == "faster_growth"
    assert manifest["baseline_requested"] == "faster_growth"
    s = batch.load_results(out).summary
    vfm = s[s["statistic"] == "value_for_money"]
    assert set(vfm["scenario"]) == {"no_programs"} and set(vfm["reference"]) == {"faster_growth"}
    assert "against faster_growth" in (out / "report.md").read_text()


def test_unknown_baseline_exits_2_in_one_line(capsys):
    rc = _cli().main(["no_programs", "--baseline", "nope", "--show"])
    err = capsys.readouterr().err
    assert rc == 2 and len(err.strip().splitlines()) == 1
    assert "--baseline nope" in err and "no_programs" in err
