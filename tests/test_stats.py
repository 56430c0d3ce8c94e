"""Batch statistics against scipy and hand-worked examples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from sim import stats

X = np.array([0.091, 0.087, 0.095, 0.089, 0.093])
Y = np.array([0.094, 0.088, 0.099, 0.090, 0.097])  # the "reference", same replicates


def test_t_interval_matches_scipy():
    iv = stats.t_interval(X)
    low, high = sps.t.interval(0.95, len(X) - 1, loc=X.mean(), scale=sps.sem(X))
    assert iv.n == 5
    assert iv.mean == pytest.approx(X.mean(), abs=0, rel=1e-15)
    assert iv.sd == pytest.approx(X.std(ddof=1), rel=1e-15)
    assert (iv.low, iv.high) == pytest.approx((low, high), rel=1e-12)


def test_t_interval_drops_nan_and_handles_tiny_samples():
    iv = stats.t_interval([1.0, np.nan, 3.0])
    assert iv.n == 2 and iv.mean == 2.0
    one = stats.t_interval([4.0])
    assert one.n == 1 and one.mean == 4.0 and np.isnan(one.low) and np.isnan(one.sd)
    assert stats.t_interval([]).n == 0


def test_paired_comparison_matches_ttest_rel():
    c = stats.paired_comparison(X, Y)
    ref = sps.ttest_rel(X, Y)
    ci = ref.confidence_interval(0.95)
    assert c.n == 5
    assert c.mean == pytest.approx((X - Y).mean(), rel=1e-12)
    assert c.p_value == pytest.approx(ref.pvalue, rel=1e-12)
    assert (c.low, c.high) == pytest.approx((ci.low, ci.high), rel=1e-10)


def test_paired_comparison_drops_incomplete_pairs_and_undefined_tests():
    c = stats.paired_comparison([1.0, 2.0, np.nan, 4.0], [0.5, np.nan, 1.0, 3.0])
    assert c.n == 2 and c.mean == pytest.approx(0.75)
    same = stats.paired_comparison([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert same.mean == 0.0 and np.isnan(same.p_value)
    with pytest.raises(ValueError, match="length"):
        stats.paired_comparison([1.0, 2.0], [1.0])


def test_holm_hand_example():
    # sorted: 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04 -> monotone 0.06
    p = [0.01, 0.04, 0.03, 0.005]
    assert stats.holm(p) == pytest.approx([0.03, 0.06, 0.06, 0.02], rel=1e-12)


def test_holm_caps_at_one_skips_nan_and_keeps_shape():
    out = stats.holm([[0.5, np.nan], [0.2, 0.01]])
    assert out.shape == (2, 2)
    assert np.isnan(out[0, 1])
    # m = 3 finite: 0.01*3 = 0.03, 0.2*2 = 0.4, 0.5*1 = 0.5
    assert out[1, 1] == pytest.approx(0.03)
    assert out[1, 0] == pytest.approx(0.4)
    assert out[0, 0] == pytest.approx(0.5)
    assert stats.holm([0.6, 0.7])[0] == 1.0
    assert stats.holm([]).size == 0


def test_band_matches_t_interval_per_column():
    m = np.array([[1.0, 2.0, 3.0], [2.0, 2.5, np.nan], [4.0, 1.0, 5.0]])
    mean, low, high = stats.band(m)
    for j in range(3):
        iv = stats.t_interval(m[:, j])
        assert mean[j] == pytest.approx(iv.mean)
        assert low[j] == pytest.approx(iv.low) and high[j] == pytest.approx(iv.high)
    _, low1, _ = stats.band(m[:1])
    assert np.isnan(low1).all()


def _per_run():
    rows = []
    for scenario, values in (("ref", Y), ("alt", X)):
        for r, v in enumerate(values):
            rows.append(
                {"scenario": scenario, "replicate": r, "statistic": "final", "p0": v, "w": 2 * v}
            )
    return pd.DataFrame(rows)


def test_summarise_pairs_with_the_reference_and_adjusts_over_the_whole_table():
    s = stats.summarise(_per_run(), ["scenario"], "ref", ["p0", "w"])
    assert list(s.columns) == ["scenario", *stats.SUMMARY_COLUMNS]
    assert list(s["scenario"]) == ["ref", "ref", "alt", "alt"]
    ref_rows = s[s["scenario"] == "ref"]
    assert (ref_rows["reference"] == "").all() and ref_rows["p_value"].isna().all()
    alt = s[(s["scenario"] == "alt") & (s["metric"] == "p0")].iloc[0]
    test = sps.ttest_rel(X, Y)
    assert alt["reference"] == "ref" and alt["diff_n"] == 5
    assert alt["diff_mean"] == pytest.approx((X - Y).mean())
    assert alt["p_value"] == pytest.approx(test.pvalue)
    assert alt["mean"] == pytest.approx(X.mean())
    # two comparisons with the same p (w = 2 p0): Holm multiplies the smaller by 2
    assert alt["p_holm"] == pytest.approx(min(1.0, 2 * test.pvalue))


def test_summarise_pairs_by_replicate_not_by_row_order():
    per_run = _per_run()
    shuffled = per_run.sample(frac=1.0, random_state=1)
    a = stats.summarise(per_run, ["scenario"], "ref", ["p0"])
    b = stats.summarise(
        shuffled.sort_values("scenario", ascending=False), ["scenario"], "ref", ["p0"]
    )
    alt_a = a[a["scenario"] == "alt"].iloc[0]
    alt_b = b[b["scenario"] == "alt"].iloc[0]
    assert alt_a["p_value"] == pytest.approx(alt_b["p_value"])
    assert alt_a["diff_mean"] == pytest.approx(alt_b["diff_mean"])


def test_summarise_compares_at_the_same_sweep_point():
    rows = []
    for k in (1, 2):
        for scenario, shift in (("ref", 0.0), ("alt", 0.01 * k)):
            for r, v in enumerate(Y):
                rows.append(
                    {
                        "scenario": scenario,
                        "x": k,
                        "replicate": r,
                        "statistic": "final",
                        "p0": v + shift,
                    }
                )
    s = stats.summarise(pd.DataFrame(rows), ["scenario", "x"], "ref", ["p0"])
    alt = s[s["scenario"] == "alt"].set_index("x")
    assert alt.loc[1, "diff_mean"] == pytest.approx(0.01)
    assert alt.loc[2, "diff_mean"] == pytest.approx(0.02)


def test_summarise_samples_has_the_summary_shape():
    samples = pd.DataFrame(
        {"scenario": ["a"] * 3, "replicate": [0, 1, 2], "statistic": "vfm", "gain": [1.0, 2.0, 3.0]}
    )
    s = stats.summarise_samples(samples, ["scenario"], ["gain"])
    assert list(s.columns) == ["scenario", *stats.SUMMARY_COLUMNS]
    row = s.iloc[0]
    assert row["n"] == 3 and row["mean"] == 2.0 and np.isnan(row["p_value"])
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(
        sps.t.interval(0.95, 2, loc=2.0, scale=sps.sem([1.0, 2.0, 3.0]))
    )
