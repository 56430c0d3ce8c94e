"""Reach of the institutions' programmes: coverage, targeting errors and duplicates.

A measure of the month (recorded by the model): the share of poor persons any institution
serves, the inclusion error (enrolments not eligible when enrolled), the exclusion error
(households eligible for a kind, in the area of an institution of that kind, and not served),
and duplicates (households enrolled twice in one kind, or with an institution and the
government's programme of the same kind).

Sums of household weights are taken by counting households per weight value where that is
exactly ``np.sum`` (``sim.institutions.weightsums``; the weights never change during a run):
:func:`reach_counts` counts every mask in one pass (compiled, or its numpy reference), and the
figures are built from the counts. Otherwise (weights that do not sum exactly, more than
:data:`MAX_REACH_INSTITUTIONS` institutions) the masks are summed with ``np.sum``.
"""

from __future__ import annotations

import numpy as np

from sim import programs
from sim.institutions.coalition import Coalition
from sim.institutions.targeting import (
    GOV_CASH,
    GOV_INSURANCE,
    OBS_SCHOOL,
    OBS_UNINSURED,
    gov_code,
    observable_code,
)
from sim.institutions.weightsums import WeightSums
from sim.kernels import jit, kernel, prange
from sim.world.households import Households

F32 = np.float32
MAX_REACH_INSTITUTIONS = 12
"""Most institutions the reach kernel handles (tables over every set of institutions)."""


