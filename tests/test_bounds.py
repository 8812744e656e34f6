"""Bounds of figures estimated from a per-deal register (analysis.bounds)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import bounds
from analysis.shares import period_shares
from analysis.sipri import read_sipri
from analysis.world_shares import world_share_and_rank

from .conftest import DATA, examples

P = (2010, 2014)


def _deals(rows) -> pd.DataFrame:
    """Deals from (recipient, supplier, delivery years, delivered TIV) tuples."""
    return pd.DataFrame(
        {
            "recipient": [r[0] for r in rows],
            "supplier": [r[1] for r in rows],
            "delivery_years": pd.Series([list(r[2]) for r in rows], dtype=object),
            "tiv_delivered": pd.array([r[3] for r in rows], dtype="Float64"),
        }
    )


def test_a_deal_wholly_inside_outside_or_straddling_a_period():
    deals = _deals(
        [
            ("India", "Russia", [2011, 2012], 100.0),  # inside
            ("India", "Russia", [2004, 2005], 50.0),  # outside
            ("India", "France", [2013, 2014, 2015, 2016], 80.0),  # straddles the end
            ("India", "France", [], 30.0),  # no delivery year: in no year's volume
            ("India", "Israel", [2009, 2010], pd.NA),  # no TIV
        ]
    )
    got = bounds.deal_bounds(deals, P)
    assert got["tiv_low"].tolist() == [100.0, 0.0, 0.0, 0.0, 0.0]
    assert got["tiv_high"].tolist() == [100.0, 0.0, 80.0, 0.0, 0.0]
    assert got["tiv"].tolist() == [100.0, 0.0, 40.0, 0.0, 0.0]


def test_supplier_share_bounds_on_a_tiny_frame():
    deals = _deals(
        [
            ("India", "Russia", [2011, 2012], 100.0),
            ("India", "France", [2013, 2014, 2015, 2016], 80.0),
            ("India", "France", [2009, 2010], 20.0),
            ("Pakistan", "China", [2012], 500.0),  # another recipient: not counted
        ]
    )
    got = bounds.supplier_share_bounds(deals, "India", [P]).set_index("supplier")
    # Russia 100 for sure; France 0..100 (estimate 40 + 10 = 50).
    assert got.loc["Russia", "share"] == pytest.approx(100 / 150)
    assert got.loc["Russia", "share_low"] == pytest.approx(100 / 200)
    assert got.loc["Russia", "share_high"] == pytest.approx(1.0)
    assert got.loc["France", "share"] == pytest.approx(50 / 150)
    assert got.loc["France", "share_low"] == pytest.approx(0.0)
    assert got.loc["France", "share_high"] == pytest.approx(100 / 200)
    assert list(got.index) == ["Russia", "France"]  # largest estimate first


def test_the_estimate_is_what_period_shares_gives_on_the_loaders_flows():
    export = read_sipri(DATA / "register_cp1252.csv")
    periods = [(2012, 2016), (2017, 2021), (2019, 2023)]
    ours = bounds.supplier_share_bounds(export.deals, "India", periods)
    theirs = period_shares(export.flows, "India", periods).table
    merged = ours.merge(theirs, on=["start", "end", "supplier"], suffixes=("", "_flows"))
    assert len(merged) == len(theirs) > 0
    np.testing.assert_allclose(merged["share"], merged["share_flows"])
    assert (merged["share_low"] <= merged["share"] + 1e-12).all()
    assert (merged["share"] <= merged["share_high"] + 1e-12).all()
    ours = ours.set_index(["start", "supplier"])
    # Russia's MiG-29K (2011-12) straddles 2012-16, beside Germany's engine (2016, exact).
    assert ours.loc[(2012, "Russia"), "share_low"] == 0.0
    assert ours.loc[(2012, "Russia"), "share_high"] == pytest.approx(200 / 201)
    assert ours.loc[(2012, "Germany"), "share_low"] == pytest.approx(1 / 201)
    # The Turkish ship (2021-23) lies wholly inside 2019-23, straddles 2017-21.
    assert ours.loc[(2019, "Turkiye"), "share_low"] == pytest.approx(3 / 303)
    assert ours.loc[(2017, "Turkiye"), ["tiv_low", "tiv_high"]].tolist() == [0.0, 3.0]


def test_total_bounds():
    deals = _deals(
        [
            ("India", "Russia", [2011, 2012], 100.0),
            ("India", "France", [2013, 2014, 2015, 2016], 80.0),
            ("Pakistan", "China", [2012], 500.0),
        ]
    )
    got = bounds.total_bounds(deals, "India", [P, (2015, 2019)])
    assert got[["tiv", "tiv_low", "tiv_high"]].to_numpy().tolist() == [
        [140.0, 100.0, 180.0],
        [40.0, 0.0, 80.0],
    ]


def test_ratio_bounds_edges():
    low, high = bounds.ratio_bounds(
        np.array([0.0, 0.0, 2.0, 0.0]),
        np.array([5.0, 0.0, 2.0, 0.0]),
        np.array([0.0, 0.0, 0.0, 0.0]),
        np.array([0.0, 3.0, 2.0, 0.0]),
    )
    # Alone (others always 0): 100% whenever there is a total; never delivering: 0%;
    # nothing at all: undefined.
    np.testing.assert_allclose(low, [1.0, 0.0, 0.5, np.nan])
    np.testing.assert_allclose(high, [1.0, 0.0, 1.0, np.nan])


def _world(n_countries: int = 22) -> pd.DataFrame:
    rows = [(f"C{i:02d}", "X", [2012], float(i + 1)) for i in range(n_countries)]
    rows += [
        ("Alpha", "X", [2010, 2011], 30.0),  # 30, exact
        ("Beta", "X", [2014, 2015], 40.0),  # 0..40, estimate 20
        ("unknown recipient(s)", "X", [2012], 100.0),  # in the world total, never ranked
    ]
    return _deals(rows)


def test_world_bounds_share_and_rank_range():
    got = bounds.world_bounds(_world(), "Beta", [P]).iloc[0]
    others = sum(range(1, 23)) + 30.0 + 100.0
    assert got["share"] == pytest.approx(20 / (others + 20))
    assert got["share_low"] == 0.0
    assert got["share_high"] == pytest.approx(40 / (others + 40))
    # Estimate 20: behind Alpha (30) and C19..C21 (20 ties, 21, 22): rank 4.
    assert got["rank"] == 4
    assert got["rank_best"] == 1 and got["rank_worst"] == 24
    assert bool(got["rank_can_change"])
    alpha = bounds.world_bounds(_world(), "Alpha", [P]).iloc[0]
    assert (alpha["rank"], alpha["rank_best"], alpha["rank_worst"]) == (1, 1, 2)


def test_world_bounds_estimate_matches_world_share_and_rank_on_spread_flows():
    deals = _world()
    flows = pd.DataFrame(
        {
            "recipient": ["Alpha", "Alpha", "Beta", "unknown recipient(s)"]
            + [f"C{i:02d}" for i in range(22)],
            "supplier": [f"S{i:02d}" for i in range(26)],  # world-wide: many on both sides
            "year": [2010, 2011, 2014, 2012] + [2012] * 22,
            "tiv": [15.0, 15.0, 20.0, 100.0] + [float(i + 1) for i in range(22)],
        }
    )
    exact = world_share_and_rank(flows, "Beta", [P]).table.iloc[0]
    ours = bounds.world_bounds(deals, "Beta", [P]).iloc[0]
    assert ours["share"] == pytest.approx(exact["share"])
    assert ours["rank"] == exact["rank"]
    assert ours["countries"] == exact["countries"]


def test_world_bounds_needs_a_world():
    assert bounds.world_bounds(_world(3), "Beta", [P]).empty


@pytest.mark.parametrize(
    ("share", "low", "high", "text"),
    [
        (0.426, 0.31, 0.50, "43% (estimated; 31-50%)"),
        (0.365, 0.365, 0.365, "37% (estimated; 37% under any split)"),
        (0.0951, 0.0123, 0.125, "9.5% (estimated; 1.2-13%)"),
        (0.05, 0.0, 0.096, "5.0% (estimated; 0.0-9.6%)"),
        (None, 0.1, 0.2, "n/a"),
        (0.5, np.nan, np.nan, "50% (estimated)"),
    ],
)
def test_bounded_share_text(share, low, high, text):
    assert bounds.bounded_share_text(share, low, high) == text


def test_bounded_rank_and_tiv_text():
    assert bounds.bounded_rank_text(2, 1, 3) == "2 (estimated; 1-3)"
    assert bounds.bounded_rank_text(1, 1, 1) == "1 (estimated; cannot change)"
    assert bounds.bounded_rank_text(pd.NA, 1, 3) == "n/a"
    assert bounds.bounded_tiv_text(1234.4, 1100.0, 1400.6) == "1,234 (estimated; 1,100-1,401)"


# --------------------------------------------------------------------------- properties

YEARS = st.lists(st.integers(2005, 2020), max_size=6, unique=True).map(sorted)
DEALS = st.lists(
    st.tuples(
        st.sampled_from(["R", "Q"]),
        st.sampled_from(["A", "B", "C"]),
        YEARS,
        st.floats(0, 1000, allow_nan=False),
    ),
    min_size=1,
    max_size=25,
)
PERIODS = st.tuples(st.integers(2003, 2020), st.integers(0, 7)).map(lambda t: (t[0], t[0] + t[1]))


def _split_flows(deals: pd.DataFrame, weights: list[list[float]]) -> pd.DataFrame:
    """Yearly flows of one split: deal i's TIV over its listed years in ``weights[i]``'s
    proportions."""
    rows = []
    for (_, deal), w in zip(deals.iterrows(), weights, strict=True):
        years = deal["delivery_years"]
        if not years:
            continue
        w = np.asarray(w[: len(years)], dtype=float)
        w = np.full(len(years), 1.0) if w.sum() <= 0 else w
        for year, part in zip(years, w / w.sum(), strict=True):
            rows.append(
                (deal["recipient"], deal["supplier"], year, float(deal["tiv_delivered"]) * part)
            )
    return pd.DataFrame(rows, columns=["recipient", "supplier", "year", "tiv"])


WEIGHTS = st.lists(st.lists(st.floats(0, 1), min_size=6, max_size=6), min_size=25, max_size=25)


@settings(max_examples=examples(200))
@given(DEALS, WEIGHTS, PERIODS)
def test_any_split_gives_a_share_inside_the_bounds(rows, weights, period):
    deals = _deals(rows)
    got = bounds.supplier_share_bounds(deals, "R", [period])
    flows = _split_flows(deals, weights[: len(rows)])
    exact = period_shares(flows, "R", [period]).table if len(flows) else None
    if exact is None or not exact["tiv"].sum() > 0:
        return  # no TIV in the period under this split: no share to check
    merged = got.merge(exact[["supplier", "share"]], on="supplier", how="left", suffixes=("", "_x"))
    tol = 1e-9
    # A supplier without TIV in the period under this split has a 0% share.
    x = merged["share_x"].fillna(0.0)
    assert ((merged["share_low"] - tol <= x) & (x <= merged["share_high"] + tol)).all(), merged
    est = merged["share"]
    assert ((merged["share_low"] - tol <= est) & (est <= merged["share_high"] + tol)).all()
    # Every supplier that delivered in the period under this split has its bounds.
    assert set(exact.loc[exact["tiv"] > 0, "supplier"]) <= set(got["supplier"])


@settings(max_examples=examples(100))
@given(DEALS, PERIODS, st.sampled_from(["A", "B", "C"]))
def test_the_bounds_are_reached_by_a_split(rows, period, supplier):
    """The lowest share: the supplier's straddling deals delivered outside the period, every
    other straddling deal inside (and the other way round for the highest)."""
    deals = _deals(rows)
    got = bounds.supplier_share_bounds(deals, "R", [period])
    row = got[got["supplier"] == supplier]
    if row.empty:
        return
    for bound, mine_inside in (("share_low", False), ("share_high", True)):
        weights = []
        for r in rows:
            inside = [period[0] <= y <= period[1] for y in r[2]]
            want = mine_inside if r[1] == supplier else not mine_inside
            w = [1.0 if i == want else 0.0 for i in inside]
            weights.append(w if any(w) else [1.0] * len(inside))
        flows = _split_flows(deals, [w + [0.0] * (6 - len(w)) for w in weights])
        exact = period_shares(flows, "R", [period]).table
        share = exact.loc[exact["supplier"] == supplier, "share"]
        total = exact["tiv"].sum()
        if total > 0:
            value = float(share.iloc[0]) if len(share) else 0.0
            assert value == pytest.approx(float(row[bound].iloc[0]), abs=1e-9)


@settings(max_examples=examples(100))
@given(
    st.lists(
        st.tuples(
            st.sampled_from([f"K{i}" for i in range(6)]),
            st.just("X"),
            YEARS,
            st.floats(0, 1000, allow_nan=False),
        ),
        min_size=1,
        max_size=30,
    ),
    WEIGHTS.map(lambda w: w * 2),
    PERIODS,
    st.sampled_from([f"K{i}" for i in range(6)]),
)
def test_any_split_gives_a_world_share_and_rank_inside_the_bounds(rows, weights, period, who):
    deals = _deals(rows)
    got = bounds.world_bounds(deals, who, [period], min_countries=1)
    if got.empty:
        return
    got = got.iloc[0]
    flows = _split_flows(deals, weights[: len(rows)])
    if flows.empty:
        return
    exact = world_share_and_rank(flows, who, [period], min_countries=1).table
    if exact.empty or pd.isna(exact["share"].iloc[0]):
        return
    exact = exact.iloc[0]
    assert got["share_low"] - 1e-9 <= exact["share"] <= got["share_high"] + 1e-9
    assert got["share_low"] - 1e-9 <= got["share"] <= got["share_high"] + 1e-9
    if not pd.isna(exact["rank"]):
        assert got["rank_best"] <= exact["rank"] <= got["rank_worst"]
