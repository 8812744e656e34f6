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
