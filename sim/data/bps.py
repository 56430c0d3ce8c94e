"""BPS's poverty tables: the national series 2011-2025, provinces and districts in 2024.

``bps_national_series.csv`` beside this module is ``data/bps/national_series.csv`` of the
project's shared data, copied byte for byte so that an installed package carries it: P0 (percent
of persons), P1 and P2 (x100, as BPS publishes them), the poverty line (nominal rupiah per
capita per month) and the Gini, by round (March, September) and area (urban, rural, total).
Sources: BPS tables as exported in github ArdWind/bigdataTPTvsP0 (commit d8647eeb) and the BPS
WebAPI (variable 98) for the Gini; the shared data's README lists every file and fault. There
is no September 2023 round (BPS did not compute poverty then): its rows are empty.

The regional tables are likewise byte copies of the shared data (its README gives the source of
every column): ``bps_provinces_2024.csv`` (``provinces_2024.csv``: P0, P1, P2, poverty line,
poor persons and Gini by province, round and area, 2024), ``bps_districts_2024.csv``
(``districts_2024.csv``: P0, P1, P2 and poverty line of every kabupaten/kota, March 2024, total
area only) and ``bps_provinces_p0_series.csv`` (``provinces_p0_series_2015_2024.csv``: P0 by
province, round and area, 2015-2024). Empty cells are values BPS did not publish, never zeros.

``bps_district_population.csv`` is the population (persons) of every kabupaten/kota in 2024,
BPS's table "Jumlah Penduduk menurut Kabupaten/Kota dan Kelompok Umur", 2024 (column Total;
BPS's district population series built on the 2020 census), copied as published from github
222313184-debug/projek-uas-visdat (commit 57d3f4ed3c8546a4df563aadedc1abe6aae64b87, path
``data/raw/penduduk_kabkota_2024.csv``: the ``penduduk`` column its
``scripts/03_prepare_penduduk.py`` read from the BPS export
``data/raw/Jumlah_Penduduk_menurut_Kabupaten_Kota_dan_Kelompok_Umur_2024.xlsx``; that table
lists the 26 units that moved to the new Papua provinces in 2022 under both the old and the
new province with identical values, and the script kept one of each). Rows are those of
``bps_districts_2024.csv`` in the same order, with its province and district names; four
units are spelled differently in the population table and ``source_name`` keeps that
spelling (Karangasem, Mempawah = BPS's P0 table's Pontianak, Mahakam Ulu, Pangkajene dan
Kepulauan). Checks: a second export of the same BPS table, made separately (github
MercyCantik/UAS-VISDAT-222313205, commit ca413434cbd4e2bd76690714836ebc73a12f625c,
``data/processed/profil_kabkota.csv``, column ``penduduk``) has the same 514 values, and its
P0 column equals ``bps_districts_2024.csv``'s for every unit (so the names pair the right
units); the 514 values sum to 281,603,799, BPS's 2024 national population of 281,603.8
thousand. The population is not the one behind BPS's poverty counts: ``poor_thousands / p0``
of the March 2024 provinces differs from these provincial sums by -15% (Kep. Riau) to +42%
(Papua Tengah), 279.4 against 281.6 million nationally.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

PATH = Path(__file__).with_name("bps_national_series.csv")
PROVINCES_PATH = Path(__file__).with_name("bps_provinces_2024.csv")
DISTRICTS_PATH = Path(__file__).with_name("bps_districts_2024.csv")
PROVINCE_SERIES_PATH = Path(__file__).with_name("bps_provinces_p0_series.csv")
DISTRICT_POPULATION_PATH = Path(__file__).with_name("bps_district_population.csv")
AREAS = ("total", "urban", "rural")
ROUNDS = ("march", "september")

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


def _check(area: str, round_: str | None = None) -> None:
    if area not in AREAS:
        raise ValueError(f"area must be total, urban or rural, got {area!r}")
    if round_ is not None and round_ not in ROUNDS:
        raise ValueError(f"round must be march or september, got {round_!r}")


@functools.cache
def _regional(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"bps_code": "Int64"})


def provinces(round_: str = "march", area: str = "total") -> pd.DataFrame:
    """The 38 provinces and INDONESIA in one 2024 round and area, in BPS's table order.

    Args:
        round_: ``"march"`` or ``"september"``.
        area: ``"total"``, ``"urban"`` or ``"rural"``.

    Returns:
        Columns ``province`` (BPS's upper-case name), ``bps_code`` (the WebAPI code; its first
        two digits are the province code, 9999 is INDONESIA), ``p0`` (percent), ``p1``, ``p2``
        (x100, as published), ``poverty_line`` (nominal rupiah per capita per month),
        ``poor_thousands`` (thousands of poor persons; total area only), ``gini`` (0-1) and
        ``note`` (why a value is missing).
    """
    _check(area, round_)
    df = _regional(PROVINCES_PATH)
    out = df[(df["round"] == round_) & (df["area"] == area)]
    return out.drop(columns=["round", "area"]).reset_index(drop=True)


def districts() -> pd.DataFrame:
    """Every kabupaten/kota in BPS's 2024 district tables (March 2024, total area).

    Returns:
        Columns ``province``, ``bps_code`` (the province's), ``district`` (as BPS writes it),
        ``p0`` (percent), ``p1``, ``p2`` (x100) and ``poverty_line`` (nominal rupiah per capita
        per month).
    """
    return _regional(DISTRICTS_PATH).copy()


def district_population() -> pd.DataFrame:
    """The 2024 population of every kabupaten/kota, in the rows and names of :func:`districts`.

    Returns:
        Columns ``province``, ``district`` (as in :func:`districts`, same order),
        ``population`` (persons, 2024, as BPS published it) and ``source_name`` (the unit's
        name in BPS's population table where it is spelled differently, else empty).
    """
    df = pd.read_csv(DISTRICT_POPULATION_PATH, dtype={"source_name": "string"})
    df["source_name"] = df["source_name"].fillna("")
    return df


def province_p0_series(province: str, area: str = "total") -> pd.DataFrame:
    """A province's published P0 by round, 2015-2024, rounds with values only, in time order.

    Args:
        province: BPS's upper-case name, as in :func:`provinces`.
        area: ``"total"``, ``"urban"`` or ``"rural"``.

    Returns:
        Columns ``year``, ``round``, ``month``, ``date`` (decimal year) and ``p0`` (percent).

    Raises:
        KeyError: For a name that is not a province of the series.
    """
    _check(area)
    df = _regional(PROVINCE_SERIES_PATH)
    if province not in set(df["province"]):
        raise KeyError(f"no province {province!r} in BPS's provincial P0 series")
    out = df[(df["province"] == province) & (df["area"] == area) & df["p0"].notna()].copy()
    out["month"] = out["round"].map(ROUND_MONTH)
    out["date"] = out["year"] + (out["month"] - 1) / 12.0
    cols = ["year", "round", "month", "date", "p0"]
    return out[cols].sort_values("date").reset_index(drop=True)
