"""The customers view's "Counts only the recipients in the loaded data" note: only when the
exports counted do not cover the exporter whole (issue 12)."""

from __future__ import annotations

import pytest

from analysis import views
from analysis.results import LoadedFlows, Source
from analysis.store import Store

from .conftest import DATA
from .test_world_sources import _world_register

NOTE = "Counts only the recipients in the loaded data"


def _stored(tmp_path, name: str):
    store = Store(tmp_path / "arms.sqlite")
    assert store.import_bytes(name, (DATA / name).read_bytes()).ok
    return store.flows()


@pytest.mark.parametrize("layout", ["register", "register_deliveries"])
def test_no_note_from_a_world_register(layout):
    world = Source(1, "world.csv", layout, "2025-03-10", "world", layout == "register")
    flows = LoadedFlows(_world_register(layout), datasets=(world,))
    view = views.customers_view(flows, exporter="France")
    assert view.sources == (world,)
    assert not any(NOTE in note for note in view.notes), view.notes


def test_no_note_from_the_exporters_own_table(tmp_path):
    flows = _stored(tmp_path, "tiv_table_old_exports_from_france.csv")
    view = views.customers_view(flows, exporter="France")
    assert not any(NOTE in note for note in view.notes), view.notes


def test_note_when_only_an_importers_table_is_loaded(tmp_path):
    flows = _stored(tmp_path, "tiv_table_india_by_supplier.csv")
    view = views.customers_view(flows, exporter="Russia")
    assert any(NOTE in note and "(1)" in note for note in view.notes), view.notes
