"""Import mix page rerun (whole-size register stored) vs a bare one-chart script, via AppTest."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from benchmarks.common import median_seconds, report
from benchmarks.synthetic import register_bytes

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "sipri-samples"
GOAL = 1.5
REPEATS = 7

BARE_SCRIPT = """
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

frame = pd.read_pickle({path!r})
fig = go.Figure()
for name, part in frame.groupby("supplier", sort=False):
    fig.add_bar(x=part["year"], y=part["share"], name=str(name))
fig.update_layout(barmode="relative")
st.plotly_chart(fig, theme=None)
"""


def _all_importers() -> Path:
    hits = sorted(SAMPLE.glob("new_tiv_importers-all*")) if SAMPLE.is_dir() else []
    return hits[0] if hits else ROOT / "tests" / "data" / "tiv_table_old_importers_all.csv"


def main() -> bool:
    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "arms.sqlite"
        os.environ["ARMS_DB"] = str(db)
        from analysis.store import Store
        from analysis.views import import_mix_view

        store = Store(db)
        table = _all_importers()
        store.import_bytes(table.name, table.read_bytes())
        outcome = store.import_bytes("register.csv", register_bytes(30_000))
        assert outcome.ok, outcome.reason
        print(f"store: {len(store.flows().frame)} flows, {len(store.deals())} deals ({table.name})")

        page = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        page.switch_page("pages/import_mix.py")
        page.run()
        assert not page.exception, [e.value for e in page.exception]
        assert len(page.get("plotly_chart")) == 1, "the page drew no chart"

        frame = import_mix_view(store.flows(), [], recipient="India", top_n=6).data
        data = Path(tmp) / "frame.pkl"
        frame.to_pickle(data)
        script = Path(tmp) / "bare.py"
        script.write_text(BARE_SCRIPT.format(path=str(data)), encoding="utf-8")
        bare = AppTest.from_file(str(script), default_timeout=120)
        bare.run()
        assert not bare.exception
        assert len(bare.get("plotly_chart")) == 1

        subject = median_seconds(page.run, repeats=REPEATS)
        baseline = median_seconds(bare.run, repeats=REPEATS)
    return report("import mix page rerun vs bare chart", subject, baseline, GOAL)
