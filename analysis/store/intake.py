"""Upload intake: bytes -> preview -> commit, with the store's only call into the loader.

Size limit first, then a duplicate found by sha256 without parsing, then the loader (whose
failures, even crashes, become a rejection), then the tidy contract before anything is written.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from analysis import schema
from analysis.sipri import SipriExport, SipriFormatError, totals_records
from analysis.store import datasets
from analysis.store import deliveries as store_deliveries
from analysis.store.db import Connection, Database
from analysis.vocab import counted

MAX_UPLOAD_MB = 200  # keep equal to server.maxUploadSize in .streamlit/config.toml
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024  # Streamlit counts its limit in MiB

Status = Literal["stored", "duplicate", "rejected", "preview"]

_UNSAFE_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class ImportOutcome:
    """What happened to one uploaded file.

    ``status`` is "stored" (new dataset ``dataset_id``), "duplicate" (the same bytes are already
    dataset ``dataset_id``), "rejected" (``reason`` says why; nothing was written) or "preview"
    (parsed, not stored). ``export`` is what the loader understood, when it ran.
    """

    file_name: str
    sha256: str
    size_bytes: int
    status: Status
    dataset_id: int | None = None
    reason: str = ""
    export: SipriExport | None = None

    @property
    def ok(self) -> bool:
        """Whether the file is in the store now (newly stored or already there)."""
        return self.status in ("stored", "duplicate")

    @property
    def message(self) -> str:
        """One sentence for the user."""
        if self.status == "stored":
            return f"{self.file_name}: stored as dataset {self.dataset_id}."
        if self.status == "duplicate":
            return f"{self.file_name}: already stored as dataset {self.dataset_id}."
        if self.status == "preview":
            return f"{self.file_name}: read, not stored yet."
        return f"{self.file_name}: rejected: {self.reason}"


def describe_export(export: SipriExport) -> list[str]:
    """What the loader understood of a file, as short "label: value" lines for CLI and Data page.

    Args:
        export: a parsed SIPRI export.

    Returns:
        Lines for layout, vintage, rows, countries, notes and unknown names.
    """
    n_deals = 0 if export.deals is None else len(export.deals)
    lines = [
        f"layout: {export.layout}",
        f"vintage: {export.generated.isoformat() if export.generated else 'unknown'}",
        f"rows: {counted(len(export.flows), 'flow')}, {counted(n_deals, 'deal')}",
    ]
    if export.title:
        lines.append(f"title: {export.title}")
    lines.append(f"countries: {', '.join(export.countries) if export.countries else '-'}")
    for note in export.notes:
        lines.append(f"note: {note}")
    if export.unknown_names:
        lines.append(f"unknown names: {', '.join(export.unknown_names)}")
    return lines


def parse_upload(file_name: str, data: bytes) -> SipriExport:
    """The store's only call into the loader (``analysis.sipri.read_sipri``).

    Raises:
        SipriFormatError: the bytes are not a readable SIPRI export.
    """
    from analysis.sipri import read_sipri

    # The layout is detected by content; the name only helps old TIV tables whose title lost
    # the direction (TIV-Import-IND-...), and read_sipri takes it from a file object's ``name``.
    source = io.BytesIO(data)
    source.name = file_name
    return read_sipri(source)


def _clean_file_name(file_name: str) -> str:
    # Keep only the base name, without control characters: it is displayed and logged.
    name = Path(str(file_name).replace("\\", "/")).name
    name = _UNSAFE_NAME_CHARS.sub("", name).strip()
    return name[:255] or "upload"


def _check_size(name: str, digest: str, data: bytes, max_bytes: int | None) -> ImportOutcome | None:
    limit = MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    if len(data) > limit:
        reason = (
            f"the file is {len(data) / 1024 / 1024:.1f} MB, above the upload limit of "
            f"{limit / 1024 / 1024:.0f} MB"
        )
        return ImportOutcome(name, digest, len(data), "rejected", reason=reason)
    return None


def _parse(name: str, data: bytes) -> SipriExport:
    try:
        export = parse_upload(name, data)
    except SipriFormatError:
        raise
    except (MemoryError, RecursionError) as exc:
        raise SipriFormatError(
            f"the file is too large or too deeply nested to read ({exc!r})"
        ) from None
    except Exception as exc:
        # A loader bug must not become a traceback on the Data page: report it as a rejection
        # with the exception named, so it can still be reported and fixed.
        raise SipriFormatError(
            f"the file could not be read (loader error {type(exc).__name__}: {exc})"
        ) from exc
    if not isinstance(export, SipriExport):
        raise SipriFormatError("the loader returned no result")
    return export


def preview(
    db: Database, file_name: str, data: bytes, max_bytes: int | None = None
) -> ImportOutcome:
    """Parse ``data`` without storing it, for the Data page to show before saving.

    Args:
        db: the store.
        file_name: the uploaded file's name (display only).
        data: the file's bytes.
        max_bytes: the upload limit; default ``MAX_UPLOAD_BYTES``.

    Returns:
        An outcome with status "preview" and the parsed ``export`` (``dataset_id`` is set
        when the same bytes are already stored), or "rejected" with the reason.
    """
    name = _clean_file_name(file_name)
    digest = hashlib.sha256(data).hexdigest()
    rejected = _check_size(name, digest, data, max_bytes)
    if rejected:
        return rejected
    try:
        export = _parse(name, data)
    except SipriFormatError as exc:
        return ImportOutcome(name, digest, len(data), "rejected", reason=str(exc))
    return ImportOutcome(
        name, digest, len(data), "preview", datasets.find_dataset(db, digest), export=export
    )


def import_bytes(
    db: Database,
    file_name: str,
    data: bytes,
    max_bytes: int | None = None,
    progress: Callable[[float], None] | None = None,
    added_by: str = "",
) -> ImportOutcome:
    """Parse and store one uploaded file as a dataset (the Data page's and the CLI's path).

    A rejected file writes nothing; the same bytes are stored only once.

    Args:
        db: the store.
        file_name: the uploaded file's name (only its base name is kept).
        data: the file's bytes.
        max_bytes: the upload limit; default ``MAX_UPLOAD_BYTES``.
        progress: called with the fraction of rows written (0..1) during long inserts.
        added_by: who stores it (the signed-in user), or "" without sign-in.

    Returns:
        The outcome: "stored", "duplicate" or "rejected" (with the reason).
    """
    name = _clean_file_name(file_name)
    digest = hashlib.sha256(data).hexdigest()
    rejected = _check_size(name, digest, data, max_bytes)
    if rejected:
        return rejected
    existing = datasets.find_dataset(db, digest)
    if existing is not None:
        return ImportOutcome(name, digest, len(data), "duplicate", existing)
    try:
        export = _parse(name, data)
    except SipriFormatError as exc:
        return ImportOutcome(name, digest, len(data), "rejected", reason=str(exc))
    return store_export(db, name, data, export, progress=progress, added_by=added_by)


def _refuse_nul(*tables: list[list[object]] | None) -> None:
    """A text cell holding U+0000 (which PostgreSQL cannot store) breaks the tidy contract on
    both backends alike; the loader never reads one from a CSV."""
    for columns in tables:
        for column in columns or ():
            if any(isinstance(v, str) and "\x00" in v for v in column):
                raise ValueError("a text cell holds a NUL character (U+0000)")


def store_export(
    db: Database,
    file_name: str,
    data: bytes,
    export: SipriExport,
    progress: Callable[[float], None] | None = None,
    added_by: str = "",
) -> ImportOutcome:
    """Store an already parsed export (e.g. after ``preview``) as a dataset of ``data``.

    Args:
        db: the store.
        file_name: the uploaded file's name.
        data: the file's bytes (their sha256 identifies the dataset).
        export: what the loader understood of ``data``.
        progress: called with the fraction of rows written (0..1).
        added_by: who stores it (the signed-in user), or "" without sign-in.

    Returns:
        "stored" with the new id, "duplicate" with the existing id, or "rejected" when the
        export breaks the tidy contract (nothing written then).
    """
    name = _clean_file_name(file_name)
    digest = hashlib.sha256(data).hexdigest()
    try:
        flows = schema.coerce_flows(export.flows)
        deals = None if export.deals is None else schema.coerce_deals(export.deals)
        flow_rows = datasets.flow_columns(flows)
        deal_rows = None if deals is None else datasets.deal_columns(deals)
        delivery_rows = store_deliveries.delivery_rows(getattr(export, "deliveries", None))
        _refuse_nul(flow_rows, deal_rows)
    except (AttributeError, TypeError, ValueError, KeyError) as exc:
        return ImportOutcome(
            name,
            digest,
            len(data),
            "rejected",
            reason=f"the rows do not fit the tidy table: {exc}",
            export=export,
        )
    totals_rows = [
        (t.recipient, t.supplier, t.year, t.tiv, t.side)
        for t in totals_records(getattr(export, "totals", None))
    ]
    n_flows, n_deals = len(flows), 0 if deals is None else len(deals)
    total = max(n_flows + n_deals, 1)

    def write(conn: Connection) -> ImportOutcome:
        existing = datasets.dataset_id_for(conn, digest)  # a concurrent import may have won
        if existing is not None:
            return ImportOutcome(name, digest, len(data), "duplicate", existing, export=export)
        dataset_id = datasets.insert_dataset(
            conn, name, digest, data, export, (n_flows, n_deals), added_by
        )
        datasets.insert_rows(conn, dataset_id, flow_rows, deal_rows, total, progress)
        datasets.insert_totals(conn, dataset_id, totals_rows)
        store_deliveries.insert_deliveries(conn, dataset_id, delivery_rows)
        db.bump_revision(conn)
        return ImportOutcome(name, digest, len(data), "stored", dataset_id, export=export)

    outcome = db.run(write, write=True)
    if progress is not None and outcome.status == "stored":
        progress(1.0)
    return outcome
