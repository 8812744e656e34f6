"""Hypothesis properties of the loader: any bytes give a result or SipriFormatError, nothing else."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.sipri import SipriExport, SipriFormatError, read_sipri

from .conftest import DATA, examples

FIXTURES = sorted(p.read_bytes() for p in DATA.glob("*.csv"))


def _read_or_error(data: bytes) -> None:
    try:
        export = read_sipri(data)
    except SipriFormatError as err:
        assert err.reason
        return
    assert isinstance(export, SipriExport)
    assert isinstance(export.flows, pd.DataFrame)
    assert (export.flows["tiv"] >= 0).all()


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data):
    _read_or_error(data)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIXTURES), st.data())
def test_mutated_fixtures(base, data):
    """Cut, splice and flip bytes of real-layout fixtures: still a result or the named error."""
    n = len(base)
    start = data.draw(st.integers(0, n))
    end = data.draw(st.integers(start, n))
    insert = data.draw(
        st.binary(max_size=30) | st.sampled_from([b",", b"\n", b";", b"0 ", b'"', b"\r"])
    )
    _read_or_error(base[:start] + insert + base[end:])


@settings(max_examples=examples(200), deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_arbitrary_text_after_a_sipri_header(text):
    header = b"Volume of transfers of major arms\nSupplier,2020,2021\n"
    _read_or_error(header + text.encode("utf-8"))


def test_row_order_does_not_change_flows():
    base = (DATA / "tiv_table_india_by_supplier.csv").read_text()
    head, rest = base.split("Supplier,", 1)
    header, *rows = ("Supplier," + rest).strip("\n").split("\n")
    total = rows.pop()
    shuffled = head + "\n".join([header, *reversed(rows), total]) + "\n"
    a = read_sipri(base.encode()).flows.sort_values(["supplier", "year"]).reset_index(drop=True)
    b = read_sipri(shuffled.encode()).flows.sort_values(["supplier", "year"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
