"""Municipality profiles: one municipality's key figures against its peers.

A profile compares one municipality with three peer groups — the same size class, the same province,
and all municipalities of the year — on presence, interaction, response time, monitoring and the
website audit, and shows the change since the previous year through the register (a merged
municipality is compared with the sum of its predecessors).

:func:`key_figures` computes every municipality's figures once per year; the profile notebook only
selects from that table, so rendering 403 profiles does not recompute the year 403 times.

Survey answers are confidential per municipality: :func:`survey_peer_summary` gives aggregates of the
peer group *without* the municipality itself, and suppresses groups of fewer than
:data:`MIN_SURVEY_PEERS` respondents.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers.analysis import metrics, responsetime
from helpers.core import io, register
from helpers.core.records import PROVENANCE
from helpers.core.window import Window

#: Key figures written beside the profiles (``outputs/<year>/profiles/key_figures.parquet``).
KEY_FIGURES = "key_figures.parquet"
#: Fewest respondents in a peer group before survey aggregates are shown.
MIN_SURVEY_PEERS = 5
#: Minimum questions for a response-time rank (as in the ranking of the fastest).
MIN_QUESTIONS = 20
#: Count columns that can be summed over predecessors when comparing with a previous year.
COUNT_COLUMNS = ("posts", "reply_others", "base", "n_questions", "n_answered", "n_indirect",
                 "reacted_indirect")
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


def _window(folder: Path, year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    import json

    prov_path = folder / "data" / PROVENANCE
    prov = json.loads(prov_path.read_text(encoding="utf-8")) if prov_path.is_file() else {}
    window = prov.get("window")
    return (Window.parse(window) if window else Window.of_year(year)).bounds()


def _optional(name: str, folder: Path) -> pd.DataFrame | None:
    return io.read_table(name, folder) if io.table_path(folder, name).is_file() else None


def _table_or_empty(name: str, folder: Path) -> pd.DataFrame:
    """A tidy table of the year, or an empty one with the schema's columns and types."""
    from helpers.core.schemas import schema

    found = _optional(name, folder)
    if found is not None:
        return found
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in schema(name).columns})
    return io.validate(empty, name, file=io.table_path(folder, name))


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


