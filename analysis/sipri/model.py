"""What the loader returns and SIPRI's vocabulary of layouts, headers and scopes."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from analysis.layouts import REGISTER, REGISTER_DELIVERIES, REGISTER_LEGACY
from analysis.results import LoadedFlows, SipriTotal, Source
from analysis.schema import (
    TOTAL_COLUMNS,
)


class SipriFormatError(ValueError):
    """Input that is not a readable SIPRI export; ``line`` is 1-based (0 when not tied to a line)."""

    def __init__(self, message: str, line: int = 0):
        self.line = line
        self.reason = message
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class SipriExport:
    """What ``read_sipri`` understood of one file."""

    layout: str
    generated: dt.date | None
    flows: pd.DataFrame
    deals: pd.DataFrame | None
    notes: list[str] = field(default_factory=list)
    title: str = ""
    encoding: str = "utf-8"
    countries: list[str] = field(default_factory=list)  # the named country of each table, if any
    unknown_names: list[str] = field(default_factory=list)  # names the mapping does not know
    # What the rows cover (one of SCOPES): which shares they can honestly answer.
    scope: str = "partial"
    # SIPRI's own Total rows of TIV tables (never flows): recipient, supplier, year, tiv, side.
    # "Total exports to India" -> recipient India, supplier <NA>, side "import"; "Total world
    # import" -> both <NA>. ``loaded()`` hands them to the share functions as denominators.
    totals: pd.DataFrame | None = None
    # A per-delivery register's TIV delivered by deal and year (deal_id, year, tiv): the
    # store keeps them beside the deals so a span's deals get their exact delivered TIV.
    deliveries: pd.DataFrame | None = None

    def source(self, file_name: str = "", dataset_id: int | None = None) -> Source:
        """This export as the ``Source`` of the figures computed from it."""
        return Source(
            dataset_id=dataset_id,
            file_name=file_name,
            layout=self.layout,
            vintage=self.generated.isoformat() if self.generated else None,
            scope=self.scope or "partial",
            estimated=Source.is_estimated(self.layout),
        )

    def loaded(self, file_name: str = "") -> LoadedFlows:
        """The flows with SIPRI's Total rows and this export as their source."""
        return LoadedFlows(self.flows, totals_records(self.totals), (self.source(file_name),))


# Weapon-category rows (old and new spellings) turn a TIV table into a per-category table.
CATEGORIES = {
    "aircraft": "Aircraft",
    "air defence systems": "Air defence systems",
    "air-defence systems": "Air defence systems",
    "anti-submarine warfare weapons": "Anti-submarine warfare weapons",
    "armoured vehicles": "Armoured vehicles",
    "artillery": "Artillery",
    "engines": "Engines",
    "missiles": "Missiles",
    "naval weapons": "Naval weapons",
    "other": "Other",
    "satellites": "Satellites",
    "sensors": "Sensors",
    "ships": "Ships",
}


_YEAR = re.compile(r"^\d{1,4}$")


# numbers ordered are in the tens of thousands): anything bigger is not SIPRI data.
MAX_TIV = 1_000_000.0


_PERIOD = re.compile(r"^\d{4}\s*-\s*\d{4}$")


_MONTHS = {
    m.lower(): i
    for i, m in enumerate(
        "January February March April May June July August September October November December".split(),
        1,
    )
}


_GENERATED = re.compile(
    r"^(?:Data\s+)?generated:\s*(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})", re.IGNORECASE
)


_OLD_TITLE = re.compile(r"^TIV of arms exports (to|from) (.+?),\s*(\d{4})\s*-\s*(\d{4})\s*$", re.I)


_TOTAL_ROW = re.compile(
    r"^Total(?:\s+world\s+(?P<world>import|export)s?|\s+(?P<kind>exports|imports)\s+(?P<prep>to|from)\s+(?P<who>.+?))?\s*$",
    re.I,
)


_FILE_HINT = re.compile(r"TIV-(Import|Export)-([A-Z]{2,4})-", re.I)


_SIPRI_CODES = {"IND": "India", "RUS": "Russia", "USR": "Soviet Union", "USA": "United States"}


