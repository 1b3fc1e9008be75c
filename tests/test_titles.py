"""Figure titles (helpers.present.titles) in English and Dutch.

The English titles must equal what the notebooks built inline before (the reference expressions
below are those notebook f-strings, kept verbatim), so the English figures stay byte-identical.
The Dutch titles are checked word for word on hand-made statistics, with Dutch numbers (decimal
comma, "uur"), and their direction words must follow the data. The figures drawn in Dutch are
checked in ``tests/test_titles_figures.py``.
"""

from __future__ import annotations

import math
import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from _english import english_words

from helpers.analysis.stats import format_p
from helpers.present import platform_findings, titles, viz
from helpers.present.viz.axes import _interval_note


@pytest.fixture(autouse=True)
def _theme_and_close():
    viz.set_theme()
    yield
    plt.close("all")


# --- English: exactly the notebooks' former inline titles ----------------------------------------
def test_english_titles_equal_the_former_notebook_f_strings() -> None:
    year, n = 2014, 403
    on = {
        "twitter": pd.Series({"count": 390.0, "share": 390 / 403}),
        "facebook": pd.Series({"count": 302.0, "share": 302 / 403}),
    }
    platforms = list(on)
    old = f"{year}: " + ", ".join(
        f"{int(on[p]['count'])} of {n} municipalities on Twitter"
        if p == "twitter"
        else f"{on[p]['share']:.0%} on {p.capitalize()}"
        for p in platforms
    )
    assert titles.title_presence_by_platform(year, n, on) == old
    assert old == "2014: 390 of 403 municipalities on Twitter, 75% on Facebook"

    first, fb_size = "facebook", pd.Series({"S": 0.7331, "M": 0.8012, "L": 0.8345})
    old = (
        f"{year}: {first.capitalize()} presence from {fb_size.min():.0%} to {fb_size.max():.0%} "
        f"across size classes (highest: {fb_size.idxmax() if len(fb_size) else '-'})"
    )
    assert titles.title_presence_by_size_class(year, first, fb_size) == old

    top_name, summary = "Utrecht", {"top_share": 0.8512, "median_share": 0.3149}
    old = (
        f"{year}: {top_name} leads in interaction, {summary['top_share']:.0%} of its posts "
        "(replies to others + originals) are replies to others"
    )
    assert titles.title_interaction_ranking(year, top_name, summary["top_share"]) == old
    old = (
        f"{year}: the median municipality broadcasts {1 - summary['median_share']:.0%} "
        "of its own posts (replies to others + originals)"
    )
    assert titles.title_megaphone_distribution(year, summary["median_share"]) == old

    t = pd.Series({"original": 0.5561, "repost": 0.1402, "reply": 0.3037})
    old = (
        f"{year}: the 100 largest posted {t['original']:.0%} own posts, {t['repost']:.0%} "
        f"reposts, {t['reply']:.0%} replies"
    )
    assert titles.title_post_mix(year, t, top=100) == old

    for we, wd in ((44.44, 17.0), (3.25, 17.04)):
        clock = {"weekend_km_median_hours": we, "weekday_km_median_hours": wd, "logrank_p": 0.0341}
        slower = clock["weekend_km_median_hours"] > clock["weekday_km_median_hours"]
        old = (
            f"{year}: weekend questions wait {'longer' if slower else 'less long'} "
            f"(median {clock['weekend_km_median_hours']:.1f} h vs {clock['weekday_km_median_hours']:.1f} h; "
            f"log-rank {format_p(clock['logrank_p'])})"
        )
        assert titles.title_response_km(year, we, wd, 0.0341) == old

    clock, last = {"km_within_2h": 0.1749}, 0.2351
    old = (
        f"{year}: {clock['km_within_2h']:.0%} of all questions answered within 2 hours (Kaplan-Meier), "
        f"{last:.0%} after a week or never"
    )
    assert titles.title_response_bands(year, clock["km_within_2h"], last) == old
    assert (
        titles.title_response_fastest(year, ["Goeree-Overflakkee", "Veere"])
        == f"{year}: Goeree-Overflakkee answers fastest, then Veere"
    )

    total = {"share_indirect": 0.0712, "share_addressed": 0.6549}
    # the former title named the platform by its key ("2014, twitter: ..."); now by its name
    old = (
        f"{year}, Twitter: {total['share_indirect']:.0%} of indirect messages get a reaction, "
        f"against {total['share_addressed']:.0%} of addressed ones"
    )
    assert (
        titles.title_monitoring_by_theme(year, "twitter", total["share_indirect"], total["share_addressed"])
        == old
    )


