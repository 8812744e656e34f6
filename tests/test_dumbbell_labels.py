"""The period comparison's value labels near 0 start at their marker, so that the left edge of
the plot does not cut them ("no deliveries (-93.3 pp)" was cut, issue 12)."""

from __future__ import annotations

import pandas as pd

from analysis.chart_meta import ChartMeta
from analysis.period_comparison import NEAR_LEFT_EDGE, build_period_comparison, label_positions

META = ChartMeta(title="India's arms imports, two periods", filters={"Recipient": "India"})


def _chart():
    shares = pd.DataFrame(
        {
            "period": ["2009-13", "2009-13", "2019-23", "2019-23"],
            "supplier": ["Russia", "France", "France", "Israel"],
            "share": [0.933, 0.067, 0.6, 0.4],
        }
    )
    return build_period_comparison(shares, meta=META, period_a="2009-13", period_b="2019-23")


def _labels(fig, name: str) -> dict[str, tuple[float, str, str]]:
    trace = next(t for t in fig.data if t.name == name)
    positions = trace.textposition
    return {
        y: (x, text, pos)
        for y, x, text, pos in zip(trace.y, trace.x, trace.text, positions, strict=True)
    }


def test_no_deliveries_label_at_zero_starts_at_its_marker():
    fig = _chart().figure
    later = _labels(fig, "2019-23")
    assert later["Russia"][:2] == (0.0, "no deliveries (-93.3 pp)")
    assert later["Russia"][2] == "bottom right"
    earlier = _labels(fig, "2009-13")
    assert earlier["Israel"][2] == "top right"  # 0 in the earlier period
    assert earlier["France"][2] == "top right"  # 6.7%, near the edge too


def test_labels_away_from_the_left_edge_stay_centred():
    fig = _chart().figure
    assert _labels(fig, "2019-23")["France"][2] == "bottom center"
    assert _labels(fig, "2009-13")["Russia"][2] == "top center"


def test_no_label_near_the_left_edge_is_centred_on_its_marker():
    fig = _chart().figure
    x_max = max(max(t.x) for t in fig.data if t.mode == "markers+text")
    for name in ("2009-13", "2019-23"):
        for x, _text, pos in _labels(fig, name).values():
            assert pos.endswith("right") == (x <= NEAR_LEFT_EDGE * x_max)


def test_label_positions_treat_a_missing_share_as_zero():
    assert label_positions([float("nan"), 0.0, 0.5], 1.0, "top") == [
        "top right",
        "top right",
        "top center",
    ]
