"""Shared fixtures: the project's own small files, and the real samples when they are present."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SAMPLES = ROOT.parent / "shared" / "sipri-samples"


@pytest.fixture
def fixture_path():
    def get(name: str) -> Path:
        return DATA / name

    return get


@pytest.fixture
def sample_path():
    def get(prefix: str) -> Path:
        if not SAMPLES.is_dir():
            pytest.skip("../shared/sipri-samples/ is not present")
        hits = sorted(SAMPLES.glob(prefix + "*"))
        if not hits:
            pytest.skip(f"sample {prefix}* is not present")
        return hits[0]

    return get
