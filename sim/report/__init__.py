"""The planners' report: figures, ``report.md`` and a self-contained ``report.html``.

Everything is generated from a results folder (``manifest.json``, ``summary.csv``,
``runs.parquet``, ``runs/*.parquet`` and ``scenarios/*.json``): brief-ready sentences from the
paired statistics, a headline ranking by value for money, the baseline beside BPS's recorded
poverty, the regions (a table; over several regions, a figure ranking them by what a
rupiah buys), tables, figures, the assumptions that matter most (read from the Morris
sensitivity results it finds) and a "how to cite" block. English by default; ``lang="id"``
writes Bahasa Indonesia (scenario ids are kept as they are). The words are data:
``words/en.toml`` and ``words/id.toml``.

One concept per module: ``text`` (the words), ``numbers`` (numbers as written),
``sentences``, ``folder`` (the folder reader), ``contents`` (what the tables and figures
share), ``figure_style`` and ``figures``, ``baseline_path`` (the baseline beside BPS's
record), ``regions`` (the regions beside BPS's figures), ``assumptions`` (the Morris
ranking), ``document`` (Markdown and HTML), ``sections``, ``build`` (``write_report``) and
``cli``.

Regenerate the report of an existing folder with ``python -m sim.report FOLDER [--lang id]``.
"""

from sim.report.build import build_report, write_report
from sim.report.figure_style import OKABE_ITO, save_figure, scenario_colours
from sim.report.figures import FIGURES, write_figures
from sim.report.folder import ReportData, read_folder
from sim.report.numbers import fmt_number, fmt_rupiah
from sim.report.sentences import ci_covers, difference_sentence, horizon
from sim.report.text import LANGS, t

__all__ = [
    "FIGURES",
    "LANGS",
    "OKABE_ITO",
    "ReportData",
    "build_report",
    "ci_covers",
    "difference_sentence",
    "fmt_number",
    "fmt_rupiah",
    "horizon",
    "read_folder",
    "save_figure",
    "scenario_colours",
    "t",
    "write_figures",
    "write_report",
]