def test_english_survey_and_website_titles_equal_the_former_f_strings() -> None:
    year = 2014
    groups = [
        "communicatie",
        "college",
        "raad",
        "kcc",
        "griffie",
        "vakafdelingen",
        "directie",
        "middenmanagement",
    ]
    old = (
        f"{year}: most enthusiastic: {', '.join(viz.label(g, 'en') for g in groups[:4])};\n"
        f"least: {' and '.join(viz.label(g, 'en') for g in groups[-2:])}"
    )
    assert titles.title_survey_enthusiasm(year, groups) == old
    assert (
        titles.title_survey_ownership(year, 0.7012)
        == f"{year}: {0.7012:.0%} place responsibility for social media fully with communications"
    )
    a, b = "Lack of affinity", "Fear of extra workload"
    assert titles.title_survey_reasons(year, a, b) == f"{year}: {a} and {b.lower()} are named most"
    assert titles.title_survey_monitoring(year, True) == f"{year}: most judge their monitoring insufficient"
    assert (
        titles.title_survey_monitoring(year, False)
        == f"{year}: monitoring is not judged insufficient by a majority"
    )
    rates = pd.Series({"S": 0.45, "M": 0.55, "L": 0.71})
    assert (
        titles.title_survey_response_by_size(year, rates)
        == f"{year}: larger municipalities answered more often"
    )
    few = {"share_at_least": 0.0521, "min_services": 3, "mean": 1.0449}
    old = (
        f"{year}: {few['share_at_least']:.0%} of websites offer {few['min_services']} or more "
        f"of 5 e-services (mean {few['mean']:.1f})"
    )
    assert (
        titles.title_website_eservice_distribution(
            year, few["share_at_least"], few["min_services"], few["mean"]
        )
        == old
    )
    by_size = pd.DataFrame({"size_class": ["S", "M", "L"], "eservice_mean": [0.8149, 1.21, 1.96]})
    old = (
        f"{year}: e-services grow with size (mean "
        + ", ".join(f"{r.size_class} {r.eservice_mean:.1f}" for r in by_size.itertuples())
        + " of 5)"
    )
    means = dict(zip(by_size["size_class"], by_size["eservice_mean"], strict=True))
    assert titles.title_website_by_size_class(year, means) == old
    assert (
        titles.title_website_items(year, 2)
        == "2014: information items are common, e-services are not (2 rare, in orange)"
    )
    assert titles.title_website_trend(2013, 2014, 0.4) == "E-services grew between 2013 and 2014"


