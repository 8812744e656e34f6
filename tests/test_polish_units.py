"""Unit tests for the user-test fixes: the map's centre, counted nouns, short file names on
charts, and changes in percentage points that read like the shares they come from."""

from __future__ import annotations

import pandas as pd

from analysis.charts import ChartMeta, build_supplier_map


def test_the_supplier_map_is_centred_on_greenwich_not_the_pacific():
    suppliers = pd.DataFrame(
        {"supplier": ["Russia", "France", "United States"], "tiv": [36.0, 33.0, 13.0]}
    )
    fig = build_supplier_map(suppliers, meta=ChartMeta(title="t"), years=(2019, 2023))
    geo = fig.layout.geo
    assert geo.projection.rotation.lon == 0
    assert geo.center.lon == 0
    assert tuple(geo.lonaxis.range) == (-180, 180)


def test_counts_are_singular_for_one():
    from analysis.vocab import counted

    assert counted(1, "recipient") == "1 recipient"
    assert counted(0, "deal") == "0 deals"
    assert counted(1200, "yearly flow") == "1,200 yearly flows"
    assert counted(2, "delivery", "deliveries") == "2 deliveries"


def test_the_loaders_notes_count_one_recipient_and_one_line_in_the_singular():
    from analysis.sipri import read_sipri

    from .conftest import DATA

    register = read_sipri(DATA / "C_register_cp1252.csv")
    assert "5 deals, 1 recipient, 5 suppliers." in register.notes[0]
    legacy = read_sipri(DATA / "E_legacy_2014.csv")
    assert "Ignored padding separators at the end of 1 line." in legacy.notes
