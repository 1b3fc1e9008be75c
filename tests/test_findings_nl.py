"""The finding sentences in Dutch: on the same statistics as the English tests (tests/test_findings.py,
tests/test_platforms.py), every finding written with ``lang="nl"`` has no English function word left
(:func:`_english.english_words`), carries the same numbers in Dutch format (decimal comma, thousands
dot, ``uur``, ``95%-BI``), and its direction words change with the data as the English ones do."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from _english import english_words
from test_findings import (
    _mon_row,
    _questions,
    _response_finding,
    _survey,
    _survey_finding,
    _website_finding,
)
from test_platforms import REGISTER, WINDOW, _messages, _posts

from helpers.analysis import platforms as pf
from helpers.analysis import responsetime as rt
from helpers.analysis import survey as sv
from helpers.present import findings, platform_findings

#: Words of the English findings that are no Dutch words (beyond tests/_english.ENGLISH; not
#: "is", "was", "had", "lag", "interval", "half", which Dutch writes too).
FINDING_WORDS = ("posts", "answered", "reply", "replies", "larger", "smaller", "faster", "slowly",
                 "relation", "common", "rarest", "highest", "weekday", "business", "mean", "median",
                 "left", "out", "nothing", "clear", "difference", "collected", "were", "are", "got")


def dutch(text: str) -> str:
    """``text`` after checking it holds no English: no function word of ``_english`` and none of
    :data:`FINDING_WORDS` (as whole words); returned for further checks."""
    assert english_words(text, allowed=("data/skips.csv",)) == Counter(), text
    words = {w.lower() for w in pd.Series([text]).str.findall(r"[A-Za-z]+")[0]}
    assert not words & set(FINDING_WORDS), (words & set(FINDING_WORDS), text)
    return text


def nl(value: float, digits: int) -> str:
    """``value`` with a decimal comma, written independently of helpers.present.language."""
    return f"{value:.{digits}f}".replace(".", ",")


# --- response time ----------------------------------------------------------------------------
def _response_nl(q: pd.DataFrame) -> tuple[str, str, dict]:
    en, clock = _response_finding(q)
    within = rt.within_shares(q, cutoffs=(2.0,)).set_index("base")
    return en, findings.response_time(2014, clock, within=within.to_dict("index"), lang="nl"), clock


def test_response_time_weekend_slower_and_faster_in_dutch():
    rng = np.random.default_rng(1)
    en, text, clock = _response_nl(_questions(rng.exponential(5, 300), 40 + rng.exponential(5, 150)))
    dutch(text)
    assert "werden langzamer beantwoord dan vragen op werkdagen" in text
    assert "weekendvragen verhogen het gemiddelde" in text and "sneller" not in text
    # the same medians as the English sentence, with a decimal comma and "uur"
    we, wd = clock["weekend_km_median_hours"], clock["weekday_km_median_hours"]
    assert f"{we:.1f} h against {wd:.1f} h" in en
    assert f"Kaplan-Meier-mediaan {nl(we, 1)} uur tegenover {nl(wd, 1)} uur" in text
    assert f"chi2 = {nl(clock['logrank_chi2'], 1)}, p < 1e-16" in text

    rng = np.random.default_rng(2)
    _, text, _ = _response_nl(_questions(20 + rng.exponential(5, 300), rng.exponential(1, 150)))
    assert "werden sneller beantwoord" in dutch(text) and "langzamer" not in text
    assert "weekendvragen verlagen het gemiddelde" in text and "verhogen" not in text

    rng = np.random.default_rng(3)
    _, text, clock = _response_nl(_questions(rng.exponential(5, 200), rng.exponential(5, 100)))
    assert clock["logrank_p"] >= 0.05
    assert "verschillen niet duidelijk in reactietijd" in dutch(text)
    assert "sneller" not in text and "langzamer" not in text


def test_response_time_bases_cox_and_fastest_in_dutch():
    q = _questions(np.array([1.0, 1.5, 3.0, 5.0]), np.array([30.0]))
    q.loc[4, "answered"] = False
    _, text, _ = _response_nl(q)
    # 2 of 4 answered within 2 h = 50% of answered; 2 of 5 = 40% of all questions
    assert "50% van de 4 beantwoorde vragen" in dutch(text) and "40% van alle 5 vragen" in text
    clock = {"n_questions": 12253, "n_answered": 9272, "answer_rate": 0.7567,
             "weekday_km_median_hours": 17.04, "weekend_km_median_hours": 44.36,
             "logrank_chi2": 1170.56, "logrank_p": 0.0, "mean_hours": 23.4,
             "weekday_mean_hours": 19.5, "weekend_raises_mean": True, "km_median_hours": 22.46,
             "km_median_low": 21.0, "km_median_high": 24.04}
    text = findings.response_time(
        2014, clock, {"km_median_hours": 6.2},
        cox_weekend={"hazard_ratio": 0.812, "ci_low": 0.7, "ci_high": 0.934, "p": 0.0031},
        ph_weekend={"holds": False, "p": 0.012},
        split={"first 24 h": {"hazard_ratio": 0.6}, "after 24 h": {"hazard_ratio": 1.25}},
        fastest=["Utrecht", "Zwolle"], lang="nl")
    dutch(text)
    assert text.startswith("In 2014 kreeg 76% van 12.253 vragen op Twitter binnen de meetperiode "
                           "een antwoord (9.272 beantwoord).")
    assert "chi2 = 1.170,6, p < 1e-16" in text  # a thousands dot and a decimal comma
    assert "Het gemiddelde over de 9.272 beantwoorde vragen is 23,4 uur, tegenover 19,5 uur" in text
    assert "De helft van alle 12.253 vragen werd binnen 22,5 uur beantwoord" in text
    assert "95%-BI 21,0-24,0 uur" in text
    assert "In kantooruren is de mediaan 6,2 uur" in text and "binnen één werkdag" in text
    assert "hazard ratio van 0,81 (95%-BI 0,70-0,93, p = 0,0031)" in text
    assert "0,60 in de eerste 24 uur en 1,25 na 24 uur" in text
    assert text.endswith("Snelst (laagste Kaplan-Meier-mediaan): Utrecht, daarna Zwolle.")
    slow = findings.response_time(2014, clock, {"km_median_hours": 9.0}, lang="nl")
    assert "pas na meer dan één werkdag" in dutch(slow)


# --- websites, survey --------------------------------------------------------------------------
def test_websites_direction_in_dutch():
    text = dutch(_website_finding(reverse=False, lang="nl"))
    assert "Grotere gemeenten bieden meer e-diensten" in text and "Kleinere" not in text
    text = dutch(_website_finding(reverse=True, lang="nl"))
    assert "Kleinere gemeenten bieden meer e-diensten" in text and "Grotere" not in text
    assert "op orde op 100% van 30 beoordeelde websites" in text
    text = findings.websites(2014, n_sites=403, in_order_share=0.8, in_order_low=0.6,
                             in_order_high=0.9, eservice_mean=1.04, share_at_least=0.052,
                             min_services=3, few=True, size_rho=0.05, size_p=0.8,
                             size_means={"S": 0.8, "M": 1.2, "L": 1.75},
                             rare=["E-dienst: schuldhulp aanvragen"], lang="nl")
    assert text == dutch(
        "In 2014 was de informatie over werk en inkomen op orde op 80% van 403 beoordeelde websites "
        "(95%-BI 60-90%). E-diensten blijven achter: gemiddeld 1,0 van de 5, en 5% van de 403 "
        "websites biedt er ten minste 3. Zeldzaamst: e-dienst: schuldhulp aanvragen. E-diensten hangen "
        "niet duidelijk samen met de grootte (gemiddeld S 0,8, M 1,2, L 1,8): Spearman-rho 0,05 met "
        "het inwonertal, p = 0,8.")


def test_survey_management_direction_in_dutch():
    text = dutch(_survey_finding(_survey(high=("college", "raad", "communicatie", "kcc"),
                                         low=("directie", "middenmanagement")), lang="nl"))
    assert text.startswith("40 van de 100 gemeenten beantwoordden de enquête (40% van het register).")
    assert "Het management (directie en middenmanagement) hoort bij de minst enthousiaste" in text
    assert "Het aandeel eigenaarschap kon niet worden berekend" in text
    text = dutch(_survey_finding(_survey(high=("directie", "middenmanagement", "griffie", "vakafdelingen"),
                                         low=("college", "raad")), lang="nl"))
    assert "hoort bij de meest enthousiaste groepen" in text and "minst enthousiaste" not in text
    rng = np.random.default_rng(5)
    df = pd.DataFrame({f"enth_{g}": rng.integers(1, 6, 25) for g in sv.GROUPS})
    text = dutch(_survey_finding(df, lang="nl"))
    assert "verschilt niet duidelijk" in text and "Het management" not in text
    full = findings.survey(
        n_respondents=210, n_municipalities=403, most=["college"], least=["directie"],
        friedman_p=1e-30, kendalls_w=0.436, ownership_share=0.4512, ownership_low=0.38,
        ownership_high=0.52, ownership_n=1234, top_reasons=["Te weinig tijd", "Angst voor werkdruk"],
        monitoring_majority=True, labels={"college": "College van B&W"}, lang="nl")
    dutch(full)
    assert "Kendall's W 0,44" in full and "Friedman p < 1e-16" in full
    assert "45% van 1.234 geldige antwoorden legt de verantwoordelijkheid volledig bij communicatie " \
           "(95%-BI 38-52%)" in full
    assert "terughoudend te zijn: te weinig tijd en angst voor werkdruk." in full
    assert "Een meerderheid vindt" in full
    assert "Geen meerderheid" in findings.survey(
        n_respondents=210, n_municipalities=403, most=[], least=[], friedman_p=None,
        kendalls_w=None, ownership_share=None, ownership_low=None, ownership_high=None,
        ownership_n=0, monitoring_majority=False, lang="nl")


# --- monitoring, interaction, presence ---------------------------------------------------------
def test_monitoring_direction_in_dutch():
    text = dutch(findings.monitoring(2014, {"twitter": _mon_row(0.7, 0.05, 1e-40)}, pooled=False,
                                     lang="nl"))
    assert text.startswith("Monitoring in 2014, per platform. Op Twitter reageren gemeenten zelden op "
                           "wat niet aan hen gericht is: ze reageerden op 5% van 2.000 indirecte "
                           "berichten (95%-BI 3-7%) tegenover 70% van 1.000 gerichte berichten")
    assert "verschil +65 procentpunt (95%-BI +60 tot +70, geclusterd per gemeente, p < 1e-16)" in text
    text = dutch(findings.monitoring(2014, {"twitter": _mon_row(0.1, 0.5, 1e-5)}, pooled=False,
                                     lang="nl"))
    assert "reageren gemeenten vaker op indirecte berichten" in text and "zelden" not in text
    assert "verschil -40 procentpunt (95%-BI -45 tot -35" in text
    text = dutch(findings.monitoring(2014, {"twitter": _mon_row(0.3, 0.28, 0.4)}, pooled=False,
                                     lang="nl"))
    assert "verschillen de reacties op indirecte en op gerichte berichten niet duidelijk" in text
    assert "p = 0,4" in text
    fb = {"share_addressed": 0.6, "n_addressed": 50, "share_indirect": float("nan"), "n_indirect": 0}
    rows = {"facebook": fb, "all platforms": _mon_row(0.7, 0.05, 1e-9)}
    text = dutch(findings.monitoring(2014, rows, pooled=False, lang="nl"))
    assert "op Facebook zijn er geen indirecte berichten" in text and "alle platforms" not in text
    assert "Op alle platforms reageren" in findings.monitoring(2014, rows, pooled=True, lang="nl")


SUMMARY = {"pooled_share": 0.29, "pooled_low": 0.25, "pooled_high": 0.33, "median_share": 0.3,
           "n_ranked": 300, "min_base": 30, "n_base": 45425, "n_posts": 1200,
           "replies_share_of_all_posts": 0.241, "pooled_citizen_share": 0.27,
           "top_gm_code": "GM0344", "top_share": 0.848, "top_citizen_share": 0.838}


def test_interaction_direction_in_dutch():
    text = dutch(findings.interaction(2014, SUMMARY, top_name="Utrecht", lang="nl"))
    assert text.startswith("De meeste gemeenten zenden meer dan dat ze in gesprek gaan: het "
                           "megafoonaandeel (roeptoetergehalte) van de mediane gemeente is 70% "
                           "(mediaan over 300 gemeenten met een basis van ten minste 30 berichten).")
    assert "29% van de eigen berichten op Twitter in de basis" in text and "45.425 berichten" in text
    assert "(95%-BI 25,0-33,0%, geclusterd per gemeente)" in text
    assert "als aandeel van alle 1.200 eigen berichten is dat 24,1%" in text
    assert "Hoogste: Utrecht, 84,8%" in text and "83,8% als alleen antwoorden aan burgers" in text
    text = dutch(findings.interaction(2014, {**SUMMARY, "median_share": 0.8}, lang="nl"))
    assert "gaan meer in gesprek dan dat ze zenden" in text and "maar 20%" in text
    assert "even vaak" in dutch(findings.interaction(2014, {**SUMMARY, "median_share": 0.5},
                                                     lang="nl"))
    small = {**SUMMARY, "median_share": float("nan"), "n_ranked": 0, "top_gm_code": None,
             "top_share": float("nan"), "pooled_share": 8 / 14, "n_base": 14, "n_posts": 19}
    text = dutch(findings.interaction(2016, small, lang="nl"))
    assert text.startswith("Geen gemeente heeft een basis van ten minste 30 berichten")
    assert "57% van de eigen berichten op Twitter" in text and "Hoogste" not in text


def test_presence_direction_in_dutch():
    kw = dict(n=403, twitter_count=390, twitter_share=390 / 403, twitter_low=0.9459,
              twitter_high=0.9813, facebook_share=0.75, facebook_corporate_share=0.58,
              size_low=1.5, size_high=3.0)
    text = dutch(findings.presence(2014, size_odds_ratio=2.1, size_p=1e-4, lang="nl", **kw))
    assert text.startswith("In 2014 hadden 390 van de 403 gemeenten een Twitteraccount (96,8% van "
                           "alle gemeenten, 95%-BI 94,6-98,1%).")
    assert "75% van alle 403 gemeenten had een Facebookpagina, 58% een corporate pagina." in text
    assert ("Grotere gemeenten hadden vaker een Facebookpagina: odds ratio 2,10 per tienmaal zoveel "
            "inwoners (95%-BI 1,50-3,00, logistische regressie, p = 1,0e-4).") in text
    kw.update(size_low=0.2, size_high=0.6)
    assert "Kleinere gemeenten hadden vaker" in dutch(findings.presence(
        2014, size_odds_ratio=0.35, size_p=1e-4, lang="nl", **kw))
    kw.update(size_low=0.7, size_high=1.4)
    text = dutch(findings.presence(2014, size_odds_ratio=1.0, size_p=0.9, lang="nl", **kw))
    assert "hangt niet duidelijk samen met de grootte" in text and "vaker" not in text


@pytest.mark.parametrize("value", [None, float("nan"), pd.NA])
def test_missing_statistics_say_not_computed_in_dutch(value):
    text = dutch(findings.presence(2013, n=408, twitter_count=value, twitter_share=value,
                                   twitter_low=value, twitter_high=value, facebook_share=value,
                                   facebook_corporate_share=value, size_odds_ratio=value,
                                   size_low=value, size_high=value, size_p=value,
                                   not_collected=["facebook"], lang="nl"))
    assert "De aanwezigheid op Facebook kon niet worden berekend: Facebook niet verzameld voor 2013." \
        in text
    # the structured reason in English names the platform, not its key
    assert "Facebook not collected for 2013" in findings.presence(
        2013, n=408, twitter_count=1, twitter_share=0.5, twitter_low=0.4, twitter_high=0.6,
        facebook_share=value, facebook_corporate_share=value, size_odds_ratio=value,
        size_low=value, size_high=value, size_p=value, not_collected=["facebook"])
    for text in (
        findings.interaction(2013, {"pooled_share": value, "median_share": value}, lang="nl"),
        findings.response_time(2013, {"n_questions": 0}, lang="nl"),
        findings.monitoring(2013, {}, pooled=False, lang="nl"),
        findings.survey(n_respondents=0, n_municipalities=408, most=[], least=[], friedman_p=value,
                        kendalls_w=value, ownership_share=value, ownership_low=value,
                        ownership_high=value, ownership_n=0, lang="nl"),
        findings.websites(2013, n_sites=0, in_order_share=value, in_order_low=value,
                          in_order_high=value, eservice_mean=value, share_at_least=value,
                          min_services=3, few=value, size_rho=value, size_p=value, lang="nl"),
    ):
        assert "kon niet worden berekend" in dutch(text)
    weekend = findings.response_time(2013, {"n_questions": 3, "n_answered": 0, "answer_rate": 0.0},
                                     lang="nl")
    assert "Het weekendeffect kon niet worden berekend" in dutch(weekend)


# --- collection, replication, show -------------------------------------------------------------
def test_collection_in_dutch():
    text = findings.collection(2016, demo=False, sources=("twitter", "survey"),
                               not_collected=("facebook", "web"), n_files=11,
                               rows={"posts": 64228, "citizen_messages": 13, "survey_responses": 5},
                               n_skipped=4, lang="nl")
    assert text == dutch(
        "In 2016 zijn Twitter en de enquête onder medewerkers gelezen uit de ruwe bestanden van de "
        "onderzoeker (11 invoerbestanden) in tabellen die tegen hun schema zijn gecontroleerd "
        "(berichten 64.228; burgerberichten 13; enquêteantwoorden 5). 4 items zijn weggelaten, elk "
        "met bestand, rij, kolom en regel vermeld in data/skips.csv. Niet verzameld: Facebook en de "
        "websitecrawl.")
    demo = dutch(findings.collection(2014, demo=True, sources=("web",), not_collected=(), n_files=1,
                                     rows={"website_audit": 403}, n_skipped=1, lang="nl"))
    assert demo.startswith("In 2014 is de websitecrawl gelezen uit de synthetische demodata")
    assert "1 item is weggelaten, met bestand" in demo and "Niet verzameld" not in demo
    none = findings.collection(2014, demo=True, sources=(), not_collected=(), n_files=0, rows={},
                               n_skipped=0, lang="nl")
    assert none == dutch("In 2014 is geen bron gelezen uit de synthetische demodata.")


def test_replication_in_dutch():
    assert findings.replication(2014, within=18, total=18, demo=True, lang="nl") == dutch(
        "Alle 18 gepubliceerde cijfers van 2014 worden binnen de tolerantie gereproduceerd (zoals "
        "verwacht: de demodata zijn erop gekalibreerd).")
    text = dutch(findings.replication(2014, within=16, total=18, lang="nl",
                                      outside=["snelste gemeente", "gemiddelde reactietijd"]))
    assert text == ("16 van de 18 gepubliceerde cijfers van 2014 worden binnen de tolerantie "
                    "gereproduceerd; daarbuiten: snelste gemeente en gemiddelde reactietijd.")
    assert "generator" in findings.replication(2014, within=1, total=2, demo=True, lang="nl")
    assert "zie de tabel" in findings.replication(2014, within=1, total=2, lang="nl")
    assert findings.replication(2016, within=0, total=0, lang="nl") == dutch(
        "Voor 2016 is niets gepubliceerd, dus er is niets om mee te vergelijken.")


def test_show_leads_with_the_run_language():
    class FakeRun:
        notebook = "websites"

        def __init__(self, lang: str):
            self.lang, self.records = lang, []

        def record(self, name, value, unit, note=""):
            self.records.append((name, value, unit))

    run = FakeRun("nl")
    assert findings.show(run, "De meeste sites zijn op orde.").data == (
        "**Bevinding.** De meeste sites zijn op orde.")
    assert run.records == [("finding_websites", "De meeste sites zijn op orde.", "finding")]
    assert findings.show(FakeRun("en"), "Fine.").data == "**Finding.** Fine."


# --- the cross-platform finding and its title ----------------------------------------------------
@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return pf.compare(_posts(), _messages(), WINDOW, REGISTER, min_base=3, min_questions=2)


def test_platform_comparison_in_dutch(table):
    text = dutch(platform_findings.comparison(2025, table, collected=["twitter", "mastodon"],
                                              min_base=3, lang="nl"))
    # pooled interaction: Mastodon 4/6 = 67% before Twitter 3/8 = 38%; both intervals are [0, 1]
    assert text.startswith("In 2025 hadden gemeenten de meeste interactie op Mastodon (67%")
    assert "daarna Twitter (38%" in text and "overlappen: geen duidelijk verschil" in text
    assert "het snelst een eerste antwoord op Twitter (mediaan 3,0 uur" in text
    assert "daarna Mastodon (mediaan 56,5 uur" in text
    title = dutch(platform_findings.figure_title(2025, table, lang="nl"))
    assert title.startswith("2025: geen duidelijk verschil in interactie (Mastodon 67%, Twitter 38%)")
    # intervals that do not overlap: the title names the leader
    clear = table.copy()
    pooled = clear["scope"] == "pooled"
    clear.loc[pooled & (clear["platform"] == "mastodon"), ["interaction_low", "interaction_high"]] = \
        [0.6, 0.7]
    clear.loc[pooled & (clear["platform"] == "twitter"), ["interaction_low", "interaction_high"]] = \
        [0.3, 0.45]
    assert platform_findings.figure_title(2025, clear, lang="nl").startswith(
        "2025: meer interactie op Mastodon (Mastodon 67%, Twitter 38%)")
    assert "overlappen niet" in dutch(platform_findings.comparison(2025, clear, lang="nl"))


def test_platform_comparison_of_one_platform_in_dutch(table):
    one = table[table["platform"] == "twitter"]
    text = dutch(platform_findings.comparison(2014, one, collected=["twitter"], lang="nl"))
    assert text.startswith("Alleen Twitter is verzameld voor 2014: niets om te vergelijken.")
    assert "38% van de eigen berichten in de basis" in text and "binnen 3,0 uur" in text
    text = dutch(platform_findings.comparison(2025, one, collected=["twitter", "bluesky"], lang="nl"))
    assert text.startswith("Van Twitter en Bluesky heeft alleen Twitter berichten dan wel vragen in 2025")
    assert platform_findings.figure_title(2014, one, lang="nl") == (
        "2014: alleen Twitter, niets om te vergelijken")
    empty = table.iloc[0:0]
    assert platform_findings.comparison(2014, empty, lang="nl") == dutch(
        "In 2014 zijn op geen enkel sociaal platform eigen berichten en vragen gevonden: niets om te "
        "vergelijken.")
    assert platform_findings.comparison(2014, empty, collected=["twitter"], lang="nl") == dutch(
        "In 2014 zijn op Twitter geen eigen berichten en geen vragen gevonden: niets om te vergelijken.")


def test_periods_numbers_and_languages():
    from helpers.present.findings.replies import _period

    assert _period("first 24 h", "nl") == "in de eerste 24 uur"
    assert _period("after 2.5 h", "nl") == "na 2,5 uur"
    assert _period("whole follow-up", "nl") == "over de hele wachttijd"
    assert _period("first 24 h", "en") == "in the first 24 h" and _period("after 24 h", "en") == "after 24 h"
    # English as the findings always wrote it (no thousands separator in a statistic), Dutch per language
    assert findings.decimal(1170.56, 1) == "1170.6" and findings.decimal(1170.56, 1, "nl") == "1.170,6"
    assert findings.signed(-3.4) == "-3" and findings.signed(1.46, 1, "nl") == "+1,5"
    assert findings.ci(0.2, 0.25, lang="nl") == "95%-BI 20-25%" and findings.ci(None, 0.2, lang="nl") == ""
    assert findings.platform_name("all platforms", "nl") == "alle platforms"
    assert findings.platform_name("all platforms") == "all platforms"
    with pytest.raises(ValueError, match="lang must be"):
        findings.replication(2014, within=1, total=1, lang="de")
