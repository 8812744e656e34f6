"""Which stored exports can feed a country's figures, the default among them, and how to say so.

Several stored exports may cover one country (a TIV table of 2024 and a per-delivery register
of 2026, say). ``analysis.vintages.choose`` picks one by a rule; this module lists the
candidates in the rule's order (SIPRI's exact yearly volumes before volumes estimated from a
per-deal register, then the newest vintage, then the latest upload), lets a user's choice win
(``pin`` / ``choose_source``) and writes the sentence printed under every figure
(``sources_text``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import pandas as pd

from analysis.layouts import label as layout_label
from analysis.results import Flows, LoadedFlows, Source, loaded, whole
from analysis.vintages import COMPLETE_FOR, choose


def _owner_rows(frame: pd.DataFrame, country: str, owner: str) -> pd.DataFrame:
    """Rows splitting ``country``'s trade by partner (both sides named)."""
    if frame.empty or owner not in frame.columns:
        return frame.iloc[0:0]
    other = "supplier" if owner == "recipient" else "recipient"
    return frame[(frame[owner] == country) & frame[other].notna()]


def rule_order(sources: Iterable[Source]) -> list[Source]:
    """``sources`` in the default rule's order: exact first, then newest vintage, then the
    latest upload (highest dataset id)."""
    return sorted(
        sources,
        key=lambda s: (not s.estimated, s.vintage or "", s.dataset_id or -1),
        reverse=True,
    )


def candidates(flows: Flows | None, country: str, owner: str = "recipient") -> tuple[Source, ...]:
    """The stored exports that can feed ``country``'s split, the default (rule's) first.

    Exports splitting its trade completely (scope "imports"/"world" for a recipient,
    "exports"/"world" for a supplier) are the candidates; without any, the partial exports
    naming it are (those are summed, not chosen between).

    Args:
        flows: loaded flows (with ``dataset_id`` and ``scope`` per row) and their datasets.
        country: the recipient (or supplier, with ``owner="supplier"``).
        owner: "recipient" or "supplier".

    Returns:
        The candidates' ``Source`` records, the default first (empty when none covers it).
    """
    flows = loaded(flows)
    rows = _owner_rows(flows.frame, country, owner)
    if rows.empty or "dataset_id" not in rows.columns:
        return ()
    if "scope" in rows.columns:
        complete = rows[rows["scope"].isin(COMPLETE_FOR[owner])]
        rows = complete if len(complete) else rows
    used = set(rows["dataset_id"].dropna().astype(int))
    return tuple(rule_order(s for s in flows.datasets if s.dataset_id in used))


def default_source(options: Sequence[Source]) -> Source | None:
    """The export the rule picks among ``options`` (None without any)."""
    ordered = rule_order(options)
    return ordered[0] if ordered else None


def find_source(options: Sequence[Source], ref: object) -> Source | None:
    """The option named by ``ref``: a dataset id (int or digits) or a stored file name (its
    newest upload); None when no option matches (the caller falls back to the default)."""
    if ref is None or str(ref).strip() == "":
        return None
    text = str(ref).strip()
    if text.isdigit():
        for source in options:
            if source.dataset_id == int(text):
                return source
    named = [s for s in options if s.file_name == text]
    return max(named, key=lambda s: s.dataset_id or -1) if named else None


def pin(flows: Flows | None, country: str, dataset_id: int | None, owner: str = "recipient"):
    """``flows`` without ``country``'s split rows (and Total rows) from the other candidates,
    so that ``choose`` keeps ``dataset_id``'s for it; unchanged when ``dataset_id`` is None or
    not a candidate. Other countries' rows are left alone; the flows before the pin stay
    reachable (``results.whole``) for world shares and ranks."""
    flows = loaded(flows)
    ids = {s.dataset_id for s in candidates(flows, country, owner)}
    if dataset_id is None or dataset_id not in ids or len(ids) < 2:
        return flows
    if flows.chosen is not None:
        raise ValueError("pin the loaded flows before choosing")
    others = ids - {dataset_id}
    frame = flows.frame
    drop = (frame[owner] == country) & frame["dataset_id"].isin(others)
    totals = tuple(
        t for t in flows.totals if not (getattr(t, owner) == country and t.dataset_id in others)
    )
    kept = frame[~drop.fillna(False).to_numpy()]
    # World shares and ranks still read every export whole (``results.whole``).
    return LoadedFlows(kept, totals, flows.datasets, unpinned=whole(flows))


def choose_source(
    flows: Flows | None, country: str, source: object = None, owner: str = "recipient"
) -> LoadedFlows:
    """``vintages.choose`` honouring a chosen export (id or file name) for ``country``."""
    flows = loaded(flows)
    picked = find_source(candidates(flows, country, owner), source)
    return choose(pin(flows, country, picked.dataset_id if picked else None, owner), owner)


# --------------------------------------------------------------------------- text


def vintage_text(vintage: str | None) -> str:
    """An ISO date as printed ("10 Oct 2024"); the text as it is when it is no date."""
    if not vintage:
        return "date unknown"
    try:
        day = dt.date.fromisoformat(str(vintage)[:10])
    except ValueError:
        return str(vintage)
    return f"{day.day} {day:%b %Y}"


# A file name longer than this is shortened in the middle on charts (CSV and bundle keep it).
SHORT_NAME_CHARS = 40


def short_file_name(name: str, limit: int = SHORT_NAME_CHARS) -> str:
    """A file name of at most ``limit`` characters: its middle replaced by "…", its start and
    its extension kept ("EXTRACT_new_tiv_IN…_from_samcarlos.csv")."""
    name = str(name)
    if len(name) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 5:  # no extension worth keeping
        stem, ext = name, ""
    ext = f".{ext}" if ext else ""
    room = max(limit - len(ext) - 1, 2)
    head, tail = (room + 1) // 2, room // 2
    return f"{stem[:head]}…{stem[-tail:]}{ext}"


def source_phrase(source: Source, *, short_name: bool = False) -> str:
    """One export: "india-tiv.csv — TIV table, data generated 10 Oct 2024, exact" (the file
    name shortened by ``short_file_name`` when ``short_name``)."""
    layout = layout_label(source.layout)
    kind = "estimated" if source.estimated else "exact"
    name = short_file_name(source.file_name) if short_name else source.file_name
    return f"{name} — {layout}, data generated {vintage_text(source.vintage)}, {kind}"


def picker_label(source: Source) -> str:
    """A source picker's option: the phrase with the dataset id (two uploads may share a name)."""
    return f"{source_phrase(source)} (dataset {source.dataset_id})"


def sources_text(sources: Sequence[Source], *, short_names: bool = False) -> str:
    """The sentence under a figure: "Source: india-tiv.csv — TIV table, data generated 10 Oct
    2024, exact" ("Sources: ...; ..." for several); empty when none is known (published
    figures). File names are printed as they are: escape for markdown or plotly where shown."""
    if not sources:
        return ""
    unique = list(dict.fromkeys(sources))
    head = "Source" if len(unique) == 1 else "Sources"
    return f"{head}: " + "; ".join(source_phrase(s, short_name=short_names) for s in unique)


def export_used_line(sources: Sequence[Source]) -> str:
    """The CSV metadata line: "Export used: india-tiv.csv — TIV table, ..." (empty without)."""
    text = sources_text(sources)
    if not text:
        return ""
    head = "Export used" if text.startswith("Source:") else "Exports used"
    return f"{head}: " + text.split(": ", 1)[1]
