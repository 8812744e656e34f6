"""What a reader of a chart needs printed on it: title, filters, source line and vintage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from analysis.results import Source
from analysis.sources import export_used_line, sources_text


@dataclass(frozen=True)
class ChartMeta:
    """What a reader of an exported chart needs: title, filters, source and vintage.

    Attributes:
        title: the chart title.
        subtitle: explicit subtitle; when empty, one is made from ``filters``.
        filters: ordered filter names and values, e.g. {"Recipient": "India",
            "Lineage": "Soviet Union counted as Russia"}.
        vintage: the date SIPRI generated the data ("Data generated: ..."), or None for seed data.
        citations: published-figure citations, used for seed data when there is no vintage.
        source: an explicit source line overriding the one derived from vintage/citations.
        url: the shareable URL of the view (export metadata and bundles).
        hidden_events: the event categories the user hid (see ``hidden_event_categories``),
            named at the end of the subtitle so that an exported chart says what it leaves out.
        sources: the stored exports the figures come from (``analysis.results.Source``),
            named in the source line ("export used: ...") and the CSV metadata.
    """

    title: str
    subtitle: str = ""
    filters: Mapping[str, str] = field(default_factory=dict)
    vintage: dt.date | str | None = None
    citations: tuple[str, ...] = ()
    source: str = ""
    url: str = ""
    hidden_events: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()

    def vintage_text(self) -> str:
        """The vintage as printed, e.g. "13 Oct 2024" (empty when unknown)."""
        if self.vintage is None:
            return ""
        if isinstance(self.vintage, dt.date):
            return f"{self.vintage.day} {self.vintage:%b %Y}"
        return str(self.vintage)

    def source_line(self, *, short_names: bool = False) -> str:
        """The source line printed under every chart (``short_names``: long file names
        shortened in the middle, as on the chart itself; CSV and bundle keep them whole)."""
        if self.source:
            return self.source
        if self.sources:
            used = sources_text(self.sources, short_names=short_names).split(": ", 1)[1]
            noun = "export" if len(set(self.sources)) == 1 else "exports"
            return f"Source: SIPRI Arms Transfers Database; {noun} used: {used}"
        if self.vintage is not None:
            return f"Source: SIPRI Arms Transfers Database, data generated {self.vintage_text()}"
        if self.citations:
            return "Source: published SIPRI figures: " + "; ".join(self.citations)
        return "Source: SIPRI Arms Transfers Database"

    def export_line(self) -> str:
        """The exports the figures come from ("Export used: a.csv — TIV table, ..."), or ""."""
        return export_used_line(self.sources)

    def subtitle_line(self) -> str:
        """The subtitle naming the filters (country, periods, lineage choice, hidden events)."""
        if self.subtitle:
            line = self.subtitle
        else:
            line = " · ".join(f"{k}: {v}" for k, v in self.filters.items() if str(v) != "")
        if self.hidden_events:
            hidden = "Events hidden: " + ", ".join(_category_plural(c) for c in self.hidden_events)
            line = f"{line} · {hidden}" if line else hidden
        return line


def _category_plural(category: str) -> str:
    return {"delivery": "deliveries", "other": "other events"}.get(category, f"{category}s")
