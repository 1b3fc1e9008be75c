"""Figure titles (helpers.present.titles) and every other text of a figure, in English and Dutch.

The English titles must equal what the notebooks built inline before (the reference expressions
below are those notebook f-strings, kept verbatim), so the English figures stay byte-identical.
The Dutch titles are checked word for word on hand-made statistics, with Dutch numbers (decimal
comma, "uur"), and their direction words must follow the data. Then every figure kind is drawn the
way the notebooks call it, in Dutch, and all its visible texts (title, axis labels, ticks, legend,
annotations, the demo mark) are searched for English.
"""

from __future__ import annotations

import math
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from _english import english_words
from test_figure_labels import check_reader_labels

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
    assert titles.title_platform_comparison(2014, one, "nl") == "2014: alleen Twitter, niets te vergelijken"
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


# --- Dutch figures: no English in any text a reader sees -----------------------------------------
#: English words that may be left in a figure label but are not in :data:`_english.ENGLISH`.
MORE_ENGLISH = {
    "interval",
    "time",
    "first",
    "size",
    "class",
    "rate",
    "inhabitants",
    "offered",
    "band",
    "kind",
    "own",
    "posts",
    "largest",
    "unanswered",
    "respondents",
    "reason",
    "naming",
    "presence",
    "information",
    "order",
    "least",
    "asked",
    "pooled",
    "data",
}


