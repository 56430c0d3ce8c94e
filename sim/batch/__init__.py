"""Batches of runs: plan, execute (in process, local processes or Dask), store, resume.

A batch is scenarios x sweep points x replicates, run into a results folder that a rerun of the
same command resumes. One concept a file:

* :mod:`~sim.batch.values`: ``--set`` and ``--sweep`` values from the command line.
* :mod:`~sim.batch.identity`: replicate seeds (common random numbers), parameter draws, run ids.
* :mod:`~sim.batch.plan`: :class:`Plan` and :func:`plan_batch`: what to run, before it runs.
* :mod:`~sim.batch.run`: one run, the function every executor calls.
* :mod:`~sim.batch.executors`: in this process, local processes, Dask.
* :mod:`~sim.batch.store`: run files, whole-file writes, the folder lock, the runs index.
* :mod:`~sim.batch.provenance`: the manifest (command, seeds, versions, platform, commit).
* :mod:`~sim.batch.summary`: statistics of a finished batch, read back one run at a time.
* :mod:`~sim.batch.execute`: :func:`execute_batch` and :func:`run_batch`.
* :mod:`~sim.batch.results`: :func:`load_results`, a results folder read back.

The results folder and every column are documented in ``docs/outputs.md``.
"""

from sim.batch.errors import BatchError, BatchInputError
from sim.batch.execute import execute_batch, run_batch
from sim.batch.identity import replicate_seeds, run_id
from sim.batch.plan import (
    DEFAULT_REFERENCE,
    DEFAULT_REPS,
    DEFAULT_SEED,
    Plan,
    Point,
    RunSpec,
    plan_batch,
    show,
)
from sim.batch.results import Results, load_results
from sim.batch.store import RESULTS_FORMAT, read_provenance
from sim.batch.values import parse_assignment, parse_sweep

__all__ = [
    "DEFAULT_REFERENCE",
    "DEFAULT_REPS",
    "DEFAULT_SEED",
    "RESULTS_FORMAT",
    "BatchError",
    "BatchInputError",
    "Plan",
    "Point",
    "Results",
    "RunSpec",
    "execute_batch",
    "load_results",
    "parse_assignment",
    "parse_sweep",
    "plan_batch",
    "read_provenance",
    "replicate_seeds",
    "run_batch",
    "run_id",
    "show",
]
