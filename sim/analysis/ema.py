"""The model as an EMA Workbench model, for scenario discovery over its uncertainties."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from sim import measures
from sim.analysis.sensitivity import (
    BASELINE,
    FOCAL,
    MAP_SCENARIOS,
    build_scenario,
    factors,
    run_series,
)


def ema_model(
    households: int = 2_000,
    months: int = 24,
    seed: int = 0,
    names: Sequence[str] | None = None,
    levers: Iterable[str] = MAP_SCENARIOS,
    name: str = "sinergi",
) -> Any:
    """An ``ema_workbench.Model`` driving Sinergi.

    Uncertainties: one ``RealParameter`` per uncertain factor (schema ranges and
    ``INSTITUTION_FACTORS``; dots become ``__`` in EMA names). Levers: ``cooperation``, a
    ``CategoricalParameter`` over scenario names, the forms of cooperation (EMA reserves the
    column name ``scenario``). Constant: ``seed`` (common random
    numbers across experiments). Outcomes: ``p1_final``, ``p0_final``, ``p1_closed``,
    ``p1_closed_per_bn`` (``ScalarOutcome``, against the same-seed ``no_programs``), and the
    monthly ``p1`` series (``ArrayOutcome``).

    Example::

        from ema_workbench import SequentialEvaluator, perform_experiments
        model = ema_model(households=2_000, months=24)
        with SequentialEvaluator(model) as ev:
            experiments, outcomes = perform_experiments(model, scenarios=50, evaluator=ev)
        # then ema_workbench.analysis.prim.Prim(experiments, outcomes["p1_final"] < x, ...)
    """
    from ema_workbench import (
        ArrayOutcome,
        CategoricalParameter,
        Constant,
        Model,
        RealParameter,
        ScalarOutcome,
    )

    f = factors(names)
    keys = {k.replace(".", "__"): k for k in f}

    def run(cooperation: str = FOCAL, seed: int = seed, **kw: float) -> dict[str, Any]:
        values = {keys[k]: float(v) for k, v in kw.items()}
        base = run_series(build_scenario(BASELINE, values, households, months), seed)
        ts = run_series(build_scenario(cooperation, values, households, months), seed)
        vfm = measures.value_for_money_frames(ts, base)
        per_bn = vfm["p1_closed_per_billion_rupiah"]
        return {
            "p1_final": float(ts["p1"].iloc[-1]),
            "p0_final": float(ts["p0"].iloc[-1]),
            "p1_closed": float(vfm["p1_closed"]),
            "p1_closed_per_bn": float(per_bn) if np.isfinite(per_bn) else 0.0,
            "p1": ts["p1"].to_numpy(dtype=float),
        }

    model = Model(name, function=run)
    model.uncertainties = [RealParameter(k, *f[v]["range"]) for k, v in keys.items()]
    model.levers = [CategoricalParameter("cooperation", list(levers))]
    model.constants = [Constant("seed", int(seed))]
    model.outcomes = [
        ScalarOutcome("p1_final", kind=ScalarOutcome.MINIMIZE),
        ScalarOutcome("p0_final", kind=ScalarOutcome.MINIMIZE),
        ScalarOutcome("p1_closed", kind=ScalarOutcome.MAXIMIZE),
        ScalarOutcome("p1_closed_per_bn", kind=ScalarOutcome.MAXIMIZE),
        ArrayOutcome("p1"),
    ]
    return model


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------
