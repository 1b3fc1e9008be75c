"""The profile page's text for readers: heading, sources, summary lines, the website checklist, and
the comparison, presence, change and survey tables with shares as percentages of their base.

Imports nothing from helpers.pipeline.
"""

from __future__ import annotations

import re

import pandas as pd

from helpers.present.profiles.peers import comparison, peers, presence_row


def not_collected_markdown(year: int, sources: tuple[str, ...] | list[str], lang: str = "en") -> str:
    """A profile section's line when its source was not collected for ``year``."""
    from helpers.core.records import source_label

    names = ", ".join(source_label(s, lang) for s in sources)
    if lang == "nl":
        return f"_Niet verzameld voor {year}: {names}._"
    return f"_Not collected for {year}: {names}._"


def sources_markdown(year: int, collected: tuple[str, ...] | list[str], lang: str = "en") -> str:
    """One line naming the sources a profile's year collected and those of the study it did not."""
    from helpers.core.records import source_label
    from helpers.present.report import not_collected

    have = ", ".join(source_label(s, lang) for s in collected) or "-"
    missing = ", ".join(source_label(s, lang) for s in not_collected(collected))
    if lang == "nl":
        return f"Bronnen voor {year}: {have}." + (f" Niet verzameld: {missing}." if missing else "")
    return f"Sources for {year}: {have}." + (f" Not collected: {missing}." if missing else "")


def _fmt(value: object, spec: str) -> str:
    return "n/a" if value is None or pd.isna(value) else format(value, spec)


def _rank(value: object, n: int) -> str:
    if value is None or pd.isna(value):
        return "not ranked (too few posts or questions)"
    return f"{int(value)} of {n}"


def title_markdown(kf: pd.DataFrame, gm_code: str, year: int) -> str:
    """The profile's heading: name, code, year, province, size class and inhabitants."""
    me = kf.set_index("gm_code").loc[gm_code]
    from helpers.present.viz import label

    size = (f"size class {label(me['size_class']).lower()}" if pd.notna(me["size_class"])
            else "no size class")
    pop = (f"{int(me['population']):,} inhabitants" if pd.notna(me["population"])
           else "population unknown")
    return f"## {me['name']} ({gm_code}), {year}\n\n{me['province']}, {size}, {pop}."


def summary_markdown(kf: pd.DataFrame, gm_code: str) -> str:
    """Interaction and response time of one municipality, with intervals and ranks, as Markdown.

    Shares are percentages with their base; a figure that could not be measured says why
    ("not measured: no citizen questions in the window") instead of showing "n/a".
    """
    me = kf.set_index("gm_code").loc[gm_code]
    n_inter = int(kf["interaction_rank"].notna().sum())
    n_speed = int(kf["speed_rank"].notna().sum())
    share = me["interaction_share"]
    base = int(me["base"])
    if pd.isna(share):
        inter = ("- Interaction share not measured: no replies or own posts on Twitter in the window.")
        megaphone = None
    else:
        inter = (f"- Interaction share **{share:.0%}** of {base} posts (95% CI "
                 f"{_fmt(me['interaction_low'], '.0%')}-{_fmt(me['interaction_high'], '.0%')}); rank "
                 f"{_rank(me['interaction_rank'], n_inter)}.")
        megaphone = f"- Megaphone share (roeptoetergehalte) {1 - share:.0%} of {base} posts."
    n_q, n_a = int(me["n_questions"]), int(me["n_answered"])
    if n_q == 0:
        reply = "- Response time not measured: no citizen questions to it in the window."
    else:
        if pd.isna(me["km_median"]):
            median = ("median time to first reply not measured: fewer than half of the questions "
                      "were answered before the end of the window")
        else:
            median = (f"median time to first reply **{me['km_median']:.1f} h** (95% CI "
                      f"{_fmt(me['km_low'], '.1f')}-{_fmt(me['km_high'], '.1f')} h)"
                      if pd.notna(me["km_low"]) and pd.notna(me["km_high"])
                      else f"median time to first reply **{me['km_median']:.1f} h** (no interval: "
                           "too few answers)")
        within = _fmt(me["km_within_2h"], ".0%")
        reply = (f"- {n_q} citizen questions, {n_a} answered in the window "
                 f"({n_a / n_q:.0%} of {n_q}); {median}; "
                 + (f"{within} of {n_q} answered within 2 h; " if within != "n/a" else "")
                 + f"speed rank {_rank(me['speed_rank'], n_speed)}.")
    return "\n".join(x for x in (inter, megaphone, reply) if x)


