"""Tests of the published SIPRI figures (seed data) and the reconciliation against them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.published import (
    headline_shares,
    load_published,
    reconcile,
    same_release,
    self_check_summary,
)
from analysis.schema import coerce_flows

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "sipri-samples"
INDIA_TIV = "EXTRACT_new_tiv_INDIA-imports-by-supplier_1950-2024_gen2024-10-10__from_samcarlos.csv"


def flows(rows, vintage=None) -> pd.DataFrame:
    frame = coerce_flows(pd.DataFrame(rows, columns=["recipient", "supplier", "year", "tiv"]))
    if vintage is not None:
        frame["vintage"] = pd.array([vintage] * len(frame), dtype="str")
    return frame


def test_seed_holds_the_seed_articles_figures_with_release_and_source():
    pub = load_published()
    seed = pub[pub["source"].str.contains("Moscow Times")]
    assert sorted(zip(seed["start"], seed["end"], seed["share"], strict=True)) == [
        (2009, 2013, 0.76),
        (2019, 2023, 0.36),
    ]
    assert set(seed["supplier"]) == {"Russia"} and set(seed["recipient"]) == {"India"}
    # Every release is a SIPRI release (its March fact sheet, or a year), never the month a
    # press article quoting a figure appeared.
    assert pub["release"].str.fullmatch(r"\d{4}(-03)?").all()
    assert pub["share"].between(0, 1).all()
    assert set(pub["measure"]) == {"supplier_share", "world_import_share"}
    assert pub.loc[pub["measure"] == "world_import_share", "supplier"].isna().all()
    press = pub[pub["release"] == "2014-03"]
    assert (
        press["source_url"].str.startswith("https://www.sipri.org/media/press-release/2014/").all()
    )


def test_seed_has_every_india_russia_period_of_facts():
    pub = load_published()
    russia = pub[(pub["supplier"] == "Russia") & (pub["recipient"] == "India")]
    assert sorted(set(russia["start"])) == [2009, 2010, 2011, *range(2014, 2022)]
    both = russia[russia["start"] == 2010].set_index("release")["share"].to_dict()
    assert both == {"2015-03": 0.70, "2025": 0.72}  # same period, two releases


def test_load_published_rejects_bad_rows(tmp_path):
    bad = tmp_path / "bad.csv"
    good = (Path(__file__).resolve().parents[1] / "data/seed/published_figures.csv").read_text()
    header = good.splitlines()[0]
    bad.write_text(header + "\nIndia,Russia,supplier_share,2019,2023,36,2024-03,x,,\n")
    with pytest.raises(ValueError, match="row"):
        load_published(bad)


def test_headline_shares_fall_back_to_published_figures():
    got = headline_shares("India", "Russia", [(2009, 2013), (2019, 2023), (1990, 1994)])
    assert got["origin"].tolist() == ["published", "published", "unavailable"]
    assert got["display"].tolist() == ["76%", "36%", "n/a"]
    # The newest release wins, and the seed article (naming no release) is cited next to the
    # SIPRI release whose figure it quotes.
    assert got["release"].tolist()[:2] == ["2019-03", "2024-03"]
    assert all("The Moscow Times" in s for s in got["source"].tolist()[:2])
    assert "SIPRI fact sheet, Mar 2019" in got["source"].iloc[0]


def test_headline_shares_computes_when_data_cover_the_period():
    data = flows(
        [("India", "Russia", y, 3.0) for y in range(2019, 2024)] + [("India", "France", 2019, 5.0)],
        vintage="2024-10-10",
    )
    got = headline_shares("India", "Russia", [(2009, 2013), (2019, 2023)], flows=data)
    assert got["origin"].tolist() == ["published", "computed"]
    assert got["share"].tolist()[1] == 0.75
    assert got["vintage"].tolist()[1] == "2024-10-10"
    assert "2024-10-10" in got["source"].tolist()[1]


PUBLISHED = pd.DataFrame(
    {
        "recipient": ["India", "India", "India", "India", "India"],
        "supplier": ["Russia", "Russia", "France", "Russia", None],
        "measure": ["supplier_share"] * 4 + ["world_import_share"],
        "start": [2019, 2019, 2019, 2009, 2019],
        "end": [2023, 2023, 2023, 2013, 2023],
        "share": [0.36, 0.40, 0.095, 0.76, 0.5],
        "release": ["2024-03", "2022", "2024-03", "2024-03", "2024-03"],
        "source": ["a", "b", "c", "d", "e"],
        "source_url": [None] * 5,
        "note": [None] * 5,
    }
).astype({"recipient": "str", "supplier": "str", "release": "str"})


def test_reconcile_verdicts_and_reasons():
    # India 2019-23: Russia 364.5 of 1000 (36.45%), France 95.4 (9.54%), the rest unknown.
    data = flows(
        [
            ("India", "Russia", 2019, 364.5),
            ("India", "France", 2023, 95.4),
            ("India", "unknown supplier(s)", 2021, 540.1),
        ],
        vintage="2024-10-10",
    )
    got = reconcile(data, PUBLISHED)
    # 2009-13 and the world share are not covered by the data: left out.
    assert got[["supplier", "published", "verdict", "reason"]].values.tolist() == [
        ["Russia", 0.36, "match", ""],
        ["Russia", 0.40, "differs", "different vintage"],
        ["France", 0.095, "match", ""],
    ]
    assert got["diff_pp"].tolist() == pytest.approx([0.45, -3.55, 0.04])
    assert got["vintage"].tolist() == ["2024-10-10"] * 3
    assert got["published_release"].tolist() == ["2024-03", "2022", "2024-03"]


def test_reconcile_whole_percent_allows_half_a_point_and_same_vintage_has_no_reason():
    pub = PUBLISHED.iloc[:1].assign(share=0.37)
    data = flows(
        [("India", "Russia", 2019, 3645.0), ("India", "Israel", 2023, 6355.0)], "2024-10-10"
    )
    got = reconcile(data, pub)
    assert (got["verdict"].iloc[0], got["reason"].iloc[0]) == ("differs", "")
    near = flows(
        [("India", "Russia", 2019, 3651.0), ("India", "Israel", 2023, 6349.0)], "2024-10-10"
    )
    assert reconcile(near, pub)["verdict"].iloc[0] == "match"  # 36.51% vs 37%: < 0.5 pp


def test_reconcile_world_share_from_all_importers_table():
    data = flows(
        [("India", None, y, 10.0) for y in range(2019, 2024)]
        + [("Qatar", None, y, 10.0) for y in range(2019, 2024)],
    )
    got = reconcile(data, PUBLISHED)
    assert got[["measure", "computed", "verdict"]].values.tolist() == [
        ["world_import_share", 0.5, "match"]
    ]
    assert got["vintage"].isna().all()


@pytest.mark.samples
def test_reconcile_india_sample_matches_the_articles_figures():
    from analysis.sipri import read_sipri

    path = SAMPLES / INDIA_TIV
    if not path.exists():
        pytest.skip(f"{INDIA_TIV} not in {SAMPLES}")
    export = read_sipri(path)
    data = export.flows.assign(
        vintage=pd.array([export.generated.isoformat()] * len(export.flows), dtype="str")
    )
    got = reconcile(data)
    seed = got[got["source"].str.contains("Moscow Times")]
    assert seed[["start", "published", "verdict"]].values.tolist() == [
        [2009, 0.76, "match"],
        [2019, 0.36, "match"],
    ]
    old = got[(got["start"] == 2009) & (got["published_release"] == "2014-03")]
    old = old[old["supplier"] == "Russia"].iloc[0]
    assert (old["verdict"], old["reason"]) == ("differs", "different vintage")  # 75% in 2014
    france = got[(got["supplier"] == "France") & (got["start"] == 2019)].iloc[0]
    assert france["verdict"] == "match"
    # Nothing from 2020-24 on: the 2024 column of an October 2024 export is empty.
    assert got["end"].max() == 2023


def test_same_release_is_the_release_of_the_datas_year():
    assert same_release("2024-03", "2024-10-10")
    assert same_release("2024", "2024-10-10")
    assert not same_release("2025-12", "2024-10-10")
    assert not same_release("2024-03", None)
    assert not same_release("2024-03", float("nan"))


def _checked(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["verdict", "diff_pp", "same_release"])


def test_self_check_counts_same_release_figures_apart_from_other_releases():
    data = flows(
        [
            ("India", "Russia", 2019, 364.5),
            ("India", "France", 2023, 95.4),
            ("India", "unknown supplier(s)", 2021, 540.1),
        ],
        vintage="2024-10-10",
    )
    got = reconcile(data, PUBLISHED)
    assert got["same_release"].tolist() == [True, False, True]
    assert self_check_summary(got) == (
        "2 of 2 published figures from the same release as the data match the recomputed "
        "shares. 1 published figure comes from other SIPRI releases (SIPRI revises its series "
        "every year): it differs by more than 1 percentage point."
    )


def test_self_check_summary_wording():
    many = _checked(
        [("match", 0.1, True)] * 9
        + [("match", 0.2, False)] * 14
        + [("differs", 1.8, False), ("differs", -4.5, False)]
    )
    assert self_check_summary(many) == (
        "9 of 9 published figures from the same release as the data match the recomputed "
        "shares. 16 published figures come from other SIPRI releases (SIPRI revises its series "
        "every year): 2 of them differ by more than 1 percentage point."
    )
    miss = _checked([("differs", 3.0, True), ("differs", 0.9, False), ("match", 0.0, False)])
    assert self_check_summary(miss) == (
        "0 of 1 published figure from the same release as the data matches the recomputed "
        "shares. 2 published figures come from other SIPRI releases (SIPRI revises its series "
        "every year): none differs by more than 1 percentage point."
    )
    others = _checked([("differs", 1.2, False), ("differs", -1.0, False), ("match", 0.1, False)])
    assert self_check_summary(others) == (
        "No published figure here comes from the same release as the data. 3 published "
        "figures come from other SIPRI releases (SIPRI revises its series every year): 1 of "
        "them differs by more than 1 percentage point."
    )
    assert self_check_summary(_checked([("match", 0.0, True)])) == (
        "1 of 1 published figure from the same release as the data matches the recomputed shares."
    )
    assert self_check_summary(_checked([])) == ""


@pytest.mark.samples
def test_self_check_headline_of_the_india_sample_separates_releases():
    from analysis import tables
    from analysis.sipri import read_sipri

    path = SAMPLES / INDIA_TIV
    if not path.exists():
        pytest.skip(f"{INDIA_TIV} not in {SAMPLES}")
    export = read_sipri(path)
    data = export.flows.assign(vintage=export.generated.isoformat())
    summary = tables.self_check(data, "India").summary
    # Generated in October 2024: only the 2024 release is the same one (India 2019-23: Russia
    # as the release and as the seed article quoting it, France).
    assert summary.startswith("3 of 3 published figures from the same release as the data match")
    assert "come from other SIPRI releases" in summary
