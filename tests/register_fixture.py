"""A small per-deal register of India's imports, 2009-2024, written for the tests."""

from __future__ import annotations

from .conftest import DATA

# (supplier, order year, designation, delivery years, delivered TIV)
DEALS = [
    ("Russia", 2005, "Su-30MKI", [2009, 2010, 2011, 2012, 2013, 2014, 2015], 700),
    ("Russia", 2010, "MiG-29K", [2011, 2012], 200),
    ("France", 2016, "Rafale", [2020, 2021, 2022], 300),
    ("France", 2012, "Mirage-2000-5", [2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020], 160),
    ("United States", 2008, "C-130J", [2011, 2019, 2020], 90),
    ("Israel", 2016, "Barak-8", [2021, 2022, 2023, 2024], 80),
]


def india_register() -> bytes:
    """The deals above in SIPRI's current per-deal register layout (header of
    tests/data/register_cp1252.csv)."""
    lines = (DATA / "register_cp1252.csv").read_bytes().decode("cp1252").splitlines()[:12]
    for supplier, ordered, name, years, tiv in DEALS:
        delivered = "; ".join(map(str, years))
        lines.append(
            f"India,{supplier},{ordered},,{len(years)},,{name},aircraft,{len(years)},,"
            f"{delivered},New,,{tiv / len(years)},{tiv},{tiv}"
        )
    return ("\n".join(lines) + "\n").encode("cp1252")
