"""The monthly recording in two compiled passes over the households (``sim.kernels``).

``sim.measures.record`` computes some thirty figures a month from the household arrays:
FGT P0-P2 and Watts (national, urban, rural), the Gini coefficients, the equivalence-scale
headcount, Alkire-Foster MPI, flows in and out of poverty, sub-district headcounts and a few
means. In numpy each figure is its own pass (masks, compressed copies, products, sums): some
40 passes over a million households. Here one loop over the households accumulates every sum
at once (:func:`household_pass`), and one loop over the households in consumption order
accumulates the three Gini sums (:func:`gini_pass`).

The figures are the same as the numpy reference's (``sim.measures.record.reference_figures``)
up to the order of floating-point additions: numpy sums pairwise, these loops sequentially in
float64, so the two agree to about 1e-15 relative (``tests/test_regression.py`` holds
them to 1e-12). Sums of person weights are exact in either order
(``sim.institutions.weightsums``). State the recording keeps (``months_out``, last month's
poverty) is updated identically.
"""

from __future__ import annotations

import math

import numpy as np

from sim.kernels import jit, pjit, prange

#: Accumulators of :func:`household_pass`, by position.
SUMS = (
    "persons",  # 0: sum w
    "wy",  # 1: sum w y
    "p0",  # 2: sum w [poor]
    "p1",  # 3: sum w gap
    "p2",  # 4: sum w gap^2
    "watts",  # 5: sum w ln(z / y) over the poor
    "persons_urban",  # 6
    "p0_urban",  # 7
    "p1_urban",  # 8
    "p2_urban",  # 9
    "persons_rural",  # 10
    "p0_rural",  # 11
    "p1_rural",  # 12
    "p2_rural",  # 13
    "p0_equivalence",  # 14: sum w [y_eq < line_eq]
    "mpi_poor",  # 15: sum w [MPI poor]
    "mpi_score",  # 16: sum w score over the MPI poor
    "exited",  # 17
    "entered",  # 18
    "lasting_12m",  # 19
    "weight",  # 20: sum of household weights
    "members_weight",  # 21: sum members x weight
    "enrolled_weight",  # 22: sum n_enrolled x weight
    "school_weight",  # 23: sum n_school x weight
    "assets_weight",  # 24: sum assets x weight
    "line_weight",  # 25: sum z w
    "pbi_persons",  # 26: sum w over PBI-JKN members
    "poor_min_y",  # 27: smallest y among the poor (a Watts check: must be > 0)
)
INDEX = {name: i for i, name in enumerate(SUMS)}
len_sums = len(SUMS)  # a global constant for the kernels
#: Households per chunk of the parallel recording pass (fixed: the sums' order depends on it,
#: never on the number of threads).
CHUNK = 65_536


@jit
def _mpi_score(adult_schooling, n_enrolled, n_school, insured, health_state, assets, yi, z32,
               food_line_share, asset_deprivation):  # fmt: skip
    """Alkire-Foster score: the six indicators in MPI_INDICATORS order, added as numpy adds them."""
    sixth = 1.0 / 6.0  # equal indicator weights, normalised as alkire_foster does
    score = 0.0
    score += (1.0 if adult_schooling < 6 else 0.0) * sixth
    score += (1.0 if n_enrolled < n_school else 0.0) * sixth
    score += (0.0 if insured else 1.0) * sixth
    score += (1.0 if health_state == 2 else 0.0) * sixth
    score += (1.0 if assets < asset_deprivation else 0.0) * sixth
    score += (1.0 if yi < np.float32(food_line_share * z32) else 0.0) * sixth
    return score


@jit
def _months_out(was_poor, poor, months_out):
    """Months since leaving poverty (-1 when poor, 0 on exit), and whether it exited, entered."""
    mo = months_out
    if mo >= 0:
        mo = np.int16(mo + 1)
    exited = entered = False
    if was_poor and not poor:
        exited = True
        mo = np.int16(0)
    elif poor and not was_poor:
        entered = True
    if poor:
        mo = np.int16(-1)
    return mo, exited, entered


