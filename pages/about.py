"""About page: what TIV is and is not, caveats, a glossary, how to cite, and the data's source."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from analysis.published import load_published
from analysis.published_chart import published_sources
from pages.common import load_datasets, md_escape, through_app

through_app()

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
- **Periods tile back from a year you choose**: the latest period ends in the data's last
  year unless you pick another (2023 gives 2019-23, 2014-18, 2009-13), on the Import mix and
  Periods pages; the Periods page offers the story's 2009-13 vs 2019-23 in one click.
"""

GLOSSARY_TEXT = f"""
- **TIV (trend-indicator value)**: SIPRI's common unit for the *volume* of major arms
  transferred, based on the known unit production costs of a core set of weapons. It measures
  military capability transferred, **not money**; figures are in millions of TIV.
- **Second-hand weapons** count at **40%** of the TIV of a new weapon; second-hand weapons
  significantly refurbished or modernised before delivery count at **66%**.
- **`?` (uncertain)**: in SIPRI's trade register a `?` marks an uncertain figure or year (a
  SIPRI estimate); the Deals page keeps these flags.
- **Order vs delivery**: an *order* is the year a deal was agreed; TIV counts *deliveries*,
  in the year they happen, so a large order can show up over many later years, or not yet.
- **SIPRI 5-year periods** (e.g. 2019-23): yearly deliveries fluctuate a lot, so SIPRI
  compares 5-year totals to show trends; periods are compared with the 5 years before.
- **Share**: a supplier's TIV over a period divided by the recipient's total TIV over the same
  years (not an average of yearly shares). Rounded the SIPRI way: whole percentages from 10%,
  one decimal below (7.7%); rounded figures may not add up to 100%.
- **Dependency metrics**: *top-supplier share*, the largest supplier's share of a period's
  imports; *top-3 share*, the three largest suppliers' combined share; *HHI*
  (Herfindahl-Hirschman index), the sum of the squared supplier shares, from near 0 (many
  small suppliers) to 1 (a single supplier), often quoted ×10,000 (0-10,000).
- **Exact vs estimated yearly volumes**: TIV tables and SIPRI's per-delivery register give
  each year's deliveries exactly. A per-deal register (one row per deal) gives only a deal's
  total and its delivery years, so its yearly volumes are **estimated** by spreading the
  deal's TIV evenly over those years; charts built from it say so.

More in SIPRI's sources and methods: {METHODS_URL}
"""

BOUNDS_TEXT = """
A per-deal register (one row per deal) gives each deal's delivered TIV and the years it lists as
delivery years, but not how much arrived in each year. The dashboard spreads each deal's TIV
evenly over its listed years (the **estimate**) and, next to every figure computed that way,
shows the lowest and highest value that **any** split of each deal's TIV over its listed years
could give (each year 0 or more, the deal's total unchanged): **"43% (estimated; 31-50%)"**.

- A deal whose listed years all fall inside a period counts in full in that period; one with
  none inside counts 0; one straddling the period's first or last year can count anything from
  0 to its whole TIV.
- Deals are independent, so a supplier's share is lowest with its straddling deals delivered
  outside the period and every other supplier's inside, and highest the other way round. A
  country's world share and rank are bounded the same way: its best rank has its deals at their
  most and every other country's at their least; "rank can change" says whether the bounds
  allow another rank.
- The bounds are reached by a real split, so they cannot be narrowed without more data: SIPRI's
  TIV tables and its per-delivery register give each year exactly (no bounds needed) and are
  preferred whenever they are loaded. The bounds are wide where long deals straddle a period
  (licensed production of combat aircraft over a decade or more).
- The CSV downloads of by-period charts carry the bounds as ``tiv_low``, ``tiv_high``,
  ``share_low`` and ``share_high`` columns.
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
    st.subheader("Bounds for estimated figures")
    st.markdown(BOUNDS_TEXT)
    st.subheader("Glossary")
    st.markdown(GLOSSARY_TEXT)

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
    st.markdown("**Published figures and where they were quoted**")
    st.caption(
        "Charts built from published figures name SIPRI and the releases in their source line; "
        "the articles and documents that quoted each figure are these:"
    )
    # Shipped seed text, escaped all the same (no live links or markup from a data file).
    st.markdown("\n".join(f"- {md_escape(line)}" for line in published_sources(load_published())))
    st.subheader("Downloading exports from SIPRI")
    st.markdown(HOWTO_TEXT)


main()
