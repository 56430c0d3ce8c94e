"""Batches over regions: ``--region`` (a sweep over the field ``region``), the region in
``summary.csv`` and ``runs.parquet``, an unknown region refused, and the report's regions.

The presets here are small stand-ins written by the test (a different scale and number of
households represented per region), so that the tests do not depend on the fitted presets of
``scenarios/regions/``; the machinery reads them exactly as it reads the fitted ones.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from sim import batch
from sim.report.document import Document
from sim.report.folder import read_folder
from sim.report.regions import add_region_table, bps_figures, region_figure

ROOT = Path(__file__).resolve().parent.parent
NTT = "NUSA TENGGARA TIMUR"
GORONTALO = "Gorontalo, GORONTALO"  # a kabupaten named like its province: a comma in the name
TINY = {"households": 300, "months": 3}
PRESETS = {
    ("provinces", "nusa_tenggara_timur"): (1_380_000, "rural = { scale = 420000.0 }"),
    ("districts", "gorontalo"): (105_000, "urban = { scale = 900000.0 }"),
}


def _load_cli():
    spec = importlib.util.spec_from_file_location("run_scenarios_cli", ROOT / "run_scenarios.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CLI = _load_cli()


@pytest.fixture(scope="module", autouse=True)
def presets(tmp_path_factory):
    """Stand-in presets for NTT and the kabupaten Gorontalo, in place of scenarios/regions/."""
    root = tmp_path_factory.mktemp("regions")
    for (level, slug), (represented, calibration) in PRESETS.items():
        (root / level).mkdir(exist_ok=True)
        (root / level / f"{slug}.toml").write_text(
            f"[population]\nhouseholds_represented = {represented}\n[calibration]\n{calibration}\n"
        )
    catalogue = sys.modules["sim.regions.catalogue"]  # sim.regions.catalogue is also a function
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(catalogue, "REGIONS_DIR", root)
        yield root


@pytest.fixture(scope="module")
def two_regions(presets, tmp_path_factory) -> Path:
    """competition and no_programs in NTT and in Gorontalo, 2 replicates, on the command line."""
    out = tmp_path_factory.mktemp("two") / "out"
    rc = CLI.main(
        ["competition", "no_programs", "--region", "ntt", "--region", GORONTALO, "--reps", "2"]
        + ["--households", str(TINY["households"]), "--months", str(TINY["months"])]
        + ["--workers", "1", "--no-progress", "--out", str(out)]
    )
    assert rc == 0
    return out


def test_region_flags_sweep_the_region_under_canonical_names():
    plan = batch.plan_batch(["competition"], reps=1, **TINY, regions=["ntt", GORONTALO, "5300"])
    assert plan.sweep_keys == ["region"]  # NTT named twice (short name, BPS code): once
    assert [p.region for p in plan.points] == [NTT, GORONTALO]
    assert [dict(p.sweep)["region"] for p in plan.points] == [NTT, GORONTALO]
    assert plan.points[0].config.population.households_represented == 1_380_000
    assert plan.points[1].config.population.households_represented == 105_000
    swept = batch.plan_batch(["competition"], reps=1, **TINY, sweep={"region": ["ntt"]})
    assert [p.region for p in swept.points] == [NTT]
    fixed = batch.plan_batch(["competition"], reps=1, **TINY, set={"region": "ntt"})
    assert fixed.sweep_keys == [] and fixed.points[0].region == NTT
    for other in ({"sweep": {"region": [NTT]}}, {"set": {"region": NTT}}):
        with pytest.raises(batch.BatchInputError, match="--region cannot be combined"):
            batch.plan_batch(["competition"], reps=1, **TINY, regions=[GORONTALO], **other)


def test_unknown_region_names_the_closest_in_one_line(tmp_path):
    with pytest.raises(batch.BatchInputError, match="closest: Nagan Raya") as info:
        batch.plan_batch(["competition"], reps=1, regions=["Atlantis Raya"])
    assert "\n" not in str(info.value)
    cmd = ["competition", "--region", "Atlantis Raya", "--reps", "1", "--households", "500"]
    r = subprocess.run(
        [
            sys.executable,
            str(ROOT / "run_scenarios.py"),
            *cmd,
            "--months",
            "2",
            "--out",
            str(tmp_path / "x"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    lines = (r.stdout + r.stderr).strip().splitlines()
    assert r.returncode == 2 and len(lines) <= 2 and "Traceback" not in r.stderr, r.stderr
    assert "--region" in r.stderr and "closest" in r.stderr
    assert not (tmp_path / "x").exists()


def test_show_names_each_points_region(capsys):
    assert CLI.main(["no_programs", "--set", "region=ntt", "--months", "2", "--show"]) == 0
    out = capsys.readouterr().out
    assert f"# scenario no_programs: region {NTT}," in out


def test_summary_and_runs_carry_the_region(two_regions, capsys):
    res = batch.load_results(two_regions)
    runs, summary = res.runs, res.summary
    assert list(runs.columns[:4]) == ["run_id", "scenario", "content_hash", "region"]
    assert runs.groupby("region").size().to_dict() == {NTT: 4, GORONTALO: 4}
    assert summary.columns[1] == "region" and set(summary["region"]) == {NTT, GORONTALO}
    for rid, region in zip(runs["run_id"], runs["region"], strict=True):
        assert batch.read_provenance(two_regions / "runs" / f"{rid}.parquet")["region"] == region
    # paired within a region: each region's no_programs against its own competition
    final = summary[(summary["statistic"] == "final") & (summary["metric"] == "p1")]
    diffs = final[final["scenario"] == "no_programs"].set_index("region")
    means = final.pivot(index="region", columns="scenario", values="mean")
    for region in (NTT, GORONTALO):
        expected = means.loc[region, "no_programs"] - means.loc[region, "competition"]
        assert diffs.loc[region, "diff_mean"] == pytest.approx(expected)
    CLI._print_table(two_regions, res.keys)
    table = capsys.readouterr().out
    assert "region" in table and f"{GORONTALO}  competition" in table


def test_a_batch_without_regions_is_in_indonesia(presets, tmp_path):
    out = batch.run_batch(["no_programs"], reps=1, **TINY, workers=1, out=tmp_path, progress=False)
    res = batch.load_results(out)
    assert set(res.summary["region"]) == {"INDONESIA"} and set(res.runs["region"]) == {"INDONESIA"}
    assert res.keys == ["scenario"]
    text = (out / "report.md").read_text()
    assert text.startswith(f"# Sinergi batch report: {out.name}, INDONESIA")
    assert "P0 9.03%" in text  # BPS March 2024, the nation


def test_report_has_the_region_table_and_figure_in_both_languages(two_regions):
    en = (two_regions / "report.md").read_text()
    assert "## Regions" in en and "figures/regions.png" in en
    assert (two_regions / "figures" / "regions.png").read_bytes()[:4] == b"\x89PNG"
    ntt = bps_figures(NTT)
    row = next(line for line in en.splitlines() if line.startswith(f"| {NTT} |"))
    assert f"| {ntt.p0:.2f} | {ntt.p1:.2f} | 1,380,000 | Competition |" in row
    assert "per Rp 1 billion of programme money" in en.split("## Regions")[1]
    data = read_folder(two_regions)
    doc = Document()
    add_region_table(doc, data, "id", "derau")
    md = doc.markdown()
    assert "## Wilayah" in md and f"| {GORONTALO} |" in md and "105.000" in md
    path = region_figure(data, two_regions / "figures" / "regions_id.png", "id")
    assert path is not None and path.read_bytes()[:4] == b"\x89PNG"