def _all_texts(fig: plt.Figure) -> list[str]:
    """Every text drawn on ``fig``: titles, axis labels, tick labels, legends, annotations, marks."""
    fig.canvas.draw()
    out = [t.get_text() for t in fig.texts]
    out += [fig.get_suptitle(), fig.get_supxlabel(), fig.get_supylabel()]
    legends = list(fig.legends)
    for ax in fig.axes:
        out += [ax.get_title(loc=loc) for loc in ("left", "center", "right")]
        out += [ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        out += [t.get_text() for t in ax.texts]
        out += [ax.xaxis.get_offset_text().get_text(), ax.yaxis.get_offset_text().get_text()]
        legends += [ax.get_legend()] if ax.get_legend() else []
    for legend in legends:
        out += [t.get_text() for t in legend.get_texts()] + [legend.get_title().get_text()]
    return [" ".join(t.split()) for t in out if t and t.strip()]


def _english_in(fig: plt.Figure, allowed: tuple[str, ...] = ()) -> list[str]:
    found = []
    for text in _all_texts(fig):
        clean = text
        for phrase in allowed:
            clean = clean.replace(phrase, " ")
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", clean)}
        if english_words(clean) or words & MORE_ENGLISH or re.search(r"\d\.\d(?!\d\d)", clean):
            found.append(text)
    return found


def _figures_nl() -> dict[str, plt.Figure]:
    """The figures as the notebooks draw them (their English axis phrases included), in Dutch."""
    lang, level = "nl", "95%"
    shares = pd.DataFrame(
        {
            "platform": ["twitter", "twitter", "twitter", "facebook", "facebook", "facebook"],
            "measure": ["has_account", "has_corporate", "active"] * 2,
            "share": [0.97, 0.9, 0.9, 0.75, 0.7, 0.6],
            "ci_low": [0.95, 0.87, 0.87, 0.7, 0.65, 0.55],
            "ci_high": [0.98, 0.92, 0.92, 0.79, 0.74, 0.65],
        }
    )
    acc = pd.DataFrame(
        {
            "size_class": ["S", "M", "L"] * 2,
            "platform": ["twitter"] * 3 + ["facebook"] * 3,
            "share": [0.95, 0.97, 1.0, 0.73, 0.8, 0.83],
            "ci_low": [0.9, 0.9, 0.9, 0.6, 0.7, 0.7],
            "ci_high": [0.98, 0.99, 1.0, 0.8, 0.9, 0.9],
        }
    )
    ranked = pd.DataFrame(
        {
            "name": ["Utrecht", "Veere", "Sluis"],
            "interaction_share": [0.85, 0.5, 0.3],
            "ci_low": [0.8, 0.4, 0.2],
            "ci_high": [0.9, 0.6, 0.4],
            "base": [191, 40, 35],
            "megaphone_share": [0.15, 0.5, 0.7],
        }
    )
    mix = pd.DataFrame(
        {
            "kind": ["original", "repost", "reply"] * 2,
            "share": [0.6, 0.15, 0.25, 0.55, 0.15, 0.3],
            "ci_low": [0.58, 0.13, 0.23, 0.52, 0.12, 0.27],
            "ci_high": [0.62, 0.17, 0.27, 0.58, 0.18, 0.33],
            "group": ["all"] * 3 + ["top100"] * 3,
        }
    )
    rng = np.random.default_rng(1)
    km = {
        k: pd.DataFrame({"time": np.r_[0, np.sort(rng.exponential(20, 50))], "surv": np.linspace(1, 0.2, 51)})
        for k in ("weekday", "weekend")
    }
    bands = pd.DataFrame(
        {
            "band": ["<1h", "1-2h", "2-4h", "4-8h", "8-24h", "1-2d", "2-7d", ">7d/unanswered"],
            "km_share": [0.1, 0.07, 0.1, 0.1, 0.2, 0.1, 0.09, 0.24],
        }
    )
    fast = pd.DataFrame(
        {
            "name": ["Goeree-Overflakkee", "Veere", "Utrecht"],
            "km_median": [0.4, 0.6, 3.5],
            "ci_low": [0.2, 0.3, 2.0],
            "ci_high": [0.9, np.nan, 5.0],
            "n_questions": [25, 30, 120],
        }
    )
    long = pd.DataFrame(
        {
            "theme": [viz.label("all_themes", lang), "afval", "werk_inkomen"] * 2,
            "share": [0.6, 0.7, 0.9, 0.07, 0.05, 0.04],
            "ci_low": [0.58, 0.64, 0.82, 0.05, 0.02, 0.01],
            "ci_high": [0.62, 0.75, 0.94, 0.09, 0.09, 0.12],
            "group": ["addressed"] * 3 + ["indirect"] * 3,
        }
    )
    scale = ["Zeer onenthousiast", "Onenthousiast", "Neutraal", "Enthousiast", "Zeer enthousiast"]
    likert = pd.DataFrame(
        [[0.05, 0.1, 0.2, 0.4, 0.25], [0.2, 0.3, 0.2, 0.2, 0.1]],
        index=["communicatie", "middenmanagement"],
        columns=scale,
    )
    own = pd.DataFrame(
        {
            "answer": ["Volledig bij communicatie", "Verspreid over de afdelingen"],
            "share": [0.7, 0.3],
            "ci_low": [0.63, 0.24],
            "ci_high": [0.76, 0.37],
            "n": [206, 206],
        }
    )
    nr = pd.DataFrame(
        {
            "size_class": ["S", "M", "L"],
            "response_rate": [0.45, 0.55, 0.71],
            "ci_low": [0.4, 0.45, 0.6],
            "ci_high": [0.5, 0.65, 0.8],
        }
    )
    items = pd.DataFrame(
        {
            "label": ["Bijstand: hoe aan te vragen", "E-dienst: schuldhulp aanvragen"],
            "share": [0.9, 0.1],
            "ci_low": [0.87, 0.07],
            "ci_high": [0.93, 0.13],
            "n": [403, 403],
        }
    )
    dist = pd.DataFrame({"eservice_score": ["0", "1", "2", "3"], "share": [0.3, 0.4, 0.25, 0.05]})
    web = pd.DataFrame(
        {
            "size_class": ["S", "M", "L"] * 2,
            "measure": ["info_in_order"] * 3 + ["any_eservice"] * 3,
            "share": [0.78, 0.8, 0.85, 0.5, 0.6, 0.7],
            "ci_low": [0.7, 0.7, 0.7, 0.4, 0.5, 0.6],
            "ci_high": [0.85, 0.9, 0.95, 0.6, 0.7, 0.8],
        }
    )
    trend = pd.DataFrame(
        {
            "year": [2013, 2014] * 2,
            "item": ["info_in_order"] * 2 + ["any_eservice"] * 2,
            "share": [0.78, 0.8, 0.5, 0.62],
            "ci_low": [0.74, 0.76, 0.45, 0.57],
            "ci_high": [0.82, 0.84, 0.55, 0.67],
        }
    )
    return {
        "presence_by_platform": viz.presence_bars(
            shares,
            title=titles.title_presence_by_platform(
                2014,
                403,
                {"twitter": {"count": 390, "share": 0.97}, "facebook": {"count": 302, "share": 0.75}},
                lang,
            ),
            lang=lang,
        ),
        "presence_by_size_class": viz.grouped_bars(
            acc,
            x="size_class",
            y="share",
            hue="platform",
            low="ci_low",
            high="ci_high",
            title=titles.title_presence_by_size_class(
                2014, "facebook", acc["share"][3:].set_axis(["S", "M", "L"]), lang
            ),
            xlabel=viz.label("size_class", lang),
            ylabel=viz.label("share_municipalities", lang),
            lang=lang,
            percent=True,
        ),
        "interaction_ranking": viz.ranked_bars(
            ranked,
            label="name",
            value="interaction_share",
            low="ci_low",
            high="ci_high",
            n="base",
            highlight=["Utrecht"],
            percent=True,
            title=titles.title_interaction_ranking(2014, "Utrecht", 0.85, lang),
            xlabel=viz.label("interaction_share", lang),
            lang=lang,
        ),
        "megaphone_distribution": viz.distribution(
            ranked["megaphone_share"],
            bins=5,
            ref=0.69,
            ref_label="pooled",
            title=titles.title_megaphone_distribution(2014, 0.31, lang),
            xlabel=viz.label("megaphone_share", lang),
            lang=lang,
        ),
        "post_mix_top100": viz.grouped_bars(
            mix,
            x="kind",
            y="share",
            hue="group",
            low="ci_low",
            high="ci_high",
            title=titles.title_post_mix(2014, {"original": 0.55, "repost": 0.15, "reply": 0.3}, lang=lang),
            xlabel=viz.label("kind", lang),
            ylabel=viz.label("share", lang),
            lang=lang,
            percent=True,
        ),
        "response_km": viz.km_curves(
            km,
            title=titles.title_response_km(2014, 44.4, 17.0, 1e-20, lang),
            xlabel=viz.label("response_time", lang),
            lang=lang,
        ),
        "response_bands": viz.grouped_bars(
            bands,
            x="band",
            y="km_share",
            title=titles.title_response_bands(2014, 0.17, 0.24, lang),
            xlabel=viz.label("response_band", lang),
            ylabel=viz.label("share", lang),
            lang=lang,
            percent=True,
        ),
        "response_fastest": viz.ranked_bars(
            fast,
            label="name",
            value="km_median",
            low="ci_low",
            high="ci_high",
            n="n_questions",
            title=titles.title_response_fastest(2014, ["Goeree-Overflakkee", "Veere"], lang),
            xlabel=viz.label("response_time", lang),
            highlight=["Goeree-Overflakkee", "Veere"],
            lang=lang,
            ascending=True,
        ),
        "monitoring_by_theme": viz.grouped_bars(
            long,
            x="theme",
            y="share",
            hue="group",
            low="ci_low",
            high="ci_high",
            title=titles.title_monitoring_by_theme(2014, "twitter", 0.07, 0.65, lang),
            xlabel=viz.label("theme", lang),
            ylabel=viz.label("share", lang),
            lang=lang,
            percent=True,
        ),
        "survey_enthusiasm": viz.likert_diverging(
            likert,
            title=titles.title_survey_enthusiasm(2014, list(likert.index), lang, most=1, least=1),
            neutral=scale[2],
            negative=scale[:2],
            positive=scale[:2:-1],
            n=pd.Series([204, 188], index=likert.index),
            lang=lang,
        ),
        "survey_ownership": viz.ranked_bars(
            own,
            label="answer",
            value="share",
            low="ci_low",
            high="ci_high",
            n="n",
            percent=True,
            title=titles.title_survey_ownership(2014, 0.7, lang),
            xlabel=f"Share of valid answers ({level} Wilson interval)",
            lang=lang,
        ),
        "survey_reasons": viz.ranked_bars(
            own,
            label="answer",
            value="share",
            low="ci_low",
            high="ci_high",
            n="n",
            percent=True,
            title=titles.title_survey_reasons(2014, "Gebrek aan affiniteit", "Angst voor werkdruk", lang),
            xlabel=f"Share of respondents naming the reason ({level} Wilson interval)",
            lang=lang,
        ),
        "survey_response_by_size": viz.grouped_bars(
            nr,
            x="size_class",
            y="response_rate",
            low="ci_low",
            high="ci_high",
            percent=True,
            lang=lang,
            title=titles.title_survey_response_by_size(
                2014, nr.set_index("size_class")["response_rate"], lang
            ),
            xlabel=viz.label("size_class_bounds", lang),
            ylabel=f"Response rate ({level} Wilson interval)",
        ),
        "website_items": viz.ranked_bars(
            items,
            label="label",
            value="share",
            low="ci_low",
            high="ci_high",
            n="n",
            percent=True,
            highlight=["E-dienst: schuldhulp aanvragen"],
            title=titles.title_website_items(2014, 1, lang),
            xlabel="Share of websites (%, Wilson 95% interval)",
            lang=lang,
        ),
        "website_eservice_distribution": viz.grouped_bars(
            dist,
            x="eservice_score",
            y="share",
            percent=True,
            title=titles.title_website_eservice_distribution(2014, 0.05, 3, 1.04, lang),
            xlabel=viz.label("eservices_offered", lang),
            ylabel=viz.label("share_websites", lang),
            lang=lang,
        ),
        "website_by_size_class": viz.grouped_bars(
            web,
            x="size_class",
            y="share",
            hue="measure",
            low="ci_low",
            high="ci_high",
            percent=True,
            title=titles.title_website_by_size_class(2014, {"S": 0.8, "M": 1.2, "L": 2.0}, lang),
            xlabel=viz.label("size_class_inhabitants", lang),
            ylabel="Share of websites (%, Wilson 95%)",
            lang=lang,
        ),
        "website_trend": viz.line_trend(
            trend,
            x="year",
            y="share",
            hue="item",
            low="ci_low",
            high="ci_high",
            title=titles.title_website_trend(2013, 2014, 0.3, lang),
            xlabel=viz.label("year", lang),
            ylabel="Share of websites (%, Wilson 95%)",
            lang=lang,
        ),
    }


def test_dutch_figures_carry_no_english() -> None:
    figures = _figures_nl()
    assert len(figures) == 17
    for name, fig in figures.items():
        viz.mark_demo(fig, "nl")
        check_reader_labels(fig)
        assert _english_in(fig) == [], name
        assert "DEMODATA (synthetisch)" in _all_texts(fig), name


def test_dutch_figures_name_quantities_and_intervals_in_dutch() -> None:
    figures = _figures_nl()
    texts = {name: _all_texts(fig) for name, fig in figures.items()}
    assert "Respons (%)" in texts["survey_response_by_size"]
    assert "95%-BI (Wilson)" in texts["survey_response_by_size"]
    assert "Grootteklasse (inwoners)" in texts["survey_response_by_size"]
    assert "Aandeel respondenten dat de reden noemt (%)" in texts["survey_reasons"]
    assert "Aandeel websites (%)" in texts["website_items"] and "95%-BI (Wilson)" in texts["website_items"]
    assert "Tijd tot eerste antwoord (klasse)" in texts["response_bands"]
    assert "> 7 dagen/onbeantwoord" in texts["response_bands"]
    assert "Alle thema's" in texts["monitoring_by_theme"]
    # hours on a plain number axis: Dutch decimal comma on the ticks
    fig = viz.ranked_bars(
        pd.DataFrame({"name": ["A", "B"], "v": [0.4, 1.3]}),
        label="name",
        value="v",
        title="t",
        xlabel=viz.label("response_time", "nl"),
        lang="nl",
    )
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert "0,2" in ticks and not any("." in t for t in ticks), ticks


def test_english_figures_keep_their_tick_numbers_and_notes() -> None:
    fig = viz.ranked_bars(
        pd.DataFrame({"name": ["A", "B"], "v": [0.4, 1.3]}),
        label="name",
        value="v",
        title="t",
        xlabel="Hours",
    )
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert "0.2" in ticks and not any("," in t for t in ticks), ticks
    nl = viz.small_multiples(
        pd.DataFrame({"year": [2013, 2014], "measure": ["m", "m"], "value": [23.0, 21.5]}),
        x="year",
        y="value",
        facet="measure",
        title="t",
        xlabel="Jaar",
        ylabel="Uren",
        lang="nl",
    )
    assert [t.get_text() for t in nl.axes[0].texts] == ["23", "21,5"]
