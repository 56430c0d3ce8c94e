"""The regions a scenario can run in: Indonesia's 38 provinces and 514 kabupaten/kota.

A region is named in a scenario by ``region = "NUSA TENGGARA TIMUR"`` (or the override
``{"region": ...}``, or ``run_scenarios.py --region``). :func:`resolve_region` accepts, case
insensitively and ignoring punctuation and spaces:

- a province's BPS name (``"Nusa Tenggara Timur"``, ``"kep. riau"``) or its BPS code (``"5300"``
  or ``"53"``);
- a kabupaten/kota's BPS name (``"Kota Kupang"``, ``"Sumba Barat"``), or, where a district
  shares its name with a province (Gorontalo), ``"Gorontalo, GORONTALO"`` (district, province);
- a common short name of a province (``"NTT"``, ``"Jatim"``, ``"DIY"``: :data:`ALIASES`);
- ``"INDONESIA"`` (the national preset, the default) or ``"INDONESIA (by province)"`` (the
  nation as its 38 provinces, :mod:`sim.regions.national`).

Each region has a preset under ``scenarios/regions/`` (``provinces/<slug>.toml``,
``districts/<slug>.toml``), fitted by ``python -m sim.calibrate --region NAME``
(:mod:`sim.regions.fit`). The catalogue is read from the BPS tables the package ships
(``sim/data/``) with the standard library only, so naming a region does not load pandas.
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from sim.scenario.files import PACKAGE_SCENARIOS

DATA = Path(__file__).resolve().parent.parent / "data"
REGIONS_DIR = PACKAGE_SCENARIOS / "regions"
"""Where the region presets live (``provinces/``, ``districts/``, ``fits.csv``)."""

NATION = "INDONESIA"
"""The national preset (``indonesia_2024``): the default region."""
NATION_BY_PROVINCE = "INDONESIA (by province)"
"""The nation run as its 38 provinces (:mod:`sim.regions.national`)."""


@dataclass(frozen=True)
class Region:
    """One region of the catalogue.

    Attributes:
        name: Canonical name, the value a resolved scenario carries in ``region``: a
            province's BPS upper-case name, ``"<district>, <PROVINCE>"`` for a kabupaten/kota,
            ``INDONESIA`` or ``INDONESIA (by province)``.
        level: ``"nation"``, ``"province"`` or ``"district"``.
        province: The province (a district's own province; the name itself for a province;
            empty for the nation).
        district: The kabupaten/kota as BPS writes it (empty unless a district).
        code: BPS code of the province (``"5300"``; districts carry their province's code in
            the shipped tables; ``"9999"`` is the nation).
        slug: File name of the preset (lower case, ``_`` between words).
    """

    name: str
    level: str
    province: str
    district: str
    code: str
    slug: str

    @property
    def preset(self) -> Path | None:
        """The preset file (``None`` for the nation, whose preset is ``indonesia_2024``)."""
        if self.level == "province":
            return REGIONS_DIR / "provinces" / f"{self.slug}.toml"
        if self.level == "district":
            return REGIONS_DIR / "districts" / f"{self.slug}.toml"
        return None


def slug(text: str) -> str:
    """A file-name slug: ``"KEP. RIAU"`` -> ``"kep_riau"``."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _norm(text: str) -> str:
    """The comparison key of a name: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@functools.cache
def catalogue() -> tuple[Region, ...]:
    """Every region: the nation, the nation by province, 38 provinces, 514 districts (BPS order)."""
    out = [
        Region(NATION, "nation", "", "", "9999", "indonesia"),
        Region(NATION_BY_PROVINCE, "nation", "", "", "9999", "indonesia_by_province"),
    ]
    seen: set[str] = set()
    for row in _rows(DATA / "bps_provinces_2024.csv"):
        name = row["province"]
        if name == NATION or name in seen:
            continue
        seen.add(name)
        out.append(Region(name, "province", name, "", row["bps_code"], slug(name)))
    for row in _rows(DATA / "bps_districts_2024.csv"):
        prov, dist = row["province"], row["district"]
        out.append(Region(f"{dist}, {prov}", "district", prov, dist, row["bps_code"], slug(dist)))
    return tuple(out)


@functools.cache
def _index() -> dict[str, Region]:
    """Normalised spellings -> region (provinces win a name they share with a district)."""
    idx: dict[str, Region] = {}
    regions = catalogue()
    for r in regions:  # qualified and canonical names first
        idx[_norm(r.name)] = r
    for r in regions:
        if r.level == "province":
            idx.setdefault(r.code, r)
            idx.setdefault(r.code[:2], r)
    for r in regions:
        if r.level == "district":
            idx.setdefault(_norm(r.district), r)
    by_name = {r.name: r for r in regions}
    for alias, name in ALIASES.items():
        idx.setdefault(alias, by_name[name])
    idx.setdefault(_norm("INDONESIA by province"), regions[1])
    idx.setdefault("national", regions[0])
    return idx


ALIASES = {
    "ntt": "NUSA TENGGARA TIMUR",
    "ntb": "NUSA TENGGARA BARAT",
    "diy": "DI YOGYAKARTA",
    "yogyakarta": "DI YOGYAKARTA",
    "jakarta": "DKI JAKARTA",
    "babel": "KEP. BANGKA BELITUNG",
    "bangkabelitung": "KEP. BANGKA BELITUNG",
    "kepulauanriau": "KEP. RIAU",
    "kepulauanbangkabelitung": "KEP. BANGKA BELITUNG",
    "sumut": "SUMATERA UTARA",
    "sumbar": "SUMATERA BARAT",
    "sumsel": "SUMATERA SELATAN",
    "jabar": "JAWA BARAT",
    "jateng": "JAWA TENGAH",
    "jatim": "JAWA TIMUR",
    "kalbar": "KALIMANTAN BARAT",
    "kalteng": "KALIMANTAN TENGAH",
    "kalsel": "KALIMANTAN SELATAN",
    "kaltim": "KALIMANTAN TIMUR",
    "kaltara": "KALIMANTAN UTARA",
    "sulut": "SULAWESI UTARA",
    "sulteng": "SULAWESI TENGAH",
    "sulsel": "SULAWESI SELATAN",
    "sultra": "SULAWESI TENGGARA",
    "sulbar": "SULAWESI BARAT",
    "malut": "MALUKU UTARA",
}
"""Common short names of provinces (Indonesian usage), normalised -> BPS name."""


class UnknownRegionError(KeyError):
    """A region name or code that is not in the catalogue (message names the closest)."""

    def __str__(self) -> str:
        return str(self.args[0])


def closest(text: str, n: int = 3) -> list[str]:
    """The ``n`` region names closest to ``text`` (for the message of an unknown region)."""
    regions = catalogue()
    by_key: dict[str, str] = {}
    for r in regions:
        by_key.setdefault(_norm(r.name), r.name)
        if r.level == "district":
            by_key.setdefault(_norm(r.district), r.name)
    keys = difflib.get_close_matches(_norm(text), list(by_key), n=n * 2, cutoff=0.5)
    names = list(dict.fromkeys(by_key[k] for k in keys))[:n]
    if not names:  # nothing alike: the provinces that share a word with it, else three
        words = {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2}
        names = [
            r.name
            for r in regions
            if r.level == "province" and words & set(re.findall(r"[a-z]+", r.name.lower()))
        ][:n]
    return names


def resolve_region(text: str) -> Region:
    """The region a name or code means.

    Args:
        text: A province's or kabupaten/kota's BPS name (any case, punctuation ignored), a
            province's BPS code (``"5300"``, ``"53"``), ``"District, PROVINCE"``,
            ``"INDONESIA"`` or ``"INDONESIA (by province)"``.

    Returns:
        The :class:`Region`.

    Raises:
        UnknownRegionError: For anything else, naming the closest regions.
    """
    hit = _index().get(_norm(str(text)))
    if hit is not None:
        return hit
    near = closest(str(text))
    hint = f"closest: {'; '.join(near)}" if near else "see sim.regions() for the list"
    raise UnknownRegionError(
        f"unknown region {str(text)!r} ({hint}; a province or kabupaten/kota as BPS names it, "
        "a province's BPS code, or INDONESIA)"
    )
