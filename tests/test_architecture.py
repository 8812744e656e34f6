"""Conventions the code base keeps: a pure analysis layer, no SIPRI exports committed."""

from __future__ import annotations

import ast
import subprocess

import pytest

from tests.conftest import ROOT


def test_analysis_never_imports_streamlit():
    offenders = []
    for path in sorted((ROOT / "analysis").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "streamlit" or n.startswith("streamlit.") for n in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


@pytest.mark.slow
def test_no_sipri_export_is_tracked():
    """SIPRI allows reproducing under 10% of a data set: fixtures are small and hand-written."""
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.split()
    if not tracked:  # not a git checkout (e.g. an sdist): nothing to check
        return
    # Our own fixtures are small, bar one synthetic 100,000-column line; a real export (a whole
    # TIV table or register) is both large and long.
    suspicious = []
    for name in tracked:
        path = ROOT / name
        if name.endswith(".csv") and path.exists() and path.stat().st_size > 20_000:
            if path.read_bytes().count(b"\n") > 100:
                suspicious.append(name)
    assert suspicious == []
    assert not [n for n in tracked if "sipri-samples" in n]
