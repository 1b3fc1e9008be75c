"""One municipality against its peer groups (same size class, same province, all): its figures beside
the groups' medians and shares, the change since the previous year through the register, and the
peers' survey aggregates without its own answers.

Imports nothing from helpers.pipeline; from helpers.present nothing outside this package but
:mod:`helpers.present.texts` (the notes of :func:`previous_year_change` in the page's language).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.core import register
from helpers.present import texts
from helpers.present.profiles.keyfigures import COUNT_COLUMNS

#: Fewest respondents in a peer group before survey aggregates are shown.
MIN_SURVEY_PEERS = 5
#: The figures a profile compares with peers: column -> (label, unit, higher is better).
COMPARED = {
    "interaction_share": ("Interaction share (replies to others / own posts)", "proportion", True),
    "km_median": ("Median time to first reply (Kaplan-Meier)", "hours", False),
    "km_within_2h": ("Share of questions answered within 2 h", "proportion", True),
    "answer_rate": ("Answer rate of questions", "proportion", True),
    "indirect_reaction_share": ("Reaction to messages not addressed to it", "proportion", True),
    "info_score": ("Work & income information items (of 6)", "items", True),
    "eservice_score": ("Work & income e-services (of 5)", "e-services", True),
}


def peers(kf: pd.DataFrame, gm_code: str) -> dict[str, pd.DataFrame]:
    """The three peer groups of a municipality: same size class, same province, all.

    Raises
    ------
    KeyError
        When ``gm_code`` is not a municipality of the year.
    """
    me = kf.loc[kf["gm_code"] == gm_code]
    if me.empty:
        raise KeyError(f"{gm_code} is not a municipality of this year's results")
    row = me.iloc[0]
    groups = {}
    if pd.notna(row["size_class"]):
        groups[f"size class {row['size_class']}"] = kf[kf["size_class"] == row["size_class"]]
    groups[f"province {row['province']}"] = kf[kf["province"] == row["province"]]
    groups["all municipalities"] = kf
    return groups


def comparison(kf: pd.DataFrame, gm_code: str) -> pd.DataFrame:
    """The municipality's value of every compared figure beside each peer group's median.

    Returns
    -------
    DataFrame
        One row per figure and peer group: ``figure``, ``unit``, ``value`` (this municipality),
        ``peer_group``, ``peer_n`` (municipalities with a value), ``peer_median``, ``share_better``
        (share of the peers with a value strictly better than this one; NaN where it has none).
        Figures that no municipality has (source not collected) are left out.
    """
    me = kf.loc[kf["gm_code"] == gm_code].iloc[0]
    groups = peers(kf, gm_code)
    rows = []
    for col, (label, unit, higher) in COMPARED.items():
        if pd.to_numeric(kf[col], errors="coerce").isna().all():  # not collected (or no one has it)
            continue
        value = me[col]
        for group, frame in groups.items():
            vals = pd.to_numeric(frame[col], errors="coerce").dropna().astype(float)
            if pd.isna(value) or vals.empty:
                better = np.nan
            else:
                better = float(((vals > value) if higher else (vals < value)).mean())
            rows.append({
                "figure": label, "unit": unit,
                "value": float(value) if pd.notna(value) else np.nan,
                "peer_group": group, "peer_n": int(len(vals)),
                "peer_median": float(vals.median()) if len(vals) else np.nan,
                "share_better": better,
            })
    return pd.DataFrame(rows)


def presence_row(kf: pd.DataFrame, gm_code: str) -> pd.DataFrame:
    """Presence of the municipality per platform beside the share of each peer group (0-1).

    Platforms not collected for the year (NA presence) are left out; empty when none was.
    """
    rows = []
    groups = peers(kf, gm_code)
    me = kf.loc[kf["gm_code"] == gm_code].iloc[0]
    for platform in ("twitter", "facebook"):
        if kf[f"{platform}_account"].isna().all():  # not collected this year
            continue
        for measure in ("account", "corporate", "active"):
            col = f"{platform}_{measure}"
            row = {"platform": platform, "measure": measure, "this municipality": bool(me[col])}
            for group, frame in groups.items():
                row[group] = float(frame[col].mean())
            rows.append(row)
    return pd.DataFrame(rows)


def survey_peer_summary(
    responses: pd.DataFrame, kf: pd.DataFrame, gm_code: str, *, min_n: int = MIN_SURVEY_PEERS
) -> pd.DataFrame:
    """Survey aggregates of the municipality's size-class peers, leaving its own answers out.

    Returns
    -------
    DataFrame
        ``measure``, ``peer_group``, ``n`` (respondents), ``value``: the share placing responsibility
        fully with communications, and per organisational group the share rating it enthusiastic
        (4 or 5 on the 1-5 scale; the items are ordinal, so a share of the top two answers rather
        than a mean; don't-know left out of the base). Empty (with the columns) when fewer than
        ``min_n`` peers answered.
    """
    from helpers.analysis import survey

    cols = ["measure", "peer_group", "n", "value"]
    me = kf.loc[kf["gm_code"] == gm_code].iloc[0]
    group = (f"size class {me['size_class']}" if pd.notna(me["size_class"])
             else "all municipalities")
    if pd.notna(me["size_class"]):
        codes = set(kf.loc[kf["size_class"] == me["size_class"], "gm_code"])
    else:
        codes = set(kf["gm_code"])
    codes.discard(gm_code)
    peers_ = responses[responses["gm_code"].isin(codes)]
    if len(peers_) < min_n:
        return pd.DataFrame(columns=cols)
    rows = []
    own = peers_["ownership"]
    valid = own[own.isin(survey.OWNERSHIP)]
    rows.append({"measure": "responsibility fully with communications", "peer_group": group,
                 "n": int(len(valid)),
                 "value": float((valid == "fully_communications").mean()) if len(valid) else np.nan})
    for g, col in zip(survey.GROUPS, survey.ENTHUSIASM_COLS, strict=True):
        v = pd.to_numeric(peers_[col], errors="coerce")
        v = v[v.isin(survey.VALID)]
        rows.append({"measure": f"enthusiastic (4-5): {g}", "peer_group": group, "n": int(len(v)),
                     "value": float((v >= 4).mean()) if len(v) else np.nan})
    return pd.DataFrame(rows, columns=cols)


def own_survey_answers(responses: pd.DataFrame, gm_code: str) -> pd.DataFrame:
    """The municipality's own survey answers (internal use only; never in a default profile)."""
    return responses[responses["gm_code"] == gm_code].drop(columns=["respondent_id"])


def previous_year_change(
    kf: pd.DataFrame, previous: pd.DataFrame | None, gm_code: str, year: int, lang: str = "en"
) -> tuple[pd.DataFrame, str]:
    """Change of the count-based figures since the previous year, through the register.

    The previous year's counts are summed over the predecessors of ``gm_code`` (register
    :func:`~helpers.core.register.harmonize`), and the shares recomputed from the sums.

    Returns
    -------
    (DataFrame, str)
        ``figure`` (English: :func:`helpers.present.profiles.change_table` gives it in words),
        ``previous``, ``this_year``, ``change``; and a note in ``lang`` naming the predecessors
        when the municipality was formed by a merger (or when the previous year was not run).
    """
    cols = ["figure", "previous", "this_year", "change"]

    def note_of(key: str, **fields: object) -> str:
        return texts.text("profile", key, lang, previous=year - 1, **fields)

    if previous is None or previous.empty:
        return pd.DataFrame(columns=cols), note_of("no_previous")
    prev = previous[["gm_code", *COUNT_COLUMNS]].copy()
    try:
        harm = register.harmonize(prev, year, how="sum").set_index("gm_code")
    except KeyError as exc:
        return pd.DataFrame(columns=cols), note_of("cannot_map", year=year, error=exc)
    if gm_code not in harm.index:
        return pd.DataFrame(columns=cols), note_of("no_predecessor", gm_code=gm_code)
    p = harm.loc[gm_code]
    me = kf.loc[kf["gm_code"] == gm_code].iloc[0]

    def ratio(row: pd.Series, num: str, den: str) -> float:
        return float(row[num] / row[den]) if row[den] else np.nan

    figures = {
        "Twitter posts": (float(p["posts"]), float(me["posts"])),
        "Interaction share": (ratio(p, "reply_others", "base"), ratio(me, "reply_others", "base")),
        "Questions asked": (float(p["n_questions"]), float(me["n_questions"])),
        "Answer rate": (ratio(p, "n_answered", "n_questions"), ratio(me, "n_answered", "n_questions")),
    }
    table = pd.DataFrame(
        [{"figure": k, "previous": a, "this_year": b, "change": b - a} for k, (a, b) in figures.items()],
        columns=cols,
    )
    preds = str(p["predecessors"]).split(";")
    if len(preds) > 1 or preds[0] != gm_code:
        note = note_of("merged_note", gm_code=gm_code, predecessors=", ".join(preds))
        if bool(p["split"]):
            note += texts.text("profile", "split_note", lang)
    else:
        note = note_of("same_note", gm_code=gm_code)
    return table, note
