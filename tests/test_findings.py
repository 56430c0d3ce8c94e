"""The one-page summary: numbers rounded to their CI, ranked findings, quotable sentences."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.report.document import Document
from sim.report.findings import MAX_FINDINGS, differences, select_findings
from sim.report.folder import ReportData
from sim.report.rounding import decimals_for, rounded_interval
from sim.report.summary_page import add_summary
from sim.report.text import t
from sim.stats import SUMMARY_COLUMNS, holm

# --------------------------------------------------------------------------------------------
# Rounding to what the CI supports
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("half", "value", "decimals"),
    [
        (0.083, None, 2),  # one significant digit of the half-width: 0.08
        (0.15, None, 2),  # a leading 1 keeps two: 0.15, not 0.2
        (0.95, None, 1),
        (2.1, None, 0),
        (14.0, None, 0),
        (68.0, None, 0),  # the half-width's digit sits in the tens: whole numbers still
        (0.0004, None, 4),
        (0.0999999, None, 2),
        (math.nan, 0.0123, 3),  # no interval: two significant digits of the value
        (0.0, 4.5, 1),
        (None, 0.0, 0),
        (1e-12, None, 6),  # capped
    ],
)
def test_decimals_follow_the_ci_half_width(half, value, decimals) -> None:
    assert decimals_for(half, value) == decimals


def test_rounded_interval_in_points_and_languages() -> None:
    # The example: no_programs - competition, P0, 0.344 [0.261, 0.427] points.
    assert rounded_interval(0.00344, 0.00261, 0.00427, "en", 100) == ("0.34", "0.26", "0.43")
    assert rounded_interval(0.00344, 0.00261, 0.00427, "id", 100) == ("0,34", "0,26", "0,43")
    assert rounded_interval(5.2, 2.4, 8.0) == ("5", "2", "8")
    assert rounded_interval(2.04, 0.13, 3.95) == ("2.0", "0.1", "4.0")  # half-width 1.9
    assert rounded_interval(1234.5, 1200.0, 1269.0) == ("1,234", "1,200", "1,269")
    assert rounded_interval(1234.5, 1200.0, 1269.0, "id") == ("1.234", "1.200", "1.269")


@given(
    mean=st.floats(-1e3, 1e3, allow_nan=False),
    half=st.floats(1e-5, 1e3, allow_nan=False),
)
def test_an_interval_never_collapses_and_keeps_its_width(mean: float, half: float) -> None:
    text = rounded_interval(mean, mean - half, mean + half)
    low, high = (float(x.replace(",", "")) for x in text[1:])
    assert text[1] != text[2]  # never "0.00 (0.00 to 0.00)"
    shown = (high - low) / 2
    assert 0.5 * half <= shown <= 1.5 * half


# --------------------------------------------------------------------------------------------
# A made-up batch: a reference, detectable and undetectable differences, money, population
# --------------------------------------------------------------------------------------------

REF_LEVEL = {"p0": 0.09, "p1": 0.013, "p2": 0.0035}
MONTHS = 120
SPENT = {"ref": 9.0e11, "a": 9.2e11, "b": 8.8e11, "c": 9.1e11}


def _row(scenario: str, metric: str, statistic: str, mean: float, **diff) -> dict:
    row = {
        "scenario": scenario,
        "region": "NUSA TENGGARA TIMUR",
        "metric": metric,
        "statistic": statistic,
        "n": 20,
        "mean": mean,
        "sd": 0.001,
        "ci_low": mean - 0.002,
        "ci_high": mean + 0.002,
        "reference": "",
        "diff_n": 0,
        "diff_mean": math.nan,
        "diff_ci_low": math.nan,
        "diff_ci_high": math.nan,
        "p_value": math.nan,
        "p_holm": math.nan,
    }
    if diff:
        d, half, p = diff["d"], diff["half"], diff["p"]
        row.update(
            reference="ref",
            diff_n=20,
            diff_mean=d,
            diff_ci_low=d - half,
            diff_ci_high=d + half,
            p_value=p / 10,
            p_holm=p,
        )
    return row


def _data(
    folder: Path,
    diffs: dict[str, dict[str, tuple[float, float, float]]],
    regions: tuple[str, ...] = ("NUSA TENGGARA TIMUR",),
) -> ReportData:
    """``diffs``: scenario -> metric -> (difference, CI half-width, Holm p), all fractions.

    Over several ``regions`` the region is swept (a key), with the same differences in each.
    """
    names = ["ref", *diffs]
    swept = len(regions) > 1
    rows = []
    for region in regions:
        for s in names:
            for m, level in REF_LEVEL.items():
                if s == "ref":
                    rows.append(_row(s, m, "final", level) | {"region": region})
                else:
                    d, half, p = diffs[s][m]
                    row = _row(s, m, "final", level + d, d=d, half=half, p=p)
                    rows.append(row | {"region": region})
            spent = SPENT.get(s, 5e11)
            rows.append(_row(s, "spent_transfers", "run_mean", spent / MONTHS) | {"region": region})
    summary = pd.DataFrame(rows, columns=["scenario", "region", *SUMMARY_COLUMNS])
    manifest = {
        "reps": 20,
        "reference": "ref",
        "baseline_for_value_for_money": "no_programs",
        "sweep_keys": ["region"] if swept else [],
        "scenarios": [
            {
                "scenario": s,
                "sweep": {"region": r} if swept else {},
                "content_hash": f"{s}-{r}",
                "households": 10_000,
                "months": MONTHS,
            }
            for r in regions
            for s in names
        ],
    }
    resolved = {
        f"{s}-{r}": {
            "population": {"households": 10_000, "households_represented": 1_371_200 + i},
            "region": r,
        }
        for i, r in enumerate(regions)
        for s in names
    }
    keys = ["scenario", "region"] if swept else ["scenario"]
    return ReportData(folder, manifest, summary, keys, pd.DataFrame(), resolved)


NOT = (0.0001, 0.0003, 1.0)
"""An undetectable difference: (difference, half-width, Holm p)."""


def _mixed(folder: Path) -> ReportData:
    return _data(
        folder,
        {
            # a: P0 -0.4 points of 9 (4.4%), P1 -0.06 of 1.3 (4.6%), P2 not detectable
            "a": {"p0": (-0.004, 0.001, 0.001), "p1": (-0.0006, 0.0002, 0.0004), "p2": NOT},
            "b": {"p0": NOT, "p1": NOT, "p2": NOT},
            # c: P0 +0.9 points (10%): the largest, a rise
            "c": {"p0": (0.009, 0.002, 0.0001), "p1": NOT, "p2": NOT},
            # d: P2 -0.01 points of 0.35 (2.9%), raw p 0.0039: x 12 in Holm's step, 0.047
            "d": {"p0": NOT, "p1": NOT, "p2": (-0.0001, 0.00005, 0.039)},
            # e: tiny P0 difference, raw p 0.0051 (x 11: 0.056): not detectable though its CI
            # is > 0
            "e": {"p0": (-0.0009, 0.0008, 0.051), "p1": NOT, "p2": NOT},
        },
    )


def test_findings_are_the_detectable_differences_ranked_by_relative_size(tmp_path: Path) -> None:
    found = select_findings(_mixed(tmp_path))
    assert [f.point["scenario"] for f in found.ranked] == ["c", "a", "d"]
    assert [d.metric for d in found.ranked[1].differences] == ["p0", "p1"]
    assert found.ranked[1].size == pytest.approx(0.0006 / 0.013)  # P1's 4.6%, not P0's 4.4%
    assert found.ranked[0].size == pytest.approx(0.009 / 0.09)
    undetectable = {(d.point["scenario"], d.metric) for d in found.undetectable}
    assert ("e", "p0") in undetectable and ("a", "p2") in undetectable
    assert len(undetectable) == 3 * 5 - 4
    assert found.family == 15 and found.compared and not found.more


def test_the_summary_adjusts_over_its_own_primary_family(tmp_path: Path) -> None:
    """Holm over the summary's final-month P0, P1 and P2 tests, not the batch's p_holm."""
    data = _mixed(tmp_path)
    raw = {
        (d.point["scenario"], d.metric): d
        for d in differences(data)  # already adjusted: compare with holm of the raw p-values
    }
    rows = data.summary[data.summary["reference"] == "ref"]
    expected = holm(rows["p_value"].to_numpy(dtype=float))
    got = [raw[(r["scenario"], r["metric"])].p_holm for _, r in rows.iterrows()]
    assert got == pytest.approx(list(expected))
    # the batch-wide p_holm (here: all 1) does not decide what the summary finds
    data.summary["p_holm"] = 1.0
    assert [f.point["scenario"] for f in select_findings(data).ranked] == ["c", "a", "d"]


def test_more_than_five_findings_keeps_five_and_counts_the_rest(tmp_path: Path) -> None:
    diffs = {
        f"s{i}": {"p0": (-0.001 * (i + 1), 0.0005, 0.001), "p1": NOT, "p2": NOT} for i in range(7)
    }
    found = select_findings(_data(tmp_path, diffs))
    assert len(found.ranked) == MAX_FINDINGS
    assert [f.point["scenario"] for f in found.ranked] == ["s6", "s5", "s4", "s3", "s2"]
    assert [f.point["scenario"] for f in found.more] == ["s1", "s0"]


def _page(data: ReportData, lang: str = "en") -> str:
    doc = Document()
    add_summary(doc, data, lang)
    return doc.markdown()


def _items(page: str) -> list[str]:
    return re.findall(r"^\d+\. (.*)$", page, flags=re.M)


def test_summary_page_opens_with_context_and_quotable_findings(tmp_path: Path) -> None:
    page = _page(_mixed(tmp_path))
    assert page.startswith("## Summary\n")
    assert page.count("\n## ") == 0  # one section
    assert "10,000 simulated households standing for 1,371,200 real households of " in page
    assert "10 years (120 months), March 2024 to March 2034" in page
    assert "Rp 920.0 bn" in page and "Rp 900.0 bn" in page  # money per scenario
    assert "after Holm's adjustment over the summary's 15 tests" in page
    items = _items(page)
    assert len(items) == 3
    for item in items:  # every finding stands alone
        assert item.startswith("In NUSA TENGGARA TIMUR (10,000 simulated households standing")
        assert "over 10 years" in item and "compared with ref" in item
        assert "of programme money over the run (ref: Rp 900.0 bn)" in item
        assert "simulation noise only" in item and "Holm-adjusted p" in item
    assert (
        "c raises the poverty headcount (P0) by 0.9 percentage points (95% CI 0.7 to 1.1; "
        in (items[0])
    )
    assert "Holm-adjusted p < 0.001" in items[0]
    assert (
        "a lowers the poverty headcount (P0) by 0.40 percentage points (95% CI 0.30 to 0.50; "
        "Holm-adjusted p 0.001) and the poverty gap index (P1) by 0.06 points (95% CI 0.04 to "
        "0.08; Holm-adjusted p < 0.001) compared with ref"
    ) in items[1]
    assert "Rp 920.0 bn" in items[1]


def test_the_verb_is_said_again_only_when_it_changes(tmp_path: Path) -> None:
    data = _data(
        tmp_path,
        {
            "a": {
                "p0": (-0.004, 0.001, 0.001),
                "p1": (-0.0006, 0.0002, 0.001),
                "p2": (0.0002, 0.0001, 0.01),
            }
        },
    )
    (item,) = _items(_page(data))
    assert "a lowers the poverty headcount (P0) by 0.40 percentage points" in item
    assert "Holm-adjusted p < 0.001), the poverty gap index (P1) by 0.06 points" in item
    assert "and raises the poverty severity index (P2) by 0.020 points" in item


def test_undetectable_differences_are_one_sentence_without_numbers(tmp_path: Path) -> None:
    page = _page(_mixed(tmp_path))
    sentences = [p for p in page.split("\n\n") if p.startswith("Not detectable")]
    assert len(sentences) == 1
    (sentence,) = sentences
    assert "a in P2; b in P0, P1 and P2; c in P1 and P2; d in P0 and P1; e in P0, P1 and P2" in (
        sentence
    )
    # no sizes, so "0.00 (0.00 to 0.00)" cannot appear: the only decimal is the threshold
    assert re.findall(r"\d\.\d+", sentence) == ["0.05"]


def test_nothing_detectable_is_the_one_item(tmp_path: Path) -> None:
    data = _data(tmp_path, {"a": {"p0": NOT, "p1": NOT, "p2": NOT}})
    items = _items(_page(data))
    assert len(items) == 1
    assert items[0].startswith("No difference from ref after 10 years is detectable")
    assert "20 replicates per scenario" in items[0]


def test_several_regions_name_the_region_of_each_finding(tmp_path: Path) -> None:
    diffs = {"a": {"p0": (-0.004, 0.001, 0.001), "p1": NOT, "p2": NOT}}
    page = _page(_data(tmp_path, diffs, ("NUSA TENGGARA TIMUR", "ACEH")))
    assert "2 regions (NUSA TENGGARA TIMUR and ACEH), each simulated by 10,000 households" in page
    assert "standing for 1,371,200-1,371,201 real households" in page
    items = _items(page)
    assert [i.split(" (")[0] for i in items] == ["In NUSA TENGGARA TIMUR", "In ACEH"]
    assert "1,371,201 real ones" in items[1]
    assert "a (ACEH) in P1 and P2" in page  # the undetectable sentence names the region
    assert "a (NUSA TENGGARA TIMUR) Rp 920.0 bn" in page


def test_a_batch_without_comparisons_states_levels(tmp_path: Path) -> None:
    data = _data(tmp_path, {})
    data.manifest["reference"] = ""
    items = _items(_page(data))
    assert len(items) == 1
    assert "ref's poverty headcount (P0) is 9.0% (95% CI 8.8 to 9.2)" in items[0]


def test_summary_page_in_indonesian(tmp_path: Path) -> None:
    page = _page(_mixed(tmp_path), "id")
    ci = t("ci_short", "id")
    assert page.startswith("## Ringkasan\n")
    items = _items(page)
    assert len(items) == 3
    assert "10.000 rumah tangga simulasi yang mewakili 1.371.200 rumah tangga" in items[0]
    assert (
        f"menaikkan persentase penduduk miskin (P0) sebesar 0,9 persen poin ({ci} 0,7 s.d. 1,1"
        in (items[0])
    )
    assert "Rp 920,0 miliar" in items[1] and "indeks kedalaman kemiskinan (P1)" in items[1]
    assert "selama 10 tahun" in items[0]
    assert "Tidak terdeteksi" in page and "95% CI" not in page
