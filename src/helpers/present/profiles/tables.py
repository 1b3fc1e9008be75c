"""The profile page's text for readers: heading, sources, summary lines, the website checklist, and
the comparison, presence, change and survey tables with shares as percentages of their base.

Imports nothing from helpers.pipeline.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from helpers.present import language, texts
from helpers.present.profiles.peers import COMPARED, MIN_SURVEY_PEERS, comparison, peers, presence_row
from helpers.present.profiles.picture import METHODS_LINK


def _t(key: str, lang: str, **fields: object) -> str:
    """The profile page's text ``key`` in ``lang`` (``texts/profile.yaml``)."""
    return texts.text("profile", key, lang, **fields)


def page_text(key: str, lang: str = "en") -> str:
    """A fixed text of the profile page (``texts/profile.yaml``) as Markdown: a heading with its
    one-line explanation, if any (``page_text("h_checklist", "nl")`` = ``"### Website: checklist
    werk & inkomen"``), or a sentence such as ``"not_audited"``. The survey's heading names the
    smallest group shown (:data:`MIN_SURVEY_PEERS`).

    Raises
    ------
    KeyError
        For a key the catalog does not have.
    """
    return _t(key, lang, min_peers=MIN_SURVEY_PEERS) if key == "h_survey" else _t(key, lang)


def intro_markdown(lang: str = "en") -> str:
    """The page's first lines: what a profile shows, and the link to the method."""
    return _t("intro", lang, methods=METHODS_LINK)


def reading_markdown(demo: bool, lang: str = "en") -> str:
    """The closing note on reading ranks of small bases (and that demo numbers are synthetic)."""
    return _t("reading", lang, methods=METHODS_LINK) + (_t("reading_demo", lang) if demo else "")


def not_collected_markdown(year: int, sources: tuple[str, ...] | list[str], lang: str = "en") -> str:
    """A profile section's line when its source was not collected for ``year``."""
    from helpers.core.records import source_label

    names = ", ".join(source_label(s, lang) for s in sources)
    return _t("not_collected", lang, year=year, names=names)


def sources_markdown(year: int, collected: tuple[str, ...] | list[str], lang: str = "en") -> str:
    """One line naming the sources a profile's year collected and those of the study it did not."""
    from helpers.core.records import source_label
    from helpers.present.report import not_collected

    have = ", ".join(source_label(s, lang) for s in collected) or "-"
    missing = ", ".join(source_label(s, lang) for s in not_collected(collected))
    return (_t("sources", lang, year=year, have=have)
            + (_t("sources_missing", lang, missing=missing) if missing else ""))


def _missing(value: object) -> bool:
    return value is None or bool(pd.isna(value))


def _share(value: object, lang: str) -> str:
    """A proportion (0-1) as a whole percentage in ``lang``: ``"20%"``."""
    return language.percent(value, 0, lang)


def _whole(value: object, lang: str) -> str:
    """A whole number in ``lang``; English without a thousands separator, as the summary always wrote
    it (``"1234 posts"``), Dutch with the thousands dot (``"1.234 berichten"``)."""
    return str(int(value)) if lang == "en" else language.count(value, lang)


def _ci(low: object, high: object, lang: str, *, as_percent: bool) -> str:
    """A 95% interval: ``"95% CI 15%-25%"``, ``"95% CI 10.1-14.0 h"`` (en); ``"95%-BI 15-25%"``,
    ``"95%-BI 10,1-14,0 uur"`` (nl). An infinite upper bound of hours (the Kaplan-Meier curve
    never falls far enough before the window ends) is said in words: ``"95% CI from 5.0 h, no upper
    bound"``."""
    if not as_percent and math.isinf(float(high)):
        return _t("ci_open", lang, low=_hours(low, lang))
    if lang == "en":
        if as_percent:
            return f"95% CI {_share(low, lang)}-{_share(high, lang)}"
        return f"95% CI {float(low):.1f}-{float(high):.1f} h"
    if as_percent:
        return language.interval(low, high, 0, lang)
    return language.interval(low, high, 1, lang, as_percent=False) + " uur"


