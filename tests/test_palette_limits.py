"""No chart names more series than the palette has colours: the supplier controls stop at
``MAX_NAMED_SERIES``, the views cap a larger request, and every series drawn keeps a colour of
its own that stays apart from the others (Others included)."""

from __future__ import annotations

import pytest

from analysis import views
from analysis.colors import GREYS, MAX_NAMED_SERIES, PALETTE, capped_top_n
from analysis.compare import compare_view
from analysis.store import Store

from .conftest import open_page
from .test_chart_safety import _flows
from .test_colors import _assert_distinguishable

# More suppliers (and customers) than the palette has colours.
MANY = 31
NAMES = [f"Land {i:02d}" for i in range(MANY)]


# India and Chile import from 31 suppliers each (sizes differ so the top N is well defined);
# Russia exports to 31 recipients.
MANY_FLOWS = _flows(
    [("India", n, y, float(i + 1)) for i, n in enumerate(NAMES) for y in range(2014, 2024)]
    + [("Chile", n, y, float(2 * i + 1)) for i, n in enumerate(NAMES) for y in range(2014, 2024)]
    + [(n, "Russia", y, float(i + 1)) for i, n in enumerate(NAMES) for y in range(2014, 2024)]
)


def _bar_colors(fig) -> dict[str, str]:
    colors: dict[str, str] = {}
    for trace in fig.data:
        if trace.type == "bar":
            colors.setdefault(trace.name, trace.marker.color)
    return colors


def _check(colors: dict[str, str]) -> None:
    named = {n: c for n, c in colors.items() if c not in GREYS}
    assert len(named) <= MAX_NAMED_SERIES
    assert len(set(named.values())) == len(named), "a colour is drawn twice"
    _assert_distinguishable(colors)


def test_the_cap_is_the_palette_size():
    assert MAX_NAMED_SERIES == len(PALETTE) == 25
    assert capped_top_n(30) == MAX_NAMED_SERIES
    assert capped_top_n(25) == 25
    assert capped_top_n(6) == 6
    assert capped_top_n(0) == 1
    assert capped_top_n(None) is None


@pytest.mark.parametrize("by", ["year", "period"])
def test_import_mix_asked_for_30_suppliers_names_25_with_colours_of_their_own(by):
    view = views.import_mix_view(MANY_FLOWS, recipient="India", by=by, top_n=30)
    colors = _bar_colors(view.fig)
    assert len(colors) == MAX_NAMED_SERIES + 1 and "Others" in colors
    _check(colors)
    assert view.meta.filters["Suppliers"] == f"top {MAX_NAMED_SERIES} + Others"


def test_customers_asked_for_30_recipients_names_25_with_colours_of_their_own():
    view = views.customers_view(MANY_FLOWS, exporter="Russia", measure="share", top_n=30)
    colors = _bar_colors(view.fig)
    assert len(colors) == MAX_NAMED_SERIES + 1 and "Others" in colors
    _check(colors)


def test_compare_asked_for_30_suppliers_names_25_across_the_panels():
    view = compare_view(MANY_FLOWS, ["India", "Chile"], top_n=30)
    colors = _bar_colors(view.chart.fig)
    assert len(colors) == MAX_NAMED_SERIES + 1 and "Others" in colors
    _check(colors)


# --------------------------------------------------------------------------- pages


def _tiv_table(recipient: str) -> bytes:
    """A SIPRI "TIV of arms exports to <recipient>" table naming 31 suppliers."""
    years = list(range(2014, 2024))
    lines = [
        f'"TIV of arms exports to {recipient}, 2014-2023",,,,,,,,,,,',
        "Figures are SIPRI Trend Indicator Values (TIVs) expressed in millions.,,,,,,,,,,,",
        ",,,,,,,,,,,",
        "Source: SIPRI Arms Transfers Database,,,,,,,,,,,",
        "Generated: 10 October 2024,,,,,,,,,,,",
        ",,,,,,,,,,,",
        "," + ",".join(str(y) for y in years) + ",Total",
    ]
    # Real country names: the loader keeps them as written.
    suppliers = [
        "Russia", "France", "United States", "Israel", "United Kingdom", "Germany", "China",
        "Italy", "Spain", "Sweden", "Ukraine", "South Korea", "Netherlands", "Poland",
        "Canada", "Australia", "Brazil", "Turkiye", "Switzerland", "Norway", "Belgium",
        "Austria", "Finland", "Denmark", "Czechia", "Uzbekistan", "Belarus", "Singapore",
        "South Africa", "Japan", "Portugal",
    ]  # fmt: skip
    for i, name in enumerate(suppliers):
        value = MANY - i
        lines.append(f"{name}," + ",".join([str(value)] * len(years)) + f",{value * len(years)}")
    total = sum(range(1, MANY + 1))
    lines.append(",,,,,,,,,,,")
    lines.append("Total," + ",".join([str(total)] * len(years)) + f",{total * len(years)}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def many_db(app_db):
    store = Store(app_db)
    for country in ("India", "Chile"):
        outcome = store.import_bytes(f"many-{country}.csv", _tiv_table(country))
        assert outcome.ok, outcome.message
    return app_db


def _chart_bars(at) -> dict[str, str]:
    import json

    colors: dict[str, str] = {}
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        if spec["layout"]["meta"]["chart"].startswith("import_mix"):
            for trace in spec["data"]:
                if trace["type"] == "bar":
                    colors.setdefault(trace["name"], trace["marker"]["color"])
    return colors


@pytest.mark.app
def test_import_mix_control_stops_at_the_palette_size_and_says_why(many_db):
    at = open_page("import_mix", country="India", top="30")
    control = at.number_input(key="mix_top")
    assert control.value == MAX_NAMED_SERIES  # the URL asked for 30
    assert control.max == MAX_NAMED_SERIES
    assert f"At most {MAX_NAMED_SERIES}" in control.help and "Others" in control.help
    colors = _chart_bars(at)
    assert len(colors) == MAX_NAMED_SERIES + 1
    _check(colors)


@pytest.mark.app
@pytest.mark.parametrize(("page", "key"), [("suppliers", "sup_top"), ("compare", "cmp_top")])
def test_other_supplier_controls_stop_at_the_palette_size(many_db, page, key):
    at = open_page(page, top="30", countries="India,Chile")
    control = at.number_input(key=key)
    assert control.max == MAX_NAMED_SERIES
    assert control.value == MAX_NAMED_SERIES  # the URL asked for 30
