"""The explorer's sidebar controls: each shows its value and unit, in the page's language.

Every control is a label line above a full-width input, so that nothing is cut at the sidebar's
width (Vuetify's inline slider label truncates long labels and pushes the handle out).
:func:`slider_text` writes a slider's label with its value (``"Trust threshold: 0.35 ..."``,
money in rupiah with the region's yearly total).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara
from solara.alias import rv

from sim.explorer.words import t
from sim.report.numbers import fmt_number, fmt_rupiah

PERCENT_SLIDERS = ("awareness_effect", "learning_rate")
"""Sliders of a share shown in percent."""
RUPIAH_SLIDERS = ("giving", "coordination_cost")
"""Sliders of rupiah (per 1,000 households represented)."""


def slider_text(key: str, value: float, lang: str, represented: int, region: str) -> str:
    """A slider's label with its value and unit.

    Args:
        key: A key of :data:`sim.explorer.settings.SLIDERS`.
        value: The slider's value in the scenario field's unit.
        lang: ``"en"`` or ``"id"``.
        represented: Real households the run represents (for a yearly total in rupiah).
        region: The region's name.

    Returns:
        E.g. ``"Private giving: Rp 12.5 m per 1,000 households a month (Rp 45.0 bn a year in
        INDONESIA)"``.
    """
    if key in PERCENT_SLIDERS:
        shown = fmt_number(100 * value, 0, lang)
    elif key == "giving":
        yearly = value * represented / 1_000 * 12
        return t(
            key,
            lang,
            value=fmt_rupiah(value, lang),
            total=fmt_rupiah(yearly, lang),
            region=region,
        )
    elif key in RUPIAH_SLIDERS:
        shown = f"Rp {fmt_number(value, 0, lang)}"
    else:
        shown = fmt_number(value, 2, lang)
    return t(key, lang, value=shown)


@solara.component
def LabelledSlider(
    key: str,
    text: str,
    value: float,
    bounds: tuple[float, float, float],
    on_value: Callable[[float], None],
) -> None:
    """A label line with the value, and a slider as wide as the sidebar beneath it.

    Args:
        key: The control's key (the slider's CSS class ``slider-<key>``, for the test).
        text: The label with the value (:func:`slider_text`).
        value: The slider's value.
        bounds: (min, max, step).
        on_value: Called with the new value while the handle moves.
    """
    low, high, step = bounds
    with solara.Column(gap="0px", classes=["explorer-control", f"slider-{key}"]):
        solara.Text(text, style={"font-size": "0.9rem", "line-height": "1.3"})
        rv.Slider(
            v_model=value,
            on_v_model=lambda v: on_value(float(v)),
            min=low,
            max=high,
            step=step,
            hide_details=True,
            density="compact",
            color="primary",
            thumb_label=False,
        )


@solara.component
def LabelledSelect(
    key: str, label: str, options: dict[str, str], value: str, on_value: Callable[[str], None]
) -> None:
    """A select whose items are shown in words and returned as their keys.

    Args:
        key: The control's key (CSS class ``select-<key>``).
        label: The label.
        options: Item key -> its words.
        value: The selected item's key.
        on_value: Called with the chosen item's key.
    """
    back = {text: item for item, text in options.items()}

    def choose(text: Any) -> None:
        if text in back:
            on_value(back[text])

    with solara.Column(gap="0px", classes=["explorer-control", f"select-{key}"]):
        solara.Select(label, values=list(options.values()), value=options[value], on_value=choose)