# --- Dutch: the same findings, Dutch words and numbers -------------------------------------------
def test_dutch_titles_word_for_word() -> None:
    on = {"twitter": {"count": 390, "share": 390 / 403}, "facebook": {"count": 302, "share": 302 / 403}}
    assert (
        titles.title_presence_by_platform(2014, 403, on, "nl")
        == "2014: 390 van 403 gemeenten op Twitter, 75% op Facebook"
    )
    assert (
        titles.title_presence_by_size_class(2014, "facebook", pd.Series({"S": 0.7331, "L": 0.8345}), "nl")
        == "2014: aanwezigheid op Facebook van 73% tot 83% over de grootteklassen (hoogst: groot)"
    )
    assert (
        titles.title_response_km(2014, 44.44, 17.0, 0.0341, "nl")
        == "2014: vragen in het weekend wachten langer (mediaan 44,4 uur tegen 17,0 uur; "
        "log-rank p = 0,034)"
    )
    assert (
        titles.title_response_bands(2014, 0.1749, 0.2351, "nl")
        == "2014: 17% van alle vragen binnen 2 uur beantwoord (Kaplan-Meier), 24% niet binnen een week"
    )
    assert (
        titles.title_website_eservice_distribution(2014, 0.0521, 3, 1.0449, "nl")
        == "2014: 5% van de websites biedt minstens 3 van de 5 e-diensten (gemiddeld 1,0)"
    )
    assert (
        titles.title_website_by_size_class(2014, {"S": 0.8149, "M": 1.21, "L": 1.96}, "nl")
        == "2014: e-diensten nemen toe met de grootte (gemiddeld klein 0,8, middel 1,2, groot 2,0 van 5)"
    )
    assert (
        titles.title_survey_enthusiasm(
            2014, ["communicatie", "college", "raad", "kcc", "directie", "middenmanagement"], "nl"
        )
        == "2014: meest enthousiast: Communicatie, College van B&W, Gemeenteraad, "
        "Klantcontactcentrum (KCC);\nminst: Directie en Middenmanagement"
    )
    assert (
        titles.title_survey_reasons(2014, "Gebrek aan affiniteit", "Angst voor extra werkdruk", "nl")
        == "2014: Gebrek aan affiniteit en angst voor extra werkdruk worden het vaakst genoemd"
    )
    assert (
        titles.title_monitoring_by_theme(2014, "twitter", 0.0712, 0.6549, "nl")
        == "2014, Twitter: 7% van de indirecte berichten krijgt een reactie, tegen 65% van de "
        "berichten aan de gemeente"
    )
    assert (
        titles.title_response_fastest(2014, ["Goeree-Overflakkee", "Veere"], "nl")
        == "2014: Goeree-Overflakkee antwoordt het snelst, daarna Veere"
    )


def test_direction_words_follow_the_data() -> None:
    assert "minder lang" in titles.title_response_km(2014, 3.2, 17.0, 0.5, "nl")
    assert "less long" in titles.title_response_km(2014, 3.2, 17.0, 0.5, "en")
    unknown = titles.title_response_km(2014, math.nan, 17.0, math.nan, "nl")
    assert (
        unknown
        == "2014: vragen in het weekend wachten minder lang (mediaan – tegen 17,0 uur; "
        "log-rank p niet berekend)"
    )
    falling = {"S": 2.0, "M": 1.5, "L": 1.0}
    assert "e-services fall with size" in titles.title_website_by_size_class(2015, falling)
    assert "e-diensten nemen af met de grootte" in titles.title_website_by_size_class(2015, falling, "nl")
    # listed L, S, M: the direction is read in size order S < M < L (1.0 < 1.5 < 2.0: rising)
    assert "grow with size" in titles.title_website_by_size_class(2015, {"L": 2.0, "S": 1.0, "M": 1.5})
    assert "do not grow steadily" in titles.title_website_by_size_class(2015, {"S": 1.0, "M": 2.0, "L": 1.5})
    assert "by size class (mean S 1.0 of 5)" in titles.title_website_by_size_class(2015, {"S": 1.0})
    assert (
        titles.title_website_trend(2013, 2014, -0.1, "nl") == "E-diensten namen niet toe tussen 2013 en 2014"
    )
    assert titles.title_survey_response_by_size(2014, {"S": 0.6, "L": 0.5}, "nl") == (
        "2014: respons naar grootteklasse"
    )
    assert titles.title_survey_response_by_size(2014, {"S": math.nan, "L": 0.5}) == (
        "2014: response by size class"
    )  # unknown small class: no claim
    assert titles.title_survey_monitoring(2014, False, "nl") == (
        "2014: geen meerderheid vindt de monitoring onvoldoende"
    )
    assert titles.title_response_fastest(2014, ["Veere"], "nl") == "2014: Veere antwoordt het snelst"


def _platform_table(rows: dict[str, tuple[float, float, float, float, float, float]]) -> pd.DataFrame:
    cols = [
        "interaction_share",
        "interaction_low",
        "interaction_high",
        "km_median_hours",
        "km_median_low",
        "km_median_high",
    ]
    return pd.DataFrame(
        [{"scope": "pooled", "platform": p, **dict(zip(cols, v, strict=True))} for p, v in rows.items()]
    )