@jit
def _household_chunk(lo, hi, consumption, n_young, n_school, n_adult, n_elderly, weight, lines,
                     urban, eq_lines, eq_scale, adult_schooling, n_enrolled, insured, health_state,
                     assets, pbi, subdistrict, food_line_share, asset_deprivation, mpi_cutoff,
                     was_poor, months_out, flows, y, w, sub_poor, sub_persons, acc):  # fmt: skip
    """The sums of :func:`household_pass` over households ``lo..hi-1``, written to ``acc``.

    ``sub_poor`` and ``sub_persons`` are this chunk's rows (zero on entry); ``y``, ``w``,
    ``was_poor`` and ``months_out`` are written for the chunk's households only.
    """
    # scalar accumulators (registers), in the order of SUMS
    persons = wy = p0 = p1 = p2 = watts = 0.0
    persons_u = p0_u = p1_u = p2_u = persons_r = p0_r = p1_r = p2_r = 0.0
    p0_eq = mpi_poor = mpi_score = exited = entered = lasting = 0.0
    weight_sum = members_w = enrolled_w = school_w = assets_w = line_w = pbi_w = 0.0
    poor_min_y = np.inf
    for i in range(lo, hi):
        mem16 = np.int16(np.int16(n_young[i]) + n_school[i] + n_adult[i] + n_elderly[i])
        c = consumption[i]
        yi = np.float32(c / np.float32(mem16))
        y[i] = yi
        wt = np.float64(weight[i])
        memd = np.float64(mem16)
        wi = memd * wt
        w[i] = wi
        z32 = lines[i]
        z = np.float64(z32)
        yd = np.float64(yi)
        persons += wi
        wy += wi * yd
        poor = yi < z32
        u = urban[i]
        g = subdistrict[i]
        sub_persons[g] += wi
        if u:
            persons_u += wi
        else:
            persons_r += wi
        if poor:
            gap = (z - yd) / z
            gap_w = wi * gap
            gap2_w = wi * (gap * gap)
            p0 += wi
            p1 += gap_w
            p2 += gap2_w
            if yd < poor_min_y:
                poor_min_y = yd
            if yd > 0.0:
                watts += wi * math.log(z / yd)
            sub_poor[g] += wi
            if u:
                p0_u += wi
                p1_u += gap_w
                p2_u += gap2_w
            else:
                p0_r += wi
                p1_r += gap_w
                p2_r += gap2_w
        if np.float32(c / eq_scale[mem16]) < eq_lines[i]:
            p0_eq += wi
        score = _mpi_score(adult_schooling[i], n_enrolled[i], n_school[i], insured[i],
                           health_state[i], assets[i], yi, z32, food_line_share,
                           asset_deprivation)  # fmt: skip
        if score >= mpi_cutoff:
            mpi_poor += wi
            mpi_score += wi * score
        if flows:
            mo, out, into = _months_out(was_poor[i], poor, months_out[i])
            months_out[i] = mo
            if out:
                exited += wi
            elif into:
                entered += wi
            if mo == 12:
                lasting += wi
        was_poor[i] = poor
        weight_sum += wt
        members_w += memd * wt
        enrolled_w += np.float64(n_enrolled[i]) * wt
        school_w += np.float64(n_school[i]) * wt
        assets_w += np.float64(assets[i]) * wt
        line_w += z * wi
        if pbi[i]:
            pbi_w += wi
    s = acc
    s[0], s[1], s[2], s[3], s[4], s[5] = persons, wy, p0, p1, p2, watts
    s[6], s[7], s[8], s[9] = persons_u, p0_u, p1_u, p2_u
    s[10], s[11], s[12], s[13] = persons_r, p0_r, p1_r, p2_r
    s[14], s[15], s[16], s[17], s[18], s[19] = p0_eq, mpi_poor, mpi_score, exited, entered, lasting
    s[20], s[21], s[22], s[23], s[24] = weight_sum, members_w, enrolled_w, school_w, assets_w
    s[25], s[26], s[27] = line_w, pbi_w, poor_min_y