def _rank(value: object, n: int, lang: str = "en") -> str:
    if _missing(value):
        return _t("not_ranked", lang)
    return _t("rank", lang, rank=int(value), n=n)


def title_markdown(kf: pd.DataFrame, gm_code: str, year: int, lang: str = "en") -> str:
    """The profile's heading: name, code, year, province, size class and inhabitants."""
    me = kf.set_index("gm_code").loc[gm_code]
    from helpers.present.viz import label

    size = (_t("size_class", lang, size=label(me["size_class"], lang).lower())
            if pd.notna(me["size_class"]) else _t("no_size_class", lang))
    pop = (_t("inhabitants", lang, n=language.count(me["population"], lang))
           if pd.notna(me["population"]) else _t("population_unknown", lang))
    return _t("title", lang, name=me["name"], gm_code=gm_code, year=year, province=me["province"],
              size=size, population=pop)


def summary_markdown(kf: pd.DataFrame, gm_code: str, lang: str = "en") -> str:
    """Interaction and response time of one municipality, with intervals and ranks, as Markdown.

    Shares are percentages with their base; a figure that could not be measured says why
    ("not measured: no citizen questions in the window") instead of showing "n/a". Numbers are
    written for ``lang`` (:mod:`helpers.present.language`: ``22,5 uur`` in Dutch).
    """
    me = kf.set_index("gm_code").loc[gm_code]
    n_inter = int(kf["interaction_rank"].notna().sum())
    n_speed = int(kf["speed_rank"].notna().sum())
    share = me["interaction_share"]
    base = _whole(me["base"], lang)
    if pd.isna(share):
        inter = _t("interaction_not_measured", lang)
        megaphone = None
    else:
        inter = _t("interaction", lang, share=_share(share, lang), base=base,
                   interval=_ci(me["interaction_low"], me["interaction_high"], lang, as_percent=True),
                   rank=_rank(me["interaction_rank"], n_inter, lang))
        megaphone = _t("megaphone", lang, share=_share(1 - share, lang), base=base)
    n_q, n_a = int(me["n_questions"]), int(me["n_answered"])
    if n_q == 0:
        reply = _t("reply_not_measured", lang)
    else:
        if pd.isna(me["km_median"]):
            median = _t("median_not_measured", lang)
        elif pd.notna(me["km_low"]) and pd.notna(me["km_high"]):
            median = _t("median", lang, hours=_hours(me["km_median"], lang),
                        interval=_ci(me["km_low"], me["km_high"], lang, as_percent=False))
        else:
            median = _t("median_no_interval", lang, hours=_hours(me["km_median"], lang))
        shown_n = _whole(n_q, lang)
        within = ("" if _missing(me["km_within_2h"])
                  else _t("within_2h", lang, share=_share(me["km_within_2h"], lang), n=shown_n))
        reply = _t("replies", lang, n=shown_n, answered=_whole(n_a, lang), rate=_share(n_a / n_q, lang),
                   median=median, within=within, rank=_rank(me["speed_rank"], n_speed, lang))
    return "\n".join(x for x in (inter, megaphone, reply) if x)


def _hours(value: object, lang: str) -> str:
    """Hours with one decimal: ``"22.5 h"`` (en, no thousands separator as before), ``"22,5 uur"`` (nl)."""
    return f"{float(value):.1f} h" if lang == "en" else language.hours(value, 1, lang)


def _pct(value: object, base: object | None = None, lang: str = "en") -> str:
    """``"20% (of 50)"``; ``"not measured"`` for NA."""
    if _missing(value):
        return _t("not_measured", lang)
    shown = _share(value, lang)
    return (_t("of_base", lang, value=shown, base=_whole(base, lang))
            if base is not None and pd.notna(base) else shown)


def _num(value: object, unit: str = "", lang: str = "en") -> str:
    if _missing(value):
        return _t("not_measured", lang)
    v = float(value)
    text = language.number(v, 0 if v.is_integer() else 1, lang)
    return f"{text} {unit}".strip()


