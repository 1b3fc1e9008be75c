"""Title of the cross-platform figure (09_platforms), in English and Dutch: on which platform
municipalities interact most and reply soonest, or "no clear difference" when the 95% intervals of
the two best platforms overlap (the reading of :mod:`helpers.present.platform_findings`).

Must not import anything from helpers but :mod:`helpers.analysis.platforms`,
:mod:`helpers.present.language` and :mod:`helpers.present.titles.common`.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from helpers.analysis import platforms as pf
from helpers.present.language import hours, pick
from helpers.present.titles.common import missing, pct


def _clear(a: pd.Series, b: pd.Series, low: str, high: str) -> bool:
    """True when the intervals of ``a`` and ``b`` are both known and do not overlap."""
    if any(missing(v) for v in (a[low], a[high], b[low], b[high])):
        return False
    return bool(a[low] > b[high] or b[low] > a[high])


def _leader(ranked: pd.DataFrame, value: str, low: str, high: str, fmt: Callable[[float], str],
            leads: str, unclear: str) -> str:
    """``"<leads> <first> (<first> v, <second> v)"`` when the intervals of the first two do not
    overlap, else ``"<unclear> (...)"``; ``""`` with fewer than two platforms ranked."""
    if len(ranked) < 2:
        return ""
    (pa, a), (pb, b) = ranked.iloc[:2].iterrows()
    values = f"{pf.platform_name(pa)} {fmt(a[value])}, {pf.platform_name(pb)} {fmt(b[value])}"
    if _clear(a, b, low, high):
        return f"{leads} {pf.platform_name(pa)} ({values})"
    return f"{unclear} ({values})"


def title_platform_comparison(year: int, table: pd.DataFrame, lang: str = "en") -> str:
    """Title of ``platform_comparison``: the two best platforms on interaction and on reply time.

    Parameters
    ----------
    year : int
        The study year.
    table : DataFrame
        From :func:`helpers.analysis.platforms.compare` (pooled rows with the interaction share
        and the Kaplan-Meier median reply time and their 95% intervals).
    lang : str
        ``"en"`` or ``"nl"``.

    Returns
    -------
    str
        ``"2014: more interaction on Facebook (Facebook 37%, Twitter 29%); faster replies on
        Facebook (Facebook 20.3 h, Twitter 21.9 h)"`` (en); "no clear difference in ..." when the
        intervals overlap; ``"2014: only Twitter, nothing to compare"`` with one platform. In Dutch
        ``"2014: meer interactie op Facebook (Facebook 37%, Twitter 29%); snellere antwoorden op
        Facebook (Facebook 20,3 uur, Twitter 21,9 uur)"``.
    """
    pooled = pf.pooled(table)
    if len(pooled) < 2:
        name = pf.platform_name(pooled.index[0]) if len(pooled) else pick(lang, "no platform",
                                                                              "geen platform")
        return pick(lang, f"{year}: only {name}, nothing to compare",
                    f"{year}: alleen {name}, niets te vergelijken")
    inter = pooled[pooled["interaction_share"].notna()].sort_values(
        "interaction_share", ascending=False, kind="mergesort")
    speed = pooled[pooled["km_median_hours"].notna()].sort_values("km_median_hours", kind="mergesort")
    bits = [bit for bit in (
        _leader(inter, "interaction_share", "interaction_low", "interaction_high",
                lambda v: pct(v, lang), pick(lang, "more interaction on", "meer interactie op"),
                pick(lang, "no clear difference in interaction", "geen duidelijk verschil in interactie")),
        _leader(speed, "km_median_hours", "km_median_low", "km_median_high",
                lambda v: hours(v, 1, lang), pick(lang, "faster replies on", "snellere antwoorden op"),
                pick(lang, "no clear difference in reply time", "geen duidelijk verschil in reactietijd")),
    ) if bit]
    rest = "; ".join(bits) if bits else pick(lang, "too little data on two platforms to compare",
                                               "te weinig gegevens op twee platforms om te vergelijken")
    return f"{year}: {rest}"