@pjit
def household_pass(
    consumption,
    n_young,
    n_school,
    n_adult,
    n_elderly,
    weight,
    lines,
    urban,
    eq_lines,
    eq_scale,
    adult_schooling,
    n_enrolled,
    insured,
    health_state,
    assets,
    pbi,
    subdistrict,
    food_line_share,
    asset_deprivation,
    mpi_cutoff,
    was_poor,
    months_out,
    flows,
    y,
    w,
    sub_poor,
    sub_persons,
):
    """Accumulate the month's sums in one pass (see :data:`SUMS`).

    Args:
        consumption: Household consumption (rupiah per month), float32.
        n_young: Children 0-6 per household (int8); likewise ``n_school``, ``n_adult``,
            ``n_elderly``.
        n_school: Children 7-15.
        n_adult: Adults.
        n_elderly: Elderly members.
        weight: Households represented by each record, float32.
        lines: Poverty line per household (rupiah per capita per month), float32.
        urban: Urban households (bool).
        eq_lines: Lines for equivalised consumption (rupiah per month), float32.
        eq_scale: ``members ** theta`` by household size (float32, computed by numpy: its
            float32 power differs from Numba's in the last bit for some sizes).
        adult_schooling: Mean years of schooling of adults, float32.
        n_enrolled: Children enrolled in school, int8.
        insured: Health insurance (bool).
        health_state: 0 healthy, 1 minor, 2 severe (int8).
        assets: Productive assets (rupiah), float32.
        pbi: PBI-JKN members (bool).
        subdistrict: Sub-district index per household.
        food_line_share: MPI food-consumption cut-off as a share of the line, float32.
        asset_deprivation: MPI asset cut-off (rupiah), float32.
        mpi_cutoff: Alkire-Foster ``k`` minus its tolerance (float64).
        was_poor: Last month's poverty (bool), overwritten with this month's.
        months_out: Months since leaving poverty (int16, -1 poor), updated when ``flows``.
        flows: Whether to update ``months_out`` and count flows.
        y: Output, per-capita consumption (float32).
        w: Output, persons represented (members x weight, float64).
        sub_poor: Output, persons poor per sub-district (float64, zeroed here).
        sub_persons: Output, persons per sub-district (float64, zeroed here).

    The households are summed in fixed chunks of :data:`CHUNK`, in parallel, and the chunks'
    sums added in chunk order, so the figures do not depend on the number of threads.

    Returns:
        The float64 accumulators, in the order of :data:`SUMS`.
    """
    n = consumption.shape[0]
    n_chunks = max(1, (n + CHUNK - 1) // CHUNK)
    acc = np.empty((n_chunks, len_sums))
    n_sub = sub_poor.shape[0]
    chunk_poor = np.zeros((n_chunks, n_sub))
    chunk_persons = np.zeros((n_chunks, n_sub))
    for c in prange(n_chunks):
        _household_chunk(
            c * CHUNK,
            min(n, (c + 1) * CHUNK),
            consumption,
            n_young,
            n_school,
            n_adult,
            n_elderly,
            weight,
            lines,
            urban,
            eq_lines,
            eq_scale,
            adult_schooling,
            n_enrolled,
            insured,
            health_state,
            assets,
            pbi,
            subdistrict,
            food_line_share,
            asset_deprivation,
            mpi_cutoff,
            was_poor,
            months_out,
            flows,
            y,
            w,
            chunk_poor[c],
            chunk_persons[c],
            acc[c],
        )
    # chunks are combined in chunk order: the sums do not depend on the number of threads
    s = acc[0].copy()
    sub_poor[:] = chunk_poor[0]
    sub_persons[:] = chunk_persons[0]
    for c in range(1, n_chunks):
        for k in range(len_sums - 1):
            s[k] += acc[c, k]
        s[len_sums - 1] = min(s[len_sums - 1], acc[c, len_sums - 1])  # poor_min_y
        for g in range(n_sub):
            sub_poor[g] += chunk_poor[c, g]
            sub_persons[g] += chunk_persons[c, g]
    return s


@jit
def gini_pass(y, w, order, urban, total, total_urban, total_rural):
    """Gini sums over the households in ascending ``y`` (national, urban, rural).

    With ``C_i`` the cumulative weight up to and including unit ``i`` (within its own group),
    accumulates ``sum w_i y_i`` and ``sum w_i y_i (2 C_i - w_i - W)`` for each group, the
    formula of :func:`sim.measures.gini`. The urban and rural orders are the national order
    restricted to each area (an ascending order of the area's households).

    Args:
        y: Per-capita consumption, float32.
        w: Persons represented, float64.
        order: Permutation sorting ``y`` ascending.
        urban: Urban households (bool).
        total: Total persons (float64); ``total_urban`` and ``total_rural`` likewise.
        total_urban: Urban persons.
        total_rural: Rural persons.

    Returns:
        float64 array ``[wy, num, wy_urban, num_urban, wy_rural, num_rural]``.
    """
    out = np.zeros(6)
    cum = 0.0
    cum_u = 0.0
    cum_r = 0.0
    for k in range(order.shape[0]):
        i = order[k]
        wi = w[i]
        wy = wi * np.float64(y[i])
        cum += wi
        out[0] += wy
        out[1] += (2.0 * cum - wi - total) * wy
        if urban[i]:
            cum_u += wi
            out[2] += wy
            out[3] += (2.0 * cum_u - wi - total_urban) * wy
        else:
            cum_r += wi
            out[4] += wy
            out[5] += (2.0 * cum_r - wi - total_rural) * wy
    return out


@jit
def gini_reorder_pass(key, order, w, urban, total, total_urban, total_rural):
    """:func:`gini_pass` over ``sorting.sorted_keys`` output, writing the new order into ``key``.

    The k-th key holds the k-th smallest consumption's order-preserving bits (upper 32) and
    its position in last month's ``order`` (lower 32). The loop restores each value's float32
    bits in place, reads it, and overwrites the key with the household index
    ``order[position]``: on return ``key.view(np.intp)`` is ``sorting.reorder``'s order and the
    sums are those :func:`gini_pass` takes along it (the same values in the same order; -0.0
    reads as +0.0, which adds the same). One sequential pass over the keys and one gather per
    household for ``order``, ``w`` and ``urban``, instead of a gather of ``y`` as well and a
    separate pass to write the order.

    Returns:
        float64 array ``[wy, num, wy_urban, num_urban, wy_rural, num_rural]``.
    """
    half = key.view(np.uint32)  # little-endian: [2k] position, [2k + 1] value bits
    value = key.view(np.float32)
    low = np.uint64(0xFFFFFFFF)
    sign = np.uint32(0x80000000)
    out = np.zeros(6)
    cum = 0.0
    cum_u = 0.0
    cum_r = 0.0
    for k in range(key.shape[0]):
        i = order[np.int64(key[k] & low)]
        b = half[2 * k + 1]
        half[2 * k + 1] = (b ^ sign) if (b & sign) != np.uint32(0) else ~b
        yk = value[2 * k + 1]
        key[k] = np.uint64(i)
        wi = w[i]
        wy = wi * np.float64(yk)
        cum += wi
        out[0] += wy
        out[1] += (2.0 * cum - wi - total) * wy
        if urban[i]:
            cum_u += wi
            out[2] += wy
            out[3] += (2.0 * cum_u - wi - total_urban) * wy
        else:
            cum_r += wi
            out[4] += wy
            out[5] += (2.0 * cum_r - wi - total_rural) * wy
    return out


def gini_from_sums(wy_total: float, num: float, total: float) -> float:
    """The Gini coefficient from :func:`gini_pass` sums (as ``measures.gini`` finishes)."""
    if total <= 0.0:
        return float("nan")
    if wy_total <= 0.0:
        raise ValueError("gini needs a positive mean of y (weighted mean is zero)")
    return max(num / (total * wy_total), 0.0)