def key_figures(folder: Path, year: int) -> pd.DataFrame:
    """Every municipality's key figures of one year, from the tidy tables in a year folder.

    Returns
    -------
    DataFrame
        One row per municipality of the year's ``municipalities`` table: ``gm_code``, ``name``,
        ``province``, ``size_class``, ``population``; presence per platform (``twitter_account``,
        ``twitter_corporate``, ``twitter_active``, same for ``facebook``); Twitter posts:
        ``posts``, ``reply_others``, ``base``, ``interaction_share`` (+ Wilson ``interaction_low``,
        ``interaction_high``), ``interaction_rank`` (1 = highest, among bases >= 30); response
        time to Twitter questions: ``n_questions``, ``n_answered``, ``answer_rate``, ``km_median``
        (+ ``km_low``, ``km_high``, hours), ``km_within_2h``, ``speed_rank`` (1 = fastest, among
        >= 20 questions); monitoring: ``n_indirect``, ``reacted_indirect``,
        ``indirect_reaction_share``; website: ``info_score``, ``info_in_order``, ``eservice_score``
        (NA where not audited). A platform that was not collected has NA presence (not False);
        without Twitter the counts are 0 and the shares, medians and ranks NA.
    """
    from helpers.core.records import collected_sources

    folder = Path(folder)
    munis = io.read_table("municipalities", folder)
    accounts = _table_or_empty("accounts", folder)  # empty when no social platform was collected
    posts = _table_or_empty("posts", folder)
    msgs = _table_or_empty("citizen_messages", folder)
    collected = collected_sources(folder)
    window = _window(folder, year)
    codes = munis["gm_code"].astype(str).tolist()
    out = munis[["gm_code", "name", "province", "size_class", "population"]].set_index("gm_code")

    pres = metrics.presence(munis, accounts, posts, platforms=("twitter", "facebook"), window=window)
    for platform in ("twitter", "facebook"):
        p = pres[pres["platform"] == platform].set_index("gm_code")
        out[f"{platform}_account"] = p["has_account"].astype(bool)
        out[f"{platform}_corporate"] = p["has_corporate"].astype(bool)
        out[f"{platform}_active"] = p["active"].astype(bool)
        if platform not in collected:  # not measured: NA, not False
            for measure in ("account", "corporate", "active"):
                out[f"{platform}_{measure}"] = pd.array([pd.NA] * len(out), dtype="boolean")

    inter = metrics.interaction(posts, platform="twitter", labels=codes)
    out["posts"] = inter["total"]
    out["reply_others"] = inter["reply_others"]
    out["base"] = inter["base"]
    out["interaction_share"] = inter["interaction_share"]
    out["interaction_low"], out["interaction_high"] = inter["ci_low"], inter["ci_high"]
    # the one interaction ranking (metrics.ranking), as in the tables, figures and report
    ranking = metrics.ranking(inter, min_base=metrics.MIN_INTERACTION_BASE)
    out["interaction_rank"] = ranking["rank"].reindex(out.index).astype("Int64")

    q = responsetime.questions(msgs, window, platform="twitter")
    rt = responsetime.by_municipality(q).reindex(codes)
    out["n_questions"] = rt["n_questions"].fillna(0).astype(int)
    out["n_answered"] = rt["n_answered"].fillna(0).astype(int)
    out["answer_rate"] = rt["answer_rate"]
    out["km_median"], out["km_low"], out["km_high"] = rt["km_median"], rt["ci_low"], rt["ci_high"]
    out["km_within_2h"] = rt["km_within_2h"]
    # the one speed ranking (responsetime.fastest), as in the tables, figures and report
    fast = responsetime.fastest(rt, min_questions=MIN_QUESTIONS)
    out["speed_rank"] = fast["rank"].reindex(out.index).astype("Int64")

    indirect = msgs[~msgs["addressed"].astype(bool)]
    n_ind = indirect.groupby("gm_code").size().reindex(codes, fill_value=0)
    r_ind = indirect[indirect["first_reply_post_id"].notna()].groupby("gm_code").size()
    out["n_indirect"] = n_ind
    out["reacted_indirect"] = r_ind.reindex(codes, fill_value=0)
    out["indirect_reaction_share"] = (out["reacted_indirect"] / n_ind.where(n_ind > 0)).astype(float)
    if "twitter" not in collected:  # counts stay 0 (nothing collected); ranks and shares are NA
        out[["interaction_rank", "speed_rank"]] = pd.NA

    audit = _optional("website_audit", folder)
    if audit is not None:
        a = audit.set_index("gm_code")
        out["info_score"] = a["info_score"].reindex(out.index).astype("Int64")
        out["info_in_order"] = a["info_in_order"].reindex(out.index).astype("boolean")
        out["eservice_score"] = a["eservice_score"].reindex(out.index).astype("Int64")
    else:
        out["info_score"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["info_in_order"] = pd.array([pd.NA] * len(out), dtype="boolean")
        out["eservice_score"] = pd.array([pd.NA] * len(out), dtype="Int64")
    return out.reset_index()


def load_key_figures(folder: Path, year: int, path: str | Path = "") -> pd.DataFrame:
    """The year's key figures: read from ``path`` (precomputed by ``roeptoeter profiles``), else
    from ``<folder>/profiles/key_figures.parquet``, else computed from the tidy tables."""
    from helpers.core.paths import inside_project

    candidate = inside_project(path, what="key_figures") if path else Path(folder) / "profiles" / KEY_FIGURES
    if candidate.is_file():
        return pd.read_parquet(candidate)
    return key_figures(folder, year)


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
    rows = []
    for col, (label, unit, higher) in COMPARED.items():
        if pd.to_numeric(kf[col], errors="coerce").isna().all():  # not collected (or no one has it)
            continue
        value = me[col]
        for group, frame in peers(kf, gm_code).items():
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
    kf: pd.DataFrame, previous: pd.DataFrame | None, gm_code: str, year: int
) -> tuple[pd.DataFrame, str]:
    """Change of the count-based figures since the previous year, through the register.

    The previous year's counts are summed over the predecessors of ``gm_code`` (register
    :func:`~helpers.core.register.harmonize`), and the shares recomputed from the sums.

    Returns
    -------
    (DataFrame, str)
        ``figure``, ``previous``, ``this_year``, ``change``; and a note naming the predecessors when
        the municipality was formed by a merger (or when the previous year was not run).
    """
    cols = ["figure", "previous", "this_year", "change"]
    if previous is None or previous.empty:
        return pd.DataFrame(columns=cols), f"No results for {year - 1}: no comparison."
    prev = previous[["gm_code", *COUNT_COLUMNS]].copy()
    try:
        harm = register.harmonize(prev, year, how="sum").set_index("gm_code")
    except KeyError as exc:
        return pd.DataFrame(columns=cols), f"Cannot map {year - 1} onto {year}: {exc}"
    if gm_code not in harm.index:
        return pd.DataFrame(columns=cols), f"{gm_code} has no predecessor in the {year - 1} results."
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
        note = (f"{gm_code} did not exist as such in {year - 1}: compared with the sum of its "
                f"predecessors {', '.join(preds)}.")
        if bool(p["split"]):
            note += " One predecessor was split over several municipalities; the sum overstates it."
    else:
        note = f"Compared with {gm_code} in {year - 1}."
    return table, note


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