C_HEADER = (
    "recipient supplier order_year order_year_uncertain number_ordered number_ordered_uncertain "
    "designation description number_delivered number_delivered_uncertain delivery_years status "
    "comments tiv_unit tiv_order tiv_delivered"
).split()


D_HEADER = [
    "SIPRI AT Database ID",
    "Supplier",
    "Recipient",
    "Designation",
    "Description",
    "Armament category",
    "Order date",
    "Order date is estimate",
    "Numbers delivered",
    "Numbers delivered is estimate",
    "Delivery year",
    "Delivery year is estimate",
    "Status",
    "SIPRI estimate",
    "TIV deal unit",
    "TIV delivery values",
    "Local production",
]


C_LABELS = {
    "number_ordered": "Number ordered",
    "number_delivered": "Number delivered",
    "tiv_unit": "SIPRI TIV per unit",
    "tiv_order": "SIPRI TIV for total order",
    "tiv_delivered": "SIPRI TIV of delivered weapons",
}


_LABELS = {
    **C_LABELS,
    "delivered": "Numbers delivered",
    "tiv_new": "SIPRI estimate",
    "tiv": "TIV delivery values",
}


D_COLUMNS = [
    "id",
    "supplier",
    "recipient",
    "designation",
    "description",
    "category",
    "order_year",
    "order_est",
    "delivered",
    "delivered_est",
    "year",
    "year_est",
    "status",
    "tiv_new",
    "tiv_unit",
    "tiv",
    "local",
]


E_HEADER = [
    "Id",
    "Supplier",
    "Recipient",
    "No. ordered",
    "No. ordered data uncertain",
    "Designation",
    "Description",
    "Status",
    "Status data uncertain",
    "Year of order",
    "Year of order data uncertain",
    "Year(s) of deliveries",
    "No. delivered",
    "Year(s) of delivery or no. delivered data uncertain",
    "Recipient Involvement",
    "Comment",
]


SCOPES = (
    "imports",  # the named recipients' imports, split by supplier, complete
    "exports",  # the named suppliers' exports, split by recipient, complete
    "world",  # every recipient and supplier (a register of all countries)
    "importer_totals",  # each importer's total (all-importers table)
    "exporter_totals",  # each exporter's total (all-exporters table)
    "categories",  # totals by weapon category
    "regional",  # suppliers to regions and organisations
    "partial",  # a selection that is complete for nobody (or unknown)
)


def register_scope(title: str) -> str:
    """What a register covers, from its title 'Transfers ... from X to Y'."""
    parties = re.search(r"from (.+?)\s+to (.+?)\s*\.", title or "")
    if not parties:
        return "partial"
    everyone = [p.strip().lower() == "all countries" for p in parties.groups()]
    return {
        (True, True): "world",
        (True, False): "imports",
        (False, True): "exports",
    }.get(tuple(everyone), "partial")


def totals_records(totals: pd.DataFrame | None) -> tuple[SipriTotal, ...]:
    """SIPRI Total rows (``SipriExport.totals``) as typed records (missing names are None)."""
    if totals is None or totals.empty:
        return ()
    frame = totals[TOTAL_COLUMNS].astype("object").where(totals[TOTAL_COLUMNS].notna(), None)
    return tuple(
        SipriTotal(r, s, int(y), float(t), side)
        for r, s, y, t, side in frame.itertuples(index=False, name=None)
    )


# SIPRI's header rows as written (blank names are SIPRI's own uncertainty columns).
HEADER_NAMES = {
    REGISTER: [
        "Recipient",
        "Supplier",
        "Year of order",
        "",
        "Number ordered",
        "",
        "Weapon designation",
        "Weapon description",
        "Number delivered",
        "",
        "Year(s) of delivery",
        "Status",
        "Comments",
        "SIPRI TIV per unit",
        "SIPRI TIV for total order",
        "SIPRI TIV of delivered weapons",
    ],  # fmt: skip
    REGISTER_DELIVERIES: D_HEADER,
    REGISTER_LEGACY: E_HEADER,
}


_HEADER_ALIASES = {"deliveries in the year range": "number delivered"}
