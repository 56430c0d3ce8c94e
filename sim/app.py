"""The Sinergi explorer: an interactive view of one district run (Mesa SolaraViz).

A planner picks a scenario, switches forms of cooperation on, moves the key parameters and
watches the run month by month: poverty headcount and gap, reach of the poor, money raised and
paid to households, and the coalition. The plots are Mesa's stock plot components; they read
``model.datacollector`` (``sim.model.COLLECTED``).

Run it in a browser (from the project root)::

    make explore                      # = .venv/bin/solara run sim/app.py

or inside Jupyter::

    from sim.app import page
    page

The sidebar's "Model Parameters" take effect on "Reset"; "Step" advances one month (or the
"Render Interval"), "▶" plays until the horizon.
"""

from __future__ import annotations

from typing import Any

import solara
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, PercentFormatter
from mesa.visualization import SolaraViz, make_plot_component
from mesa.visualization.utils import update_counter

from sim.model import PovertyModel
from sim.scenario import Scenario, available_scenarios, load_scenario

# Okabe-Ito colours (safe for colour-blind readers).
BLUE, VERMILION, GREEN, ORANGE, PURPLE = "#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7"

PRESETS = tuple(s for s in available_scenarios() if s != "fragile_coalition")
"""Scenarios in the menu. ``fragile_coalition`` is ``pooled_funding`` with the transparency
slider at 0.35, so it is left out: the sliders would overwrite what makes it fragile."""

SLIDERS: dict[str, tuple[str, str, float, float, float]] = {
    "coordination_cost": (
        "cooperation.alliance.coordination_cost",
        "Alliance coordination cost (Rp per member per month per 1,000 households)",
        0.0,
        150_000.0,
        5_000.0,
    ),
    "trust_threshold": (
        "cooperation.trust.threshold",
        "Trust threshold (members leave below it)",
        0.0,
        1.0,
        0.05,
    ),
    "transparency_multiplier": (
        "cooperation.trust.transparency_multiplier",
        "Transparency of coalition members (x their own)",
        0.0,
        2.0,
        0.05,
    ),
    "awareness_effect": (
        "cooperation.pool.awareness_effect",
        "Joint-campaign awareness effect (pooled funding)",
        0.0,
        1.0,
        0.05,
    ),
    "donor_elasticity": (
        "donors.elasticity",
        "Donor elasticity (giving to fundraising spend)",
        0.0,
        1.0,
        0.05,
    ),
    "learning_rate": (
        "cooperation.knowledge.learning_rate",
        "Knowledge exchange: share of the practice gap closed per forum",
        0.0,
        1.0,
        0.05,
    ),
}
"""Explorer keyword -> (scenario field, label, min, max, step). The sliders set these fields
whatever the preset; their defaults are the scenario schema's."""

SWITCHES: dict[str, tuple[tuple[str, Any], ...]] = {
    "pooled_funding": (("cooperation.funding", "pooled"),),
    "thematic_alliance": (("cooperation.alliance_enabled", True),),
    "knowledge_exchange": (("cooperation.knowledge_enabled", True),),
    "monitoring": (("cooperation.monitoring_enabled", True),),
    "partnership": (
        ("cooperation.partnership.government", True),
        ("cooperation.partnership.business", True),
    ),
}
"""Explorer keyword -> the scenario fields it sets. A ticked box adds that form of cooperation
to the preset; an empty box leaves the preset as it is."""

INFORMATION = ("as preset", "private", "theme", "coalition", "registry")
"""Whose beneficiary lists an institution sees (``cooperation.information``)."""


def _field(scenario: Scenario, path: str) -> Any:
    value: Any = scenario
    for part in path.split("."):
        value = getattr(value, part)
    return value


_SCHEMA = Scenario()
DEFAULTS: dict[str, float] = {k: float(_field(_SCHEMA, v[0])) for k, v in SLIDERS.items()}
"""Default slider values: the scenario schema's defaults."""


