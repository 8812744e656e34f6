"""The Overview's headline cards: a supplier's share of a recipient's imports per period,
computed from the loaded data where they cover the period, else SIPRI's published figure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import pandas as pd

from analysis.published import headline_shares, load_published
from analysis.recipient_data import (
    ESTIMATED_NOTE,
    provenance_notes,
    recipient_years,
    supplier_split,
)
from analysis.results import Flows, frame_of
from analysis.shares import Period
from analysis.tables import HEADLINE_PERIODS, vintage_text
from analysis.vintages import choose
from analysis.vocab import country_phrase, period_label

_the = country_phrase


def headline_suppliers(
    flows: Flows | None, recipient: str, published: pd.DataFrame | None = None
) -> list[str]:
    """Suppliers worth a headline card for ``recipient``, the usual first.

    Russia leads wherever SIPRI's published figures or the data name it (the seed story);
    then the recipient's suppliers by total TIV in the loaded data.

    Returns:
        Supplier names; empty when neither the data nor the published figures have any.
    """
    published = load_published() if published is None else published
    ranked: list[str] = []
    named = published.loc[published["recipient"] == recipient, "supplier"].dropna()
    if flows is not None and len(frame_of(flows)):
        rows = supplier_split(flows)
        rows = rows[rows["recipient"] == recipient]
        totals = rows.groupby("supplier")["tiv"].sum().sort_values(ascending=False, kind="stable")
        ranked = [str(name) for name in totals.index]
    candidates = list(dict.fromkeys([*named.astype(str), *ranked]))
    if "Russia" in candidates:
        candidates.remove("Russia")
        candidates.insert(0, "Russia")
    return candidates


@dataclass(frozen=True)
class Headline:
    """One headline card: a supplier's share of a recipient's imports in one period.

    ``source`` is one short line; ``citation`` names the press article that quoted a published
    figure (a footnote under the cards), empty for computed shares.
    """

    label: str
    value: str
    share: float
    origin: str
    source: str
    citation: str = ""


def _headline_from_row(row: pd.Series, supplier: str, estimated: bool = False) -> Headline:
    period = period_label(int(row["start"]), int(row["end"]))
    if row["origin"] == "computed":
        source = (
            f"Computed from the loaded SIPRI export, data generated {vintage_text(row['vintage'])}"
        )
        if estimated:
            source += " (yearly volumes estimated from a per-deal register)"
    elif row["origin"] == "published":
        source = f"Published by SIPRI, release {row['release']}"
    else:
        source = "No published figure and no loaded data for this period"
    return Headline(
        label=f"Share from {_the(supplier)}, {period}",
        value=str(row["display"]),
        share=float(row["share"]),
        origin=str(row["origin"]),
        source=source,
        citation=str(row["source"]) if row["origin"] == "published" else "",
    )


def headline_cards(
    flows: Flows | None,
    recipient: str = "India",
    supplier: str = "Russia",
    periods: Sequence[Period] = HEADLINE_PERIODS,
    published: pd.DataFrame | None = None,
) -> list[Headline]:
    """The Overview's cards: ``supplier``'s share in ``periods``, then the latest period available.

    A share is computed when the loaded data cover the period, else SIPRI's published figure is
    shown with its release. The latest card is the newest period either source has.

    Returns:
        One Headline per period, plus one for the latest period when it is not among them.
    """
    published = load_published() if published is None else published
    flows = choose(flows) if flows is not None and len(frame_of(flows)) else None
    table = headline_shares(recipient, supplier, list(periods), flows, published)
    estimated = ESTIMATED_NOTE in provenance_notes(flows, recipient)
    cards = [_headline_from_row(row, supplier, estimated) for _, row in table.iterrows()]
    everything = headline_shares(recipient, supplier, None, flows, published)
    candidates = everything[everything["origin"] != "unavailable"]
    years = recipient_years(flows, recipient) if flows is not None else None
    latest_rows = []
    if len(candidates):
        latest_rows.append(candidates.sort_values(["end", "start"], kind="stable").iloc[-1])
    if years is not None and years[1] - years[0] >= 4:
        computed = headline_shares(
            recipient, supplier, [(years[1] - 4, years[1])], flows, published
        ).iloc[0]
        latest_rows.append(computed)
    if latest_rows:
        latest = max(latest_rows, key=lambda r: (int(r["end"]), r["origin"] == "computed"))
        key = (int(latest["start"]), int(latest["end"]))
        if key not in {(int(s), int(e)) for s, e in periods}:
            card = _headline_from_row(latest, supplier, estimated)
            cards.append(replace(card, label=f"Latest period: {card.label}"))
    return cards
