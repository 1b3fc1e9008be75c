"""Every figure of the year notebooks drawn in Dutch: no English in any text a reader sees.

Each figure is drawn the way its notebook calls it (the English axis phrases the notebooks still
pass, such as ``"Share of websites (%, Wilson 95%)"``, included), with its title from
:mod:`helpers.present.titles`, then every text on it is collected with matplotlib (titles, axis
labels, tick labels, legend texts and titles, annotations, the demo mark) and searched for English
words and English decimal points. Axis tick numbers of plain number axes get a decimal comma.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from _english import english_words
from test_figure_labels import check_reader_labels

from helpers.present import titles, viz

NL = "nl"
LEVEL = "95%"


@pytest.fixture(autouse=True)
def _theme_and_close():
    viz.set_theme()
    yield
    plt.close("all")


#: English words a figure label could keep that :data:`_english.ENGLISH` does not list.
MORE_ENGLISH = {"interval", "time", "first", "size", "class", "rate", "inhabitants", "offered", "band",
                "own", "posts", "largest", "unanswered", "respondents", "reason", "naming",
                "presence", "information", "order", "asked", "pooled", "data", "themes", "theme"}
#: A decimal point between digits that is not a Dutch thousands dot (``21.5`` but not ``50.000``).
DECIMAL_POINT = re.compile(r"\d\.\d(?!\d\d)")


def all_texts(fig: plt.Figure) -> list[str]:
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


def english_in(fig: plt.Figure) -> list[str]:
    """The texts of ``fig`` that hold an English word or an English decimal point."""
    found = []
    for text in all_texts(fig):
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
        if english_words(text) or words & MORE_ENGLISH or DECIMAL_POINT.search(text):
            found.append(text)
    return found


def _frame(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


# --- the figures, as the notebooks call them, in Dutch --------------------------------------------
def presence_by_platform() -> plt.Figure:
    shares = _frame(platform=["twitter"] * 3 + ["facebook"] * 3,
                    measure=["has_account", "has_corporate", "active"] * 2,
                    share=[0.97, 0.9, 0.9, 0.75, 0.7, 0.6], ci_low=[0.95, 0.87, 0.87, 0.7, 0.65, 0.55],
                    ci_high=[0.98, 0.92, 0.92, 0.79, 0.74, 0.65])
    on = {"twitter": {"count": 390, "share": 0.97}, "facebook": {"count": 302, "share": 0.75}}
    return viz.presence_bars(shares, title=titles.title_presence_by_platform(2014, 403, on, NL), lang=NL)


def presence_by_size_class() -> plt.Figure:
    acc = _frame(size_class=["S", "M", "L"] * 2, platform=["twitter"] * 3 + ["facebook"] * 3,
                 share=[0.95, 0.97, 1.0, 0.73, 0.8, 0.83], ci_low=[0.9, 0.9, 0.9, 0.6, 0.7, 0.7],
                 ci_high=[0.98, 0.99, 1.0, 0.8, 0.9, 0.9])
    fb = acc[acc["platform"] == "facebook"].set_index("size_class")["share"]
    return viz.grouped_bars(acc, x="size_class", y="share", hue="platform", low="ci_low", high="ci_high",
                            title=titles.title_presence_by_size_class(2014, "facebook", fb, NL),
                            xlabel=viz.label("size_class", NL),
                            ylabel=viz.label("share_municipalities", NL), lang=NL, percent=True)


RANKED = _frame(name=["Utrecht", "Veere", "Sluis"], interaction_share=[0.85, 0.5, 0.3],
                ci_low=[0.8, 0.4, 0.2], ci_high=[0.9, 0.6, 0.4], base=[191, 40, 35],
                megaphone_share=[0.15, 0.5, 0.7])


def interaction_ranking() -> plt.Figure:
    return viz.ranked_bars(RANKED, label="name", value="interaction_share", low="ci_low", high="ci_high",
                           n="base", highlight=["Utrecht"], percent=True,
                           title=titles.title_interaction_ranking(2014, "Utrecht", 0.85, NL),
                           xlabel=viz.label("interaction_share", NL), lang=NL)


def megaphone_distribution() -> plt.Figure:
    return viz.distribution(RANKED["megaphone_share"], bins=5, ref=0.69, ref_label="pooled",
                            title=titles.title_megaphone_distribution(2014, 0.31, NL),
                            xlabel=viz.label("megaphone_share", NL), lang=NL)


def post_mix_top100() -> plt.Figure:
    mix = _frame(kind=["original", "repost", "reply"] * 2, share=[0.6, 0.15, 0.25, 0.55, 0.15, 0.3],
                 ci_low=[0.58, 0.13, 0.23, 0.52, 0.12, 0.27], ci_high=[0.62, 0.17, 0.27, 0.58, 0.18, 0.33],
                 group=["all"] * 3 + ["top100"] * 3)
    shares = {"original": 0.55, "repost": 0.15, "reply": 0.3}
    return viz.grouped_bars(mix, x="kind", y="share", hue="group", low="ci_low", high="ci_high",
                            title=titles.title_post_mix(2014, shares, top=100, lang=NL),
                            xlabel=viz.label("kind", NL), ylabel=viz.label("share", NL), lang=NL,
                            percent=True)


def response_km() -> plt.Figure:
    rng = np.random.default_rng(1)
    curves = {k: _frame(time=np.r_[0, np.sort(rng.exponential(20, 50))], surv=np.linspace(1, 0.2, 51))
              for k in ("weekday", "weekend")}
    return viz.km_curves(curves, title=titles.title_response_km(2014, 44.4, 17.0, 1e-20, NL),
                         xlabel=viz.label("response_time", NL), lang=NL)


def response_bands() -> plt.Figure:
    bands = _frame(band=["<1h", "1-2h", "2-4h", "4-8h", "8-24h", "1-2d", "2-7d", ">7d/unanswered"],
                   km_share=[0.1, 0.07, 0.1, 0.1, 0.2, 0.1, 0.09, 0.24])
    return viz.grouped_bars(bands, x="band", y="km_share",
                            title=titles.title_response_bands(2014, 0.17, 0.24, NL),
                            xlabel=viz.label("response_band", NL), ylabel=viz.label("share", NL), lang=NL,
                            percent=True)


def response_fastest() -> plt.Figure:
    fast = _frame(name=["Goeree-Overflakkee", "Veere", "Utrecht"], km_median=[0.4, 0.6, 3.5],
                  ci_low=[0.2, 0.3, 2.0], ci_high=[0.9, np.nan, 5.0], n_questions=[25, 30, 120])
    return viz.ranked_bars(fast, label="name", value="km_median", low="ci_low", high="ci_high",
                           n="n_questions", ascending=True, highlight=["Goeree-Overflakkee", "Veere"],
                           title=titles.title_response_fastest(2014, ["Goeree-Overflakkee", "Veere"], NL),
                           xlabel=viz.label("response_time", NL), lang=NL)


def monitoring_by_theme() -> plt.Figure:
    long = _frame(theme=["all", "afval", "werk_inkomen"] * 2, share=[0.6, 0.7, 0.9, 0.07, 0.05, 0.04],
                  ci_low=[0.58, 0.64, 0.82, 0.05, 0.02, 0.01], ci_high=[0.62, 0.75, 0.94, 0.09, 0.09, 0.12],
                  group=["addressed"] * 3 + ["indirect"] * 3)
    long["theme"] = long["theme"].replace({"all": viz.label("all_themes", NL)})
    return viz.grouped_bars(long, x="theme", y="share", hue="group", low="ci_low", high="ci_high",
                            title=titles.title_monitoring_by_theme(2014, "twitter", 0.07, 0.65, NL),
                            xlabel=viz.label("theme", NL), ylabel=viz.label("share", NL), lang=NL,
                            percent=True)


def survey_enthusiasm() -> plt.Figure:
    scale = ["Zeer onenthousiast", "Onenthousiast", "Neutraal", "Enthousiast", "Zeer enthousiast"]
    groups = ["communicatie", "kcc", "middenmanagement"]
    shares = pd.DataFrame([[0.05, 0.1, 0.2, 0.4, 0.25], [0.1, 0.1, 0.3, 0.3, 0.2], [0.2, 0.3, 0.2, 0.2, 0.1]],
                          index=groups, columns=scale)
    title = titles.title_survey_enthusiasm(2014, groups, NL, most=2, least=1)
    return viz.likert_diverging(shares, title=title, neutral=scale[2], negative=scale[:2],
                                positive=[scale[4], scale[3]],
                                n=pd.Series([204, 190, 188], index=groups), lang=NL)


OWN = _frame(answer=["Volledig bij communicatie", "Verspreid over de afdelingen"], share=[0.7, 0.3],
             ci_low=[0.63, 0.24], ci_high=[0.76, 0.37], n=[206, 206])


def survey_ownership() -> plt.Figure:
    return viz.ranked_bars(OWN, label="answer", value="share", low="ci_low", high="ci_high", n="n",
                           percent=True, title=titles.title_survey_ownership(2014, 0.7, NL),
                           xlabel=f"Share of valid answers ({LEVEL} Wilson interval)", lang=NL)


def survey_reasons() -> plt.Figure:
    return viz.ranked_bars(OWN, label="answer", value="share", low="ci_low", high="ci_high", n="n",
                           percent=True,
                           title=titles.title_survey_reasons(2014, "Gebrek aan affiniteit",
                                                             "Angst voor werkdruk", NL),
                           xlabel=f"Share of respondents naming the reason ({LEVEL} Wilson interval)",
                           lang=NL)


def survey_response_by_size() -> plt.Figure:
    nr = _frame(size_class=["S", "M", "L"], response_rate=[0.45, 0.55, 0.71], ci_low=[0.4, 0.45, 0.6],
                ci_high=[0.5, 0.65, 0.8])
    return viz.grouped_bars(nr, x="size_class", y="response_rate", low="ci_low", high="ci_high",
                            percent=True, lang=NL,
                            title=titles.title_survey_response_by_size(
                                2014, nr.set_index("size_class")["response_rate"], NL),
                            xlabel=viz.label("size_class_bounds", NL),
                            ylabel=f"Response rate ({LEVEL} Wilson interval)")


def website_items() -> plt.Figure:
    items = _frame(label=["Bijstand: hoe aan te vragen", "E-dienst: schuldhulp aanvragen"],
                   share=[0.9, 0.1], ci_low=[0.87, 0.07], ci_high=[0.93, 0.13], n=[403, 403])
    return viz.ranked_bars(items, label="label", value="share", low="ci_low", high="ci_high", n="n",
                           percent=True, highlight=["E-dienst: schuldhulp aanvragen"],
                           title=titles.title_website_items(2014, 1, NL),
                           xlabel="Share of websites (%, Wilson 95% interval)", lang=NL)


def website_eservice_distribution() -> plt.Figure:
    dist = _frame(eservice_score=["0", "1", "2", "3"], share=[0.3, 0.4, 0.25, 0.05])
    return viz.grouped_bars(dist, x="eservice_score", y="share", percent=True,
                            title=titles.title_website_eservice_distribution(2014, 0.05, 3, 1.04, NL),
                            xlabel=viz.label("eservices_offered", NL),
                            ylabel=viz.label("share_websites", NL), lang=NL)


def website_by_size_class() -> plt.Figure:
    long = _frame(size_class=["S", "M", "L"] * 2, measure=["info_in_order"] * 3 + ["any_eservice"] * 3,
                  share=[0.78, 0.8, 0.85, 0.5, 0.6, 0.7], ci_low=[0.7, 0.7, 0.7, 0.4, 0.5, 0.6],
                  ci_high=[0.85, 0.9, 0.95, 0.6, 0.7, 0.8])
    return viz.grouped_bars(long, x="size_class", y="share", hue="measure", low="ci_low", high="ci_high",
                            percent=True,
                            title=titles.title_website_by_size_class(2014, {"S": 0.8, "L": 2.0}, NL),
                            xlabel=viz.label("size_class_inhabitants", NL),
                            ylabel="Share of websites (%, Wilson 95%)", lang=NL)


def website_trend() -> plt.Figure:
    trend = _frame(year=[2013, 2014] * 2, item=["info_in_order"] * 2 + ["any_eservice"] * 2,
                   share=[0.78, 0.8, 0.5, 0.62], ci_low=[0.74, 0.76, 0.45, 0.57],
                   ci_high=[0.82, 0.84, 0.55, 0.67])
    return viz.line_trend(trend, x="year", y="share", hue="item", low="ci_low", high="ci_high",
                          title=titles.title_website_trend(2013, 2014, 0.3, NL), xlabel=viz.label("year", NL),
                          ylabel="Share of websites (%, Wilson 95%)", lang=NL)


def platform_comparison() -> plt.Figure:
    from helpers.present import platform_figures

    cols = ["interaction_share", "interaction_low", "interaction_high", "km_median_hours", "km_median_low",
            "km_median_high"]
    pooled = {"twitter": (0.29, 0.27, 0.31, 2.5, 2.0, 3.0), "facebook": (0.37, 0.34, 0.4, 1.5, 1.0, 2.0)}
    table = pd.DataFrame([{"scope": "pooled", "platform": p, "gm_code": None, "base": 100,
                           "n_municipalities": 10, "interaction_ranked": False, "response_ranked": False,
                           **dict(zip(cols, v, strict=True))} for p, v in pooled.items()])
    return platform_figures.platform_comparison(
        table, title=titles.title_platform_comparison(2014, table, NL), lang=NL)


FIGURES: dict[str, Callable[[], plt.Figure]] = {f.__name__: f for f in (
    presence_by_platform, presence_by_size_class, interaction_ranking, megaphone_distribution,
    post_mix_top100, response_km, response_bands, response_fastest, monitoring_by_theme,
    survey_enthusiasm, survey_ownership, survey_reasons, survey_response_by_size, website_items,
    website_eservice_distribution, website_by_size_class, website_trend, platform_comparison)}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_a_dutch_figure_has_no_english_text(name: str) -> None:
    fig = FIGURES[name]()
    viz.mark_demo(fig, NL)
    check_reader_labels(fig)
    texts = all_texts(fig)
    assert english_in(fig) == []
    assert "DEMODATA (synthetisch)" in texts


def test_the_check_finds_english_left_in_a_figure() -> None:
    fig = viz.grouped_bars(_frame(band=["<1h", "unanswered"], share=[0.4, 0.6]), x="band", y="share",
                           title="2014: 40% of questions answered", xlabel="Time to first reply (band)",
                           ylabel="Share (%)", lang="en")
    assert english_in(fig) == ["2014: 40% of questions answered", "Time to first reply (band)",
                               "Share (%)", "unanswered"]
    hours = viz.ranked_bars(_frame(name=["A", "B"], v=[0.4, 1.3]), label="name", value="v", title="t",
                            xlabel="Uren", lang="en")
    assert any(DECIMAL_POINT.search(t) for t in english_in(hours))  # "0.2" on the English axis


def test_dutch_figures_name_quantities_and_intervals_in_dutch() -> None:
    texts = {name: all_texts(build()) for name, build in FIGURES.items()}
    assert {"Respons (%)", "95%-BI (Wilson)", "Grootteklasse (inwoners)"} <= set(
        texts["survey_response_by_size"])
    assert "Aandeel respondenten dat de reden noemt (%)" in texts["survey_reasons"]
    assert {"Aandeel websites (%)", "95%-BI (Wilson)"} <= set(texts["website_items"])
    assert {"Tijd tot eerste antwoord (klasse)", "> 7 dagen/ onbeantwoord", "< 1 uur"} <= set(
        texts["response_bands"])
    assert "Alle thema's" in texts["monitoring_by_theme"]
    assert texts["platform_comparison"][0].startswith("2014: meer interactie op Facebook")


def test_plain_number_ticks_get_a_decimal_comma_in_dutch_only() -> None:
    def ticks(lang: str) -> list[str]:
        fig = viz.ranked_bars(_frame(name=["A", "B"], v=[0.4, 1.3]), label="name", value="v", title="t",
                              xlabel=viz.label("response_time", lang), lang=lang)
        fig.canvas.draw()
        return [t.get_text() for t in fig.axes[0].get_xticklabels()]

    assert "0,2" in ticks("nl") and not any("." in t for t in ticks("nl"))
    assert "0.2" in ticks("en") and not any("," in t for t in ticks("en"))
    multiples = viz.small_multiples(_frame(year=[2013, 2014], measure=["m", "m"], value=[23.0, 21.5]),
                                    x="year", y="value", facet="measure", title="t", xlabel="Jaar",
                                    ylabel="Uren", lang="nl")
    assert [t.get_text() for t in multiples.axes[0].texts] == ["23", "21,5"]
