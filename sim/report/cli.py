"""The command line: ``python -m sim.report FOLDER [--lang id]``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from sim.report.build import write_report
from sim.report.text import LANGS


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m sim.report FOLDER [--lang id]``: rewrite a folder's report and figures."""
    parser = argparse.ArgumentParser(prog="python -m sim.report", description=main.__doc__)
    parser.add_argument("folder", help="a results folder written by run_scenarios.py")
    parser.add_argument("--lang", choices=LANGS, default="en", help="report language")
    args = parser.parse_args(argv)
    path = write_report(args.folder, lang=args.lang)
    print(f"report: {path}")
    return 0