def _pct(value: object, base: object | None = None) -> str:
    """``"20% (of 50)"``; ``"not measured"`` for NA."""
    if value is None or pd.isna(value):
        return "not measured"
    return f"{float(value):.0%}" + (f" (of {int(base)})" if base is not None and pd.notna(base) else "")


def _num(value: object, unit: str = "") -> str:
    if value is None or pd.isna(value):
        return "not measured"
    v = float(value)
    text = f"{v:,.0f}" if v.is_integer() else f"{v:,.1f}"
    return f"{text} {unit}".strip()


def _group_label(group: str) -> str:
    """A peer group of :func:`peers` for readers: ``"size class S"`` -> ``"size class small (< 50,000)"``."""
    from helpers.present.viz import label

    if group.startswith("size class "):
        return "size class " + label(group.removeprefix("size class ")).lower()
    return group


def comparison_table(kf: pd.DataFrame, gm_code: str) -> pd.DataFrame:
    """:func:`comparison` for readers: one row per figure, this municipality and each group's median.

    Shares are percentages; each median column names its group and how many municipalities have a
    value (``"Median, province Utrecht (n = 26)"`` would differ per figure, so ``n`` is given per cell).
    """
    comp = comparison(kf, gm_code)
    if comp.empty:
        return pd.DataFrame()
    rows = []
    for figure, part in comp.groupby("figure", sort=False):
        unit = part["unit"].iloc[0]
        show = ((lambda v: _pct(v)) if unit == "proportion"
                else (lambda v, u=unit: _num(v, "h" if u == "hours" else "")))
        row = {"Key figure": figure, "This municipality": show(part["value"].iloc[0])}
        for r in part.itertuples(index=False):
            row[f"Median, {_group_label(r.peer_group)}"] = f"{show(r.peer_median)} (n = {r.peer_n})"
        rows.append(row)
    return pd.DataFrame(rows)


def presence_table(kf: pd.DataFrame, gm_code: str) -> pd.DataFrame:
    """:func:`presence_row` for readers: yes/no for this municipality, percentages of each group with
    the group's size."""
    pres = presence_row(kf, gm_code)
    if pres.empty:
        return pres
    sizes = {g: len(f) for g, f in peers(kf, gm_code).items()}
    measures = {"account": "has an account", "corporate": "has a corporate account",
                "active": "active (posted in the window)"}
    out = pd.DataFrame({
        "Platform": pres["platform"].str.capitalize() + ": " + pres["measure"].map(measures),
        "This municipality": pres["this municipality"].map({True: "yes", False: "no"}),
    })
    for g, n in sizes.items():
        text = _group_label(g)
        out[f"{text[:1].upper()}{text[1:]} (n = {n})"] = pres[g].map(lambda v: f"{v:.0%}")
    return out


def change_table(change: pd.DataFrame, year: int) -> pd.DataFrame:
    """:func:`previous_year_change` for readers: counts as whole numbers, shares as percentages,
    the change of a share in percentage points."""
    shares = {"Interaction share", "Answer rate"}
    rows = []
    for r in change.itertuples(index=False):
        if r.figure in shares:
            prev, now = _pct(r.previous), _pct(r.this_year)
            diff = "" if pd.isna(r.change) else f"{100 * r.change:+.0f} percentage points"
        else:
            prev, now = _num(r.previous), _num(r.this_year)
            diff = "" if pd.isna(r.change) else f"{r.change:+,.0f}"
        rows.append({"Figure": r.figure, str(year - 1): prev, str(year): now, "Change": diff})
    return pd.DataFrame(rows)


def survey_table(summary: pd.DataFrame) -> pd.DataFrame:
    """:func:`survey_peer_summary` for readers: every share as a percentage of its base, groups by
    their names."""
    from helpers.present import viz

    rows = []
    for r in summary.itertuples(index=False):
        value = "not measured: no valid answers" if pd.isna(r.value) else _pct(r.value, r.n)
        measure = str(r.measure)
        if measure.startswith("enthusiastic (4-5): "):
            group = measure.split(": ", 1)[1]
            measure = f"Rates {viz.label(group, 'en')} enthusiastic (4-5 of 5)"
        rows.append({"Measure": measure[:1].upper() + measure[1:], "Peer group": _group_label(r.peer_group),
                     "Peers' answer": value})
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