@jit
def _popcount(x):  # pragma: no cover - compiled
    """Number of bits set in a uint64 (exact integer arithmetic)."""
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return np.int64((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


#: Households per chunk of the parallel reach kernel (fixed; results never depend on it).
REACH_CHUNK = 65_536


@jit
def _reach_chunk(
    lo,
    hi,
    months_left,
    eligible_at_entry,
    weight_class,
    n_class,
    y,
    lines,
    persons,
    subdistrict,
    n_school,
    insured,
    pkh,
    bpnt,
    pbi,
    sub_kinds,
    school_kinds,
    uninsured_kinds,
    group_multiple,
    group_kinds,
    cash_kinds,
    pbi_kinds,
    served_table,
    duplicate_table,
    counts,
    eligible,
    hist,
    poor_persons,
    served_persons,
    filled,
):  # pragma: no cover - compiled
    """:func:`reach_counts` over households ``lo..hi-1``, into this chunk's arrays.

    ``counts``, ``eligible`` (4 lanes) and ``hist`` are the chunk's (zero on entry); the
    persons of poor households and of poor households with an enrolment are written from
    position ``lo`` of the full-length ``poor_persons`` and ``served_persons`` (never past
    ``hi - 1``), and how many of each to ``filled``.
    """
    n_inst = months_left.shape[0]
    bits = np.zeros(hi - lo, dtype=np.uint16)  # at most 16 institutions (MAX_REACH_INSTITUTIONS)
    wrong = np.zeros(hi - lo, dtype=np.uint16)
    for r in range(n_inst):  # row by row: contiguous reads
        row = months_left[r]
        at_entry = eligible_at_entry[r]
        for i in range(lo, hi):
            a = np.int64(row[i] > 0)
            bits[i - lo] |= np.uint16(a << r)
            wrong[i - lo] |= np.uint16((a & np.int64(not at_entry[i])) << r)
    n_poor = lo
    n_served = lo
    for i in range(lo, hi):
        c = weight_class[i]
        b = np.int64(bits[i - lo])
        yi = y[i]
        li = lines[i]
        poor = yi < li
        poor_persons[n_poor] = persons[i]
        n_poor += poor
        e = sub_kinds[subdistrict[i]]
        e &= ~(school_kinds & -np.int64(n_school[i] <= 0))
        e &= ~(uninsured_kinds & -np.int64(insured[i]))
        m = 0
        for j in range(group_multiple.shape[0]):
            m |= group_kinds[j] & -np.int64(yi < group_multiple[j] * li)
        e &= m
        eligible[i & 3, c, e] += 1
        if b != 0:
            served_persons[n_served] = persons[i]
            n_served += poor
            counts[c, 0] += _popcount(np.uint64(b))
            counts[c, 1] += 1
            counts[c, 2] += _popcount(np.uint64(wrong[i - lo]))
            served = served_table[b]
            gov = (cash_kinds & -np.int64(pkh[i] | bpnt[i])) | (pbi_kinds & -np.int64(pbi[i]))
            hist[0, c, e & served] += 1
            hist[1, c, duplicate_table[b]] += 1
            hist[2, c, gov & served] += 1
    filled[0] = n_poor - lo
    filled[1] = n_served - lo


def _popcount_reference(x: np.ndarray) -> np.ndarray:
    return np.bitwise_count(x).astype(np.int64)


def _by_class(c: np.ndarray, n_class: int, values: np.ndarray | None = None) -> np.ndarray:
    """Sum of integer ``values`` (or counts) per weight class, as int64 (exact)."""
    out = np.bincount(c, weights=values, minlength=n_class)
    return out.astype(np.int64)


def _histogram(c: np.ndarray, n_class: int, bits: np.ndarray) -> np.ndarray:
    """Counts per weight class of kind-bit patterns (class x 256, int64)."""
    return np.bincount(c * 256 + bits, minlength=n_class * 256).reshape(n_class, 256)


def _reach_reference(
    months_left: np.ndarray,
    eligible_at_entry: np.ndarray,
    weight_class: np.ndarray,
    n_class: int,
    y: np.ndarray,
    lines: np.ndarray,
    persons: np.ndarray,
    subdistrict: np.ndarray,
    n_school: np.ndarray,
    insured: np.ndarray,
    pkh: np.ndarray,
    bpnt: np.ndarray,
    pbi: np.ndarray,
    sub_kinds: np.ndarray,
    school_kinds: int,
    uninsured_kinds: int,
    group_multiple: np.ndarray,
    group_kinds: np.ndarray,
    cash_kinds: int,
    pbi_kinds: int,
    served_table: np.ndarray,
    duplicate_table: np.ndarray,
) -> tuple[np.ndarray, ...]:
    n = months_left.shape[1]
    bits = np.zeros(n, dtype=np.int64)
    wrong = np.zeros(n, dtype=np.int64)
    for r in range(months_left.shape[0]):
        active = months_left[r] > 0
        bits |= active.astype(np.int64) << r
        wrong |= (active & ~eligible_at_entry[r]).astype(np.int64) << r
    poor = y < lines
    e = sub_kinds[subdistrict]
    e = np.where(n_school <= 0, e & ~np.int64(school_kinds), e)
    e = np.where(insured, e & ~np.int64(uninsured_kinds), e)
    group = np.zeros(n, dtype=np.int64)
    for j in range(group_multiple.shape[0]):
        group |= np.where(y < group_multiple[j] * lines, group_kinds[j], 0)
    e &= group
    c = weight_class.astype(np.int64)
    has = bits != 0
    ch = c[has]
    b = bits[has]
    counts = np.zeros((n_class, 3), dtype=np.int64)
    counts[:, 0] = _by_class(ch, n_class, _popcount_reference(b.astype(np.uint64)))
    counts[:, 1] = _by_class(ch, n_class)
    counts[:, 2] = _by_class(ch, n_class, _popcount_reference(wrong[has].astype(np.uint64)))
    served = served_table[b]
    gov = np.where(pkh | bpnt, cash_kinds, 0) | np.where(pbi, pbi_kinds, 0)
    hist = np.stack(
        [
            _histogram(ch, n_class, e[has] & served),
            _histogram(ch, n_class, duplicate_table[b]),
            _histogram(ch, n_class, gov[has] & served),
        ]
    )
    return counts, _histogram(c, n_class, e), hist, persons[poor], persons[poor & has]


def _reach_example(rng: np.random.Generator, n: int) -> tuple[object, ...]:
    n_inst, n_sub = 3, 4

    def flags(p: float) -> np.ndarray:
        return rng.random(n) < p

    table = np.arange(1 << n_inst, dtype=np.int64)
    return (
        rng.integers(-1, 3, (n_inst, n)).astype(np.int16),
        rng.random((n_inst, n)) < 0.7,
        rng.integers(0, 2, n).astype(np.uint8),
        2,
        (rng.random(n) * 1e6).astype(np.float32),
        np.full(n, 6e5, dtype=np.float32),
        rng.random(n) * 5,
        rng.integers(0, n_sub, n).astype(np.int16),
        rng.integers(0, 3, n).astype(np.int8),
        flags(0.5),
        flags(0.2),
        flags(0.2),
        flags(0.2),
        rng.integers(0, 8, n_sub).astype(np.int64),
        2,
        4,
        np.array([1.0, 1.5], dtype=np.float32),
        np.array([3, 4], dtype=np.int64),
        1,
        4,
        table & 5,
        table & 2,
    )


@kernel(reference=_reach_reference, example=_reach_example, parallel=True)
def reach_counts(
    months_left,
    eligible_at_entry,
    weight_class,
    n_class,
    y,
    lines,
    persons,
    subdistrict,
    n_school,
    insured,
    pkh,
    bpnt,
    pbi,
    sub_kinds,
    school_kinds,
    uninsured_kinds,
    group_multiple,
    group_kinds,
    cash_kinds,
    pbi_kinds,
    served_table,
    duplicate_table,
):  # pragma: no cover - compiled
    """Counts per weight class behind :func:`reach_figures` (exact weight sums path).

    Programme kinds are bits (at most 8): ``sub_kinds[s]`` has the kinds whose institutions
    work in sub-district ``s``; ``school_kinds`` and ``uninsured_kinds`` need a school-age
    child or no insurance; ``group_kinds[j]`` are the kinds with eligibility line multiple
    ``group_multiple[j]`` (float32); ``cash_kinds`` and ``pbi_kinds`` the kinds the government
    pays as PKH/BPNT or PBI. For a household's enrolments as institution bits ``b`` (at most
    ``log2(len(served_table))`` institutions), ``served_table[b]`` has the kinds it is enrolled
    in and ``duplicate_table[b]`` the kinds it is enrolled in twice or more.

    The households are taken in fixed chunks, in parallel; the counts are integers and the
    persons come back in index order, so nothing depends on the number of threads.

    Returns:
        Counts per weight class of enrolments (institution x household), households with any
        enrolment and enrolments not eligible at entry (class x 3); histograms per weight class
        of the kind bits of households eligible in the kind's area (class x 256) and, for
        households with an enrolment, of the kind bits of: eligible and served, enrolled twice
        or more, enrolled and holding the government benefit (3 x class x 256); the persons of
        poor households and of poor households with an enrolment, in index order (for numpy's
        sums).
    """
    n = months_left.shape[1]
    n_chunks = max(1, (n + REACH_CHUNK - 1) // REACH_CHUNK)
    counts_c = np.zeros((n_chunks, n_class, 3), dtype=np.int64)
    eligible_c = np.zeros((n_chunks, 4, n_class, 256), dtype=np.int64)  # 4 independent lanes
    hist_c = np.zeros((n_chunks, 3, n_class, 256), dtype=np.int64)  # households with enrolment
    poor_all = np.empty(n, dtype=np.float64)
    served_all = np.empty(n, dtype=np.float64)
    filled = np.zeros((n_chunks, 2), dtype=np.int64)
    for ch in prange(n_chunks):
        _reach_chunk(
            ch * REACH_CHUNK,
            min(n, (ch + 1) * REACH_CHUNK),
            months_left,
            eligible_at_entry,
            weight_class,
            n_class,
            y,
            lines,
            persons,
            subdistrict,
            n_school,
            insured,
            pkh,
            bpnt,
            pbi,
            sub_kinds,
            school_kinds,
            uninsured_kinds,
            group_multiple,
            group_kinds,
            cash_kinds,
            pbi_kinds,
            served_table,
            duplicate_table,
            counts_c[ch],
            eligible_c[ch],
            hist_c[ch],
            poor_all,
            served_all,
            filled[ch],
        )
    counts = np.zeros((n_class, 3), dtype=np.int64)
    eligible = np.zeros((n_class, 256), dtype=np.int64)
    hist = np.zeros((3, n_class, 256), dtype=np.int64)
    n_poor = 0
    n_served = 0
    for ch in range(n_chunks):
        counts += counts_c[ch]
        for lane in range(4):
            eligible += eligible_c[ch, lane]
        hist += hist_c[ch]
        n_poor += filled[ch, 0]
        n_served += filled[ch, 1]
    poor_persons = np.empty(n_poor, dtype=np.float64)
    served_persons = np.empty(n_served, dtype=np.float64)
    k_poor = 0
    k_served = 0
    for ch in range(n_chunks):  # the chunks' persons, in index order
        lo = ch * REACH_CHUNK
        f = filled[ch, 0]
        poor_persons[k_poor : k_poor + f] = poor_all[lo : lo + f]
        k_poor += f
        f = filled[ch, 1]
        served_persons[k_served : k_served + f] = served_all[lo : lo + f]
        k_served += f
    return counts, eligible, hist, poor_persons, served_persons


def reach_figures(
    coalition: Coalition,
    hh: Households,
    lines: np.ndarray,
    consumption_pc: np.ndarray | None = None,
    persons: np.ndarray | None = None,
) -> dict[str, float]:
    """Coverage, targeting errors and duplicates this month (persons and households).

    Args:
        coalition: The institutions (``model.coalition``).
        hh: The households.
        lines: Poverty line per household (rupiah per capita per month).
        consumption_pc: ``hh.consumption_pc`` if already computed this month (the same
            numbers, not recomputed).
        persons: ``hh.persons`` if already computed this month.

    Returns:
        ``coverage_poor`` (share of poor persons served), ``inclusion_error``,
        ``exclusion_error`` (shares of households represented; NaN without enrolments or
        eligible households), ``duplicate_enrolments``, ``duplicate_ngo_gov`` and
        ``beneficiaries`` (households represented).
    """
    out = {
        "coverage_poor": 0.0,
        "inclusion_error": np.nan,
        "exclusion_error": np.nan,
        "duplicate_enrolments": 0.0,
        "duplicate_ngo_gov": 0.0,
        "beneficiaries": 0.0,
    }
    n_inst = len(coalition.institutions)
    if n_inst == 0:
        return out
    state = coalition.state
    if state.weight_sums is None or state.weight_sums[0] is not hh.weight:
        state.weight_sums = (hh.weight, WeightSums(hh.weight, n_inst * hh.n))
    ws = state.weight_sums[1]
    y = hh.consumption_pc if consumption_pc is None else consumption_pc
    if persons is None:
        persons = hh.persons
    if ws.exact and n_inst <= MAX_REACH_INSTITUTIONS and persons.dtype == np.float64:
        return _reach_by_counts(coalition, hh, lines, ws, out, y, persons)
    return _reach_by_masks(coalition, hh, lines, ws, out, y, persons)


def _reach_by_masks(
    coalition: Coalition,
    hh: Households,
    lines: np.ndarray,
    ws: WeightSums,
    out: dict[str, float],
    y: np.ndarray,
    persons: np.ndarray,
) -> dict[str, float]:
    """:func:`reach_figures` by household masks, summed with ``np.sum`` or counted."""
    w = hh.weight.astype(np.float64)
    sc, insts, state = coalition.sc, coalition.institutions, coalition.state

    def wsum(mask: np.ndarray) -> float:
        if ws.exact:
            return ws.total(mask)
        return float(w[mask].sum()) if mask.ndim == 1 else float((mask * w).sum())

    active = state.months_left > 0
    any_ngo = active.any(axis=0)
    poor = y < lines
    out["coverage_poor"] = float(persons[poor & any_ngo].sum() / max(persons[poor].sum(), 1e-9))
    enrolments = wsum(active)
    out["beneficiaries"] = wsum(any_ngo)
    if enrolments > 0:
        wrong = wsum(active & ~state.eligible_at_entry)
        out["inclusion_error"] = wrong / enrolments
    excluded = eligible_total = 0.0
    for kind in {i.kind for i in insts}:
        rows = [i.row for i in insts if i.kind == kind]
        area = np.zeros(sc.population.subdistricts, dtype=bool)
        for r in rows:
            area |= insts[r].area
        elig = programs.eligible(sc, kind, hh, lines, y) & area[hh.subdistrict]
        served = active[rows].any(axis=0)
        eligible_total += wsum(elig)
        excluded += wsum(elig & ~served)
        count = active[rows].sum(axis=0, dtype=np.uint16)  # institutions, not households
        out["duplicate_enrolments"] += wsum(count >= 2)
        out["duplicate_ngo_gov"] += wsum((count >= 1) & programs.government_same_kind(kind, hh))
    if eligible_total > 0:
        out["exclusion_error"] = excluded / eligible_total
    return out


def _kind_tables(coalition: Coalition, kinds: list[str]) -> dict[str, object]:
    """The kinds as bits: per sub-district, per condition, per set of institutions."""
    insts, sc = coalition.institutions, coalition.sc
    n_inst, n_sub = len(insts), sc.population.subdistricts
    sub_kinds = np.zeros(n_sub, dtype=np.int64)
    school = uninsured = cash = pbi = 0
    groups: dict[np.float32, int] = {}
    table = np.arange(1 << n_inst, dtype=np.int64)  # every set of institutions, as bits
    served = np.zeros(table.size, dtype=np.int64)
    duplicate = np.zeros(table.size, dtype=np.int64)
    for k, kind in enumerate(kinds):
        bit = 1 << k
        mask = 0
        for inst in insts:
            if inst.kind == kind:
                mask |= 1 << inst.row
                sub_kinds[inst.area] |= bit
        x = table & mask
        served |= np.where(x != 0, bit, 0)
        duplicate |= np.where((x & (x - 1)) != 0, bit, 0)
        obs, gov = observable_code(kind), gov_code(kind)
        school |= bit if obs == OBS_SCHOOL else 0
        uninsured |= bit if obs == OBS_UNINSURED else 0
        cash |= bit if gov == GOV_CASH else 0
        pbi |= bit if gov == GOV_INSURANCE else 0
        multiple = F32(programs.design(sc, kind).eligibility_line_multiple)
        groups[multiple] = groups.get(multiple, 0) | bit
    return {
        "sub_kinds": sub_kinds,
        "school_kinds": school,
        "uninsured_kinds": uninsured,
        "group_multiple": np.array(list(groups), dtype=F32),
        "group_kinds": np.array(list(groups.values()), dtype=np.int64),
        "cash_kinds": cash,
        "pbi_kinds": pbi,
        "served_table": served,
        "duplicate_table": duplicate,
    }


def _reach_by_counts(
    coalition: Coalition,
    hh: Households,
    lines: np.ndarray,
    ws: WeightSums,
    out: dict[str, float],
    y: np.ndarray,
    persons: np.ndarray,
) -> dict[str, float]:
    """:func:`reach_figures` from :func:`reach_counts` (exact weight sums only).

    The kernel counts households per weight class for every mask of :func:`_reach_by_masks`
    (``WeightSums.total`` turns counts into the same sums) and gathers the persons that numpy
    sums, in the same order; the kinds are accumulated in the same order as there.
    """
    state = coalition.state
    if state.weight_class is None or state.weight_class[0] is not hh.weight:
        values32 = ws.values.astype(np.float32)
        state.weight_class = (hh.weight, np.searchsorted(values32, hh.weight).astype(np.uint8))
    kinds = list({i.kind for i in coalition.institutions})  # the order _reach_by_masks sums in
    t = _kind_tables(coalition, kinds)
    counts, eligible, hist, poor_p, served_p = reach_counts(
        state.months_left,
        state.eligible_at_entry,
        state.weight_class[1],
        ws.values.size,
        y,
        lines,
        persons,
        hh.subdistrict,
        hh.n_school,
        hh.insured,
        hh.pkh,
        hh.bpnt,
        hh.pbi,
        t["sub_kinds"],
        t["school_kinds"],
        t["uninsured_kinds"],
        t["group_multiple"],
        t["group_kinds"],
        t["cash_kinds"],
        t["pbi_kinds"],
        t["served_table"],
        t["duplicate_table"],
    )
    patterns = np.arange(256)

    def total(counts: np.ndarray) -> float:
        # WeightSums.total's arithmetic on the same counts per weight value
        return float(sum(float(v) * int(c) for v, c in zip(ws.values, counts, strict=True)))

    def kind_counts(h: np.ndarray, k: int) -> np.ndarray:
        return h[:, (patterns >> k) & 1 == 1].sum(axis=1)

    out["coverage_poor"] = float(served_p.sum() / max(poor_p.sum(), 1e-9))
    enrolments = total(counts[:, 0])
    out["beneficiaries"] = total(counts[:, 1])
    if enrolments > 0:
        out["inclusion_error"] = total(counts[:, 2]) / enrolments
    excluded = eligible_total = 0.0
    for k in range(len(kinds)):
        elig_k = kind_counts(eligible, k)
        eligible_total += total(elig_k)
        excluded += total(elig_k - kind_counts(hist[0], k))  # eligible and not served
        out["duplicate_enrolments"] += total(kind_counts(hist[1], k))
        out["duplicate_ngo_gov"] += total(kind_counts(hist[2], k))
    if eligible_total > 0:
        out["exclusion_error"] = excluded / eligible_total
    return out


def poor_ever_reached(
    coalition: Coalition,
    hh: Households,
    lines: np.ndarray,
    consumption_pc: np.ndarray | None = None,
    persons: np.ndarray | None = None,
) -> float:
    """Share of this month's poor persons whose household any institution has ever enrolled.

    Numerator: persons (members x weight) of households poor this month and enrolled with at
    least one institution of the roster at any time since month 0 (``CoalitionState.ever``),
    whether or not the enrolment is still running. Denominator: persons of households poor
    this month (per-capita consumption strictly below the household's line). At month 12 it
    is the share of the poor that the roster reached within its first year, the figure that
    zakat bodies' and NGOs' beneficiary counts are compared with (``docs/VALIDATION.md``,
    "Reach that fits the money"). Unlike ``coverage_poor`` (enrolled this month), it only
    grows with time as long as the poor stay poor.

    Args:
        coalition: The institutions (``model.coalition``).
        hh: The households.
        lines: Poverty line per household (rupiah per capita per month).
        consumption_pc: Per-capita consumption (rupiah per month; as recorded, e.g.
            ``model.observed_consumption_pc()``); ``hh.consumption_pc`` when None.
        persons: ``hh.persons`` if already computed this month.

    Returns:
        The share (0-1); 0 without institutions or without poor persons.
    """
    if not coalition.institutions:
        return 0.0
    y = hh.consumption_pc if consumption_pc is None else consumption_pc
    p = hh.persons if persons is None else persons
    poor = y < lines
    poor_persons = float(p[poor].sum())
    if poor_persons <= 0:
        return 0.0
    ever = coalition.state.ever.any(axis=0)
    return float(p[poor & ever].sum()) / poor_persons


def households_ever_reached(coalition: Coalition, hh: Households) -> float:
    """Real households ever enrolled with any institution since month 0, per 1,000 represented.

    Args:
        coalition: The institutions (``model.coalition``).
        hh: The households.

    Returns:
        Households per 1,000 households represented (0 without institutions).
    """
    if not coalition.institutions:
        return 0.0
    w = hh.weight.astype(np.float64)
    ever = coalition.state.ever.any(axis=0)
    return 1000.0 * float(w[ever].sum()) / float(w.sum())
