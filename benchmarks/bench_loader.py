"""read_sipri on a ~30,000-deal per-deal register versus a bare pd.read_csv of the same bytes."""

from __future__ import annotations

import io

import pandas as pd

from analysis.sipri import read_sipri
from benchmarks.common import median_seconds, report
from benchmarks.synthetic import register_bytes


def main() -> bool:
    data = register_bytes(30_000)
    export = read_sipri(data)
    assert len(export.deals) == 30_000, len(export.deals)

    def bare() -> pd.DataFrame:
        # The baseline does none of the loader's work: no layout detection, no repairs, no
        # split-record joining (python engine so the split records do not abort it).
        return pd.read_csv(io.BytesIO(data), skiprows=6, encoding="cp1252", on_bad_lines="skip")

    subject = median_seconds(lambda: read_sipri(data), repeats=5)
    baseline = median_seconds(bare, repeats=5)
    return report("read_sipri 30k-deal register / pd.read_csv", subject, baseline, goal=3.0)
