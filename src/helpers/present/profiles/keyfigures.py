"""Every municipality's key figures of one year, computed once from the year's tidy tables (and read
back from ``profiles/key_figures.parquet``), and the same figures of several years on one register.

Imports nothing from helpers.pipeline or helpers.present (it reads the year folder through
:mod:`helpers.core`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.analysis import metrics, responsetime
from helpers.core import io, register
from helpers.core.records import PROVENANCE
from helpers.core.window import Window

#: Key figures written beside the profiles (``outputs/<year>/profiles/key_figures.parquet``).
KEY_FIGURES = "key_figures.parquet"
#: Minimum questions for a response-time rank (as in the ranking of the fastest).
MIN_QUESTIONS = 20
#: Count columns that can be summed over predecessors when comparing with a previous year.
COUNT_COLUMNS = ("posts", "reply_others", "base", "n_questions", "n_answered", "n_indirect",
                 "reacted_indirect")


def _window(folder: Path, year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    import json

    prov_path = folder / "data" / PROVENANCE
    prov = json.loads(prov_path.read_text(encoding="utf-8")) if prov_path.is_file() else {}
    window = prov.get("window")
    return Window.recorded(window, year).bounds()


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
