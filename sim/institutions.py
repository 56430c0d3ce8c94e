"""Institution agents and the monthly work of the institutional sector.

Agents (``mesa.Agent``, few, each with its own state):

* ``SocialInstitution``: an NGO, foundation, zakat body or charity with a theme and one
  programme; it raises money, screens households through its own noisy view (or a shared or the
  government's registry), enrols them within budget and capacity, delivers, and keeps accounts.
* ``Government``: the social registry and background programmes (in the household world),
  co-funding of partners and infrastructure that lowers their delivery cost.
* ``PrivatePartner``: CSR funds, training and market access for livelihood programmes.

``Sector`` runs a month of the institutions in a fixed order (money in, fixed costs, enrolment
and delivery; after the households' month: trust, learning, evaluation) and hands the model the
programmes' ``Effects`` on households. Institutions act on households only through vectorised
reads and writes of the household arrays; the loop is over institutions. Where that takes
several full-length passes (screening candidates, the pooled survey view, the monthly reach
figures), a compiled kernel (``sim.accel``) makes one pass with the same arithmetic, and
delivery works on each institution's enrolled households by index; the numpy code is the
reference (``tests/test_accel_institutions.py`` compares the two bit for bit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim import accel, programs
from sim import cooperation as coop
from sim.kernels.sorting import stable_argsort
from sim.ledger import Ledger
from sim.programs import Effects
from sim.scenario import Institution as InstitutionSpec
from sim.scenario import Scenario
from sim.weightsums import WeightSums
from sim.world.households import Households

if TYPE_CHECKING:
    from sim.model import PovertyModel

F32 = np.float32
ENROLMENT_INTERVAL = 3
"""Months between enrolment rounds (quarterly programme cycles)."""
FIXED_COST_BUFFER_MONTHS = 3
"""Months of fundraising an institution keeps free before enrolling more households."""


# Compiled kernels (sim.accel): one loop over households where the numpy code makes several
# full-length passes. Each reproduces the numpy arithmetic of the method that calls it exactly
# (float32 where numpy works in float32, the same order of operations); sums that numpy does
# pairwise stay on the numpy side. tests/test_accel_institutions.py runs scenarios both ways.
OBS_NONE, OBS_SCHOOL, OBS_UNINSURED = 0, 1, 2
"""What an institution sees for sure when it screens (``programs.observable_filter``)."""
GOV_NONE, GOV_CASH, GOV_INSURANCE = 0, 1, 2
"""Government benefit of the same kind (``programs.government_same_kind``)."""
MAX_BITS = 64
"""Most institutions the enrolment kernel handles (one bit each in a uint64)."""
MAX_REACH_INSTITUTIONS = 12
"""Most institutions the reach kernel handles (tables over every set of institutions)."""


def _observable_code(kind: str) -> int:
    """The kernels' code of :func:`programs.observable_filter` for a programme kind."""
    if kind in ("scholarship", "tutoring"):
        return OBS_SCHOOL
    if kind == "health_insurance":
        return OBS_UNINSURED
    return OBS_NONE


def _gov_code(kind: str) -> int:
    """The kernels' code of :func:`programs.government_same_kind` for a programme kind."""
    if kind == "cash_transfer":
        return GOV_CASH
    if kind == "health_insurance":
        return GOV_INSURANCE
    return GOV_NONE


@accel.jit
def _positive_index(row):  # pragma: no cover - compiled
    """``np.flatnonzero(row > 0)`` for one institution's ``months_left`` row (int64)."""
    n = row.shape[0]
    count = 0
    for i in range(n):
        if row[i] > 0:
            count += 1
    out = np.empty(count, dtype=np.int64)
    k = 0
    for i in range(n):
        if row[i] > 0:
            out[k] = i
            k += 1
    return out


@accel.jit
def _poor_persons_kernel(
    subdistrict, consumption, n_young, n_school, n_adult, n_elderly, weight, lines, n_sub
):  # pragma: no cover - compiled
    """``np.bincount(sub, weights=hh.persons * (hh.consumption_pc < lines))`` in one pass."""
    out = np.zeros(n_sub, dtype=np.float64)
    for i in range(subdistrict.shape[0]):
        members = np.int64(n_young[i]) + n_school[i] + n_adult[i] + n_elderly[i]
        y = consumption[i] / np.float32(members)  # float32 / float32, as numpy's f4 / i2
        persons = np.float64(members) * np.float64(weight[i])
        out[subdistrict[i]] += persons * (1.0 if y < lines[i] else 0.0)
    return out


@accel.jit
def _survey_add(total, noise, subdistrict, scaled):  # pragma: no cover - compiled
    """``total += np.where(reach[sub], sd * noise, 0)`` in place (float32).

    ``scaled`` is ``sd`` in the sub-districts surveyed and 0 elsewhere. Outside them this adds
    ``0 * noise`` (+0 or -0) instead of +0: the same sum, since ``x + -0 == x`` for every ``x``
    and ``x + +0 == x`` for every ``x`` but -0, which ``total`` (starting at +0, and a sum of
    finite terms under round-to-nearest) never is.
    """
    for i in range(total.shape[0]):
        total[i] = total[i] + scaled[subdistrict[i]] * noise[i]


@accel.jit
def _active_bits(months_left):  # pragma: no cover - compiled
    """Bit ``r`` set where ``months_left[r] > 0`` (at most 64 institutions), per household."""
    n_inst, n = months_left.shape
    bits = np.zeros(n, dtype=np.uint64)
    for r in range(n_inst):
        row = months_left[r]
        bit = np.uint64(1) << np.uint64(r)
        for i in range(n):
            if row[i] > 0:
                bits[i] |= bit
    return bits


@accel.jit
def _themes_served(months_left, idx, theme_masks):  # pragma: no cover - compiled
    """Themes serving each household of ``idx`` (float32), as ``_bundle_multiplier`` counts.

    ``theme_masks[t]`` has bit ``r`` set when institution ``r`` is a member working on theme
    ``t`` (at most 63 institutions). The count adds 1 or 0 per theme in float32, in theme
    order (small integers: exact). The enrolments are read row by row (contiguous rows).
    """
    n_inst = months_left.shape[0]
    n = idx.shape[0]
    bits = np.zeros(n, dtype=np.int64)
    used = np.int64(0)
    for t in range(theme_masks.shape[0]):
        used |= theme_masks[t]
    for r in range(n_inst):
        if (used >> r) & 1 == 0:
            continue
        row = months_left[r]
        for k in range(n):
            bits[k] |= np.int64(row[idx[k]] > 0) << r
    out = np.empty(n, dtype=np.float32)
    one = np.float32(1.0)
    zero = np.float32(0.0)
    for k in range(n):
        themes = zero
        for t in range(theme_masks.shape[0]):
            themes = themes + (one if (bits[k] & theme_masks[t]) != 0 else zero)
        out[k] = themes
    return out