def _group_label(group: str, lang: str = "en") -> str:
    """A peer group of :func:`peers` for readers: ``"size class S"`` -> ``"size class small (< 50,000)"``
    (``"grootteklasse klein (< 50.000)"`` in Dutch)."""
    from helpers.present.viz import label

    if group.startswith("size class "):
        return _t("group_size_class", lang, size=label(group.removeprefix("size class "), lang).lower())
    if group.startswith("province "):
        return _t("group_province", lang, province=group.removeprefix("province "))
    if group == "all municipalities":
        return _t("group_all", lang)
    return group


def _capital(text: str) -> str:
    return f"{text[:1].upper()}{text[1:]}"


#: The label of a compared figure (:data:`COMPARED`) -> its key.
_FIGURE_KEYS = {label: key for key, (label, _, _) in COMPARED.items()}


def comparison_table(kf: pd.DataFrame, gm_code: str, lang: str = "en") -> pd.DataFrame:
    """:func:`comparison` for readers: one row per figure, this municipality and each group's median.

    Shares are percentages; each median column names its group and how many municipalities have a
    value (``"Median, province Utrecht (n = 26)"`` would differ per figure, so ``n`` is given per cell).
    Headers, figures and numbers in ``lang``.
    """
    comp = comparison(kf, gm_code)
    if comp.empty:
        return pd.DataFrame()
    hours = language.pick(lang, "h", "uur")
    rows = []
    for figure, part in comp.groupby("figure", sort=False):
        unit = part["unit"].iloc[0]
        show = ((lambda v: _pct(v, lang=lang)) if unit == "proportion"
                else (lambda v, u=unit: _num(v, hours if u == "hours" else "", lang)))
        key = _FIGURE_KEYS.get(str(figure))
        row = {_t("col_key_figure", lang): _t(f"figure_{key}", lang) if key else figure,
               _t("col_this", lang): show(part["value"].iloc[0])}
        for r in part.itertuples(index=False):
            row[_t("col_median", lang, group=_group_label(r.peer_group, lang))] = _t(
                "with_n", lang, value=show(r.peer_median), n=_whole(r.peer_n, lang))
        rows.append(row)
    return pd.DataFrame(rows)


def presence_table(kf: pd.DataFrame, gm_code: str, lang: str = "en") -> pd.DataFrame:
    """:func:`presence_row` for readers: yes/no for this municipality, percentages of each group with
    the group's size; in ``lang``."""
    from helpers.present.viz import label

    pres = presence_row(kf, gm_code)
    if pres.empty:
        return pres
    sizes = {g: len(f) for g, f in peers(kf, gm_code).items()}
    measures = {m: _t(f"presence_{m}", lang) for m in ("account", "corporate", "active")}
    out = pd.DataFrame({
        _t("col_platform", lang): pres["platform"].map(lambda p: label(p, lang)) + ": "
        + pres["measure"].map(measures),
        _t("col_this", lang): pres["this municipality"].map({True: _t("yes", lang),
                                                             False: _t("no", lang)}),
    })
    for g, n in sizes.items():
        header = _t("col_group_n", lang, group=_capital(_group_label(g, lang)), n=_whole(n, lang))
        out[header] = pres[g].map(lambda v: _share(v, lang))
    return out


def _signed(value: float, digits: int, lang: str) -> str:
    """A change with its sign: ``"+25"``, ``"-1,056"`` (en), ``"-1.056"`` (nl)."""
    sign = "-" if value < 0 else "+"
    return sign + language.number(abs(value), digits, lang)


#: The figures of :func:`previous_year_change` -> their text keys; the shares among them.
_CHANGE_KEYS = {"Twitter posts": "change_posts", "Interaction share": "change_interaction_share",
                "Questions asked": "change_questions", "Answer rate": "change_answer_rate"}
_CHANGE_SHARES = {"Interaction share", "Answer rate"}


