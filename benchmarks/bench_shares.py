"""Period shares for every recipient of a 1,000,000-row flows table vs a bare groupby-sum."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.schema import coerce_flows
from analysis.shares import period_shares, sipri_periods
from benchmarks.common import median_seconds, report

ROWS = 1_000_000
RECIPIENTS = 200
SUPPLIERS = 100
FIRST_YEAR, LAST_YEAR = 1950, 2024
GOAL = 2.0


def synthetic_flows(seed: int = 20240310) -> pd.DataFrame:
    """Distinct (recipient, supplier, year) rows drawn from 200 x 100 x 75 cells."""
    rng = np.random.default_rng(seed)
    years = LAST_YEAR - FIRST_YEAR + 1
    cells = rng.choice(RECIPIENTS * SUPPLIERS * years, size=ROWS, replace=False)
    recipient, rest = np.divmod(cells, SUPPLIERS * years)
    supplier, year = np.divmod(rest, years)
    names_r = np.array([f"Recipient {i:03d}" for i in range(RECIPIENTS)], dtype=object)
    names_s = np.array([f"Supplier {i:03d}" for i in range(SUPPLIERS)], dtype=object)
    return coerce_flows(
        pd.DataFrame(
            {
                "recipient": names_r[recipient],
                "supplier": names_s[supplier],
                "year": year + FIRST_YEAR,
                "tiv": rng.gamma(0.6, 40.0, size=ROWS).round(),
                "category": "Aircraft",
            }
        )
    )


def bare_groupby(flows: pd.DataFrame, periods: list[tuple[int, int]]) -> pd.DataFrame:
    """The same aggregation with nothing around it: period label, groupby-sum, divide."""
    width = periods[0][1] - periods[0][0] + 1
    first = periods[0][0]
    inside = flows[(flows["year"] >= first) & (flows["year"] <= periods[-1][1])]
    period = (inside["year"] - first) // width
    sums = inside.groupby(["recipient", period, "supplier"])["tiv"].sum()
    totals = sums.groupby(level=[0, 1]).transform("sum")
    return (sums / totals).rename("share").reset_index()


def main() -> bool:
    flows = synthetic_flows()
    periods = sipri_periods(LAST_YEAR, 15)  # 1950-54 .. 2020-24
    subject = median_seconds(lambda: period_shares(flows, None, periods), repeats=5)
    baseline = median_seconds(lambda: bare_groupby(flows, periods), repeats=5)
    return report("period_shares, every recipient, 1M rows", subject, baseline, GOAL)


if __name__ == "__main__":
    main()
