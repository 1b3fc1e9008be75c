"""Website audit analyses: is work & income information in order, and which e-services are there?

The analysis functions of the websites notebook (``07_websites``) on the tidy table
``website_audit``: shares with Wilson intervals, the e-service distribution, groups (size class,
province), information against e-services, the gap checklist, and change between years. The table
and the audit that fills it from cached pages are in :mod:`helpers.collect.webaudit` (columns
documented there and in ``data/README.md``); the items and the rule set (labels, actions,
thresholds) in :mod:`helpers.core.webrules`. Must not import the pipeline (runner, context) or
presentation modules: the notebook passes the tables in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps
from scipy.stats.contingency import association

from helpers.analysis.stats import proportion_table
from helpers.core.webrules import ESERVICES, INFO_ITEMS, ITEMS, Rules, load_rules


def in_order_share(audit: pd.DataFrame) -> pd.Series:
    """The share of municipalities with information in order, with a Wilson 95% interval.

    Returns
    -------
    Series
        ``count``, ``n`` (audited municipalities), ``share``, ``ci_low``, ``ci_high``.
    """
    tab = proportion_table(
        pd.Series([int(audit["info_in_order"].sum())]), pd.Series([len(audit)])
    )
    return tab.iloc[0]


def item_shares(audit: pd.DataFrame, rules: Rules | None = None, lang: str = "en") -> pd.DataFrame:
    """Per information item and e-service: municipalities with it, share, Wilson interval, rare flag.

    Returns
    -------
    DataFrame
        ``item``, ``kind`` (information / e-service), ``label``, ``count``, ``n``, ``share``,
        ``ci_low``, ``ci_high``, ``rare`` (share below the rule set's ``rare_below``), sorted by kind
        then share (descending).
    """
    rules = rules or load_rules()
    counts = pd.Series({i: int(audit[i].sum()) for i in ITEMS})
    tab = proportion_table(counts, pd.Series(len(audit), index=counts.index))
    tab.insert(0, "label", [rules.labels.get((i, lang), i) for i in tab.index])
    tab.insert(0, "kind", ["information" if i in INFO_ITEMS else "e-service" for i in tab.index])
    tab["rare"] = tab["share"] < rules.rare_below
    tab = tab.rename_axis("item").reset_index()
    tab["_k"] = (tab["kind"] == "e-service").astype(int)
    return tab.sort_values(["_k", "share", "item"], ascending=[True, False, True]).drop(
        columns="_k").reset_index(drop=True)


def eservice_distribution(audit: pd.DataFrame) -> pd.DataFrame:
    """How many municipalities offer 0, 1, ..., 5 e-services.

    Returns
    -------
    DataFrame
        ``eservice_score`` (0-5), ``count``, ``share`` (of audited municipalities), ``share_at_least``
        (share with at least that many).
    """
    k = len(ESERVICES)
    counts = audit["eservice_score"].value_counts().reindex(range(k + 1), fill_value=0)
    n = max(len(audit), 1)
    out = pd.DataFrame({"eservice_score": range(k + 1), "count": counts.to_numpy().astype(int)})
    out["share"] = out["count"] / n
    out["share_at_least"] = out["count"][::-1].cumsum()[::-1] / n
    return out


def few_eservices(audit: pd.DataFrame, rules: Rules | None = None) -> dict[str, Any]:
    """The "few e-services" finding as a stated criterion.

    Returns
    -------
    dict
        ``share_at_least`` (share with >= ``min_services`` e-services), its Wilson ``ci_low`` /
        ``ci_high``, ``min_services``, ``max_share``, ``few`` (share_at_least < max_share; None
        without audited websites), ``mean`` (mean e-service score, 0-5), ``note`` (why NA, else "").
    """
    rules = rules or load_rules()
    hit = int((audit["eservice_score"] >= rules.few_min_services).sum())
    row = proportion_table(pd.Series([hit]), pd.Series([len(audit)])).iloc[0]
    return {
        "share_at_least": float(row["share"]),
        "ci_low": float(row["ci_low"]),
        "ci_high": float(row["ci_high"]),
        "min_services": rules.few_min_services,
        "max_share": rules.few_max_share,
        "few": bool(row["share"] < rules.few_max_share) if len(audit) else None,
        "mean": float(audit["eservice_score"].mean()) if len(audit) else float("nan"),
        "note": "" if len(audit) else "NA: no website was audited",
    }


def with_register(audit: pd.DataFrame, munis: pd.DataFrame) -> pd.DataFrame:
    """The audit joined with the register's ``name``, ``province`` and ``size_class``."""
    cols = ["gm_code", "name", "province", "size_class"]
    return audit.merge(munis[cols], on="gm_code", how="left", validate="one_to_one")


def by_group(audit: pd.DataFrame, munis: pd.DataFrame, by: str) -> pd.DataFrame:
    """Information in order and e-services per group (``by`` = ``size_class`` or ``province``).

    Returns
    -------
    DataFrame
        One row per group: ``n``, ``in_order`` (count), ``share``, ``ci_low``, ``ci_high`` (Wilson,
        information in order), ``eservice_mean`` (mean score 0-5), ``eservice_any`` (count with at
        least one e-service), ``eservice_any_share``, ``eservice_any_ci_low``,
        ``eservice_any_ci_high`` (Wilson).
    """
    df = with_register(audit, munis)
    g = df.groupby(by, observed=True, sort=True)
    tab = proportion_table(g["info_in_order"].sum(), g.size())
    tab = tab.rename(columns={"count": "in_order"})
    tab["eservice_mean"] = g["eservice_score"].mean()
    anyserv = proportion_table(g["eservice_score"].apply(lambda s: int((s > 0).sum())), g.size())
    tab["eservice_any"] = anyserv["count"]
    tab["eservice_any_share"] = anyserv["share"]
    tab["eservice_any_ci_low"] = anyserv["ci_low"]
    tab["eservice_any_ci_high"] = anyserv["ci_high"]
    return tab.rename_axis(by).reset_index()


def eservices_by_size(audit: pd.DataFrame, munis: pd.DataFrame) -> dict[str, Any]:
    """Do e-services rise or fall with size? Spearman's rank correlation of the number of
    e-services (0-5) with population (scipy ``spearmanr``, ties by average ranks).

    Returns
    -------
    dict
        ``rho`` (-1 to 1; positive: larger municipalities offer more), ``p`` (two-sided), ``n``
        (audited websites with a known population). NaN when fewer than three websites or a
        constant variable.
    """
    df = audit.merge(munis[["gm_code", "population"]], on="gm_code", how="left",
                     validate="one_to_one").dropna(subset=["population", "eservice_score"])
    x = df["population"].astype(float).to_numpy()
    y = df["eservice_score"].astype(float).to_numpy()
    if len(df) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return {"rho": np.nan, "p": np.nan, "n": len(df)}
    res = sps.spearmanr(x, y)
    return {"rho": float(res.statistic), "p": float(res.pvalue), "n": len(df)}


def group_shares_long(tab: pd.DataFrame, by: str) -> pd.DataFrame:
    """A :func:`by_group` table in long form for grouped bars.

    Returns
    -------
    DataFrame
        ``<by>``, ``measure`` (``info_in_order`` / ``any_eservice``), ``share``, ``ci_low``,
        ``ci_high``, ``n``.
    """
    info = tab[[by, "share", "ci_low", "ci_high", "n"]].assign(measure="info_in_order")
    serv = tab[[by, "eservice_any_share", "eservice_any_ci_low", "eservice_any_ci_high", "n"]]
    serv = serv.set_axis([by, "share", "ci_low", "ci_high", "n"], axis=1).assign(
        measure="any_eservice")
    out = pd.concat([info, serv], ignore_index=True)
    return out[[by, "measure", "share", "ci_low", "ci_high", "n"]]


def association_test(table: pd.DataFrame | np.ndarray) -> dict[str, Any]:
    """Test of independence for a contingency table, with its base and effect size.

    Pearson's chi-square without continuity correction and without a zero shift (no 0.5 added to
    empty cells); when any expected count is below 5, Fisher's exact test for a 2x2 table, or a
    Monte Carlo permutation p-value (``scipy.stats.chi2_contingency`` with ``method``) otherwise.
    The effect size is Cramér's V from the uncorrected chi-square.

    Returns
    -------
    dict
        ``test`` (name), ``statistic`` (chi-square; odds ratio for Fisher), ``p``, ``dof``,
        ``cramers_v``, ``n`` (the base), ``min_expected``.
    """
    obs = np.asarray(table, dtype=float)
    obs = obs[obs.sum(axis=1) > 0][:, obs.sum(axis=0) > 0]
    n = int(obs.sum())
    if obs.shape[0] < 2 or obs.shape[1] < 2:
        return {"test": "none (a margin is constant)", "statistic": np.nan, "p": np.nan,
                "dof": 0, "cramers_v": np.nan, "n": n, "min_expected": np.nan}
    res = sps.chi2_contingency(obs, correction=False)
    v = float(association(obs.astype(int), method="cramer", correction=False))
    out = {"test": "chi-square", "statistic": float(res.statistic), "p": float(res.pvalue),
           "dof": int(res.dof), "cramers_v": v, "n": n,
           "min_expected": float(res.expected_freq.min())}
    if out["min_expected"] < 5:
        if obs.shape == (2, 2):
            f = sps.fisher_exact(obs.astype(int))
            out.update(test="Fisher exact", statistic=float(f.statistic), p=float(f.pvalue))
        else:
            perm = sps.chi2_contingency(
                obs.astype(int), correction=False,
                method=sps.PermutationMethod(n_resamples=9999, rng=np.random.default_rng(0)),
            )
            out.update(test="chi-square (permutation p)", p=float(perm.pvalue))
    return out


def group_test(audit: pd.DataFrame, munis: pd.DataFrame, by: str) -> dict[str, Any]:
    """Is information in order associated with ``by`` (size class or province)? See
    :func:`association_test`."""
    df = with_register(audit, munis)
    tab = pd.crosstab(df[by], df["info_in_order"])
    return association_test(tab)


def info_vs_eservices(audit: pd.DataFrame) -> dict[str, Any]:
    """The relation between information and e-services.

    Returns
    -------
    dict
        ``table``: cross-table of information in order (rows False/True) by any e-service
        (columns False/True); ``test``: :func:`association_test` of that table; ``spearman_rho`` and
        ``spearman_p``: Spearman rank correlation of ``info_score`` (0-6) with ``eservice_score``
        (0-5) over all audited municipalities (NaN when either is constant); ``n``: the base.
    """
    tab = pd.crosstab(
        audit["info_in_order"].rename("info_in_order"),
        (audit["eservice_score"] > 0).rename("any_eservice"),
    ).reindex(index=[False, True], columns=[False, True], fill_value=0)
    if audit["info_score"].nunique() > 1 and audit["eservice_score"].nunique() > 1:
        rho = sps.spearmanr(audit["info_score"], audit["eservice_score"])
        r, p = float(rho.statistic), float(rho.pvalue)
    else:
        r = p = float("nan")
    return {"table": tab, "test": association_test(tab), "spearman_rho": r, "spearman_p": p,
            "n": int(len(audit))}


def gap_checklist(audit: pd.DataFrame, rules: Rules | None = None, lang: str = "en") -> pd.DataFrame:
    """The most common gaps, ranked, as a checklist a municipality could act on.

    Returns
    -------
    DataFrame
        ``rank``, ``item``, ``kind``, ``label``, ``missing`` (municipalities without it), ``n``,
        ``share_missing`` with Wilson ``ci_low`` / ``ci_high``, ``action`` (what to do), sorted by
        ``missing`` (most common gap first; ties by item order).
    """
    rules = rules or load_rules()
    missing = pd.Series({i: int((~audit[i].astype(bool)).sum()) for i in ITEMS})
    tab = proportion_table(missing, pd.Series(len(audit), index=missing.index))
    tab = tab.rename(columns={"count": "missing", "share": "share_missing"})
    tab.insert(0, "label", [rules.labels.get((i, lang), i) for i in tab.index])
    tab.insert(0, "kind", ["information" if i in INFO_ITEMS else "e-service" for i in tab.index])
    tab["action"] = [rules.actions.get((i, lang), "") for i in tab.index]
    tab["_order"] = range(len(tab))
    tab = tab.rename_axis("item").reset_index()
    tab = tab.sort_values(["missing", "_order"], ascending=[False, True]).drop(columns="_order")
    tab.insert(0, "rank", range(1, len(tab) + 1))
    return tab.reset_index(drop=True)


def municipality_gaps(audit: pd.DataFrame, gm_code: str, rules: Rules | None = None,
                      lang: str = "en") -> pd.DataFrame:
    """The checklist of one municipality: every item, present or not, with the action if missing."""
    rules = rules or load_rules()
    row = audit.loc[audit["gm_code"] == gm_code]
    if row.empty:
        raise KeyError(f"{gm_code} is not in the audit")
    r = row.iloc[0]
    return pd.DataFrame(
        {
            "item": list(ITEMS),
            "kind": ["information" if i in INFO_ITEMS else "e-service" for i in ITEMS],
            "label": [rules.labels.get((i, lang), i) for i in ITEMS],
            "present": [bool(r[i]) for i in ITEMS],
            "url": [r[f"{i}_url"] for i in ITEMS],
            "action": [None if r[i] else rules.actions.get((i, lang), "") for i in ITEMS],
        }
    )


def other_year_audits(outputs: Path, year: int) -> dict[int, pd.DataFrame]:
    """Website audits of other years found at ``outputs/<year>/data/website_audit.parquet``.

    Returns
    -------
    dict
        Year -> audit table (validated), for every year folder other than ``year`` that has one.
    """
    from helpers.core import io

    found: dict[int, pd.DataFrame] = {}
    for d in sorted(Path(outputs).glob("[12][0-9][0-9][0-9]")):
        y = int(d.name)
        if y != int(year) and io.table_path(d, "website_audit").is_file():
            found[y] = io.read_table("website_audit", d)
    return found


def yearly_shares(audits: dict[int, pd.DataFrame]) -> pd.DataFrame:
    """Per year and item (plus ``info_in_order`` and ``eservice_score >= 1``): share with Wilson CI.

    Returns
    -------
    DataFrame
        ``year``, ``item``, ``count``, ``n``, ``share``, ``ci_low``, ``ci_high``.
    """
    parts = []
    for y, a in sorted(audits.items()):
        flags = {i: a[i].astype(bool) for i in ITEMS}
        flags["info_in_order"] = a["info_in_order"].astype(bool)
        flags["any_eservice"] = a["eservice_score"] > 0
        counts = pd.Series({k: int(v.sum()) for k, v in flags.items()})
        tab = proportion_table(counts, pd.Series(len(a), index=counts.index))
        tab = tab.rename_axis("item").reset_index()
        tab.insert(0, "year", int(y))
        parts.append(tab)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def year_over_year(earlier: pd.DataFrame, later: pd.DataFrame) -> pd.DataFrame:
    """Change per municipality between two audit years, on the later year's register.

    The earlier audit's scores are mapped onto the later register with
    :func:`helpers.core.register.harmonize` (``mean`` over merged predecessors, since scores are per
    site); municipalities whose chain passes through a split are flagged.

    Returns
    -------
    DataFrame
        ``gm_code`` (later year), ``info_score_before``, ``info_score_after``,
        ``eservice_score_before``, ``eservice_score_after``, ``in_order_before`` (share of
        predecessors in order, 0-1), ``in_order_after`` (0/1), ``eservice_change``,
        ``n_predecessors``, ``merged`` (more than one predecessor), ``split``.
    """
    from helpers.core import register

    y_after = int(later["year"].iloc[0])
    before = earlier[["gm_code", "info_score", "eservice_score"]].copy()
    before["info_in_order"] = earlier["info_in_order"].astype(float)
    harm = register.harmonize(before, y_after, how="mean")
    after = later[["gm_code", "info_score", "eservice_score", "info_in_order"]].copy()
    out = harm.merge(after, on="gm_code", how="inner", suffixes=("_before", "_after"))
    out = out.rename(columns={"info_in_order_before": "in_order_before",
                              "info_in_order_after": "in_order_after"})
    out["in_order_after"] = out["in_order_after"].astype(int)
    out["eservice_change"] = out["eservice_score_after"] - out["eservice_score_before"]
    out["merged"] = out["n_predecessors"] > 1
    cols = ["gm_code", "info_score_before", "info_score_after", "eservice_score_before",
            "eservice_score_after", "in_order_before", "in_order_after", "eservice_change",
            "n_predecessors", "merged", "split"]
    return out[cols].sort_values("gm_code").reset_index(drop=True)


def paired_change_test(change: pd.DataFrame) -> dict[str, Any]:
    """Wilcoxon signed-rank test of the e-service score change (pairs on the later register).

    Returns
    -------
    dict
        ``n`` (pairs), ``mean_change`` (e-services), ``median_change``, ``statistic``, ``p``,
        ``rank_biserial`` (matched-pairs rank-biserial correlation, the effect size; zero changes
        dropped, Wilcoxon's default).
    """
    d = change["eservice_change"].to_numpy(dtype=float)
    nz = d[d != 0]
    out = {"n": int(len(d)), "mean_change": float(d.mean()) if len(d) else np.nan,
           "median_change": float(np.median(d)) if len(d) else np.nan,
           "statistic": np.nan, "p": np.nan, "rank_biserial": np.nan}
    if len(nz) == 0:
        return out
    res = sps.wilcoxon(nz)
    ranks = sps.rankdata(np.abs(nz))
    r_plus, r_minus = ranks[nz > 0].sum(), ranks[nz < 0].sum()
    out.update(statistic=float(res.statistic), p=float(res.pvalue),
               rank_biserial=float((r_plus - r_minus) / ranks.sum()))
    return out
