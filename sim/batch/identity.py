"""What makes a run what it is: the replicate seeds, the parameter draws and the run id.

* **Common random numbers.** Replicate r gets the seed of the r-th child of
  ``numpy.random.SeedSequence(root_seed).spawn(...)``, the same in every scenario and sweep
  point, so differences between scenarios are paired.
* **Identity.** A run's id hashes the canonical scenario content, the replicate, the root seed
  and the Sinergi version. Same id, same numbers: whichever executor ran it.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from sim.scenario import Scenario

UNCERTAIN_STREAM = 0x756E63
"""Second seed word of the parameter draws (``default_rng([replicate_seed, 0x756E63])``)."""


def sinergi_version() -> str:
    """The running Sinergi's version (``sim.__version__``), part of every run id."""
    import sim  # at call time: sim/__init__ imports this package

    return str(sim.__version__)


def short_hash(text: str, n: int = 16) -> str:
    """The first ``n`` hexadecimal characters of the SHA-256 of ``text``."""
    return hashlib.sha256(text.encode()).hexdigest()[:n]


def replicate_seeds(root_seed: int, reps: int) -> list[int]:
    """Seeds of replicates 0..reps-1, spawned from ``SeedSequence(root_seed)``.

    Child r of the spawn does not depend on how many children are spawned, so adding
    replicates later keeps the seeds of the existing ones.

    Args:
        root_seed: The batch's root seed (entropy).
        reps: Number of replicates.

    Returns:
        One non-negative 63-bit integer per replicate.
    """
    children = np.random.SeedSequence(root_seed).spawn(reps)
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]


def run_id(content_hash: str, replicate: int, root_seed: int, version: str) -> str:
    """Identity of a run: hash of scenario content, replicate, root seed and Sinergi version.

    Returns:
        16 hexadecimal characters.
    """
    blob = json.dumps(
        {"content": content_hash, "replicate": replicate, "root_seed": root_seed, "v": version},
        sort_keys=True,
    )
    return short_hash(blob)


def _is_integer_field(path: str) -> bool:
    """Whether the scenario field at a dotted path is declared as an integer."""
    cls: Any = Scenario
    parts = path.split(".")
    for part in parts[:-1]:
        cls = cls.model_fields[part].annotation
    ann = cls.model_fields[parts[-1]].annotation
    return ann is int


def draw_parameters(
    seed: int, ranges: Mapping[str, tuple[float, float]]
) -> tuple[tuple[str, Any], ...]:
    """One replicate's draws: each parameter uniform within its range.

    The generator is ``numpy.random.default_rng([seed, UNCERTAIN_STREAM])`` and parameters are
    drawn in sorted path order, so the draws depend only on the replicate's seed and on the
    set of drawn parameters (the same at every scenario point). Integer fields get integers.

    Args:
        seed: The replicate's seed.
        ranges: Dotted path mapped to ``(low, high)``.

    Returns:
        ``((path, value), ...)`` in sorted path order.
    """
    rng = np.random.default_rng([int(seed), UNCERTAIN_STREAM])
    out = []
    for path in sorted(ranges):
        lo, hi = ranges[path]
        value: Any = float(rng.uniform(lo, hi))
        if _is_integer_field(path):
            value = int(min(max(round(value), math.ceil(lo)), math.floor(hi)))
        out.append((path, value))
    return tuple(out)