@accel.jit
def _themes_of_members(n, idx, rows, theme_masks):  # pragma: no cover - compiled
    """Themes serving each listed enrolment's household (float32), as ``_bundle_multiplier``.

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


@accel.jit
def _set_bit(bits, idx, r):  # pragma: no cover - compiled
    """Set bit ``r`` of ``bits`` at ``idx`` (new enrolments with institution ``r``)."""
    bit = np.uint64(1) << np.uint64(r)
    for i in idx:
        bits[i] |= bit


@accel.pjit
def _pooled_view(
    truth, total, subdistrict, count, weight, other, registry, access
):  # pragma: no cover - compiled
    """View from pooled surveys: ``own = truth + total / count``, combined with the registry.

    ``count``, ``weight`` (on the own survey) and ``other`` (``1 - weight``) are per
    sub-district (they depend on the household only through who surveyed its sub-district).
    """
    n = truth.shape[0]
    out = np.empty(n, dtype=np.float32)
    for i in accel.prange(n):
        s = subdistrict[i]
        own = truth[i] + total[i] / count[s]
        if access:
            out[i] = weight[s] * own + other[s] * registry[i]
        else:
            out[i] = own
    return out


@accel.pjit
def _private_view(truth, noise, sd, weight, other, registry, access):  # pragma: no cover
    """View from the own survey: ``own = truth + sd * noise``, combined with the registry."""
    n = truth.shape[0]
    out = np.empty(n, dtype=np.float32)
    for i in accel.prange(n):
        own = truth[i] + sd * noise[i]
        if access:
            out[i] = weight * own + other * registry[i]
        else:
            out[i] = own
    return out


@accel.jit
def _below_line(view, log_line):  # pragma: no cover - compiled
    """``np.flatnonzero(view < log_line)`` (int64)."""
    n = view.shape[0]
    idx = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        idx[k] = i
        k += view[i] < log_line[i]
    return idx[:k].copy()


@accel.jit
def _candidates_kernel(
    view,
    log_line,
    subdistrict,
    area,
    observable,
    n_school,
    insured,
    active_bits,
    excluded_mask,
    ever,
    use_ever,
    gov,
    pkh,
    bpnt,
    pbi,
    other_mask,
    bonus,
    below,
    use_below,
):  # pragma: no cover - compiled
    """Candidates of one institution's enrolment round and their scores, in index order.

    With ``use_below`` only the households ``below`` (ascending: those whose view is below the
    line, shared by the institutions that share a view) are examined, else all of them.

    A household is a candidate when it lives in the area, passes the observable filter, is not
    excluded (enrolled with an institution of ``excluded_mask``, a bit mask over
    ``active_bits``; ever enrolled when ``use_ever``; holding the government benefit of the
    same kind) and its view is below the log line. Its score is the view, less 10 when
    ``bonus`` and it is served by an institution of ``other_mask``. Branch-free: every
    household is written at the next free slot, which only advances for candidates.

    Returns:
        Candidate indices (int64, ascending) and their scores (float32).
    """
    n = below.shape[0] if use_below else view.shape[0]
    idx = np.empty(n, dtype=np.int64)
    score = np.empty(n, dtype=np.float32)
    ten = np.float32(10.0)
    zero = np.float32(0.0)
    none = np.uint64(0)
    k = 0
    for p in range(n):
        i = below[p] if use_below else p
        v = view[i]
        bits = active_bits[i]
        ok = area[subdistrict[i]] & (v < log_line[i]) & ((bits & excluded_mask) == none)
        if observable == 1:
            ok &= n_school[i] > 0
        elif observable == 2:
            ok &= not insured[i]
        if use_ever:
            ok &= not ever[i]
        if gov == 1:
            ok &= not (pkh[i] | bpnt[i])
        elif gov == 2:
            ok &= not pbi[i]
        if bonus:
            v = v - (ten if (bits & other_mask) != none else zero)
        idx[k] = i
        score[k] = v
        k += ok
    return idx[:k].copy(), score[:k].copy()


@accel.jit
def _popcount(x):  # pragma: no cover - compiled
    """Number of bits set in a uint64 (exact integer arithmetic)."""
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return np.int64((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


#: Households per chunk of the parallel reach kernel (fixed; results never depend on it).
REACH_CHUNK = 65_536


@accel.jit
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
    """:func:`_reach_kernel` over households ``lo..hi-1``, into this chunk's arrays.

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