def test_platform_title_in_both_languages_agrees_with_the_finding_module() -> None:
    clear = _platform_table(
        {"facebook": (0.37, 0.34, 0.40, 20.25, 18.0, 22.0), "twitter": (0.29, 0.27, 0.31, 21.94, 20.5, 23.5)}
    )
    en = titles.title_platform_comparison(2014, clear)
    assert en == platform_findings.figure_title(2014, clear)
    assert en == (
        "2014: more interaction on Facebook (Facebook 37%, Twitter 29%); no clear difference in "
        "reply time (Facebook 20.2 h, Twitter 21.9 h)"
    )
    assert titles.title_platform_comparison(2014, clear, "nl") == (
        "2014: meer interactie op Facebook (Facebook 37%, Twitter 29%); geen duidelijk verschil in "
        "reactietijd (Facebook 20,2 uur, Twitter 21,9 uur)"
    )
    one = clear[clear["platform"] == "twitter"]
    assert titles.title_platform_comparison(2014, one, "nl") == (
        "2014: alleen Twitter, niets om te vergelijken")
    assert titles.title_platform_comparison(2014, one) == platform_findings.figure_title(2014, one)


def test_every_dutch_title_is_free_of_english() -> None:
    table = _platform_table(
        {"facebook": (0.37, 0.34, 0.40, 20.3, 18.0, 22.0), "twitter": (0.29, 0.27, 0.31, 30.0, 28.0, 32.0)}
    )
    made = [
        titles.title_presence_by_platform(
            2014,
            403,
            {"twitter": {"count": 390, "share": 0.97}, "facebook": {"count": 302, "share": 0.75}},
            "nl",
        ),
        titles.title_presence_by_size_class(2014, "facebook", pd.Series({"S": 0.7, "L": 0.8}), "nl"),
        titles.title_interaction_ranking(2014, "Utrecht", 0.85, "nl"),
        titles.title_megaphone_distribution(2014, 0.31, "nl"),
        titles.title_post_mix(2014, {"original": 0.56, "repost": 0.14, "reply": 0.3}, lang="nl"),
        titles.title_response_km(2014, 44.4, 17.0, 1e-20, "nl"),
        titles.title_response_bands(2014, 0.17, 0.24, "nl"),
        titles.title_response_fastest(2014, ["Goeree-Overflakkee", "Veere"], "nl"),
        titles.title_response_fastest(2014, [], "nl"),
        titles.title_monitoring_by_theme(2014, "twitter", 0.07, 0.65, "nl"),
        titles.title_survey_enthusiasm(
            2014, ["communicatie", "raad", "kcc", "college", "directie", "middenmanagement"], "nl"
        ),
        titles.title_survey_ownership(2014, 0.7, "nl"),
        titles.title_survey_reasons(2014, "Gebrek aan affiniteit", "Angst voor extra werkdruk", "nl"),
        titles.title_survey_monitoring(2014, True, "nl"),
        titles.title_survey_response_by_size(2014, {"S": 0.4, "L": 0.7}, "nl"),
        titles.title_website_items(2014, 2, "nl"),
        titles.title_website_eservice_distribution(2014, 0.05, 3, 1.0, "nl"),
        titles.title_website_by_size_class(2014, {"S": 0.8, "M": 1.2, "L": 2.0}, "nl"),
        titles.title_website_trend(2013, 2014, 0.3, "nl"),
        titles.title_platform_comparison(2014, table, "nl"),
    ]
    assert len(made) == len(titles.__all__) + 1  # every title function, one of them twice
    for title in made:
        assert not english_words(title), title
        assert not re.search(r"\d\.\d(?!\d\d)", title), f"English decimal point in {title!r}"


def test_interval_notes_in_dutch() -> None:
    assert _interval_note("95% Wilson interval", "nl") == "95%-BI (Wilson)"
    assert _interval_note("Wilson 95% interval", "nl") == "95%-BI (Wilson)"
    assert _interval_note("90% CI", "nl") == "90%-BI"
    assert _interval_note("95%-BI (Wilson)", "nl") == "95%-BI (Wilson)"  # already Dutch
    assert _interval_note("95% Wilson interval", "en") == "95% Wilson interval"
