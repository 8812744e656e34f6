"""AppTest: each chart's description under it, and the view's citation in a copy box."""

from __future__ import annotations

import json

import pytest

from analysis.alt_text import describe_view
from analysis.events import Event
from analysis.published_views import published_mix_view
from analysis.store import Store

from .conftest import open_page
from .test_cite import parse_bibtex, parse_ris

pytestmark = pytest.mark.app


_open = open_page  # shared with the other page tests (conftest)


def _plain(markdown: str) -> str:
    """Caption text as a reader sees it (md_escape puts a backslash before punctuation)."""
    import re

    return re.sub(r"\\(.)", r"\1", markdown)


def test_overview_chart_is_described_under_it(db):
    at = _open("overview")
    descriptions = [_plain(c.value) for c in at.caption if c.value.startswith("Chart description")]
    events: list[Event] = Store(db).events()
    expected = describe_view(published_mix_view(events, recipient="India"))
    assert descriptions == [f"Chart description: {expected}"]
    assert "as published by SIPRI" in expected


def test_citation_box_in_every_format(db):
    at = _open("overview")
    at.toggle(key="overview_mix_cite").set_value(True).run()
    assert "SIPRI Arms Transfers Database" in at.code[0].value
    assert "(accessed " in at.code[0].value
    at.radio(key="overview_mix_cite_format").set_value("bibtex").run()
    kind, _, fields = parse_bibtex(at.code[0].value)
    assert kind == "misc" and "urldate" in fields
    at.radio(key="overview_mix_cite_format").set_value("ris").run()
    assert dict(parse_ris(at.code[0].value))["T2"] == "SIPRI Arms Transfers Database"
    at.radio(key="overview_mix_cite_format").set_value("csl-json").run()
    (item,) = json.loads(at.code[0].value)
    assert item["type"] == "dataset"
