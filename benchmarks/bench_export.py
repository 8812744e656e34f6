"""10 warm exports through the long-lived export server vs 10 one-shot fig.write_image calls."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd

from analysis.chart_meta import ChartMeta
from analysis.charts import build_import_mix_by_year
from analysis.events import Event
from analysis.export import (
    chromium_available,
    chromium_missing_message,
    export_figure,
    start_export_server,
    stop_export_server,
)
from benchmarks.common import median_seconds, report

EXPORTS = 10
WIDTH, HEIGHT, SCALE = 1600, 900, 1


def _figure():
    years = range(1990, 2025)
    suppliers = ["Russia", "Soviet Union", "France", "United States", "Israel", "United Kingdom"]
    frame = pd.DataFrame(
        [(y, s, float((y * 7 + i * 13) % 50 + 1)) for y in years for i, s in enumerate(suppliers)],
        columns=["year", "supplier", "tiv"],
    )
    events = [
        Event(
            dt.date(2022, 2, 24),
            "Russia's full-scale invasion of Ukraine",
            "conflict",
            is_global=True,
        ),
        Event(
            dt.date(2025, 10, 29),
            "Indian delegation in Moscow",
            "visit",
            end=dt.date(2025, 10, 30),
            countries=("India",),
        ),
        Event(dt.date(2025, 12, 5), "Putin's visit to New Delhi", "visit", countries=("India",)),
    ]
    meta = ChartMeta(
        "India's arms imports", filters={"Recipient": "India"}, vintage=dt.date(2024, 10, 10)
    )
    return build_import_mix_by_year(
        frame,
        meta=meta,
        events=events,
        recipient="India",
        moving_average=True,
        year_range=(1990, 2025),
    ).figure


def main() -> bool:
    if not chromium_available():
        print(f"bench_export skipped: {chromium_missing_message()}")
        return False
    fig = _figure()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "chart.png"

        def one_shot() -> None:
            # plotly's plain path: without a running server kaleido starts a browser per call
            for _ in range(EXPORTS):
                fig.write_image(out, width=WIDTH, height=HEIGHT, scale=SCALE)

        stop_export_server()  # a running server would serve write_image too
        baseline = median_seconds(one_shot, repeats=5, warmup=0)

    def warm_server() -> None:
        for _ in range(EXPORTS):
            export_figure(fig, "png", WIDTH, HEIGHT, SCALE)

    start_export_server()
    subject = median_seconds(warm_server, repeats=5, warmup=1)
    stop_export_server()
    return report(f"export ({EXPORTS} PNGs {WIDTH}x{HEIGHT})", subject, baseline, goal=0.2)


if __name__ == "__main__":
    main()
