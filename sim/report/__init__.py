"""The planners' report: figures, ``report.md`` and a self-contained ``report.html``.

Everything is generated from a results folder (``manifest.json``, ``summary.csv``,
``runs.parquet``, ``runs/*.parquet`` and ``scenarios/*.json``): a one-page summary (at most
five ranked findings from the Holm-adjusted paired tests), a headline ranking by value for
money, the baseline beside BPS's recorded poverty, the regions (a table; over several
regions, a figure ranking them by what a rupiah buys), tables, figures, the assumptions that
matter most (read from the Morris sensitivity results it finds) and a "how to cite" block;
and ``summary.xlsx``, a sheet per headline metric. Every language is written side by side:
English in ``report.md`` and ``figures/``, Bahasa Indonesia in ``report.id.md`` and
``figures/id/``. The words are data: ``words/<lang>.toml`` and ``words/<lang>.<part>.toml``.

One concept per module: ``text`` (the words), ``numbers`` (numbers as written),
``sentences``, ``folder`` (the folder reader), ``contents`` (what the tables and figures
share), ``figure_style`` and ``figures``, ``baseline_path`` (the baseline beside BPS's
record), ``regions`` (the regions beside BPS's figures), ``assumptions`` (the Morris
ranking), ``document`` (Markdown and HTML), ``findings`` (the detectable differences,
ranked), ``rounding`` (numbers to what their CI supports), ``summary_page``, ``sections``,
``spreadsheet`` (``summary.xlsx``), ``build`` (``write_report``) and ``cli``.

Regenerate the reports of an existing folder with ``python -m sim.report FOLDER [--lang id]``.
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
