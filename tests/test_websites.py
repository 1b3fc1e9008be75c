"""Website audit: the rule set on hand-written pages, the schema, the analysis against hand-computed
values, and the demo calibration measured through the real loader."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import websites
from helpers.collect import web as cweb
from helpers.collect import webaudit, webpage
from helpers.core import io, register, webrules
from helpers.core.errors import DataError
from helpers.demo import rng_for
from helpers.demo import web as dweb

FIX = Path(__file__).parent / "fixtures" / "web"
BASE = "https://www.voorbeeld.nl/"


@pytest.fixture(scope="module")
def rules() -> websites.Rules:
    return websites.load_rules()


def parsed(name: str, rules: websites.Rules, url: str, depth: int = 1) -> webpage.ParsedPage:
    html = (FIX / name).read_text(encoding="utf-8")
    return webpage.parse_page(url, html, rules, depth)


def present_items(page: webpage.ParsedPage, rules: websites.Rules) -> set[str]:
    return {k for k, v in webaudit.page_items(page, rules).items() if v}


# --- the rule set on hand-written pages --------------------------------------------------------
def test_information_present_in_page_content(rules):
    page = parsed("present.html", rules, BASE + "werk-en-inkomen/bijstand")
    # bijstand + how to apply ("voorwaarden", "aanvraagt"); Participatiewet; re-integration written
    # with a diaeresis (reïntegratie) and folded; schuldhulp only in the <nav>, minima only in the
    # footer, and the footer's DigiD link is no e-service.
    assert present_items(page, rules) == {"bijstand", "participatiewet", "reintegratie"}


def test_absent_page_has_nothing(rules):
    page = parsed("absent.html", rules, BASE + "afval")
    # a DigiD form link about something else (grofvuil) and a search form count for nothing
    assert present_items(page, rules) == set()


def test_footer_only_counts_for_nothing(rules):
    page = parsed("footer_only.html", rules, BASE)
    assert "schuldhulp" not in page.content and "participatiewet" not in page.content
    # footer text, a footer DigiD link to a bijstand form, an id="page-footer" block and a content
    # tile that only links to the schuldhulp page: none of them is information or an e-service
    assert present_items(page, rules) == set()
    # the crawler still sees every link (to follow it)
    assert BASE + "bijstand" in {href for href, _ in page.all_links}


def test_eservices_behind_digid_and_forms(rules):
    page = parsed("digid.html", rules, BASE + "werk-en-inkomen")
    assert present_items(page, rules) == {
        "eservice_bijstand_aanvragen",  # link to an e-form host, "inloggen met DigiD" beside it
        "eservice_inkomenswijziging",  # link to digid.nl
        "eservice_werkzoekende",  # werk.nl
        "eservice_schuldhulp",  # an on-page <form> about schuldhulpverlening
        "schuldhulp",  # the form's text is content: information present as well
    }


def test_plain_internal_link_is_no_eservice(rules):
    link = webpage.Link(BASE + "werkgevers", "Werkgevers", "werkgevers")
    assert not webaudit.is_eform_link(link, rules)
    digid = webpage.Link("https://digid.nl/x", "Vacature melden", "vacature melden")
    assert webaudit.is_eform_link(digid, rules)


def test_audit_site_picks_pages_and_scores(rules):
    pages = [
        parsed("footer_only.html", rules, BASE, 0),
        parsed("digid.html", rules, BASE + "werk-en-inkomen", 1),
        parsed("present.html", rules, BASE + "werk-en-inkomen/bijstand", 2),
        parsed("absent.html", rules, BASE + "afval", 1),
    ]
    row = webaudit.audit_site(pages, rules)
    assert row["bijstand_url"] == BASE + "werk-en-inkomen/bijstand"
    assert row["schuldhulp_url"] == BASE + "werk-en-inkomen"
    assert row["eservice_schuldhulp_url"] == BASE + "werk-en-inkomen"
    assert row["werkgevers"] is False and row["werkgevers_url"] is None
    assert (row["info_score"], row["eservice_score"], row["pages_checked"]) == (4, 4, 4)
    assert row["info_in_order"] is False  # 4 < 5 items


def test_in_order_threshold(rules):
    base = dict.fromkeys(websites.ITEMS, False)
    five = {**base, **dict.fromkeys(websites.INFO_ITEMS[:5], True)}
    assert webaudit.scores(five, rules) == {"info_score": 5, "info_in_order": True,
                                            "eservice_score": 0}
    no_bijstand = {**base, **dict.fromkeys(websites.INFO_ITEMS[1:], True)}
    assert webaudit.scores(no_bijstand, rules)["info_in_order"] is False  # 5 items, no bijstand
    four = {**base, **dict.fromkeys(websites.INFO_ITEMS[:4], True)}
    assert webaudit.scores(four, rules)["info_in_order"] is False


def test_crawl_priority(rules):
    assert webrules.link_priority(BASE + "werk-en-inkomen", "Werk en inkomen", rules) == 10
    assert webrules.link_priority(BASE + "schuldhulp", "Hulp", rules) == 6
    assert webrules.link_priority(BASE + "afval", "Afval", rules) == 0


# --- schema and analysis ----------------------------------------------------------------------
def audit_row(gm: str, year: int, info: set[str], eserv: set[str], rules) -> dict:
    row = {"year": year, "gm_code": gm, "website": f"https://{gm.lower()}.example/",
           "checked_on": pd.Timestamp(f"{year}-09-01"), "pages_checked": 3}
    for item in websites.ITEMS:
        on = item in info or item in eserv
        row[item] = on
        row[f"{item}_url"] = f"https://{gm.lower()}.example/{item}" if on else None
    row.update(webaudit.scores(row, rules))
    return row


@pytest.fixture()
def small_audit(rules) -> pd.DataFrame:
    info_all = set(websites.INFO_ITEMS)
    rows = [
        audit_row("GM0344", 2014, info_all, {"eservice_bijstand_aanvragen"}, rules),
        audit_row("GM0363", 2014, info_all - {"werkgevers"},
                  {"eservice_bijstand_aanvragen", "eservice_inkomenswijziging",
                   "eservice_werkzoekende"}, rules),
        audit_row("GM0518", 2014, info_all - {"participatiewet"}, set(), rules),
        audit_row("GM0599", 2014, info_all, {"eservice_inkomenswijziging"}, rules),
        audit_row("GM0003", 2014, {"reintegratie", "schuldhulp"}, set(), rules),
    ]
    return io.validate(webaudit.audit_frame(rows), "website_audit", file="test")


def test_schema_accepts_and_rejects(small_audit):
    assert list(small_audit.columns) == list(webaudit.AUDIT_SCHEMA.columns)
    utrecht = small_audit.index[small_audit["gm_code"] == "GM0344"][0]
    bad = small_audit.copy()
    bad.loc[utrecht, "bijstand_url"] = None  # present without a page
    with pytest.raises(DataError, match="url_present_iff_item_present"):
        io.validate(bad, "website_audit", file="x.parquet")
    bad = small_audit.copy()
    bad.loc[utrecht, "info_score"] = 5
    with pytest.raises(DataError, match="scores_equal_item_counts"):
        io.validate(bad, "website_audit", file="x.parquet")


def test_in_order_share_wilson(small_audit):
    s = websites.in_order_share(small_audit)
    assert (s["count"], s["n"]) == (4, 5)
    # Wilson 95%, hand-computed: p=0.8, n=5, z=1.959964 -> centre 0.669654, half-width 0.294122
    assert s["share"] == pytest.approx(0.8)
    assert s["ci_low"] == pytest.approx(0.375535, abs=1e-5)
    assert s["ci_high"] == pytest.approx(0.963776, abs=1e-5)


def test_item_shares_and_distribution(small_audit, rules):
    shares = websites.item_shares(small_audit, rules).set_index("item")
    assert shares.loc["eservice_bijstand_aanvragen", "share"] == pytest.approx(0.4)
    assert shares.loc["eservice_werkgevers", "count"] == 0
    assert bool(shares.loc["eservice_werkgevers", "rare"]) is True
    assert shares.loc["eservice_werkgevers", "ci_high"] == pytest.approx(
        1.959964**2 / (5 + 1.959964**2), abs=1e-5)  # Wilson upper bound for 0 of n
    dist = websites.eservice_distribution(small_audit)
    assert dist["count"].tolist() == [2, 2, 0, 1, 0, 0]
    assert dist["share_at_least"].tolist() == pytest.approx([1.0, 0.6, 0.2, 0.2, 0.0, 0.0])
    few = websites.few_eservices(small_audit, rules)
    assert few["share_at_least"] == pytest.approx(0.2) and few["few"] is True
    assert few["mean"] == pytest.approx(5 / 5)


def test_gap_checklist(small_audit, rules):
    gaps = websites.gap_checklist(small_audit, rules)
    assert gaps["item"].tolist()[:3] == ["eservice_werkgevers", "eservice_schuldhulp",
                                         "eservice_werkzoekende"]
    assert gaps["missing"].tolist()[:3] == [5, 5, 4]
    info = gaps[gaps["kind"] == "information"]
    # by hand: participatiewet and werkgevers miss 2 each (ties in item order), then bijstand and
    # minimaregelingen 1 each, reintegratie and schuldhulp 0
    assert info["item"].tolist() == ["participatiewet", "werkgevers", "bijstand",
                                     "minimaregelingen", "reintegratie", "schuldhulp"]
    assert info["missing"].tolist() == [2, 2, 1, 1, 0, 0]
    assert gaps["action"].str.len().gt(0).all()
    one = websites.municipality_gaps(small_audit, "GM0518", rules)
    assert one.loc[one["item"] == "participatiewet", "present"].item() is False
    assert pd.isna(one.loc[one["item"] == "bijstand", "action"].item())


def test_association_fisher_and_cramers_v():
    res = websites.association_test(np.array([[9, 1], [6, 4]]))
    assert res["test"] == "Fisher exact" and res["n"] == 20
    # textbook Cramér's V from the uncorrected chi-square (methods.md): 0.3464
    assert res["cramers_v"] == pytest.approx(0.34641, abs=1e-4)
    # two-sided Fisher p by hand: hypergeometric, rows 10/10, first column 15
    probs = {a: math.comb(10, a) * math.comb(10, 15 - a) / math.comb(20, 15) for a in range(5, 11)}
    p = sum(v for v in probs.values() if v <= probs[9] * (1 + 1e-7))
    assert res["p"] == pytest.approx(p)


def test_association_chi_square_large():
    tab = np.array([[30, 20], [20, 30]])
    res = websites.association_test(tab)
    # hand: expected 25 everywhere, chi2 = 4 * 25/25 = 4.0, V = sqrt(4/100) = 0.2
    assert res["test"] == "chi-square"
    assert res["statistic"] == pytest.approx(4.0) and res["cramers_v"] == pytest.approx(0.2)


def test_info_vs_eservices(small_audit):
    rel = websites.info_vs_eservices(small_audit)
    assert rel["table"].to_numpy().tolist() == [[1, 0], [1, 3]]
    assert rel["n"] == 5


def test_by_group(small_audit):
    munis = register.municipalities(2014)
    tab = websites.by_group(small_audit, munis, "size_class").set_index("size_class")
    # Utrecht (GM0344), Amsterdam (GM0363), Den Haag (GM0518), Rotterdam (GM0599) are L; GM0003 S
    assert tab.loc["L", "n"] == 4 and tab.loc["L", "in_order"] == 4
    assert tab.loc["S", "in_order"] == 0
    assert tab.loc["L", "eservice_mean"] == pytest.approx(5 / 4)
    assert tab.loc["L", "eservice_any"] == 3 and tab.loc["S", "eservice_any"] == 0
    long = websites.group_shares_long(tab.reset_index(), "size_class")
    got = long.set_index(["size_class", "measure"])["share"]
    assert got[("L", "info_in_order")] == pytest.approx(1.0)
    assert got[("L", "any_eservice")] == pytest.approx(0.75)


def test_year_over_year_through_register(rules):
    info = set(websites.INFO_ITEMS)
    early = webaudit.audit_frame([
        audit_row("GM0344", 2014, info, {"eservice_werkzoekende"}, rules),
        audit_row("GM0568", 2014, info, {"eservice_werkzoekende"}, rules),  # Bernisse
        audit_row("GM0612", 2014, info - {"bijstand"}, set(ESV3 := websites.ESERVICES[:3]), rules),
    ])
    late = webaudit.audit_frame([
        audit_row("GM0344", 2015, info, set(websites.ESERVICES[:2]), rules),
        audit_row("GM1930", 2015, info, set(websites.ESERVICES[:4]), rules),  # Nissewaard
    ])
    assert len(ESV3) == 3
    ch = websites.year_over_year(early, late).set_index("gm_code")
    assert ch.loc["GM1930", "eservice_score_before"] == pytest.approx(2.0)  # mean of 1 and 3
    assert ch.loc["GM1930", "eservice_change"] == pytest.approx(2.0)
    assert ch.loc["GM1930", "in_order_before"] == pytest.approx(0.5)
    assert bool(ch.loc["GM1930", "merged"]) and not bool(ch.loc["GM0344", "merged"])
    assert ch.loc["GM0344", "eservice_change"] == pytest.approx(1.0)
    test = websites.paired_change_test(ch.reset_index())
    assert test["n"] == 2 and test["mean_change"] == pytest.approx(1.5)
    assert test["rank_biserial"] == pytest.approx(1.0)  # every change positive
    yearly = websites.yearly_shares({2014: early, 2015: late}).set_index(["year", "item"])
    assert yearly.loc[(2014, "info_in_order"), "share"] == pytest.approx(2 / 3)


# --- demo calibration, measured through the loader ---------------------------------------------
@pytest.fixture(scope="module")
def demo_2014(tmp_path_factory) -> pd.DataFrame:
    dest = tmp_path_factory.mktemp("demo2014")
    munis = register.municipalities(2014)
    dweb.write_raw(munis, 2014, rng_for(42, 2014, "web"), dest, 1.0)
    audit, skips = cweb.load(dest, 2014)
    assert skips.empty
    return audit


def test_demo_2014_calibration(demo_2014, rules):
    assert len(demo_2014) == 403
    share = websites.in_order_share(demo_2014)
    assert abs(share["share"] - 0.80) <= 0.04
    few = websites.few_eservices(demo_2014, rules)
    assert few["few"] is True and few["share_at_least"] < 0.20
    assert 0.7 <= few["mean"] <= 1.4
    shares = websites.item_shares(demo_2014, rules).set_index("item")
    assert bool(shares.loc["eservice_werkgevers", "rare"])
    assert bool(shares.loc["eservice_schuldhulp", "rare"])
    munis = register.municipalities(2014)
    by_size = websites.by_group(demo_2014, munis, "size_class").set_index("size_class")
    assert by_size.loc["L", "eservice_mean"] > by_size.loc["S", "eservice_mean"]


def test_demo_rules_recover_generator_truth(demo_2014):
    truth = dweb.draw_profiles(register.municipalities(2014), 2014, rng_for(42, 2014, "web"))
    for item in websites.ITEMS:
        assert (truth[item].to_numpy() == demo_2014[item].to_numpy()).all(), item
    # the footer distractors exist and were not counted
    assert (truth["footer_404"] != "").sum() > 20


def test_demo_deterministic_and_marked(tmp_path):
    munis = register.municipalities(2014).head(5)
    a = dweb.write_raw(munis, 2014, rng_for(1, 2014, "web"), tmp_path / "a", 1.0)
    b = dweb.write_raw(munis, 2014, rng_for(1, 2014, "web"), tmp_path / "b", 1.0)
    assert [p.relative_to(tmp_path / "a") for p in a] == [p.relative_to(tmp_path / "b") for p in b]
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(a, b, strict=True))
    pages = [p for p in a if p.suffix == ".html"]
    assert pages and all(dweb.GENERATOR in p.read_text(encoding="utf-8") for p in pages)
    assert all("DEMODATA (synthetisch)" in p.read_text(encoding="utf-8") for p in pages)


def test_website_statistics_without_audited_sites_are_na_with_reason(small_audit, rules):
    none = small_audit.iloc[:0]
    few = websites.few_eservices(none, rules)
    assert few["few"] is None and np.isnan(few["share_at_least"]) and np.isnan(few["mean"])
    assert few["note"] == "NA: no website was audited"
    assert websites.few_eservices(small_audit, rules)["note"] == ""
    s = websites.in_order_share(none)
    assert s["n"] == 0 and np.isnan(s["share"])
    one = websites.info_vs_eservices(small_audit.iloc[:1])
    assert one["n"] == 1 and np.isnan(one["spearman_rho"])
    assert one["test"]["test"] == "none (a margin is constant)" and np.isnan(one["test"]["p"])