def change_table(change: pd.DataFrame, year: int, lang: str = "en") -> pd.DataFrame:
    """:func:`previous_year_change` for readers: counts as whole numbers, shares as percentages,
    the change of a share in percentage points; in ``lang``."""
    rows = []
    for r in change.itertuples(index=False):
        if r.figure in _CHANGE_SHARES:
            prev, now = _pct(r.previous, lang=lang), _pct(r.this_year, lang=lang)
            diff = ("" if pd.isna(r.change)
                    else _t("percentage_points", lang, change=_signed(100 * r.change, 0, lang)))
        else:
            prev, now = _num(r.previous, lang=lang), _num(r.this_year, lang=lang)
            diff = "" if pd.isna(r.change) else _signed(r.change, 0, lang)
        key = _CHANGE_KEYS.get(str(r.figure))
        rows.append({_t("col_figure", lang): _t(key, lang) if key else r.figure, str(year - 1): prev,
                     str(year): now, _t("col_change", lang): diff})
    return pd.DataFrame(rows)


def survey_table(summary: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """:func:`survey_peer_summary` for readers: every share as a percentage of its base, groups by
    their names; in ``lang``."""
    from helpers.present import viz

    rows = []
    for r in summary.itertuples(index=False):
        value = _t("survey_no_valid", lang) if pd.isna(r.value) else _pct(r.value, r.n, lang)
        measure = str(r.measure)
        if measure.startswith("enthusiastic (4-5): "):
            group = measure.split(": ", 1)[1]
            measure = _t("survey_enthusiastic", lang, group=viz.label(group, lang))
        elif measure == "responsibility fully with communications":
            measure = _t("survey_ownership", lang)
        rows.append({_t("col_measure", lang): _capital(measure),
                     _t("col_peer_group", lang): _group_label(r.peer_group, lang),
                     _t("col_peers_answer", lang): value})
    return pd.DataFrame(rows)


def checklist_markdown(gaps: pd.DataFrame, lang: str = "en") -> str:
    """The website checklist (:func:`helpers.analysis.websites.municipality_gaps`) as a readable list.

    What is present in one line, then every missing item with the action in words.
    """
    present = gaps[gaps["present"].astype(bool)]
    missing = gaps[~gaps["present"].astype(bool)]
    nl = lang == "nl"
    lines = [f"**{'Aanwezig' if nl else 'Present'} ({len(present)} {'van' if nl else 'of'} {len(gaps)}):** "
             + (", ".join(present["label"]) if len(present) else ("geen" if nl else "none")) + "."]
    if len(missing):
        lines.append("")
        lines.append(f"**{'Ontbreekt' if nl else 'Missing'} ({len(missing)}):**")
        lines.append("")
        for r in missing.itertuples(index=False):
            action = str(r.action).strip() if r.action else ""
            lines.append(f"- **{r.label}**" + (f" — {action}" if action else ""))
    else:
        lines.append("")
        lines.append("Alle onderdelen zijn aanwezig." if nl else "Every item is present.")
    return "\n".join(lines)


#: A cell that holds a number written as text: an optional sign, then a digit ("20%", "1,020 h",
#: "26% (n = 7)", "+25 percentage points", "-56").
_NUMBER_TEXT = re.compile(r"^[+\-\u2212]?\d")
#: Cells that stand for a number that is missing: they belong to a column of numbers.
_NOT_MEASURED = ("not measured", "niet gemeten")


def number_columns(df: pd.DataFrame) -> list[str]:
    """The columns of a reader table that hold numbers, also when written as text.

    A column holds numbers when every cell that is not empty starts with a number (optional sign,
    then a digit) or says the value was not measured, and at least one cell is not empty; so the
    column of this municipality's values stays right-aligned on a profile where nothing was
    measured. Names, yes/no and other words make a text column.

    Returns
    -------
    list of str
        The column labels, in the table's order.
    """
    found = []
    for col in df.columns:
        cells = [str(v) for v in df[col] if not (v is None or (not isinstance(v, str) and pd.isna(v)))]
        cells = [c for c in cells if c.strip()]
        if cells and all(_NUMBER_TEXT.match(c) or c.startswith(_NOT_MEASURED) for c in cells):
            found.append(col)
    return found


def show_table(df: pd.DataFrame):  # noqa: ANN201
    """A profile table for the page (:func:`helpers.present.report.show_table`): text columns
    left-aligned, columns of numbers right-aligned, also those written as text (:func:`number_columns`).
    """
    from helpers.present.report import show_table as show

    return show(df, right=number_columns(df))
