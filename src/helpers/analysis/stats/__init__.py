"""General statistics used across the collection: intervals for proportions, p-values and their
formatting, and p-value adjustment.

Methods follow ``docs/methods.md``: Wilson intervals for proportions (statsmodels' default is the
Wald interval, which is wrong near 0 and 1), Holm or Benjamini-Hochberg across many tests, p-values
from survival functions (``chi2.sf``, ``norm.sf``; ``1 - cdf`` underflows to 0 below about 1e-16),
and ratio-estimator (linearisation) intervals for shares pooled over units that nest in
municipalities.

The modules: :mod:`.pvalues` (p-values, their formatter, adjustment), :mod:`.proportions` (Wilson
and ratio-estimator intervals), :mod:`.contingency` (tests of independence, Cramér's V),
:mod:`.reliability` (Cronbach's alpha) and :mod:`.ranktests` (rank tests' effect sizes, Kendall's W).
This package re-exports their public API (``from helpers.analysis.stats import format_p``).

Imports nothing from helpers: the analyses' lowest package, which every analysis may use.
"""

from helpers.analysis.stats.contingency import (
    chi2_table,
    cramers_v,
    independence_test,
    permutation_chi2_p,
)
from helpers.analysis.stats.proportions import (
    proportion_table,
    ratio_ci,
    ratio_difference_test,
    wilson_ci,
)
from helpers.analysis.stats.pvalues import P_FLOOR, chi2_p, format_p, p_adjust, z_p
from helpers.analysis.stats.ranktests import (
    epsilon_squared,
    friedman_na_reason,
    kendalls_w,
    kruskal_epsilon,
    matched_rank_biserial,
    rank_biserial,
)
from helpers.analysis.stats.reliability import cronbach_alpha, cronbach_alpha_or_na

__all__ = [
    "P_FLOOR",
    "chi2_p",
    "chi2_table",
    "cramers_v",
    "cronbach_alpha",
    "cronbach_alpha_or_na",
    "epsilon_squared",
    "format_p",
    "friedman_na_reason",
    "independence_test",
    "kendalls_w",
    "kruskal_epsilon",
    "matched_rank_biserial",
    "p_adjust",
    "permutation_chi2_p",
    "proportion_table",
    "rank_biserial",
    "ratio_ci",
    "ratio_difference_test",
    "wilson_ci",
    "z_p",
]
