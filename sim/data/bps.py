"""BPS's national poverty series, every Susenas round from March 2011 to March 2025.

``bps_national_series.csv`` beside this module is ``data/bps/national_series.csv`` of the
project's shared data, copied byte for byte so that an installed package carries it: P0 (percent
of persons), P1 and P2 (x100, as BPS publishes them), the poverty line (nominal rupiah per
capita per month) and the Gini, by round (March, September) and area (urban, rural, total).
Sources: BPS tables as exported in github ArdWind/bigdataTPTvsP0 (commit d8647eeb) and the BPS
WebAPI (variable 98) for the Gini; the shared data's README lists every file and fault. There
is no September 2023 round (BPS did not compute poverty then): its rows are empty.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

PATH = Path(__file__).with_name("bps_national_series.csv")

ROUND_MONTH = {"march": 3, "september": 9}
"""Calendar month of each Susenas round."""


@functools.cache
def _read() -> pd.DataFrame:
    df = pd.read_csv(PATH)
    df["month"] = df["round"].map(ROUND_MONTH)
    df["date"] = df["year"] + (df["month"] - 1) / 12.0
    return df


def national_series(area: str = "total") -> pd.DataFrame:
    """The national series for one area, rounds with values only, in time order.

    Args:
        area: ``"total"``, ``"urban"`` or ``"rural"``.

    Returns:
        Columns ``year``, ``round``, ``month`` (calendar month of the round), ``date``
        (decimal year of the round's month: March 2024 is 2024.1667), ``p0``, ``p1``, ``p2``
        (percent, as BPS publishes them), ``poverty_line`` (nominal rupiah per capita per
        month; empty for the total in 2011-2013) and ``gini`` (2021 onward).
    """
    if area not in ("total", "urban", "rural"):
        raise ValueError(f"area must be total, urban or rural, got {area!r}")
    df = _read()
    out = df[(df["area"] == area) & df["p0"].notna()]
    return out.drop(columns=["area", "note"]).sort_values("date").reset_index(drop=True)


def round_value(year: int, round_: str, column: str, area: str = "total") -> float:
    """One published value, e.g. ``round_value(2024, "march", "p0")`` = 9.03 (percent)."""
    df = national_series(area)
    hit = df[(df["year"] == year) & (df["round"] == round_)]
    if hit.empty:
        raise KeyError(f"no BPS round {round_} {year} in the national series")
    return float(hit[column].iloc[0])
