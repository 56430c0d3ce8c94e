"""The measured distribution: a GB2 per area fitted to BPS March 2024, and the preset.

Per-capita consumption of persons *as Susenas measured it* in each area follows a generalised
beta distribution of the second kind, GB2(a, b, p, q): y = b * X ** (1 / a) with X ~
BetaPrime(p, q) (McDonald 1984, Econometrica 52(3)). A single log-normal cannot reach P0, P1, P2
and the Gini together (MODEL.md). The Dagum distribution (GB2 with q = 1) cannot either: its
lower tail is a power law, which ties P2 to P1 (matching P1 leaves P2 about 0.08 points too
high); the fourth parameter q frees that tail. Each area's four parameters are fitted with
``scipy.optimize.least_squares`` (several starts) to that area's P0, P1, P2 and Gini, each
residual scaled by its tolerance; the national figures follow from the mixture and are checked
against BPS, not fitted.

Targets: BPS March 2024 by area (P0, P1, P2 and Gini; ``sim/data/bps_national_series.csv``,
P1 and P2 as BPS rounds them, to 0.01) and, as checks, the national P0, P1, P2 and Gini.

This is the first of the three fits of ``python -m sim.calibrate`` (``sim/calibrate.py``); the
second turns this measured distribution into the households' earnings potential
(``sim.analysis.potential``), the third fits growth to BPS's record (``sim.analysis.hindcast``).
:func:`write_preset` writes all three to the ``indonesia_2024`` preset.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import optimize, stats

from sim import measures
from sim.data.bps import national_series

PRESET_PATH = Path(__file__).resolve().parents[2] / "scenarios" / "presets" / "indonesia_2024.toml"


@dataclass(frozen=True)
class Target:
    """One calibration figure: value (as a fraction) and the tolerance that scales its residual."""

    name: str
    value: float
    tolerance: float
    source: str


_AREA = "BPS March 2024 (data/bps national series, by area)"
BPS_MARCH_2024 = [
    Target("p0", 0.0903, 0.0025, "BPS March 2024 (check, not fitted)"),
    Target("p0_urban", 0.0709, 0.0004, _AREA),
    Target("p0_rural", 0.1179, 0.0004, _AREA),
    Target("p1", 0.01461, 0.0010, "BPS March 2024 (check, not fitted)"),
    Target("p2", 0.00347, 0.0004, "BPS March 2024 (check, not fitted)"),
    Target("p1_urban", 0.0110, 0.0003, _AREA),
    Target("p1_rural", 0.0198, 0.0003, _AREA),
    Target("p2_urban", 0.0025, 0.0001, _AREA),
    Target("p2_rural", 0.0048, 0.0001, _AREA),
    Target("gini", 0.379, 0.010, "BPS March 2024 (check, not fitted)"),
    Target("gini_urban", 0.399, 0.003, _AREA),
    Target("gini_rural", 0.306, 0.003, _AREA),
]

AREAS = ("urban", "rural")
PARAMS = ("a", "scale", "p", "q")

GRID_POINTS = 20_000


def gb2_quantiles(a: float, scale: float, p: float, q: float, u: np.ndarray) -> np.ndarray:
    """Quantiles of GB2(a, scale, p, q) at probabilities ``u`` (rupiah per capita per month)."""
    return scale * stats.betaprime.ppf(u, p, q) ** (1.0 / a)


def distribution_figures(
    params: dict[str, tuple[float, float, float, float]],
    lines: dict[str, float],
    urban_share: float,
    points: int = GRID_POINTS,
) -> dict[str, float]:
    """Poverty and inequality figures of the two-area mixture, on an exact quantile grid.

    Args:
        params: ``{"urban": (a, scale, p, q), "rural": (a, scale, p, q)}``.
        lines: Poverty line per area, rupiah per capita per month.
        urban_share: Share of persons living in urban areas.
        points: Grid points per area.

    Returns:
        Figures as fractions, keyed like the targets (``p0``, ``p1_urban``, ``gini_rural``...),
        plus ``mean_urban`` and ``mean_rural`` in rupiah.
    """
    u = (np.arange(points) + 0.5) / points
    out: dict[str, float] = {}
    ys, zs, ws = [], [], []
    for area, share in (("urban", urban_share), ("rural", 1 - urban_share)):
        y = gb2_quantiles(*params[area], u)
        z = lines[area]
        s = measures.poverty_summary(y, z)
        out[f"p0_{area}"], out[f"p1_{area}"], out[f"p2_{area}"] = s["p0"], s["p1"], s["p2"]
        out[f"gini_{area}"] = measures.gini(y)
        out[f"mean_{area}"] = float(y.mean())
        ys.append(y)
        zs.append(np.full(points, z))
        ws.append(np.full(points, share / points))
    y, z, w = np.concatenate(ys), np.concatenate(zs), np.concatenate(ws)
    s = measures.poverty_summary(y, z, weights=w)
    out.update(p0=s["p0"], p1=s["p1"], p2=s["p2"], watts=s["watts"])
    out["gini"] = measures.gini(y, weights=w)
    return out


def fit_distributions(
    lines: dict[str, float], urban_share: float, targets: list[Target] = BPS_MARCH_2024
) -> tuple[dict[str, tuple[float, float, float, float]], dict[str, float]]:
    """Fit a GB2 distribution per area to that area's P0, P1, P2 and Gini.

    Four parameters, four figures per area; the national figures follow from the mixture and
    are reported against their targets as a check (they are not fitted).

    Args:
        lines: Poverty line per area (rupiah per capita per month).
        urban_share: Share of persons urban.
        targets: The figures to reach (those named ``*_urban`` / ``*_rural`` are fitted).

    Returns:
        The fitted parameters per area, ``(a, scale, p, q)``, and the figures they give.
    """
    by_name = {t.name: t for t in targets}
    u = (np.arange(4_000) + 0.5) / 4_000
    params: dict[str, tuple[float, float, float, float]] = {}
    for area in AREAS:
        wanted = [by_name[f"{m}_{area}"] for m in ("p0", "p1", "p2", "gini")]

        def residuals(x: np.ndarray, wanted: list[Target] = wanted, area: str = area) -> np.ndarray:
            y = gb2_quantiles(*np.exp(x), u)
            if not np.all(np.isfinite(y)) or y.min() <= 0:
                return np.full(4, 1e3)
            s = measures.poverty_summary(y, lines[area])
            got = (s["p0"], s["p1"], s["p2"], measures.gini(y))
            return np.array([(g - t.value) / t.tolerance for g, t in zip(got, wanted, strict=True)])

        best = None
        with np.errstate(all="ignore"):
            starts = [
                (a0, b0, 2.5, q0)
                for a0 in (1.5, 3.0, 6.0)
                for b0 in (6e5, 1.2e6)
                for q0 in (0.7, 1.0, 3.0)
            ]
            for start in starts:
                if best is not None and best.cost < 1.0:
                    break  # within tolerance on every figure: good enough
                sol = optimize.least_squares(
                    residuals,
                    np.log(start),
                    bounds=(np.log([0.3, 1e5, 0.05, 0.3]), np.log([30.0, 2e7, 30.0, 30.0])),
                    x_scale="jac",
                    max_nfev=400,
                )
                if best is None or sol.cost < best.cost:
                    best = sol
        assert best is not None
        params[area] = tuple(map(float, np.exp(best.x)))  # type: ignore[assignment]
    return params, distribution_figures(params, lines, urban_share)


def write_preset(
    params: dict[str, tuple[float, float, float, float]],
    figures: dict[str, float],
    growth: float,
    path: Path = PRESET_PATH,
    correction: dict[str, tuple[float, ...]] | None = None,
    notes: list[str] | None = None,
) -> None:
    """Write the preset TOML with the fitted values and a comment table of the fit.

    Args:
        params: The measured distribution's GB2 per area.
        figures: The GB2's figures (``distribution_figures``) against ``BPS_MARCH_2024``.
        growth: ``income.growth_annual``.
        path: Where to write (atomically).
        correction: The potential's log correction per area (``sim.analysis.potential``).
        notes: Further comment lines (the start's measured figures, the hindcast).
    """
    lines = [
        "# Preset indonesia_2024: the starting population fitted to BPS March 2024.",
        "# Written by `python -m sim.calibrate`; do not edit by hand (re-run the command).",
        "# the measured distribution (GB2) against its targets (fractions):",
    ]
    for t in BPS_MARCH_2024:
        lines.append(f"#   {t.name:<11} {t.value:.5f}  fitted {figures[t.name]:.5f}  ({t.source})")
    lines += [f"# {n}" if n else "#" for n in (notes or [])]
    lines.append("")
    for area in ("urban", "rural"):
        lines.append(f"[calibration.{area}]")
        lines += [f"{name} = {value:.8g}" for name, value in zip(PARAMS, params[area], strict=True)]
        if correction:
            values = ", ".join(f"{v:.5f}" for v in correction[area])
            lines.append(f"correction = [{values}]")
        lines.append("")
    lines += ["[income]", f"growth_annual = {growth:.5f}", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text("\n".join(lines))
    tmp.replace(path)


def bps_area_targets(year: int = 2024, round_: str = "march") -> list[Target]:
    """BPS's P0, P1, P2 and Gini by area for one round, with the calibration's tolerances."""
    tol = {"p0": 0.0004, "p1": 0.0003, "p2": 0.0001, "gini": 0.003}
    out = []
    for area in AREAS:
        s = national_series(area)
        row = s[(s.year == year) & (s["round"] == round_)].iloc[0]
        for m in ("p0", "p1", "p2", "gini"):
            value = float(row[m]) if m == "gini" else float(row[m]) / 100.0
            out.append(Target(f"{m}_{area}", value, tol[m], f"BPS {round_} {year}"))
    return out
