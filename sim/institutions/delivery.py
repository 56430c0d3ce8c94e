"""Case-managed bundles: a household served by several themes gets more from each programme.

With case management, each coalition member's programme works better for a household that
members of other themes serve too: its effects are multiplied by
``1 + complementarity x (themes serving the household - 1)`` (``programmes.complementarity``).
The multipliers are those of the month's start, before any delivery changes an enrolment.
"""

from __future__ import annotations

import numpy as np

from sim.institutions.mission import THEMES
from sim.institutions.state import CoalitionState, enrolled
from sim.institutions.targeting import MAX_BITS
from sim.kernels import kernel

F32 = np.float32


def _themes_of_members_reference(
    n: int, idx: np.ndarray, rows: np.ndarray, theme_masks: np.ndarray
) -> np.ndarray:
    bits = np.zeros(n, dtype=np.int64)
    np.bitwise_or.at(bits, idx, np.left_shift(np.int64(1), rows))
    b = bits[idx]
    themes = np.zeros(idx.shape[0], dtype=F32)
    for t in range(theme_masks.shape[0]):
        themes = themes + np.where((b & theme_masks[t]) != 0, F32(1), F32(0))
    return themes


def _themes_of_members_example(rng: np.random.Generator, n: int) -> tuple[object, ...]:
    rows = np.repeat(np.arange(4, dtype=np.int64), n)
    idx = rng.integers(0, max(n, 1), 4 * n).astype(np.int64)
    return n, idx, rows, np.array([1, 2, 12, 0], dtype=np.int64)


@kernel(reference=_themes_of_members_reference, example=_themes_of_members_example)
def themes_of_members(n, idx, rows, theme_masks):  # pragma: no cover - compiled
    """Themes serving each listed enrolment's household (float32).

    ``idx`` and ``rows`` list every member enrolment (household, institution), the members'
    enrolled households one institution after another; ``theme_masks[t]`` has bit ``r`` set
    when institution ``r`` is a member working on theme ``t`` (at most 63 institutions).
    Returns, for each listed enrolment, the themes serving its household: 1 or 0 per theme
    added in float32 in theme order (small integers: exact).
    """
    bits = np.zeros(n, dtype=np.int64)
    for k in range(idx.shape[0]):
        bits[idx[k]] |= np.int64(1) << rows[k]
    out = np.empty(idx.shape[0], dtype=np.float32)
    one = np.float32(1.0)
    zero = np.float32(0.0)
    for k in range(idx.shape[0]):
        b = bits[idx[k]]
        themes = zero
        for t in range(theme_masks.shape[0]):
            themes = themes + (one if (b & theme_masks[t]) != 0 else zero)
        out[k] = themes
    return out


def _multiplier(state: CoalitionState, themes: np.ndarray) -> np.ndarray:
    extra = np.maximum(themes - 1, 0)
    return (F32(1) + F32(state.sc.programmes.complementarity) * extra).astype(F32)


def bundle_multiplier(state: CoalitionState) -> np.ndarray:
    """The multiplier of every household, by masks (rosters beyond the bit kernel's 63)."""
    n = state.households.n
    if not state.sc.cooperation.case_management:
        return np.ones(n, dtype=F32)
    themes = np.zeros(n, dtype=F32)
    for theme in THEMES:
        served = np.zeros(n, dtype=bool)
        for j in state.institutions:
            if j.member and j.spec.theme == theme:
                served |= state.months_left[j.row] > 0
        themes += served
    return _multiplier(state, themes)


def member_bundles(state: CoalitionState) -> dict[int, np.ndarray]:
    """The multiplier at each member's enrolled households, by institution row (float32)."""
    members = [inst for inst in state.institutions if inst.member]
    idx = {inst.row: enrolled(state, inst.row) for inst in members}
    if not state.sc.cooperation.case_management:
        return {r: np.ones(i.size, dtype=F32) for r, i in idx.items()}
    if not members:
        return {}
    if len(state.institutions) >= MAX_BITS:
        full = bundle_multiplier(state)
        return {r: full[i] for r, i in idx.items()}
    masks = [0] * len(THEMES)
    for t, theme in enumerate(THEMES):
        for j in members:
            if j.spec.theme == theme:
                masks[t] |= 1 << j.row
    rows = list(idx)
    all_idx = np.concatenate([idx[r] for r in rows])
    all_rows = np.repeat(np.array(rows, dtype=np.int64), [idx[r].size for r in rows])
    themes = themes_of_members(
        state.households.n, all_idx, all_rows, np.array(masks, dtype=np.int64)
    )
    mult = _multiplier(state, themes)
    bounds = np.cumsum([0] + [idx[r].size for r in rows])
    return {r: mult[bounds[k] : bounds[k + 1]] for k, r in enumerate(rows)}
