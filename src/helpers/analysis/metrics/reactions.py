"""Monitoring: the share of citizen messages that get any reaction, addressed to the municipality
against not addressed (indirect mentions, policy themes), by theme and platform.

Imports nothing from :mod:`helpers.pipeline`, :mod:`helpers.present`, :mod:`helpers.collect` or
:mod:`helpers.demo`; from helpers only :mod:`helpers.analysis.stats` and :mod:`.counting`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from helpers.analysis.metrics.counting import _codes, _count
from helpers.analysis.stats import p_adjust, ratio_ci, ratio_difference_test, wilson_ci


def monitoring(messages: pd.DataFrame, *, platform: str | None = None, alpha: float = 0.05,
               adjust: str = "holm") -> pd.DataFrame:
    """Share of citizen messages with any reaction, addressed versus not addressed, per theme.

    Messages nest in municipalities, so every share is a pooled ratio with a ratio-estimator
    interval (municipalities as clusters, :func:`helpers.analysis.stats.ratio_ci`) and the contrast is the
    cluster-robust Wald test of :func:`helpers.analysis.stats.ratio_difference_test`.

    Parameters
    ----------
    messages : DataFrame
        The ``citizen_messages`` table.
    platform : str or None
        Restrict to one platform (``None``: all; see :func:`monitoring_by_platform` for when
        pooling platforms is meaningful).
    adjust : {"holm", "fdr_bh"}
        Correction of the per-theme p-values across themes.

    Returns
    -------
    DataFrame, one row per theme plus ``all`` (first): ``theme``, ``n_addressed``,
    ``reacted_addressed``, ``share_addressed`` (+ ``addressed_low``/``_high``), ``n_indirect``,
    ``reacted_indirect``, ``share_indirect`` (+ ``indirect_low``/``_high``), ``risk_difference``
    (addressed - indirect, + ``rd_low``/``rd_high``), ``cohens_h`` (2 asin sqrt p1 - 2 asin sqrt
    p2), ``z`` and ``p`` (cluster-robust), ``p_adjusted`` (across themes, not for ``all``),
    ``clusters`` (municipalities with messages).
    """
    m = messages if platform is None else messages[messages["platform"] == platform]
    codes, themes = _codes(m["theme"])
    # municipalities are the clusters; a table without gm_code is one cluster (no interval)
    gm, gms = _codes(m["gm_code"] if "gm_code" in m.columns else pd.Series("", index=m.index))
    k, g = len(themes), len(gms)
    addressed = m["addressed"].to_numpy(bool)
    reacted = m["first_reply_post_id"].notna().to_numpy()
    rows = []
    for t in range(-1, k):  # -1: all themes
        sel = np.ones(len(m), bool) if t < 0 else codes == t
        na = _count(gm[sel & addressed], g)
        ra = _count(gm[sel & addressed & reacted], g)
        ni = _count(gm[sel & ~addressed], g)
        ri = _count(gm[sel & ~addressed & reacted], g)
        a, b = ratio_ci(ra, na, alpha), ratio_ci(ri, ni, alpha)
        diff = ratio_difference_test(ra, na, ri, ni, alpha)
        p1, p2 = a["share"], b["share"]
        rows.append({
            "theme": "all" if t < 0 else themes[t],
            "n_addressed": int(na.sum()), "reacted_addressed": int(ra.sum()),
            "share_addressed": p1, "addressed_low": a["ci_low"], "addressed_high": a["ci_high"],
            "n_indirect": int(ni.sum()), "reacted_indirect": int(ri.sum()),
            "share_indirect": p2, "indirect_low": b["ci_low"], "indirect_high": b["ci_high"],
            "risk_difference": diff["difference"], "rd_low": diff["ci_low"],
            "rd_high": diff["ci_high"],
            "cohens_h": 2 * np.arcsin(np.sqrt(p1)) - 2 * np.arcsin(np.sqrt(p2)),
            "z": diff["z"], "p": diff["p"], "clusters": diff["clusters"],
        })
    frame = pd.DataFrame(rows)
    padj = np.full(len(frame), np.nan)
    padj[1:] = p_adjust(frame["p"].to_numpy()[1:], adjust)
    frame["p_adjusted"] = padj
    return frame


def monitoring_by_platform(messages: pd.DataFrame, *, alpha: float = 0.05,
                           adjust: str = "holm") -> tuple[pd.DataFrame, bool]:
    """:func:`monitoring` per platform, plus pooled rows only where pooling means something.

    The addressed-versus-indirect contrast compares two kinds of message of the *same* platform.
    When a platform has only one kind (all Facebook messages are on the municipality's own page,
    so "addressed"), pooling platforms makes the contrast partly a platform contrast; then no
    pooled rows are given.

    Returns
    -------
    (table, pooled) : DataFrame and bool
        The rows of :func:`monitoring` with a ``platform`` column (``"all platforms"`` for pooled
        rows), and whether pooled rows were added (every platform has both kinds of message).
    """
    platforms = sorted(messages["platform"].dropna().unique())
    parts, shares_structure = [], True
    for platform in platforms:
        sub = messages[messages["platform"] == platform]
        kinds = set(sub["addressed"].astype(bool).unique())
        shares_structure &= kinds == {True, False}
        parts.append(monitoring(sub, alpha=alpha, adjust=adjust).assign(platform=platform))
    pooled = shares_structure and len(platforms) > 1
    if pooled:
        parts.append(monitoring(messages, alpha=alpha, adjust=adjust).assign(
            platform="all platforms"))
    out = pd.concat(parts, ignore_index=True) if parts else monitoring(messages).assign(platform="")
    cols = ["platform"] + [c for c in out.columns if c != "platform"]
    return out[cols], pooled


def two_proportions(frame: pd.DataFrame, k1: str, n1: str, k2: str, n2: str,
                    alpha: float = 0.05) -> pd.DataFrame:
    """Compare two proportions row by row: shares with Wilson intervals, risk difference, Cohen's h
    and the two-sided two-proportion z-test with pooled variance (as ``proportions_ztest``).

    Adds ``share_1``, ``low_1``, ``high_1``, ``share_2``, ``low_2``, ``high_2``,
    ``risk_difference``, ``cohens_h``, ``z``, ``p`` (NaN where a base is 0).
    """
    a, na = frame[k1].to_numpy(float), frame[n1].to_numpy(float)
    b, nb = frame[k2].to_numpy(float), frame[n2].to_numpy(float)
    out = frame.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p2 = a / na, b / nb
        pooled = (a + b) / (na + nb)
        se = np.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
        z = (p1 - p2) / se
    out["share_1"], out["share_2"] = p1, p2
    out["low_1"], out["high_1"] = wilson_ci(a, na, alpha)
    out["low_2"], out["high_2"] = wilson_ci(b, nb, alpha)
    out["risk_difference"] = p1 - p2
    out["cohens_h"] = 2 * np.arcsin(np.sqrt(p1)) - 2 * np.arcsin(np.sqrt(p2))
    out["z"] = z
    out["p"] = np.where(np.isfinite(z), 2 * norm.sf(np.abs(z)), np.nan)
    return out
