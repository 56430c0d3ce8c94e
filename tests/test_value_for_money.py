"""Value for money over the whole run: discounted gap person-months and spending, by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import batch
from sim.measures.discounting import DISCOUNT_RATE_ANNUAL, discount_factors
from sim.measures.value_for_money import value_for_money_frames


def _series(p1, persons, poor, transfers=None, delivery=None, months=(0, 12, 24)) -> pd.DataFrame:
    """A tiny monthly series; p0 and watts follow poor and p1 (they only feed end-point keys)."""
    frame = pd.DataFrame(
        {
            "month": list(months),
            "p0": np.asarray(poor, float) / np.asarray(persons, float),
            "p1": p1,
            "watts": 1.5 * np.asarray(p1, float),
            "persons": persons,
            "persons_poor": poor,
        }
    )
    if transfers is not None:
        frame["spent_transfers"] = transfers
    if delivery is not None:
        frame["spent_delivery"] = delivery
    return frame


# Rows at months 0, 12 and 24; at 100% a year the factors are 1, 1/2 and 1/4.
BASE = _series([0.1, 0.1, 0.1], [1000, 1000, 1000], [300, 300, 300])
RUN = _series([0.1, 0.08, 0.05], [1000, 1000, 1000], [300, 250, 200], [0, 2e9, 4e9], [0, 1e9, 0])


def test_discounted_sums_by_hand() -> None:
    v = value_for_money_frames(RUN, BASE, discount_rate_annual=1.0)
    # gap avoided (persons) 0, 20, 50 -> 0 + 20/2 + 50/4; poor avoided 0, 50, 100 -> 25 + 25
    assert v["gap_person_months_avoided"] == pytest.approx(22.5)
    assert v["person_months_out_discounted"] == pytest.approx(50.0)
    # spending 0, 3e9, 4e9 -> 1.5e9 + 1e9
    assert v["spent_discounted"] == pytest.approx(2.5e9)
    assert v["gap_person_months_avoided_per_billion_rupiah"] == pytest.approx(9.0)
    assert v["person_months_out_discounted_per_billion_rupiah"] == pytest.approx(20.0)
    # the end-point figures stay alongside, undiscounted
    assert v["spent"] == pytest.approx(7e9)
    assert v["p1_closed"] == pytest.approx(0.05)
    assert v["p1_closed_per_billion_rupiah"] == pytest.approx(0.05 / 7)
    assert v["extra_persons_out"] == pytest.approx(100.0)
    assert v["persons_out_per_billion_rupiah"] == pytest.approx(100 / 7)


def test_rate_zero_is_the_plain_sum() -> None:
    v = value_for_money_frames(RUN, BASE, discount_rate_annual=0.0)
    assert v["gap_person_months_avoided"] == pytest.approx(0 + 20 + 50)
    assert v["person_months_out_discounted"] == pytest.approx(v["extra_person_months_out"])
    assert v["person_months_out_discounted"] == pytest.approx(150.0)
    assert v["spent_discounted"] == pytest.approx(v["spent"]) and v["spent"] == pytest.approx(7e9)
    assert v["gap_person_months_avoided_per_billion_rupiah"] == pytest.approx(10.0)


def test_gaps_weigh_population_changes() -> None:
    """The gap is P1 x persons in each run: a smaller population with the same P1 has less gap."""
    run = _series([0.1, 0.1, 0.1], [1000, 900, 800], [300, 270, 240], [0, 1e9, 1e9])
    v = value_for_money_frames(run, BASE, discount_rate_annual=0.0)
    assert v["gap_person_months_avoided"] == pytest.approx(0 + 10 + 20)
    assert v["p1_closed"] == pytest.approx(0.0)


@pytest.mark.parametrize("rate", [0.0, 0.06, 0.5])
def test_spending_and_gaps_share_the_discount_factors(rate: float) -> None:
    """Gains proportional to spending month by month give the same ratio at any rate."""
    months = np.arange(0, 121)
    spend = np.where(months > 0, 1e9 * (1 + np.sin(months / 7.0) ** 2), 0.0)
    gain = 40.0 * spend / 1e9  # 40 gap persons for each Rp 1 billion spent that month
    base = _series(np.full(121, 0.2), np.full(121, 1000.0), np.full(121, 400.0), months=months)
    run = _series(0.2 - gain / 1000, np.full(121, 1000.0), 400 - 2 * gain, spend, months=months)
    v = value_for_money_frames(run, base, discount_rate_annual=rate)
    assert v["gap_person_months_avoided_per_billion_rupiah"] == pytest.approx(40.0)
    assert v["person_months_out_discounted_per_billion_rupiah"] == pytest.approx(80.0)
    d = discount_factors(months, rate)
    assert v["spent_discounted"] == pytest.approx(float(d @ spend))


def test_baseline_spending_is_subtracted() -> None:
    base = _series([0.1] * 3, [1000] * 3, [300] * 3, [0, 1e9, 1e9])
    v = value_for_money_frames(RUN, base, discount_rate_annual=0.0)
    assert v["spent"] == pytest.approx(5e9) and v["spent_discounted"] == pytest.approx(5e9)


def test_nothing_spent_gives_nan_rates() -> None:
    v = value_for_money_frames(BASE, BASE)
    assert v["gap_person_months_avoided"] == 0.0
    assert np.isnan(v["gap_person_months_avoided_per_billion_rupiah"])


def test_default_rate_and_monthly_compounding() -> None:
    assert DISCOUNT_RATE_ANNUAL == 0.06
    d = discount_factors(np.array([0, 1, 12, 120]))
    assert d[0] == 1.0
    assert d[1] ** 12 == pytest.approx(1 / 1.06)
    assert d[2] == pytest.approx(1 / 1.06) and d[3] == pytest.approx(1.06**-10)
    v_default = value_for_money_frames(RUN, BASE)
    v_explicit = value_for_money_frames(RUN, BASE, discount_rate_annual=0.06)
    assert v_default == v_explicit
    with pytest.raises(ValueError, match="discount rate"):
        discount_factors(np.array([0, 1]), -1.0)
    with pytest.raises(ValueError, match="same months"):
        value_for_money_frames(RUN, BASE.iloc[:2])


def test_batch_discount_rate_is_checked_and_recorded() -> None:
    plan = batch.plan_batch(["no_programs"], reps=1, households=1_000, months=2)
    assert plan.discount_rate == DISCOUNT_RATE_ANNUAL and "discount_rate" not in plan.arguments
    plan = batch.plan_batch(["no_programs"], reps=1, households=1_000, months=2, discount_rate=0)
    assert plan.discount_rate == 0.0 and plan.arguments["discount_rate"] == 0.0
    with pytest.raises(batch.BatchInputError, match="--discount-rate"):
        batch.plan_batch(["no_programs"], reps=1, discount_rate=-0.1)
