"""About page: what TIV is and is not, caveats, how to cite, and where the data comes from."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from pages.common import load_datasets, md_escape

SIPRI_DB_URL = "https://www.sipri.org/databases/armstransfers"
METHODS_URL = "https://www.sipri.org/databases/armstransfers/sources-and-methods"

TIV_TEXT = """
SIPRI **trend-indicator values (TIV)** measure the *volume* of major conventional arms
transferred, based on the known unit production costs of a core set of weapons.

- TIV are **not sale prices**: do not compare them with money figures (GDP, defence budgets,
  contract values).
- Second-hand weapons count at 40% of a new unit, significantly refurbished ones at 66%.
- Figures are in **millions of TIV**; a `0` means between 0 and 0.5 million; an empty cell
  means no deliveries were identified.
- Only *major* conventional arms are covered (aircraft, armoured vehicles, ships, missiles, air
  defence systems, sensors, engines…); small arms such as rifles are not.
"""

CAVEATS_TEXT = """
- **Revised every spring.** SIPRI revises its whole series with each release, so the same
  period can carry different figures in different releases (Russia's share of India's imports
  in 2009-13 was published as 75% in 2014 and 76% in 2019). Every computed figure here carries
  the date its data were generated (the *vintage*); datasets of different vintages are not
  summed: the newest one is used for each country, except that SIPRI's exact yearly volumes
  (TIV tables, the per-delivery register) are preferred to those estimated from a per-deal
  register.
- **Soviet Union and Russia** are separate suppliers in SIPRI's data. Statements such as "the
  first 5-year period since 1960-64" count them as one lineage: the *lineage* toggle on the
  charts does that, and says so.
- **5-year periods.** SIPRI compares 5-year totals (e.g. 2019-23 against 2014-18) because
  yearly deliveries are lumpy; a share is the supplier's TIV over the 5 years divided by the
  recipient's total TIV over the same years, not an average of yearly shares.
- **Deliveries lag orders** by years: a policy change or an event shows in deliveries late,
  and the volume of an order is counted in the years the weapons are delivered.
- Shares are rounded the SIPRI way (whole percentages; one decimal below 10%).
"""

SOURCE_TEXT = f"""
All figures come from the **SIPRI Arms Transfers Database** of the Stockholm International
Peace Research Institute ({SIPRI_DB_URL}; methods: {METHODS_URL}), either from exports that you
upload on the **Data** page or, before any upload, from a small seed table of figures SIPRI
published in fact sheets and press releases (each with its release and source).

SIPRI's terms allow reproducing less than 10% of a published data set, so **this project ships
no SIPRI export files**: download the exports yourself and upload them here; they stay in your
own store.
"""

HOWTO_TEXT = """
1. Open the SIPRI Arms Transfers Database (armstransfers.sipri.org).
2. **Importer/Exporter TIV tables**: choose a country or all countries, *imports* or
   *exports*, the years and the per-supplier (or per-recipient) breakdown, then
   **Download CSV**. These feed the import-mix, period and supplier charts.
3. **Trade registers**: choose the recipient and/or supplier and the years, then
   **Download CSV**. These list individual deals (Deals page) and also give yearly volumes.
4. Upload the files unchanged on the **Data** page, check what was understood, and press
   **Save**.
"""


def _sipri_date(iso: str) -> str:
    # SIPRI prints "Data generated: 10 Oct 2024"; keep unreadable stamps as they are.
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%b %Y}"


def citation_text(vintages: list[str], today: dt.date) -> str:
    """The citation to copy, naming the data vintages of the stored datasets."""
    if vintages:
        generated = ", ".join(_sipri_date(v) for v in vintages)
        return (
            f"SIPRI Arms Transfers Database, Stockholm International Peace Research Institute, "
            f"data generated {generated}, {SIPRI_DB_URL} (accessed {today.isoformat()})."
        )
    return (
        "SIPRI Arms Transfers Database, Stockholm International Peace Research Institute, "
        f"{SIPRI_DB_URL} (figures as published by SIPRI; cite the release named with each "
        f"figure; accessed {today.isoformat()})."
    )


def main() -> None:
    st.title("About the data")
    st.subheader("What TIV is, and is not")
    st.markdown(TIV_TEXT)
    st.subheader("Caveats")
    st.markdown(CAVEATS_TEXT)

    st.subheader("How to cite")
    datasets = load_datasets()
    vintages = sorted({str(v) for v in datasets["vintage"].dropna()}) if len(datasets) else []
    st.write("Copy this text (the copy icon is at the top right of the box):")
    st.code(citation_text(vintages, dt.date.today()), language=None, wrap_lines=True)
    if vintages:
        st.caption(
            md_escape(
                f"Data vintage(s) of the {len(datasets)} stored dataset(s): "
                f"{', '.join(_sipri_date(v) for v in vintages)}."
            )
        )
    else:
        st.caption("No dataset is stored: only the built-in published SIPRI figures are used.")

    st.subheader("Where the data comes from")
    st.markdown(SOURCE_TEXT)
    st.subheader("Downloading exports from SIPRI")
    st.markdown(HOWTO_TEXT)


main()
