"""Response times per municipality and the one speed ranking (fastest Kaplan-Meier median first).

Tables, figures, the report and the profiles all take their speed ranks from :func:`fastest`.

Imports nothing from :mod:`helpers.pipeline`, :mod:`helpers.present`, :mod:`helpers.collect` or
:mod:`helpers.demo`; from helpers only :mod:`.kaplan_meier`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.analysis.responsetime.kaplan_meier import km_at, km_by_group, km_quantiles


def by_municipality(
    q: pd.DataFrame, *, hours: str = "clock_hours", alpha: float = 0.05
) -> pd.DataFrame:
    """Per municipality: questions, answer rate, KM median with interval, KM share within 2 h, mean.

    Vectorised over municipalities (one sort, cython group reductions).

    Returns
    -------
    DataFrame indexed by ``gm_code``: ``n_questions``, ``n_answered``, ``answer_rate``, ``km_median``,
    ``ci_low``, ``ci_high`` (hours), ``km_within_2h``, ``mean_answered_hours``, and the mean of
    the other time column when ``q`` has it (``mean_answered_business_hours`` or
    ``mean_answered_clock_hours``).
    """
    gm = q["gm_code"].to_numpy()
    t = q[hours].to_numpy(float)
    e = q["answered"].to_numpy(bool)
    codes, labels = pd.factorize(pd.Series(gm), sort=True)
    nq = np.bincount(codes, minlength=len(labels))
    na = np.bincount(codes, weights=e, minlength=len(labels))
    sum_t = np.bincount(codes, weights=np.where(e, t, 0.0), minlength=len(labels))
    curves = km_by_group(codes, t, e)
    med = km_quantiles(curves, 0.5, alpha)
    within2 = 1 - km_at(curves, 2.0)
    idx = np.arange(len(labels))
    out = pd.DataFrame(
        {
            "n_questions": nq,
            "n_answered": na.astype(int),
            "answer_rate": na / np.where(nq > 0, nq, 1),
            "km_median": med["median"].reindex(idx).to_numpy(),
            "ci_low": med["ci_low"].reindex(idx).to_numpy(),
            "ci_high": med["ci_high"].reindex(idx).to_numpy(),
            "km_within_2h": within2.reindex(idx).fillna(0.0).to_numpy(),
            "mean_answered_hours": np.where(na > 0, sum_t / np.where(na > 0, na, 1), np.nan),
        },
        index=pd.Index(labels.to_numpy(), name="gm_code"),
    )
    other = "business_hours" if hours == "clock_hours" else "clock_hours"
    if other in q.columns:
        t2 = q[other].to_numpy(float)
        s2 = np.bincount(codes, weights=np.where(e, t2, 0.0), minlength=len(labels))
        out[f"mean_answered_{other}"] = np.where(na > 0, s2 / np.where(na > 0, na, 1), np.nan)
    return out


def fastest(per_muni: pd.DataFrame, *, min_questions: int = 20) -> pd.DataFrame:
    """Rank municipalities with at least ``min_questions`` questions by KM median (fastest first).

    Ties (and equal medians) are broken by the KM share answered within 2 hours (higher first), then
    by code. Municipalities whose median is not reached (fewer than half answered) rank last. When
    no qualifying municipality answered a single question there is no ranking (empty).

    Returns the rows of ``per_muni`` that qualify, with a ``rank`` column (1 = fastest).
    """
    ok = per_muni.loc[per_muni["n_questions"] >= min_questions].copy()
    if not (ok["n_answered"] > 0).any():  # nobody answered anything: no one is "fastest"
        ok = ok.iloc[:0]
    ok["_med"] = ok["km_median"].fillna(np.inf)
    ok = ok.reset_index().sort_values(
        ["_med", "km_within_2h", "gm_code"], ascending=[True, False, True]
    )
    ok["rank"] = np.arange(1, len(ok) + 1)
    return ok.drop(columns="_med").set_index("gm_code")


def rank_changes(this_year: pd.DataFrame, last_year: pd.DataFrame) -> pd.DataFrame:
    """Ranks of the same municipalities in two years (outer join on gm_code; NaN = not ranked)."""
    a = this_year[["rank"]].rename(columns={"rank": "rank_now"})
    b = last_year[["rank"]].rename(columns={"rank": "rank_before"})
    out = a.join(b, how="outer")
    out["change"] = out["rank_before"] - out["rank_now"]
    return out.sort_values("rank_now")
