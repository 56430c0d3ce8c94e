"""One explorer session's run: the model, stepped by the buttons and rebuilt by the controls.

The page's buttons and its play loop step the model from different threads; a lock keeps one
at a time, and each step hands the page a copy of the monthly record (:attr:`Run.frame`), so
that drawing never reads a record a step is writing. New settings rebuild the model and run it
up to the month the old one had reached (:meth:`Run.apply`): a control's effect is seen at
once, over the months already shown.
"""

from __future__ import annotations

import threading

import pandas as pd

from sim.explorer.settings import ExplorerModel, Settings


class Run:
    """The model of one browser session.

    Args:
        settings: The controls' settings at the start.
    """

    def __init__(self, settings: Settings) -> None:
        self._lock = threading.Lock()
        self.model = ExplorerModel(settings)
        self.frame: pd.DataFrame = self.model.timeseries()

    @property
    def settings(self) -> Settings:
        """The settings of the model shown."""
        return self.model.settings

    @property
    def month(self) -> int:
        """Months run so far."""
        return self.model.month

    @property
    def running(self) -> bool:
        """Whether months remain before the horizon."""
        return bool(self.model.running)

    def step(self) -> pd.DataFrame:
        """Run one month (none at the horizon).

        Returns:
            The monthly record so far (a copy).
        """
        with self._lock:
            if self.model.running:
                self.model.step()
                self.frame = self.model.timeseries()
            return self.frame

    def restart(self) -> pd.DataFrame:
        """Back to month 0 with the same settings.

        Returns:
            The monthly record (month 0 only).
        """
        model = ExplorerModel(self.settings)
        with self._lock:
            self.model = model
            self.frame = model.timeseries()
            return self.frame

    def apply(self, settings: Settings, keep_month: bool) -> pd.DataFrame:
        """Rebuild the model with new settings.

        Args:
            settings: The new settings.
            keep_month: Run the new model up to the month the old one had reached (capped at
                the new horizon); otherwise it starts at month 0 (a new scenario or region).

        Returns:
            The new monthly record.
        """
        model = ExplorerModel(settings)
        target = self.month if keep_month else 0
        while model.running and model.month < target - 1:  # the bulk, outside the lock
            model.step()
        with self._lock:
            target = min(self.month if keep_month else 0, settings.months)
            while model.running and model.month < target:  # months played meanwhile
                model.step()
            self.model = model
            self.frame = model.timeseries()
            return self.frame
