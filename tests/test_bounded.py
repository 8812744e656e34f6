"""Bounded work: what cannot be a SIPRI export is refused before the whole file is read.

Times and peak memory are measured by `make bench` (benchmarks/bench_bounded.py); these tests
check the mechanism: the refusals come before decoding, with one sentence each.
"""

from __future__ import annotations

import pytest

from analysis import sipri
from analysis.sipri import MAX_LINES, SNIFF_BYTES, SipriFormatError, read_sipri

from .conftest import DATA

REGISTER = (DATA / "register_cp1252.csv").read_bytes()
HEADER_END = REGISTER.index(b"\n", REGISTER.index(b"Recipient,")) + 1


@pytest.fixture
def no_decoding(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the whole file was decoded")

    monkeypatch.setattr(sipri, "_decode", refuse)


def test_no_sipri_header_in_the_first_64_kb_is_refused_before_decoding(no_decoding):
    data = b"alpha,beta,gamma,1,2,3\n" * (3 * SNIFF_BYTES // 23)
    with pytest.raises(SipriFormatError) as err:
        read_sipri(data)
    assert err.value.line == 1
    assert "first 64 KB hold no SIPRI title" in str(err.value)


def test_a_sipri_header_after_64_kb_of_junk_is_not_looked_for(no_decoding):
    data = b"x" * (SNIFF_BYTES + 10) + b"\n" + REGISTER
    with pytest.raises(SipriFormatError, match="first 64 KB"):
        read_sipri(data)


def test_more_lines_than_any_sipri_export_are_refused_before_decoding(no_decoding):
    data = REGISTER[:HEADER_END] + b"India,Russia,2010,7\n" * (MAX_LINES + 10)
    with pytest.raises(SipriFormatError) as err:
        read_sipri(data)
    n_lines = MAX_LINES + 10 + REGISTER[:HEADER_END].count(b"\n")
    assert f"This file has {n_lines:,} lines" in str(err.value)
    assert "upload them one by one" in str(err.value)


def test_short_lines_under_a_register_header_stop_after_a_few_joins(monkeypatch):
    calls = 0
    real = sipri.records._join_halves

    def counted(*args):
        nonlocal calls
        calls += 1
        return real(*args)

    monkeypatch.setattr(sipri.records, "_join_halves", counted)
    data = REGISTER[:HEADER_END] + b"India,Russia,2010,7\n" * 20_000
    with pytest.raises(SipriFormatError) as err:
        read_sipri(data)
    assert "pieced together from several lines" in str(err.value)
    assert err.value.line == REGISTER[:HEADER_END].count(b"\n") + 1
    assert calls < 1_000  # refused after about 50 records, not after 20,000 lines


def test_large_real_exports_still_pass_the_sniff(sample_path):
    path = sample_path("new_register_all")
    assert path.stat().st_size > SNIFF_BYTES
    assert len(read_sipri(path).deals) > 20_000


def test_pyarrow_allocates_with_the_system_allocator_unless_told_otherwise(monkeypatch):
    """mimalloc, pyarrow's default, keeps freed memory that a register load needs back."""
    pyarrow = pytest.importorskip("pyarrow")
    previous = pyarrow.default_memory_pool()
    try:
        pyarrow.set_memory_pool(pyarrow.mimalloc_memory_pool())
        monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "mimalloc")
        sipri._system_arrow_pool()
        assert pyarrow.default_memory_pool().backend_name == "mimalloc"
        monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL")
        sipri._system_arrow_pool()
        assert pyarrow.default_memory_pool().backend_name == "system"
    finally:
        pyarrow.set_memory_pool(previous)


def test_a_register_lets_its_lines_go_once_parsed(monkeypatch):
    """The file's lines and text are released before the records are parsed (memory)."""
    released = []
    real = sipri.detect._Lines.release

    def release(self):
        released.append(len(self.lines))
        real(self)
        assert self.lines == [] and self.joined == ""

    monkeypatch.setattr(sipri.detect._Lines, "release", release)
    export = read_sipri(REGISTER)
    assert len(released) == 1 and released[0] > 12  # once, with every line of the file
    assert len(export.deals) > 0
