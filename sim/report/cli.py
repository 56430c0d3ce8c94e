"""The command line: ``python -m sim.report FOLDER [--lang en|id]``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from sim.report.build import report_path, write_report
from sim.report.spreadsheet import spreadsheet_path
from sim.report.text import LANGS


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite a results folder's reports, figures and spreadsheets.

    Every language is written side by side (``report.md``, ``report.id.md``, ...); ``--lang``
    writes only that language's files and leaves the others as they are.
    """
    parser = argparse.ArgumentParser(prog="python -m sim.report", description=main.__doc__)
    parser.add_argument("folder", help="a results folder written by run_scenarios.py")
    parser.add_argument(
        "--lang",
        choices=LANGS,
        help="write only this language (en: report.md, figures/, summary.xlsx; id: "
        "report.id.md, figures/id/, summary.id.xlsx); default: every language",
    )
    args = parser.parse_args(argv)
    langs = [args.lang] if args.lang else list(LANGS)
    write_report(args.folder, lang=langs)
    for lang in langs:
        print(f"report: {report_path(args.folder, lang)}")
        print(f"report (HTML, figures embedded): {report_path(args.folder, lang, '.html')}")
        print(f"spreadsheet: {spreadsheet_path(args.folder, lang)}")
    return 0