def harmonized_key_figures(outputs: Path, years: list[int], to_year: int) -> pd.DataFrame:
    """Every year's per-municipality figures on the register of ``to_year``.

    Counts (posts, replies, bases, questions, answers) are summed over the predecessors of each
    municipality of ``to_year`` and the shares recomputed from the sums; website scores are the mean
    over the predecessors audited. A value whose predecessor chain passes through a split is flagged
    (``split``), not divided.

    Returns
    -------
    DataFrame
        ``year``, ``gm_code`` (of ``to_year``), ``n_predecessors``, ``predecessors``, ``split``, the
        :data:`COUNT_COLUMNS`, ``interaction_share``, ``answer_rate``, ``info_score``,
        ``eservice_score`` (means, NA where not audited).
    """
    frames = []
    for year in years:
        kf = load_key_figures(Path(outputs) / str(year), int(year))
        cols = ["gm_code", *COUNT_COLUMNS]
        counts = register.harmonize(kf[cols], int(to_year), how="sum")
        scores = kf[["gm_code", "info_score", "eservice_score"]].copy()
        scores[["info_score", "eservice_score"]] = scores[["info_score", "eservice_score"]].astype(float)
        scores = register.harmonize(scores, int(to_year), how="mean")[["gm_code", "info_score",
                                                                       "eservice_score"]]
        h = counts.merge(scores, on="gm_code", how="left")
        h["interaction_share"] = h["reply_others"] / h["base"].where(h["base"] > 0)
        h["answer_rate"] = h["n_answered"] / h["n_questions"].where(h["n_questions"] > 0)
        frames.append(h.assign(year=int(year)))
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    first = ["year", "gm_code", "n_predecessors", "predecessors", "split"]
    return out[first + [c for c in out.columns if c not in first]]


def harmonized_summary(h: pd.DataFrame) -> pd.DataFrame:
    """Per year, on one register: pooled interaction share and answer rate (ratios of the summed
    counts), mean website scores, and how many municipalities combine predecessors or a split."""
    g = h.groupby("year")
    return pd.DataFrame({
        "municipalities": g.size(),
        "merged": g["n_predecessors"].apply(lambda s: int((s > 1).sum())),
        "with_split": g["split"].sum().astype(int),
        "interaction_share_pooled": g["reply_others"].sum() / g["base"].sum(),
        "answer_rate_pooled": g["n_answered"].sum() / g["n_questions"].sum(),
        "info_score_mean": g["info_score"].mean(),
        "eservice_score_mean": g["eservice_score"].mean(),
    }).reset_index()


# --- the page a reader sees: one picture, then readable lists and tables ------------------------------
#: Key figures of the profile's picture: column -> axis label with unit (en, nl). Higher is better
#: except for the median reply time (see :data:`COMPARED`).
PICTURE: dict[str, dict[str, str]] = {
    "interaction_share": {"en": "Interaction share (%)", "nl": "Interactieaandeel (%)"},
    "km_median": {"en": "Median time to first reply (hours)",
                  "nl": "Mediane tijd tot eerste antwoord (uren)"},
    "answer_rate": {"en": "Citizen questions answered (%)", "nl": "Beantwoorde vragen van burgers (%)"},
    "indirect_reaction_share": {"en": "Reaction to messages not addressed to it (%)",
                                "nl": "Reactie op berichten niet aan de gemeente (%)"},
    "info_score": {"en": "Work & income information items (of 6)",
                   "nl": "Werk & inkomen: informatie-onderdelen (van 6)"},
    "eservice_score": {"en": "Work & income e-services (of 5)", "nl": "Werk & inkomen: e-diensten (van 5)"},
}
#: Where the method of the profile is explained (relative to ``outputs/<year>/profiles/<gm>.html``).
METHODS_LINK = "../../../docs/methods.md#municipality-profiles"
_PERCENT = {"interaction_share", "answer_rate", "indirect_reaction_share", "km_within_2h"}


