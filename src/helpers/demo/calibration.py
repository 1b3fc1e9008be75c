"""The demo's calibration for the Twitter era (up to 2023): the knobs of each year and the per-municipality
plan (presence, interaction share, webcare, reply speed) that the Twitter and Facebook writers follow.

2013-2015 are calibrated to the published figures (``data/reference/published.yaml``), other years are
extrapolated (see :mod:`helpers.demo.social` for how the numbers come about). Imports nothing from
helpers but :mod:`helpers.demo` (the anchors); nothing from :mod:`helpers.collect`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.demo.common import ANCHORS

UTRECHT, GOEREE, VEERE = ANCHORS


@dataclass(frozen=True)
class YearParams:
    """The knobs of one year's social-media demo data (shares are of all municipalities)."""

    twitter_share: float  # corporate Twitter account
    twitter_active: float  # posted at least once in the window
    fb_any: float
    fb_corporate: float
    webcare_share: float  # municipalities with evening/weekend webcare
    fast_share: float  # mean share of replies that come quickly (beta mean)
    fast_mean_h: float  # mean office-time delay of a quick reply, hours
    slow_mean_h: float  # mean office-time delay of a slow reply, hours
    utrecht_share: float  # Utrecht's interaction share
    fastest: tuple[str, ...]  # anchors with very fast replies, fastest first
    extrapolated: bool


def params_for(year: int) -> YearParams:
    """The demo knobs for ``year``: calibrated for 2013-2015, extrapolated for other years."""
    calibrated = {
        2013: YearParams(0.944, 0.93, 0.62, 0.45, 0.05, 0.22, 0.6, 5.0, 0.70, (VEERE,), False),
        2014: YearParams(390 / 403, 0.955, 0.75, 0.58, 0.03, 0.3, 0.6, 3.8, 0.85,
                         (GOEREE, VEERE), False),
        2015: YearParams(0.975, 0.965, 0.89, 0.69, 0.4, 0.75, 0.8, 12.5, 0.85,
                         (GOEREE, VEERE), False),
    }
    if year in calibrated:
        return calibrated[year]
    if year < 2013:
        k = 2013 - year
        return YearParams(max(0.944 - 0.12 * k, 0.1), max(0.93 - 0.12 * k, 0.08),
                          max(0.62 - 0.12 * k, 0.05), max(0.45 - 0.1 * k, 0.03), 0.03, 0.2, 0.7,
                          5.5, 0.6, (VEERE,), True)
    k = year - 2015
    return YearParams(min(0.975 + 0.004 * k, 0.99), min(0.965 + 0.003 * k, 0.985),
                      min(0.89 + 0.01 * k, 0.96), min(0.69 + 0.015 * k, 0.85),
                      min(0.4 + 0.03 * k, 0.7), min(0.73 + 0.01 * k, 0.85), 0.8, 12.0, 0.85,
                      (GOEREE, VEERE), True)



def _slug(name: str) -> str:
    keep = "".join(c for c in name.lower() if c.isalnum())
    return keep[:15]


def _exact_choice(rng: np.random.Generator, n: int, k: int, force: np.ndarray) -> np.ndarray:
    """A boolean mask of exactly ``k`` of ``n`` True, always including ``force`` (bool mask)."""
    k = int(min(max(k, int(force.sum())), n))
    score = rng.random(n)
    score[force] = -1.0
    mask = np.zeros(n, bool)
    mask[np.argsort(score, kind="stable")[:k]] = True
    return mask



# --------------------------------------------------------------------------------------------
@dataclass
class _Plan:
    """Per-municipality decisions, vectorised over the municipalities."""

    codes: np.ndarray
    names: np.ndarray
    size: np.ndarray  # population / 25,000
    twitter: np.ndarray
    active: np.ndarray
    tw_theme: np.ndarray  # number of Twitter theme accounts
    fb_any: np.ndarray
    fb_corp: np.ndarray
    share: np.ndarray  # interaction share
    webcare: np.ndarray
    fast: np.ndarray


def _plan(munis: pd.DataFrame, year: int, rng: np.random.Generator, p: YearParams) -> _Plan:
    n = len(munis)
    codes = munis["gm_code"].astype(str).to_numpy()
    pop = pd.to_numeric(munis["population"], errors="coerce").astype(float).to_numpy()
    pop = np.where(np.isnan(pop), 25_000.0, pop)
    anchor = np.isin(codes, ANCHORS)
    twitter = _exact_choice(rng, n, round(p.twitter_share * n), anchor)
    active = np.zeros(n, bool)
    tw_pos = np.flatnonzero(twitter)
    active[tw_pos] = _exact_choice(rng, len(tw_pos), round(p.twitter_active * n),
                                   (anchor | (pop > 100_000))[tw_pos])
    tw_theme = np.where(twitter & (pop > 60_000), rng.integers(0, 3, n), 0)
    tw_theme = np.where(twitter & (pop <= 60_000) & (rng.random(n) < 0.1), 1, tw_theme)
    fb_any = _exact_choice(rng, n, round(p.fb_any * n), anchor)
    fb_corp = np.zeros(n, bool)
    fb_pos = np.flatnonzero(fb_any)
    fb_corp[fb_pos] = _exact_choice(rng, len(fb_pos), round(p.fb_corporate * n), anchor[fb_pos])
    share = np.clip(rng.beta(np.where(pop >= 40_000, 6.5, 6.0), 13, n), 0.05, 0.7)
    share[codes == UTRECHT] = p.utrecht_share
    webcare = rng.random(n) < p.webcare_share
    fast = np.clip(rng.beta(4 * p.fast_share / (1 - p.fast_share), 4, n), 0.0, 0.85)
    for c in p.fastest:
        webcare[codes == c] = True
    return _Plan(codes, munis["short_name"].astype(str).to_numpy(), pop / 25_000.0, twitter, active,
                 tw_theme, fb_any, fb_corp, share, webcare, fast)


def _accounts(plan: _Plan, year: int, rng: np.random.Generator, lo: int) -> pd.DataFrame:
    rows = []
    for i, code in enumerate(plan.codes):
        num = int(code[2:])
        slug = _slug(plan.names[i])
        seen = pd.Timestamp(lo, unit="ms", tz="UTC") - pd.Timedelta(days=int(rng.integers(60, 1500)))
        first = seen.strftime("%Y-%m-%dT%H:%M:%SZ")
        if plan.twitter[i]:
            rows.append((code, "twitter", str(100_000_000 + num * 10), f"gemeente{slug}",
                         "corporate", first))
            for k in range(int(plan.tw_theme[i])):
                theme = ("afval", "verkeer", "werk")[k]
                rows.append((code, "twitter", str(100_000_000 + num * 10 + k + 1),
                             f"{slug}_{theme}"[:15], "theme", first))
        if plan.fb_any[i]:
            if plan.fb_corp[i]:
                rows.append((code, "facebook", str(200_000_000_000 + num * 10), f"gemeente{slug}",
                             "corporate", first))
            if not plan.fb_corp[i] or plan.size[i] > 3:
                rows.append((code, "facebook", str(200_000_000_000 + num * 10 + 1),
                             f"{slug}centrum", "theme", first))
    df = pd.DataFrame(rows, columns=["gm_code", "platform", "account_id", "handle", "kind",
                                     "first_seen"])
    df["synthetic"] = True
    return df