@accel.pjit
def _reach_kernel(
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
    """Counts per weight class behind ``Sector.reach_figures`` (exact weight sums path).

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
    for ch in accel.prange(n_chunks):
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


class SocialInstitution(mesa.Agent):
    """A social institution with a theme, a programme, money and a view of households.

    Attributes:
        spec: The scenario's description (budget, costs, capacity, reach, mission...).
        row: Index of the institution in the sector's arrays and ledger.
        quality: Practice quality (moves with knowledge exchange).
        trust: Trust in the coalition (0-1).
        member: Currently a coalition member.
        reputation: What donors believe of its cost-effectiveness (starts at transparency).
        performance: Last measured relative cost-effectiveness (1 until evaluated).
        area: Sub-districts it works in (after any division of areas).
    """

    def __init__(self, model: PovertyModel, spec: InstitutionSpec, row: int) -> None:
        super().__init__(model)
        self.spec = spec
        self.row = row
        sc = model.config
        self.quality = float(spec.practice_quality)
        self.trust = float(sc.cooperation.trust.initial)
        self.member = False
        self.reputation = float(spec.transparency)
        self.performance = 1.0
        n_sub = sc.population.subdistricts
        self.reach = np.zeros(n_sub, dtype=bool)
        self.reach[spec.reach if spec.reach else slice(None)] = True
        self.area = self.reach.copy()
        urban_share = float(
            np.mean(np.arange(n_sub)[self.reach] < sc.population.urban_subdistricts)
        )
        self.mission = coop.mission_vector(spec.theme, spec.mission, urban_share)

    @property
    def kind(self) -> str:
        """Programme kind it runs."""
        return self.spec.programme

    def delivery_cost(self, sc: Scenario, government_partner: bool) -> float:
        """Delivery cost per beneficiary household per month (rupiah)."""
        cost = programs.design(sc, self.kind).delivery_cost * self.spec.delivery_cost_factor
        if government_partner:
            cost *= 1.0 - sc.cooperation.partnership.infrastructure_cut
        return cost


class Government(mesa.Agent):
    """The government as a partner: registry access, co-funding, infrastructure."""

    def cofunding(self, sc: Scenario, direct_spend: float) -> float:
        """Matching funds for a partner's direct programme spend last month (rupiah)."""
        return sc.cooperation.partnership.cofunding_share * direct_spend


class PrivatePartner(mesa.Agent):
    """A business partner: CSR funds, training and market access for livelihoods."""

    def csr_funds(self, sc: Scenario, scale: float) -> float:
        """CSR money for the month (rupiah)."""
        return sc.business.csr_funds * scale


class Sector:
    """All institutions of a run, their enrolments and their accounts.

    Args:
        model: The model (its households, streams and scenario).
    """

    def __init__(self, model: PovertyModel) -> None:
        sc = model.config
        self.model = model
        self.sc = sc
        self.scale = sc.population.households_represented / 1000.0
        self.institutions = [SocialInstitution(model, s, k) for k, s in enumerate(sc.institutions)]
        self.government = Government(model)
        self.business = PrivatePartner(model)
        n_inst, n = len(self.institutions), model.households.n
        self.months_left = np.zeros((n_inst, n), dtype=np.int16)
        self.months_in = np.zeros((n_inst, n), dtype=np.int16)
        self.ever = np.zeros((n_inst, n), dtype=bool)
        self.eligible_at_entry = np.zeros((n_inst, n), dtype=bool)
        self.ledger = Ledger([i.spec.name for i in self.institutions], sc.months)
        self.direct_spend_last = np.zeros(n_inst)
        self.direct_spend_period = np.zeros(n_inst)
        self.spend_total = 0.0
        self.spend_direct = 0.0
        self.formed = coop.coalition_formed(sc) and n_inst > 0
        for inst in self.institutions:
            inst.member = self.formed and inst.spec.coalition
        if sum(i.member for i in self.institutions) < 2:
            for inst in self.institutions:
                inst.member = False
        self._divide_areas()
        self.history: list[dict[str, np.ndarray]] = []
        self.injected = np.zeros(sc.population.subdistricts)
        self._view_cache: dict | None = None  # views of sharing groups within one round
        self._bits: np.ndarray | None = None  # enrolments as bits, within one round (kernels)
        self._idx_cache: dict[int, np.ndarray] | None = None  # enrolled rows, within month()
        self._below: dict[tuple[int, int], tuple] = {}  # shared views below the line, a round
        self._log_lines: dict[float, tuple[np.ndarray, np.ndarray]] = {}
        self._weight_sums: tuple[np.ndarray, WeightSums] | None = None
        self._weight_class: tuple[np.ndarray, np.ndarray] | None = None

    # ----------------------------------------------------------------------------------------
    @property
    def members(self) -> np.ndarray:
        """Membership mask over institutions."""
        return np.array([i.member for i in self.institutions], dtype=bool)

    def _government_partner(self, inst: SocialInstitution) -> bool:
        return self.sc.cooperation.partnership.government and inst.member

    def _registry_access(self, inst: SocialInstitution) -> bool:
        return self.sc.cooperation.information == "registry" or self._government_partner(inst)

    def _sharing(self, inst: SocialInstitution) -> str:
        """The information regime this institution works under now."""
        if not inst.member:
            return "private"
        info = self.sc.cooperation.information
        if info == "registry":
            info = "private"  # own survey, combined with the registry in _view
        if info == "private" and self.sc.cooperation.alliance_enabled:
            return "theme"  # an alliance shares a beneficiary registry within its theme
        return info

    def _group(self, inst: SocialInstitution, by_theme: bool) -> list[SocialInstitution]:
        return [
            j
            for j in self.institutions
            if j.member and (not by_theme or j.spec.theme == inst.spec.theme)
        ]

    def _divide_areas(self) -> None:
        """Alliances divide areas: each shared sub-district goes to one member of the theme."""
        c = self.sc.cooperation
        for inst in self.institutions:
            inst.area = inst.reach.copy()
        if not (c.alliance_enabled and c.alliance.divide_areas):
            return
        for theme in coop.THEMES:
            group = [i for i in self.institutions if i.member and i.spec.theme == theme]
            if len(group) < 2:
                continue
            counts = np.zeros(len(group))
            for inst in group:
                inst.area[:] = False
            for sub in range(self.sc.population.subdistricts):
                able = [k for k, i in enumerate(group) if i.reach[sub]]
                if not able:
                    continue
                k = min(able, key=lambda j: (counts[j], j))
                group[k].area[sub] = True
                counts[k] += 1

    # ----------------------------------------------------------------------------------------
    def remaining_cost(
        self,
        inst: SocialInstitution,
        idx: np.ndarray,
        months_left: np.ndarray,
        months_in: np.ndarray,
    ) -> np.ndarray:
        """Cost still to pay for households ``idx`` (rupiah each, before overhead)."""
        sc, hh = self.sc, self.model.households
        p = sc.programmes
        delivery = inst.delivery_cost(sc, self._government_partner(inst)) * months_left
        kind = inst.kind
        if kind == "cash_transfer":
            money = p.cash_transfer.amount * months_left
        elif kind == "graduation":
            g = p.graduation
            support = g.support_amount * np.clip(g.support_months - months_in, 0, None)
            money = support + np.where(months_in == 0, g.asset_value, 0.0)
        elif kind == "scholarship":
            money = hh.n_enrolled[idx] * p.scholarship.amount_per_child * months_left
        elif kind == "health_insurance":
            money = (
                programs.members_at(hh, idx) * p.health_insurance.premium_per_person * months_left
            )
        else:
            money = np.zeros(idx.shape[0])
        return (money + delivery).astype(np.float64)

    def reserve(self, inst: SocialInstitution) -> float:
        """Money committed to current beneficiaries (rupiah, overhead included)."""
        r = inst.row
        idx = self._active_idx(r)
        if idx.size == 0:
            return 0.0
        cost = self.remaining_cost(inst, idx, self.months_left[r, idx], self.months_in[r, idx])
        w = self.model.households.weight[idx].astype(np.float64)
        return float((cost * w).sum() * (1.0 + inst.spec.overhead_share))

    def _active_idx(self, row: int) -> np.ndarray:
        """Households enrolled with institution ``row``: ``np.flatnonzero(months_left > 0)``.

        With the kernels on, within :meth:`month` the answer is kept until the row changes
        (:meth:`_admit` and :meth:`_deliver` drop it when they write the row).
        """
        if not accel.enabled:
            return np.flatnonzero(self.months_left[row] > 0)
        cache = self._idx_cache
        if cache is not None and row in cache:
            return cache[row]
        idx = _positive_index(self.months_left[row])
        if cache is not None:
            cache[row] = idx
        return idx

    # ----------------------------------------------------------------------------------------
    def month(self, m: int) -> tuple[Effects, np.ndarray]:
        """Run the institutions' month before the households' month.

        Returns:
            The programmes' effects on households and the money injected per sub-district.
        """
        self._idx_cache = {} if accel.enabled else None
        try:
            return self._month(m)
        finally:
            self._idx_cache = None

    def _month(self, m: int) -> tuple[Effects, np.ndarray]:
        sc, hh = self.sc, self.model.households
        L = self.ledger
        L.open_month(m)
        effects = Effects.none(hh.n)
        self.injected = np.zeros(sc.population.subdistricts)
        if not self.institutions:
            L.close_month(m)
            return effects, self.injected
        if m == 1:
            for inst in self.institutions:
                L.raise_(m, inst.row, "raised_budget", inst.spec.budget * self.scale)
        reserves = np.array([self.reserve(i) for i in self.institutions])
        self._raise_money(m, reserves)
        self._fixed_costs(m, reserves)
        if (m - 1) % ENROLMENT_INTERVAL == 0:
            self._bits, self._below = None, {}  # built afresh for the round (kernels)
            for inst in self.institutions:
                self._enrol(m, inst)
            self._view_cache = None  # households change before the next round
            self._bits = None
            self._below = {}
        self._deliver(m, effects)
        L.close_month(m)
        return effects, self.injected

    def _free(self, inst: SocialInstitution, reserve: float) -> float:
        return max(self.ledger.available(inst.row) - reserve, 0.0)

    def _raise_money(self, m: int, reserves: np.ndarray) -> None:
        sc, L = self.sc, self.ledger
        c = sc.cooperation
        pooled = c.funding == "pooled"
        n = len(self.institutions)
        spend = np.zeros(n)  # fundraising spend counted in the donor market
        in_pool = np.zeros(n, dtype=bool)
        for inst in self.institutions:
            r = inst.row
            in_pool[r] = pooled and inst.member
            want = inst.spec.fundraising_effort * self.scale
            if in_pool[r]:
                want *= c.pool.campaign_cost_share
            spend[r] = L.spend(m, r, "spent_fundraising", min(want, self._free(inst, reserves[r])))
        campaign = spend[in_pool].sum() * (1.0 + c.pool.awareness_effect)
        effective = spend[~in_pool].sum() + campaign
        giving = coop.total_giving(sc, m, effective, self.scale)
        rep = np.array([i.reputation for i in self.institutions])
        zakat_ok = np.array([i.spec.zakat_eligible for i in self.institutions])
        need = self._need()
        perf = np.array([i.performance for i in self.institutions])
        alloc = coop.pool_allocation(c.pool.allocation, in_pool, need, perf)
        for part, column, eligible in (
            (giving * sc.donors.zakat_share, "raised_zakat", zakat_ok),
            (giving * (1 - sc.donors.zakat_share), "raised_donors", np.ones(n, dtype=bool)),
        ):
            # fundraising units: independent institutions, and the pool as one unit
            units_spend = list(np.where(~in_pool & eligible, spend, 0.0))
            units_rep = list(np.where(~in_pool & eligible, rep, 0.0))
            pool_eligible = in_pool & eligible
            if pool_eligible.any():
                units_spend.append(campaign)
                units_rep.append(float(rep[pool_eligible].mean()))
            shares = coop.contest_shares(
                np.array(units_spend), np.array(units_rep), sc.donors.share_exponent
            )
            for inst in self.institutions:
                if not in_pool[inst.row] and shares[inst.row] > 0:
                    L.raise_(m, inst.row, column, part * shares[inst.row])
            if pool_eligible.any():
                pool_money = part * shares[-1]
                pool_shares = alloc * pool_eligible
                if pool_shares.sum() > 0:
                    pool_shares = pool_shares / pool_shares.sum()
                    for inst in self.institutions:
                        if pool_shares[inst.row] > 0:
                            L.raise_(m, inst.row, "raised_pool", pool_money * pool_shares[inst.row])
        partners = self.members
        if c.partnership.business:
            liv = [
                i for i in self.institutions if partners[i.row] and i.spec.theme == "livelihoods"
            ]
            for inst in liv:
                L.raise_(
                    m, inst.row, "raised_csr", self.business.csr_funds(sc, self.scale) / len(liv)
                )
        if c.partnership.government:
            for inst in self.institutions:
                if partners[inst.row]:
                    amount = self.government.cofunding(sc, self.direct_spend_last[inst.row])
                    if amount > 0:
                        L.raise_(m, inst.row, "raised_gov", amount)

    def _need(self) -> np.ndarray:
        """Poor persons in each institution's area (what 'allocation by need' divides by)."""
        hh = self.model.households
        if accel.enabled:
            poor_persons = _poor_persons_kernel(
                hh.subdistrict,
                hh.consumption,
                hh.n_young,
                hh.n_school,
                hh.n_adult,
                hh.n_elderly,
                hh.weight,
                self.model.lines,
                self.sc.population.subdistricts,
            )
            return np.array([poor_persons[i.area].sum() for i in self.institutions])
        poor_persons = np.bincount(
            hh.subdistrict,
            weights=hh.persons * (hh.consumption_pc < self.model.lines),
            minlength=self.sc.population.subdistricts,
        )
        return np.array([poor_persons[i.area].sum() for i in self.institutions])

    def _fixed_costs(self, m: int, reserves: np.ndarray) -> None:
        sc, L = self.sc, self.ledger
        c = sc.cooperation
        members = self.members
        if coop.pays_coordination(sc) and members.sum() >= 2:
            for inst in self.institutions:
                if not inst.member:
                    continue
                group = self._group(inst, by_theme=c.alliance_enabled and c.funding != "pooled")
                if len(group) < 2:
                    continue
                div = coop.mission_divergence([j.mission for j in group])
                mine = div[[j.row for j in group].index(inst.row)]
                cost = coop.coordination_cost(sc, len(group), float(mine), self.scale)
                L.spend(
                    m,
                    inst.row,
                    "spent_coordination",
                    min(cost, self._free(inst, reserves[inst.row])),
                )
        if c.knowledge_enabled and m % c.knowledge.interval_months == 0 and members.sum() >= 2:
            for inst in self.institutions:
                if inst.member:
                    cost = c.knowledge.forum_cost * self.scale
                    L.spend(
                        m,
                        inst.row,
                        "spent_coordination",
                        min(cost, self._free(inst, reserves[inst.row])),
                    )
        if c.monitoring_enabled and m % c.monitoring.interval_months == 0:
            for inst in self.institutions:
                cost = c.monitoring.cost_share * self.direct_spend_period[inst.row]
                L.spend(
                    m, inst.row, "spent_monitoring", min(cost, self._free(inst, reserves[inst.row]))
                )
            self.direct_spend_period[:] = 0.0  # this month's delivery opens the next period

    # ----------------------------------------------------------------------------------------
    def _view(self, m: int, inst: SocialInstitution) -> np.ndarray:
        """The institution's estimate of log per-capita consumption for every household.

        Its own survey (noise ``targeting_noise``), pooled with partners' surveys when lists
        are shared (the noise of the institutions that surveyed a household is averaged), and
        combined with the government registry when it has access (precision-weighted; the
        registry's PMT error is ``registry.noise_sd`` but its scores are as old as its last
        update).

        Institutions that share lists see the same pooled survey: within one enrolment round
        (households do not change between the institutions' enrolments) the view of a sharing
        group is computed once and reused, with the same draws and the same arithmetic as if
        each member recomputed it (so results do not depend on the reuse).
        """
        hh = self.model.households
        sharing = self._sharing(inst)
        access = self._registry_access(inst)
        cache = self._view_cache
        if cache is None or cache["month"] != m:
            cache = self._view_cache = {"month": m, "views": {}}
        key: tuple | None = None
        if sharing != "private":
            group = self._group(inst, by_theme=sharing == "theme")
            key = (sharing, tuple(j.row for j in group), access)
            if key in cache["views"]:
                return cache["views"][key]
        if "truth" not in cache:
            cache["truth"] = np.log(np.maximum(hh.consumption_pc, F32(1)))
        truth = cache["truth"]
        if accel.enabled:
            view = self._view_compiled(m, inst, truth, group if sharing != "private" else None)
            if key is not None:
                cache["views"][key] = view
            return view
        if sharing == "private":
            noise = self.model.streams.normal(f"survey.{inst.spec.name}", m, hh.n)
            own = truth + F32(inst.spec.targeting_noise) * noise
            own_var = np.full(hh.n, F32(inst.spec.targeting_noise) ** 2)
        else:
            total = np.zeros(hh.n, dtype=F32)
            var = np.zeros(hh.n, dtype=F32)
            count = np.zeros(hh.n, dtype=F32)
            for j in group:
                surveyed = j.reach[hh.subdistrict]
                noise = self.model.streams.normal(f"survey.{j.spec.name}", m, hh.n)
                sd = F32(j.spec.targeting_noise)
                total += np.where(surveyed, sd * noise, F32(0))
                var += np.where(surveyed, sd * sd, F32(0))
                count += surveyed
            count = np.maximum(count, F32(1))
            own = truth + total / count
            own_var = var / (count * count)
        if not access:
            view = own
        else:
            reg_var = F32(self.sc.government.registry.noise_sd) ** 2
            weight = reg_var / (reg_var + np.maximum(own_var, F32(1e-6)))  # weight on own survey
            view = weight * own + (F32(1) - weight) * hh.registry_score
        if key is not None:
            cache["views"][key] = view
        return view

    def _view_compiled(
        self,
        m: int,
        inst: SocialInstitution,
        truth: np.ndarray,
        group: list[SocialInstitution] | None,
    ) -> np.ndarray:
        """:meth:`_view` with the compiled kernels (the same draws and arithmetic).

        The variance and count of the pooled surveys depend on a household only through its
        sub-district: they are computed per sub-district, with the same float32 operations in
        the same order as the household arrays of :meth:`_view`.
        """
        hh = self.model.households
        access = self._registry_access(inst)
        reg_var = F32(self.sc.government.registry.noise_sd) ** 2
        if group is None:
            noise = self.model.streams.normal(f"survey.{inst.spec.name}", m, hh.n)
            sd = F32(inst.spec.targeting_noise)
            own_var = np.full(1, sd**2)
            weight = reg_var / (reg_var + np.maximum(own_var, F32(1e-6)))
            other = F32(1) - weight
            return _private_view(
                truth, noise, sd, weight[0], other[0], hh.registry_score, bool(access)
            )
        n_sub = self.sc.population.subdistricts
        total = np.zeros(hh.n, dtype=F32)
        var = np.zeros(n_sub, dtype=F32)
        count = np.zeros(n_sub, dtype=F32)
        for j in group:
            noise = self.model.streams.normal(f"survey.{j.spec.name}", m, hh.n)
            sd = F32(j.spec.targeting_noise)
            _survey_add(total, noise, hh.subdistrict, np.where(j.reach, sd, F32(0)))
            var += np.where(j.reach, sd * sd, F32(0))
            count += j.reach
        count = np.maximum(count, F32(1))
        own_var = var / (count * count)
        weight = reg_var / (reg_var + np.maximum(own_var, F32(1e-6)))
        other = F32(1) - weight
        return _pooled_view(
            truth, total, hh.subdistrict, count, weight, other, hh.registry_score, bool(access)
        )

    def _candidates(
        self, inst: SocialInstitution, view: np.ndarray, log_line: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Candidate indices and scores of an enrolment round, by the compiled kernel.

        The same households and scores as the masks of :meth:`_enrol` (area, observable
        filter, :meth:`_excluded`, view below the line; case management's bonus).
        """
        sc, hh = self.sc, self.model.households
        if self._bits is None:
            self._bits = _active_bits(self.months_left)
        excluded = 1 << inst.row
        sharing = self._sharing(inst)
        if sharing in ("theme", "coalition"):
            for j in self._group(inst, by_theme=sharing == "theme"):
                if j.spec.theme == inst.spec.theme or j.kind == inst.kind:
                    excluded |= 1 << j.row
        gov = _gov_code(inst.kind) if self._registry_access(inst) else GOV_NONE
        bonus = bool(sc.cooperation.case_management and inst.member)
        below = None
        if sharing != "private":  # a view shared within the round: screen it once
            key = (id(view), id(log_line))
            hit = self._below.get(key)
            if hit is None or hit[0] is not view or hit[1] is not log_line:
                hit = (view, log_line, _below_line(view, log_line))
                self._below[key] = hit
            below = hit[2]
        other = 0
        for j in self.institutions:
            if j.member and j.spec.theme != inst.spec.theme:
                other |= 1 << j.row
        return _candidates_kernel(
            view,
            log_line,
            hh.subdistrict,
            inst.area,
            _observable_code(inst.kind),
            hh.n_school,
            hh.insured,
            self._bits,
            np.uint64(excluded),
            self.ever[inst.row],
            inst.kind == "graduation",
            gov,
            hh.pkh,
            hh.bpnt,
            hh.pbi,
            np.uint64(other),
            bonus,
            np.zeros(0, dtype=np.int64) if below is None else below,
            below is not None,
        )

    def _excluded(self, inst: SocialInstitution) -> np.ndarray:
        """Households this institution may not enrol (already served, by what it can see)."""
        hh = self.model.households
        out = self.months_left[inst.row] > 0
        if inst.kind == "graduation":
            out = out | self.ever[inst.row]
        sharing = self._sharing(inst)
        if sharing in ("theme", "coalition"):
            for j in self._group(inst, by_theme=sharing == "theme"):
                if j.spec.theme == inst.spec.theme or j.kind == inst.kind:
                    out = out | (self.months_left[j.row] > 0)
        if self._registry_access(inst):
            out = out | programs.government_same_kind(inst.kind, hh)
        return out

    def _enrol(self, m: int, inst: SocialInstitution) -> None:
        sc, hh = self.sc, self.model.households
        r = inst.row
        d = programs.design(sc, inst.kind)
        free = self._free(inst, self.reserve(inst))
        free -= FIXED_COST_BUFFER_MONTHS * inst.spec.fundraising_effort * self.scale
        current = float(hh.weight[self._active_idx(r)].sum())
        room = inst.spec.capacity * self.scale - current
        if free <= 0 or room <= 0:
            return
        view = self._view(m, inst)
        if accel.enabled and len(self.institutions) <= MAX_BITS:
            idx, score = self._candidates(inst, view, self._log_line(d.eligibility_line_multiple))
            if idx.size == 0:
                return
            self._admit(m, inst, idx[stable_argsort(score)], free, room)
            return
        insured_now = hh.insured
        cand = (
            inst.area[hh.subdistrict]
            & programs.observable_filter(inst.kind, hh, insured_now)
            & ~self._excluded(inst)
            & (view < self._log_line(d.eligibility_line_multiple))
        )
        idx = np.flatnonzero(cand)
        if idx.size == 0:
            return
        score = view[idx]
        if sc.cooperation.case_management and inst.member:
            # case management: households already served by other themes come first (bundles)
            others = self._served_by_other_themes(inst)[idx]
            score = score - np.where(others, F32(10.0), F32(0))
        idx = idx[np.argsort(score, kind="stable")]
        self._admit(m, inst, idx, free, room)

    def _admit(
        self, m: int, inst: SocialInstitution, idx: np.ndarray, free: float, room: float
    ) -> None:
        """Enrol candidates ``idx`` (in priority order) who take up, within money and room.

        Args:
            m: Month.
            inst: The enrolling institution.
            idx: Candidate households, best first.
            free: Money free for new enrolments (rupiah).
            room: Capacity left (households represented).
        """
        sc, hh = self.sc, self.model.households
        r = inst.row
        d = programs.design(sc, inst.kind)
        accept = self.model.streams.uniform_of(f"takeup.{inst.spec.name}", m, idx) < d.take_up
        idx = idx[accept]
        if idx.size == 0:
            return
        months = np.full(idx.size, d.duration_months)
        cost = self.remaining_cost(inst, idx, months, np.zeros(idx.size, dtype=np.int16))
        w = hh.weight[idx].astype(np.float64)
        cum_cost = np.cumsum(cost * w * (1.0 + inst.spec.overhead_share))
        cum_hh = np.cumsum(w)
        k = int(
            min(
                np.searchsorted(cum_cost, free, side="right"),
                np.searchsorted(cum_hh, room, side="right"),
            )
        )
        take = idx[:k]
        self.months_left[r, take] = d.duration_months
        if self._idx_cache is not None:
            self._idx_cache.pop(r, None)
        if self._bits is not None:
            if d.duration_months > 0:
                _set_bit(self._bits, take, r)
            else:  # pragma: no cover - a programme lasts at least a month
                self._bits = None
        self.months_in[r, take] = 0
        self.ever[r, take] = True
        self.eligible_at_entry[r, take] = programs.eligible(
            sc, inst.kind, hh, self.model.lines, idx=take
        )

    def _log_line(self, multiple: float) -> np.ndarray:
        """log(multiple x poverty line) per household (float32), kept while the lines stay."""
        lines = self.model.lines
        cached = self._log_lines.get(multiple)
        if cached is None or cached[0] is not lines:
            cached = (lines, np.log(F32(multiple) * lines))
            self._log_lines[multiple] = cached
        return cached[1]

    def _served_by_other_themes(self, inst: SocialInstitution) -> np.ndarray:
        out = np.zeros(self.model.households.n, dtype=bool)
        for j in self.institutions:
            if j.member and j.spec.theme != inst.spec.theme:
                out |= self.months_left[j.row] > 0
        return out

    def _bundle_multiplier(self) -> np.ndarray:
        """Complementarity of case-managed bundles: 1 + c x (themes served - 1)."""
        n = self.model.households.n
        if not self.sc.cooperation.case_management:
            return np.ones(n, dtype=F32)
        themes = np.zeros(n, dtype=F32)
        for theme in coop.THEMES:
            served = np.zeros(n, dtype=bool)
            for j in self.institutions:
                if j.member and j.spec.theme == theme:
                    served |= self.months_left[j.row] > 0
            themes += served
        extra = np.maximum(themes - 1, 0)
        return (F32(1) + F32(self.sc.programmes.complementarity) * extra).astype(F32)

    def _bundle_multiplier_at(self, idx: np.ndarray) -> np.ndarray:
        """``_bundle_multiplier()[idx]``, computed for the households ``idx`` only."""
        if not self.sc.cooperation.case_management:
            return np.ones(idx.size, dtype=F32)
        if accel.enabled and len(self.institutions) < MAX_BITS:
            masks = [0] * len(coop.THEMES)
            for t, theme in enumerate(coop.THEMES):
                for j in self.institutions:
                    if j.member and j.spec.theme == theme:
                        masks[t] |= 1 << j.row
            themes = _themes_served(self.months_left, idx, np.array(masks, dtype=np.int64))
        else:  # the reference, at the households asked for
            return self._bundle_multiplier()[idx]
        extra = np.maximum(themes - 1, 0)
        return (F32(1) + F32(self.sc.programmes.complementarity) * extra).astype(F32)

    def _member_bundles(self) -> dict[int, np.ndarray]:
        """``_bundle_multiplier()`` at each member's enrolled households, by institution row.

        The multipliers of the month's start (before any delivery changes an enrolment).
        """
        members = [inst for inst in self.institutions if inst.member]
        idx = {inst.row: self._active_idx(inst.row) for inst in members}
        if not self.sc.cooperation.case_management:
            return {r: np.ones(i.size, dtype=F32) for r, i in idx.items()}
        if not accel.enabled or not members or len(self.institutions) >= MAX_BITS:
            return {r: self._bundle_multiplier_at(i) for r, i in idx.items()}
        masks = [0] * len(coop.THEMES)
        for t, theme in enumerate(coop.THEMES):
            for j in members:
                if j.spec.theme == theme:
                    masks[t] |= 1 << j.row
        rows = list(idx)
        all_idx = np.concatenate([idx[r] for r in rows])
        all_rows = np.repeat(np.array(rows, dtype=np.int64), [idx[r].size for r in rows])
        themes = _themes_of_members(
            self.model.households.n, all_idx, all_rows, np.array(masks, dtype=np.int64)
        )
        extra = np.maximum(themes - 1, 0)
        mult = (F32(1) + F32(self.sc.programmes.complementarity) * extra).astype(F32)
        bounds = np.cumsum([0] + [idx[r].size for r in rows])
        return {r: mult[bounds[k] : bounds[k + 1]] for k, r in enumerate(rows)}

    def _deliver(self, m: int, effects: Effects) -> None:
        """Pay this month's programme costs and add the enrolments' effects, by institution.

        Works on each institution's enrolled households by index: every household-level
        operation (:func:`programs.apply_enrolment_at`) is elementwise over them, and every sum
        is over arrays of the enrolled households in index order.
        """
        sc, hh, L = self.sc, self.model.households, self.ledger
        bundle = self._member_bundles()
        prior: dict[str, np.ndarray] = {}
        for inst in self.institutions:
            r = inst.row
            idx = self._active_idx(r)
            mult = bundle[r] if inst.member else np.ones(idx.size, dtype=F32)
            self.direct_spend_last[r] = 0.0
            if idx.size == 0:
                continue
            # pay this month's costs; drop enrolments the balance cannot carry (never overspend)
            kind = inst.kind
            w_idx = hh.weight[idx].astype(np.float64)
            money = programs.monthly_transfer(sc, kind, hh, self.months_in[r, idx], idx=idx)
            money = money.astype(np.float64)
            delivery = inst.delivery_cost(sc, self._government_partner(inst))
            due = (money + delivery) * w_idx * (1.0 + inst.spec.overhead_share)
            if due.sum() > L.available(r):
                order = np.argsort(self.model.streams.uniform_of(f"drop.{inst.spec.name}", m, idx))
                keep = np.zeros(idx.size, dtype=bool)
                keep[order[np.cumsum(due[order]) <= L.available(r)]] = True
                self.months_left[r, idx[~keep]] = 0
                if self._idx_cache is not None:
                    self._idx_cache.pop(r, None)
                idx = idx[keep]
                w_idx = w_idx[keep]
                mult = mult[keep]
            if idx.size == 0:
                continue
            same = prior.get(kind)
            if same is None:
                same = programs.government_same_kind(kind, hh).copy()
                prior[kind] = same
            paid = programs.apply_enrolment_at(
                sc,
                kind,
                hh,
                idx,
                self.months_in[r, idx],
                same[idx],
                inst.quality,
                mult,
                effects,
                market_access=sc.cooperation.partnership.business and inst.member,
            )
            same[idx] = True  # prior | active, in place (this kind's own array)
            transfers = float((paid * w_idx).sum())
            delivered = delivery * float(w_idx.sum())
            L.spend(m, r, "spent_transfers", transfers)
            L.spend(m, r, "spent_delivery", delivered)
            L.spend(m, r, "spent_overhead", (transfers + delivered) * inst.spec.overhead_share)
            self.direct_spend_last[r] = transfers + delivered
            self.direct_spend_period[r] += transfers + delivered
            if kind != "health_insurance":  # premiums go to BPJS, not into the local economy
                self.injected += np.bincount(
                    hh.subdistrict[idx], weights=paid * w_idx, minlength=self.injected.size
                )
            self.months_in[r, idx] += 1
            self.months_left[r, idx] -= 1
            if self._idx_cache is not None:
                self._idx_cache.pop(r, None)

    # ----------------------------------------------------------------------------------------
    def after_month(self, m: int) -> None:
        """Trust, membership, knowledge exchange and evaluation at the end of the month."""
        sc = self.sc
        c = sc.cooperation
        if not self.institutions:
            return
        members = self.members
        # delivered results: the share of the members' spending that reached programmes
        ledger = self.ledger
        rows = ledger.table[m][members]
        spent_cols = [ledger.index[c] for c in ledger.index if c.startswith("spent_")]
        self.spend_total += float(rows[:, spent_cols].sum())
        self.spend_direct += float(
            rows[:, ledger.index["spent_transfers"]].sum()
            + rows[:, ledger.index["spent_delivery"]].sum()
        )
        if self.formed and members.sum() >= 2:
            delivered = self.spend_direct / self.spend_total if self.spend_total > 0 else 1.0
            transparency = np.clip(
                np.array([i.spec.transparency for i in self.institutions])
                * c.trust.transparency_multiplier,
                0,
                1,
            )
            trust = np.array([i.trust for i in self.institutions])
            signal = coop.trust_signal(transparency, members, delivered, c.trust.results_weight)
            trust, new_members = coop.update_trust(sc, trust, members, signal)
            for inst in self.institutions:
                inst.trust = float(trust[inst.row])
                inst.member = bool(new_members[inst.row])
            if (new_members != members).any():
                self._divide_areas()
            members = new_members
        if c.knowledge_enabled and m % c.knowledge.interval_months == 0:
            q = coop.learn(
                np.array([i.quality for i in self.institutions]), members, c.knowledge.learning_rate
            )
            for inst in self.institutions:
                inst.quality = float(q[inst.row])
        if c.monitoring_enabled and m % c.monitoring.interval_months == 0:
            true = coop.true_performance(
                np.array([i.quality for i in self.institutions]),
                np.array([i.spec.delivery_cost_factor for i in self.institutions]),
                np.array([i.spec.overhead_share for i in self.institutions]),
            )
            draws = self.model.streams.normal("monitoring", m, len(self.institutions)).astype(
                np.float64
            )
            measured = coop.measured_performance(true, c.monitoring.measurement_noise, draws)
            for inst in self.institutions:
                inst.performance = float(measured[inst.row])
                # donors learn what evaluation reveals: money follows it
                inst.reputation = (
                    0.5 * inst.reputation + 0.5 * inst.spec.transparency * inst.performance
                )
        self.history.append(
            {
                "beneficiaries": np.array(
                    [
                        float(self.model.households.weight[self._active_idx(i.row)].sum())
                        for i in self.institutions
                    ]
                ),
                "quality": np.array([i.quality for i in self.institutions]),
                "trust": np.array([i.trust for i in self.institutions]),
                "member": self.members.copy(),
                "balance": self.ledger.balance.copy(),
            }
        )

    # ----------------------------------------------------------------------------------------
    def reach_figures(
        self,
        hh: Households,
        lines: np.ndarray,
        consumption_pc: np.ndarray | None = None,
        persons: np.ndarray | None = None,
    ) -> dict[str, float]:
        """Coverage, targeting errors and duplicates this month (persons and households).

        ``consumption_pc`` and ``persons`` may pass ``hh.consumption_pc`` and ``hh.persons``
        already computed this month (the same numbers, not recomputed).
        """
        n_inst = len(self.institutions)
        out = {
            "coverage_poor": 0.0,
            "inclusion_error": np.nan,
            "exclusion_error": np.nan,
            "duplicate_enrolments": 0.0,
            "duplicate_ngo_gov": 0.0,
            "beneficiaries": 0.0,
        }
        if n_inst == 0:
            return out
        # sums of household weights: by counting where that is exactly np.sum (sim.weightsums;
        # the weights never change during a run), else np.sum
        if self._weight_sums is None or self._weight_sums[0] is not hh.weight:
            self._weight_sums = (hh.weight, WeightSums(hh.weight, n_inst * hh.n))
        ws = self._weight_sums[1]
        if (
            accel.enabled
            and ws.exact
            and n_inst <= MAX_REACH_INSTITUTIONS
            and (persons is None or persons.dtype == np.float64)  # numpy sums them in float64
        ):
            return self._reach_compiled(hh, lines, ws, out, consumption_pc, persons)
        w = hh.weight.astype(np.float64)

        def wsum(mask: np.ndarray) -> float:
            if ws.exact:
                return ws.total(mask)
            return float(w[mask].sum()) if mask.ndim == 1 else float((mask * w).sum())

        active = self.months_left > 0
        any_ngo = active.any(axis=0)
        y = hh.consumption_pc if consumption_pc is None else consumption_pc
        poor = y < lines
        if persons is None:
            persons = hh.persons
        out["coverage_poor"] = float(persons[poor & any_ngo].sum() / max(persons[poor].sum(), 1e-9))
        enrolments = wsum(active)
        out["beneficiaries"] = wsum(any_ngo)
        if enrolments > 0:
            wrong = wsum(active & ~self.eligible_at_entry)
            out["inclusion_error"] = wrong / enrolments
        excluded = eligible_total = 0.0
        for kind in {i.kind for i in self.institutions}:
            rows = [i.row for i in self.institutions if i.kind == kind]
            area = np.zeros(self.sc.population.subdistricts, dtype=bool)
            for r in rows:
                area |= self.institutions[r].area
            elig = programs.eligible(self.sc, kind, hh, lines, y) & area[hh.subdistrict]
            served = active[rows].any(axis=0)
            eligible_total += wsum(elig)
            excluded += wsum(elig & ~served)
            count = active[rows].sum(axis=0, dtype=np.uint16)  # institutions, not households
            out["duplicate_enrolments"] += wsum(count >= 2)
            out["duplicate_ngo_gov"] += wsum((count >= 1) & programs.government_same_kind(kind, hh))
        if eligible_total > 0:
            out["exclusion_error"] = excluded / eligible_total
        return out

    def _reach_compiled(
        self,
        hh: Households,
        lines: np.ndarray,
        ws: WeightSums,
        out: dict[str, float],
        consumption_pc: np.ndarray | None,
        persons: np.ndarray | None,
    ) -> dict[str, float]:
        """:meth:`reach_figures` by one compiled pass (exact weight sums only).

        The kernel counts households per weight class for every mask of
        :meth:`reach_figures` (``WeightSums.total`` turns counts into the same sums) and
        gathers the persons that numpy sums, in the same order; the kinds are accumulated in
        the same order as there.
        """
        if self._weight_class is None or self._weight_class[0] is not hh.weight:
            values32 = ws.values.astype(np.float32)
            self._weight_class = (hh.weight, np.searchsorted(values32, hh.weight).astype(np.uint8))
        y = hh.consumption_pc if consumption_pc is None else consumption_pc
        if persons is None:
            persons = hh.persons
        kinds = list({i.kind for i in self.institutions})  # the order reach_figures sums in
        n_inst, n_sub = len(self.institutions), self.sc.population.subdistricts
        sub_kinds = np.zeros(n_sub, dtype=np.int64)
        school = uninsured = cash = pbi = 0
        groups: dict[np.float32, int] = {}
        table = np.arange(1 << n_inst, dtype=np.int64)  # every set of institutions, as bits
        served = np.zeros(table.size, dtype=np.int64)
        duplicate = np.zeros(table.size, dtype=np.int64)
        for k, kind in enumerate(kinds):
            bit = 1 << k
            mask = 0
            for inst in self.institutions:
                if inst.kind == kind:
                    mask |= 1 << inst.row
                    sub_kinds[inst.area] |= bit
            x = table & mask
            served |= np.where(x != 0, bit, 0)
            duplicate |= np.where((x & (x - 1)) != 0, bit, 0)
            obs, gov = _observable_code(kind), _gov_code(kind)
            school |= bit if obs == OBS_SCHOOL else 0
            uninsured |= bit if obs == OBS_UNINSURED else 0
            cash |= bit if gov == GOV_CASH else 0
            pbi |= bit if gov == GOV_INSURANCE else 0
            multiple = F32(programs.design(self.sc, kind).eligibility_line_multiple)
            groups[multiple] = groups.get(multiple, 0) | bit
        counts, eligible, hist, poor_p, served_p = _reach_kernel(
            self.months_left,
            self.eligible_at_entry,
            self._weight_class[1],
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
            sub_kinds,
            school,
            uninsured,
            np.array(list(groups), dtype=F32),
            np.array(list(groups.values()), dtype=np.int64),
            cash,
            pbi,
            served,
            duplicate,
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

    def coalition_figures(self) -> dict[str, float]:
        """Members and mean trust of the coalition (NaN trust when no coalition was formed)."""
        designated = [i for i in self.institutions if i.spec.coalition]
        if not self.formed or not designated:
            return {"coalition_members": 0.0, "mean_trust": np.nan}
        return {
            "coalition_members": float(sum(i.member for i in self.institutions)),
            "mean_trust": float(np.mean([i.trust for i in designated])),
        }
