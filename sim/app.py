"""The Sinergi explorer: one run of a scenario in a region, month by month, in a browser.

A planner chooses a region (the nation, a province or a kabupaten/kota), a scenario and the
forms of cooperation, moves the money and trust settings, and watches the run: the share of
persons in poverty (P0), the poverty gap index (P1), the poor reached by NGO programmes, the
money raised and paid to households, and the coalition, by month. English or Indonesian.
Every control shows its value and unit and applies at once (``sim/explorer/``).

Run it in a browser (from the project root)::

    make explore                      # = .venv/bin/solara run sim/app.py

or inside Jupyter::

    from sim.app import page
    page
"""

from __future__ import annotations

from sim.explorer.page import Page
from sim.explorer.settings import ExplorerModel, Settings, explorer_scenario

__all__ = ["ExplorerModel", "Page", "Settings", "explorer_scenario", "page"]

page = Page()
"""The explorer as a Solara element: ``solara run sim/app.py``, or show it in Jupyter."""
