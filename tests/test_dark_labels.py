"""The dark on-screen variant keeps every label readable and every supplier colour visible."""

from __future__ import annotations

import pytest

from analysis import published_views, views
from analysis.chart_style import DARK_SWAPS, on_screen
from analysis.colors import GREYS, PALETTE, delta_e
from analysis.compare import compare_view
from analysis.dependency_chart import dependency_view

from .test_alt_text import EVENTS, FLOWS, PUTIN

DARK_PAPER = DARK_SWAPS["#FFFFFF"]


def _luminance(color: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(color[i : i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two "#RRGGBB" colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _font_colors(node, path=""):
    """(path, colour) of every text colour in a figure dict (fonts, text fonts, template)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "meta":
                continue
            here = f"{path}.{key}"
            if key == "color" and isinstance(value, str) and "font" in path.lower():
                yield here, value
            else:
                yield from _font_colors(value, here)
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            yield from _font_colors(value, f"{path}[{i}]")


def _views():
    return {
        "mix by year": views.import_mix_view(
            FLOWS, EVENTS, recipient="India", extend_to_events=True, moving_average=True
        ),
        "mix by period": views.import_mix_view(FLOWS, EVENTS, recipient="India", by="period"),
        "comparison": views.period_comparison_view(
            FLOWS, EVENTS, recipient="India", period_a=(2009, 2013), period_b=(2019, 2023)
        ),
        "event window": views.event_window_view(FLOWS, PUTIN, recipient="India"),
        "map": views.supplier_map_view(FLOWS, recipient="India"),
        "customers": views.customers_view(FLOWS, exporter="France"),
        "compare": compare_view(FLOWS, ["India", "Pakistan"]).chart,
        "dependency": dependency_view(FLOWS, "India").chart,
        "published": published_views.published_mix_view(EVENTS),
    }


@pytest.mark.parametrize("name", list(_views()))
def test_every_label_of_the_dark_variant_reads_on_the_dark_background(name):
    fig = on_screen(_views()[name].fig, dark=True)
    colors = list(_font_colors(fig.to_dict()))
    assert colors, "the figure sets its text colours"
    # WCAG AA for small text: 4.5:1.
    unreadable = [(p, c) for p, c in colors if contrast(c, DARK_PAPER) < 4.5]
    assert unreadable == []


def test_supplier_colours_stand_out_from_both_backgrounds():
    for color in (*PALETTE, *GREYS):
        # Bars, not text: a clear colour difference from the page is enough.
        assert delta_e(color, DARK_PAPER) >= 30, color
        assert delta_e(color, "#FFFFFF") >= 14, color
