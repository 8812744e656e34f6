"""Deterministic synthetic SIPRI-shaped files for benchmarks (invented numbers, real layouts)."""

from __future__ import annotations

import random
from pathlib import Path

C_PREAMBLE = (
    "Transfers of major conventional arms from All countries  to All countries . Deals with "
    "deliveries made for the year range 'Not specified' to 'Not specified' \n"
    "A '?' in a column indicates uncertain data.\n"
    "SIPRI trend-indicator values (TIVs) are in millions.\n"
    "\n"
    "Source: SIPRI Arms Transfers Database (c) SIPRI.\n"
    "Data generated: 13 Mar 2025 10:02:49 AM\n"
    "Recipient,Supplier,Year of order, ,Number ordered, ,Weapon designation,Weapon description,"
    "Number delivered, ,Year(s) of delivery,status,Comments,SIPRI TIV per unit,"
    "SIPRI TIV for total order,SIPRI TIV of delivered weapons\n"
)
COUNTRIES = [
    "India", "Pakistan", "China", "Russia", "United States", "France", "Israel", "Germany",
    "United Kingdom", "Italy", "Spain", "Sweden", "Turkiye", "UAE", "Saudi Arabia", "Egypt",
    "Qatar", "Japan", "South Korea", "Australia", "Brazil", "Algeria", "Viet Nam", "Ukraine",
    "Poland", "Netherlands", "Canada", "Indonesia", "Singapore", "Iraq", "Soviet Union",
    "unknown supplier(s)", "Czechia", "Greece", "Norway", "Chile", "Peru", "Morocco",
]  # fmt: skip
STATUSES = ["New", "Second hand", "Second hand but modernized"]


def register_bytes(n_deals: int = 30_000, split_every: int = 7_000, seed: int = 7) -> bytes:
    """A per-deal register (layout register) in cp1252 with some records split by a line break."""
    rnd = random.Random(seed)
    out = [C_PREAMBLE]
    for k in range(n_deals):
        recipient, supplier = rnd.sample(COUNTRIES, 2)
        order = rnd.randint(1950, 2024)
        n_years = rnd.randint(0, 4)
        years = "; ".join(str(min(order + 1 + j, 2024)) for j in range(n_years))
        ordered = rnd.randint(1, 400)
        unit = round(rnd.uniform(0.01, 60), 2)
        delivered = ordered if n_years else 0
        comment = f"Deal {k}; Wärtsilä engines; Bü-181 trainer" if k % 50 == 0 else f"Deal {k}"
        if split_every and k % split_every == 3:
            comment += "\r\nsecond line"  # SIPRI's unquoted comments break records in two
        out.append(
            f"{recipient},{supplier},{order},{'?' if k % 3 == 0 else ''},{ordered},,"
            f"MiG-{k % 40},fighter aircraft,{delivered},,{years},{rnd.choice(STATUSES)},"
            f"{comment},{unit},{round(unit * ordered, 2)},{round(unit * delivered, 2)}\n"
        )
    return "".join(out).encode("cp1252")


def register_file(path: Path, size: int = 0, records: int = 0) -> None:
    """A register-shaped file of about ``size`` bytes or exactly ``records`` records.

    Its records are register_bytes' (whole ones, no split records), repeated as needed.
    """
    chunk = register_bytes(10_000, split_every=0)
    rows = chunk[chunk.index(b"\n", chunk.index(b"Recipient,")) + 1 :].splitlines(keepends=True)
    with open(path, "wb") as fh:
        fh.write(C_PREAMBLE.encode("cp1252"))
        written = n = 0
        while (size and written < size) or (records and n < records):
            take = rows if not records else rows[: records - n]
            block = b"".join(take)
            fh.write(block)
            written, n = written + len(block), n + len(take)
