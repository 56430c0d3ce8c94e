"""The generated documentation is true to the code."""

from __future__ import annotations

from pathlib import Path

from sim.scenario.reference import parameter_table_markdown

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_parameters_md_is_current():
    written = (DOCS / "parameters.md").read_text(encoding="utf-8")
    assert written == parameter_table_markdown(), (
        "docs/parameters.md is stale: run python -m sim.scenario > docs/parameters.md"
    )


def test_the_parameter_reference_command_refuses_arguments():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "sim.scenario", "--out", "x"], capture_output=True, text=True
    )
    assert done.returncode == 2 and not done.stdout
    assert done.stderr.strip().splitlines()[-1].startswith("python -m sim.scenario: error:")
