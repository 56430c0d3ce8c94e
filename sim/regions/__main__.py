"""``python -m sim.regions [NAME ...]``: find a region and read its BPS figures and fit.

Without a name: the 38 provinces. With a name (any spelling :func:`resolve_region` accepts, or
part of one): that region, and for a province its kabupaten/kota; a name that matches nothing
exactly lists the regions whose names contain it, else the closest. ``--csv`` writes the rows
as CSV. Percent figures are BPS's March 2024 (P0 percent, P1 and P2 x100); ``m0`` is month 0 of
the region's preset (20,000 households, seeds 0-2); ``growth`` its real growth a year.
"""

from __future__ import annotations

import argparse
import sys

COLUMNS = {
    "name": "region",
    "p0": "P0 %",
    "p1": "P1",
    "gini": "Gini",
    "poverty_line": "line Rp",
    "households": "households",
    "m0_p0": "m0 P0",
    "m0_p1": "m0 P1",
    "growth": "growth",
}


def _select(table, names: list[str]):
    from sim.regions.catalogue import UnknownRegionError, _norm, closest, resolve_region

    if not names:
        return table[table.level == "province"], ""
    rows = []
    note = ""
    for text in names:
        try:
            region = resolve_region(text)
        except UnknownRegionError as exc:
            part = _norm(text)
            hit = table[table.name.map(_norm).str.contains(part, regex=False)] if part else None
            if hit is not None and len(hit):
                rows.append(hit)
                continue
            near = closest(text)
            if not near:
                raise
            note = f"no region named {text!r}; closest shown"
            rows.append(table[table.name.isin(near)])
            del exc
            continue
        rows.append(table[table.name == region.name])
        if region.level == "province":
            rows.append(table[(table.level == "district") & (table.province == region.name)])
    import pandas as pd

    return pd.concat(rows).drop_duplicates("name"), note


def main(argv: list[str] | None = None) -> int:
    """Command line: list regions with their BPS figures and preset fit."""
    parser = argparse.ArgumentParser(
        prog="python -m sim.regions", description=__doc__.splitlines()[0]
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help="a region or part of a name")
    parser.add_argument("--csv", action="store_true", help="CSV of every column instead")
    args = parser.parse_args(argv)
    from sim.regions.catalogue import UnknownRegionError
    from sim.regions.table import regions

    try:
        rows, note = _select(regions(), args.names)
    except UnknownRegionError as exc:
        print(f"python -m sim.regions: error: {exc}", file=sys.stderr)
        return 2
    if args.csv:
        rows.to_csv(sys.stdout, index=False)
        return 0
    out = rows[[c for c in COLUMNS if c in rows.columns]].rename(columns=COLUMNS)
    print(
        out.to_string(
            index=False,
            na_rep="-",
            formatters={
                "P0 %": "{:.2f}".format,
                "P1": "{:.2f}".format,
                "m0 P0": "{:.2f}".format,
                "m0 P1": "{:.2f}".format,
                "Gini": "{:.3f}".format,
                "growth": "{:.4f}".format,
                "households": "{:,.0f}".format,
                "line Rp": "{:,.0f}".format,
            },
        )
    )
    if note:
        print(note)
    print(
        "\nrun one: run_scenarios.py competition full_synergy no_programs "
        f'--region "{rows.iloc[0]["name"]}"'
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
