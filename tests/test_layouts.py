"""One name per layout: analysis.layouts defines it, the loader detects it, fixtures start with it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from analysis.layouts import LAYOUTS, heading, label
from analysis.sipri import LAYOUT_READERS, SipriFormatError, detect_layout, read_sipri

from .conftest import DATA

ROOT = Path(__file__).resolve().parent.parent

# Every fixture but the hostile inputs (bad_*, and the corpus in tests/data/bad/).
FIXTURES = sorted(p.name for p in DATA.iterdir() if p.is_file() and not p.name.startswith("bad_"))


def layout_of_name(file_name: str) -> str | None:
    """The layout a fixture's file name starts with (the longest code name that fits)."""
    fits = [n for n in LAYOUTS if file_name.startswith((f"{n}_", f"{n}."))]
    return max(fits, key=len) if fits else None


# The variants of SIPRI_FORMATS.md (../shared/SIPRI_FORMATS.md), section 0.
SIPRI_FORMATS_VARIANTS = {"A", "B", "B-reg", "C", "D", "E"}


@pytest.mark.parametrize("name", FIXTURES)
def test_every_fixture_starts_with_the_layout_the_loader_detects(name):
    layout = layout_of_name(name)
    assert layout in LAYOUTS, f"{name} does not start with a layout name ({', '.join(LAYOUTS)})"
    assert detect_layout(DATA / name) == layout
    assert read_sipri(DATA / name).layout == layout


def test_every_layout_has_a_fixture_and_a_reader():
    assert {layout_of_name(name) for name in FIXTURES} == set(LAYOUTS)
    assert set(LAYOUT_READERS) == set(LAYOUTS)


def test_each_sipri_formats_variant_belongs_to_one_layout():
    variants = [v for layout in LAYOUTS.values() for v in layout.variants]
    assert sorted(variants) == sorted(SIPRI_FORMATS_VARIANTS)
    assert LAYOUTS["tiv_table"].variants == ("A", "B")


def test_labels_and_descriptions_are_distinct():
    for field in ("label", "description"):
        values = [getattr(layout, field) for layout in LAYOUTS.values()]
        assert len(set(values)) == len(values), field
    assert label("register") == "per-deal register"
    assert heading("register") == "Per-deal register"
    assert label("something_else") == "something_else"  # an unknown name is shown as written


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("register_cp1252.csv", "register"),
        ("register_deliveries.csv", "register_deliveries"),
        ("register_deliveries_ukraine.csv", "register_deliveries"),
        ("register_legacy_2014.csv", "register_legacy"),
        ("tiv_regional.csv", "tiv_regional"),
        ("tiv_table_utf16.csv", "tiv_table"),
        ("registers.csv", None),
        ("bad_empty.csv", None),
    ],
)
def test_layout_of_name_takes_the_longest_code_name(name, layout):
    assert layout_of_name(name) == layout


def test_detect_layout_refuses_glued_layouts_as_read_sipri_does():
    with pytest.raises(SipriFormatError, match="glued together") as detected:
        detect_layout(DATA / "bad_glued_layouts.csv")
    with pytest.raises(SipriFormatError) as read:
        read_sipri(DATA / "bad_glued_layouts.csv")
    assert str(detected.value) == str(read.value)


def test_code_names_are_spelled_only_in_analysis_layouts():
    """Code refers to layouts through analysis.layouts' constants, never a typed-out name."""
    found = []
    for folder in ("analysis", "pages"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "analysis" / "layouts.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and node.value in LAYOUTS:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
    assert not found, "use analysis.layouts' constants: " + ", ".join(found)