def picture_figures(kf: pd.DataFrame) -> list[str]:
    """The :data:`PICTURE` columns that at least one municipality has (its source was collected)."""
    return [c for c in PICTURE if c in kf and pd.to_numeric(kf[c], errors="coerce").notna().any()]


def better_than_median(kf: pd.DataFrame, gm_code: str) -> tuple[int, int]:
    """On how many picture figures the municipality is strictly better than the median of all.

    Returns
    -------
    (int, int)
        Figures where it is better than the median of all municipalities with a value (lower is
        better for the median reply time), and figures where it has a value at all.
    """
    me = kf.loc[kf["gm_code"] == gm_code].iloc[0]
    better = measured = 0
    for col in picture_figures(kf):
        value = pd.to_numeric(pd.Series([me[col]]), errors="coerce").iloc[0]
        if pd.isna(value):
            continue
        median = float(pd.to_numeric(kf[col], errors="coerce").median())
        measured += 1
        higher = COMPARED[col][2]
        better += int(value > median if higher else value < median)
    return better, measured


def picture_title(kf: pd.DataFrame, gm_code: str, year: int, lang: str = "en") -> str:
    """The finding of the picture: ``"Utrecht 2014: better than the median on 4 of 5 key figures"``."""
    name = kf.loc[kf["gm_code"] == gm_code, "name"].iloc[0]
    better, measured = better_than_median(kf, gm_code)
    if measured == 0:
        return (f"{name} {year}: geen kerncijfers gemeten" if lang == "nl"
                else f"{name} {year}: no key figure measured")
    if lang == "nl":
        return f"{name} {year}: beter dan de mediaan op {better} van {measured} kerncijfers"
    return f"{name} {year}: better than the median on {better} of {measured} key figures"


def peer_masks(kf: pd.DataFrame, gm_code: str, lang: str = "en") -> dict[str, pd.Series]:
    """The peer groups as boolean masks on ``kf`` indexed by ``gm_code``, labelled for readers."""
    from helpers.present import viz

    idx = kf.set_index("gm_code")
    me = idx.loc[gm_code]
    masks: dict[str, pd.Series] = {}
    if pd.notna(me["size_class"]):
        size = viz.label(me["size_class"], lang)
        masks[f"{'Grootteklasse' if lang == 'nl' else 'Size class'}: {size}"] = (
            idx["size_class"] == me["size_class"])
    masks[f"{'Provincie' if lang == 'nl' else 'Province'} {me['province']}"] = (
        idx["province"] == me["province"])
    masks[viz.label("all", lang)] = pd.Series(True, index=idx.index)
    return masks


def profile_figure(kf: pd.DataFrame, gm_code: str, year: int, lang: str = "en"):  # noqa: ANN201
    """The profile's one picture (:func:`helpers.present.viz.profile_strips`), or None when nothing was measured."""
    from helpers.present import viz

    cols = picture_figures(kf)
    if not cols:
        return None
    idx = kf.set_index("gm_code")
    return viz.profile_strips(
        idx, figures={c: PICTURE[c][lang] for c in cols}, groups=peer_masks(kf, gm_code, lang),
        highlight=gm_code, highlight_label=str(idx.loc[gm_code, "name"]),
        title=picture_title(kf, gm_code, year, lang),
        percent={c: c in _PERCENT for c in cols}, lang=lang)


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
        rows.append({"Measure": measure[:1].upper() + measure[1:], "Peer group": r.peer_group,
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


def figure_html(fig, alt: str, dpi: int = 100) -> str:  # noqa: ANN001
    """An ``<img>`` with the figure as an embedded PNG (``dpi`` dots per inch, no software tag, so the
    same figure gives the same bytes) and ``alt`` text for readers who do not see it."""
    import base64
    import html
    import io as _io

    buf = _io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'
