"""The tables behind the charts: yearly and period mixes (top N plus Others from ``vocab.top_n``).

Also the small helpers that place yearly bars on a date axis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from analysis import vocab
from analysis.chart_events import _datetime_iso
from analysis.chart_style import MS_PER_DAY
from analysis.vocab import OTHERS, UNKNOWN_SUPPLIER, parse_period


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} needs columns {list(columns)}; missing {missing}")


def _series_order(frame: pd.DataFrame, key: str, value: str) -> list[str]:
    totals = frame.groupby(key)[value].sum()
    names = sorted(totals.index, key=lambda s: (-totals[s], s))
    tail = [s for s in (UNKNOWN_SUPPLIER, OTHERS) if s in names]
    return [s for s in names if s not in tail] + tail


def _year_midpoint(year: int) -> str:
    start = dt.datetime(year, 1, 1)
    return _datetime_iso(start + (dt.datetime(year + 1, 1, 1) - start) / 2)


def _year_width_ms(year: int) -> int:
    return (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days * MS_PER_DAY


def mix_by_year_data(
    mix: pd.DataFrame, *, series: str = "supplier", top_n: int | None = None
) -> pd.DataFrame:
    """The yearly table behind the stacked-bar charts: year, series, tiv, share of the year.

    Args:
        mix: long frame with columns year, ``series`` and tiv (several rows per key are summed).
        series: "supplier" (import mix) or "recipient" (an exporter's customers).
        top_n: keep the largest N series and sum the rest as "Others".

    Returns:
        Columns year (int64), ``series`` (str), tiv (float64), share (float64, 0-1), sorted.
    """
    _require(mix, ["year", series, "tiv"], "mix_by_year_data")
    table = vocab.top_n(mix, series, top_n, by=("year",))
    table["year"] = table["year"].astype("int64")
    table["tiv"] = table["tiv"].astype("float64")
    totals = table.groupby("year")["tiv"].transform("sum")
    table["share"] = (table["tiv"] / totals.where(totals > 0)).astype("float64")
    return table.sort_values(["year", series], kind="stable").reset_index(drop=True)


def mix_by_period_data(mix: pd.DataFrame, *, top_n: int | None = None) -> pd.DataFrame:
    """The table behind the period bars: period, supplier, tiv, share of the period.

    Args:
        mix: long frame with columns period (label such as "2019-23"), supplier, tiv.
        top_n: keep the N largest suppliers and sum the rest as "Others".

    Returns:
        Columns period, supplier, tiv, share, ordered by period start then supplier.
    """
    _require(mix, ["period", "supplier", "tiv"], "mix_by_period_data")
    table = vocab.top_n(mix, "supplier", top_n, by=("period",))
    table["period"] = table["period"].astype(str)
    totals = table.groupby("period")["tiv"].transform("sum")
    table["share"] = (table["tiv"] / totals.where(totals > 0)).astype("float64")
    table["_start"] = table["period"].map(lambda p: parse_period(p)[0])
    table = table.sort_values(["_start", "supplier"], kind="stable").drop(columns="_start")
    return table.reset_index(drop=True)