def explorer_scenario(
    preset: str = "competition",
    households: int = 5_000,
    months: int = 120,
    information: str = "as preset",
    **settings: Any,
) -> Scenario:
    """The scenario an explorer run uses: a preset with the sidebar's settings on top.

    Args:
        preset: A scenario name (``sim.scenario.available_scenarios()``).
        households: Simulated households (a small district runs a month in milliseconds).
        months: Horizon in months; the run stops there.
        information: ``cooperation.information``, or "as preset".
        **settings: Keywords of ``SLIDERS`` (values) and ``SWITCHES`` (booleans).

    Returns:
        The validated scenario.
    """
    overrides: dict[str, Any] = {"population.households": int(households), "months": int(months)}
    if information != "as preset":
        overrides["cooperation.information"] = information
    for key, value in settings.items():
        if key in SLIDERS:
            overrides[SLIDERS[key][0]] = float(value)
        elif key in SWITCHES:
            if value:
                overrides.update(SWITCHES[key])
        else:
            raise TypeError(f"unknown explorer setting {key!r}")
    return load_scenario(preset, overrides=overrides)


class ExplorerModel(PovertyModel):
    """``PovertyModel`` built from plain keywords, as SolaraViz re-creates it on "Reset".

    Args:
        preset: Scenario name.
        households: Simulated households.
        months: Horizon in months; ``running`` turns False there, which stops "▶".
        information: Whose beneficiary lists institutions see, or "as preset".
        pooled_funding: Add a pooled fund with a joint campaign.
        thematic_alliance: Add thematic alliances.
        knowledge_exchange: Add knowledge-exchange forums.
        monitoring: Add monitoring and evaluation.
        partnership: Add government and business partnership.
        coordination_cost: ``cooperation.alliance.coordination_cost``.
        trust_threshold: ``cooperation.trust.threshold``.
        transparency_multiplier: ``cooperation.trust.transparency_multiplier``.
        awareness_effect: ``cooperation.pool.awareness_effect``.
        donor_elasticity: ``donors.elasticity``.
        learning_rate: ``cooperation.knowledge.learning_rate``.
        rng: Seed (the sidebar's text box gives a string).
    """

    def __init__(
        self,
        preset: str = "competition",
        households: int = 5_000,
        months: int = 120,
        information: str = "as preset",
        pooled_funding: bool = False,
        thematic_alliance: bool = False,
        knowledge_exchange: bool = False,
        monitoring: bool = False,
        partnership: bool = False,
        coordination_cost: float = DEFAULTS["coordination_cost"],
        trust_threshold: float = DEFAULTS["trust_threshold"],
        transparency_multiplier: float = DEFAULTS["transparency_multiplier"],
        awareness_effect: float = DEFAULTS["awareness_effect"],
        donor_elasticity: float = DEFAULTS["donor_elasticity"],
        learning_rate: float = DEFAULTS["learning_rate"],
        rng: int | str | None = 42,
    ) -> None:
        scenario = explorer_scenario(
            preset,
            households,
            months,
            information,
            pooled_funding=pooled_funding,
            thematic_alliance=thematic_alliance,
            knowledge_exchange=knowledge_exchange,
            monitoring=monitoring,
            partnership=partnership,
            coordination_cost=coordination_cost,
            trust_threshold=trust_threshold,
            transparency_multiplier=transparency_multiplier,
            awareness_effect=awareness_effect,
            donor_elasticity=donor_elasticity,
            learning_rate=learning_rate,
        )
        super().__init__(scenario, rng=None if rng in (None, "") else int(rng))

    def step(self) -> None:
        """Advance one month; stop at the horizon."""
        super().step()
        self.running = self.month < self.config.months


def model_params() -> dict[str, Any]:
    """The sidebar: SolaraViz's description of each ``ExplorerModel`` keyword."""
    params: dict[str, Any] = {
        "preset": {"type": "Select", "value": "competition", "values": list(PRESETS)},
        "households": {
            "type": "SliderInt",
            "value": 5_000,
            "min": 1_000,
            "max": 50_000,
            "step": 1_000,
            "label": "Households simulated",
        },
        "months": {
            "type": "SliderInt",
            "value": 120,
            "min": 12,
            "max": 240,
            "step": 12,
            "label": "Horizon (months)",
        },
        "information": {
            "type": "Select",
            "value": "as preset",
            "values": list(INFORMATION),
            "label": "Beneficiary lists shared",
        },
    }
    for key in SWITCHES:
        label = "Add " + key.replace("_", " ")
        params[key] = {"type": "Checkbox", "value": False, "label": label}
    for key, (_, label, low, high, step) in SLIDERS.items():
        params[key] = {
            "type": "SliderFloat",
            "value": DEFAULTS[key],
            "min": low,
            "max": high,
            "step": step,
            "label": label,
        }
    params["rng"] = {"type": "InputText", "value": "42", "label": "Random seed"}
    return params


