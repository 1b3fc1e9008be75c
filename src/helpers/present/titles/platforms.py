"""Title of the cross-platform figure (09_platforms), in English and Dutch: on which platform
municipalities interact most and reply soonest, or "no clear difference" when the 95% intervals of
the two best platforms overlap.

The wording is :func:`helpers.present.platform_findings.figure_title`, the reading the finding
sentence of the same notebook uses; this module gives it the name every figure title has here.

Must not import anything from helpers but :mod:`helpers.present.platform_findings`.
"""

from __future__ import annotations

import pandas as pd

from helpers.present import platform_findings


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
    return platform_findings.figure_title(year, table, lang)
