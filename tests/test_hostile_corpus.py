"""The hostile corpus: files in tests/data/bad plus mutations generated from the fixtures.

Every input has its expected outcome in a table (EXPECTED.csv for the files, GENERATED.csv for
the mutations): a named error in one sentence or a result whose notes say what was repaired.
No input gives a traceback, and a rejected upload leaves the store byte-identical.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from analysis.sipri import SipriExport, SipriFormatError
from analysis.store import Store

from .hostile import generated
from .test_bad_inputs import (
    BAD,
    CORPUS,
    assert_sound_result,
    assert_user_sentence,
    expectations,
    huge_inputs,
    read_or_error,
    watchdog,
)

GENERATED_CSV = BAD / "GENERATED.csv"
INPUTS = generated()


def generated_expectations() -> dict[str, dict[str, str]]:
    with GENERATED_CSV.open(newline="", encoding="utf-8") as fh:
        return {row["input"]: row for row in csv.DictReader(fh)}


def test_the_corpus_holds_at_least_150_inputs_each_with_an_expected_outcome():
    files = [p for p in CORPUS if p.name != GENERATED_CSV.name]
    assert set(generated_expectations()) == set(INPUTS)
    assert set(expectations()) == {p.name for p in files}
    assert len(files) + len(INPUTS) + len(huge_inputs()) >= 150


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_generated_input_gives_its_expected_outcome(name):
    row = generated_expectations()[name]
    with watchdog():
        result = read_or_error(INPUTS[name])
    if row["outcome"] == "error":
        assert isinstance(result, SipriFormatError), f"expected an error, got {result.notes}"
        assert_user_sentence(result)
        text = result.reason
    else:
        assert isinstance(result, SipriExport), f"expected a result, got: {result}"
        assert_sound_result(result)
        text = " ".join(result.notes)
    for word in filter(None, row["words"].split(";")):
        assert word in text, (word, text)


def _fingerprint(db: Path) -> tuple[str, ...]:
    return tuple(
        hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else "-"
        for p in (db, db.with_name(db.name + "-wal"))
    )


def test_every_rejection_leaves_the_store_byte_identical(tmp_path):
    db = tmp_path / "arms.sqlite"
    store = Store(db)
    assert store.import_bytes(
        "seed.csv", (BAD.parent / "tiv_table_india_by_supplier.csv").read_bytes()
    ).ok
    rejected = {
        **{
            p.name: p.read_bytes()
            for p in CORPUS
            if expectations().get(p.name, {}).get("outcome") == "error"
        },
        **{
            n: INPUTS[n] for n, row in generated_expectations().items() if row["outcome"] == "error"
        },
        **huge_inputs(),
    }
    assert len(rejected) > 100
    before = _fingerprint(db)
    for name, data in rejected.items():
        outcome = store.import_bytes(name.replace(":", "_"), data)
        assert outcome.status == "rejected", (name, outcome.status)
        assert outcome.reason and "Traceback" not in outcome.reason, name
        assert _fingerprint(db) == before, f"{name} changed the store"
    assert len(store.datasets()) == 1