def _rupiah_billion(value: float, _pos: int) -> str:
    return f"Rp {value / 1e9:,.0f} bn"


LEGEND = {
    "p0": "P0: headcount",
    "p1": "P1: poverty gap",
    "coverage_poor": "poor persons reached",
    "funds_raised": "raised",
    "spent_transfers": "paid to households",
    "coalition_members": "members",
}
"""Plain-language names of the plotted columns."""


def _styler(title: str, ylabel: str, money: bool = False):
    def post_process(ax: Axes) -> None:
        ax.set_title(title, fontsize=10)
        ax.set_ylabel(ylabel)
        for line in ax.get_lines():
            line.set_label(LEGEND.get(str(line.get_label()), line.get_label()))
        ax.legend(loc="best")
        ax.set_ylim(bottom=0, top=max(ax.get_ylim()[1], 1.0 if ylabel == "institutions" else 0))
        if money:
            ax.yaxis.set_major_formatter(FuncFormatter(_rupiah_billion))
        elif ylabel.startswith("%"):
            ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=1))

    return post_process


HeadcountPlot = make_plot_component(
    {"p0": BLUE, "p1": VERMILION},
    post_process=_styler("Poverty headcount P0 and gap P1, by month", "% (P1: of the line)"),
)
ReachPlot = make_plot_component(
    {"coverage_poor": GREEN},
    post_process=_styler("Reach: poor persons in an NGO programme, by month", "% of the poor"),
)
MoneyPlot = make_plot_component(
    {"funds_raised": ORANGE, "spent_transfers": PURPLE},
    post_process=_styler("Money raised and paid to households, by month", "per month", True),
)
CoalitionPlot = make_plot_component(
    {"coalition_members": BLUE},
    post_process=_styler("Coalition members (0: none or broken up)", "institutions"),
)


@solara.component
def Headline(model: PovertyModel) -> None:
    """The latest month in one sentence."""
    update_counter.get()
    row = model.timeseries().iloc[-1]
    solara.Markdown(
        f"**{model.config.name}, month {model.month} of {model.config.months}**: "
        f"P0 {100 * row.p0:.1f}%, P1 {100 * row.p1:.2f}, "
        f"{100 * row.coverage_poor:.0f}% of the poor reached, "
        f"{int(row.coalition_members)} coalition members."
    )


PLOTS = (HeadcountPlot, ReachPlot, MoneyPlot, CoalitionPlot)
"""The explorer's plots: Mesa's stock components (``make_plot_component``), page 0."""


@solara.component
def Dashboard(model: PovertyModel) -> None:
    """The headline and the plots, two to a row, redrawn at each step."""
    update_counter.get()
    Headline(model)
    with solara.GridFixed(columns=2):
        for make_plot, _page in PLOTS:
            make_plot(model)


@solara.component
def Page() -> None:
    """The explorer: Mesa's controls and parameters in the sidebar, the plots beside them.

    Each browser session gets its own model. The plots are laid out here rather than by
    SolaraViz's draggable grid, whose front end (a Vue 2 build of vue-grid-layout) fails to
    load under Solara's Vue 3 page ("GlobalVue.use is not a function") and shows no plot.
    """
    first = solara.use_memo(ExplorerModel, dependencies=[])
    model = solara.use_reactive(first)
    SolaraViz(model, components=[], model_params=model_params(), name="Sinergi explorer")
    Dashboard(model.value)


page = Page()
"""The explorer as a Solara element: ``solara run sim/app.py``, or show it in Jupyter."""
