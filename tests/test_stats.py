"""Reference values for the generic statistics in helpers.analysis.stats (see shared/notes/methods.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from statsmodels.stats.contingency_tables import Table

from helpers.analysis import stats

# pingouin's `cronbach_alpha` example dataset (pg.read_dataset("cronbach_alpha")): 15 subjects x
# 10 items, copied from pingouin/datasets/cronbach_alpha.csv (item-wise columns Q1..Q10).
PINGOUIN_CRONBACH = {
    "Q1": [3, 5, 7, 2, 6, 1, 4, 2, 6, 5, 4, 4, 5, 6, 4],
    "Q2": [2, 4, 3, 4, 5, 2, 3, 4, 5, 4, 3, 2, 5, 5, 3],
    "Q3": [4, 6, 5, 3, 6, 3, 5, 4, 5, 6, 5, 3, 6, 5, 5],
    "Q4": [1, 3, 5, 3, 5, 4, 3, 3, 5, 4, 2, 2, 2, 4, 5],
    "Q5": [4, 5, 6, 2, 4, 2, 5, 7, 1, 3, 5, 5, 3, 2, 3],
    "Q6": [5, 1, 4, 2, 4, 5, 2, 2, 6, 5, 3, 3, 3, 2, 1],
    "Q7": [1, 2, 3, 2, 4, 2, 1, 2, 5, 3, 2, 4, 2, 1, 3],
    "Q8": [4, 5, 3, 6, 6, 3, 2, 4, 2, 1, 3, 2, 4, 4, 2],
    "Q9": [3, 5, 6, 6, 7, 5, 4, 6, 3, 7, 4, 3, 4, 6, 3],
    "Q10": [2, 5, 5, 3, 5, 2, 3, 5, 2, 2, 1, 4, 5, 5, 4],
}


@pytest.mark.parametrize(
    ("count", "nobs", "low", "high"),
    [(70, 100, 0.604151, 0.781051), (7, 10, 0.396778, 0.892209), (0, 12, 0.0, 0.242494)],
)
def test_wilson_reference_values(count: int, nobs: int, low: float, high: float) -> None:
    lo, hi = stats.wilson_ci(count, nobs)
    assert float(lo) == pytest.approx(low, abs=1e-6)
    assert float(hi) == pytest.approx(high, abs=1e-6)


def test_cramers_v_is_uncorrected() -> None:
    assert stats.cramers_v([[9, 1], [6, 4]]) == pytest.approx(0.3464, abs=1e-4)
    # by hand: chi2 = 20 * (9*4 - 1*6)^2 / (10*10*15*5) = 2.4; V = sqrt(2.4 / 20)
    assert stats.cramers_v([[9, 1], [6, 4]]) == pytest.approx(np.sqrt(2.4 / 20), abs=1e-12)


def test_chi2_table_no_zero_shift_matches_scipy() -> None:
    tab = np.array([[12, 0, 7], [5, 9, 4]])
    res = stats.chi2_table(tab)
    ref = sps.chi2_contingency(tab, correction=False)
    sm = Table(tab, shift_zeros=False).test_nominal_association()
    assert res["chi2"] == pytest.approx(ref.statistic, rel=1e-12)
    assert res["chi2"] == pytest.approx(sm.statistic, rel=1e-12)
    assert res["p"] == pytest.approx(ref.pvalue, rel=1e-10)
    assert res["dof"] == 2
    assert res["min_expected"] == pytest.approx(ref.expected_freq.min())
    # the default zero shift would give another statistic: the trap this function avoids
    shifted = Table(tab).test_nominal_association().statistic
    assert abs(shifted - ref.statistic) > 0.1


def test_independence_test_falls_back() -> None:
    big = stats.independence_test([[40, 20], [25, 35]])
    assert big["method"] == "chi2"
    assert big["p"] == pytest.approx(sps.chi2_contingency([[40, 20], [25, 35]],
                                                          correction=False).pvalue)
    small = stats.independence_test([[9, 1], [6, 4]])
    assert small["method"] == "fisher"
    assert small["p"] == pytest.approx(sps.fisher_exact([[9, 1], [6, 4]]).pvalue)
    assert small["cramers_v"] == pytest.approx(0.3464, abs=1e-4)
    # perfect 3 x 3 association with 3 per cell: 3! of the 9!/(3!3!3!) = 1680 label arrangements
    # are as extreme, exact p = 6 / 1680
    perm = stats.independence_test(np.diag([3, 3, 3]), n_resamples=20000, seed=3)
    assert perm["method"] == "permutation"
    assert perm["p"] == pytest.approx(6 / 1680, abs=0.0015)
    assert stats.independence_test(np.diag([3, 3, 3]), n_resamples=500, seed=3)["p"] == \
        stats.independence_test(np.diag([3, 3, 3]), n_resamples=500, seed=3)["p"]


def test_cronbach_alpha_pingouin_example() -> None:
    res = stats.cronbach_alpha(pd.DataFrame(PINGOUIN_CRONBACH))
    assert res["alpha"] == pytest.approx(0.5917188485995826, abs=1e-12)
    assert (res["n"], res["k"]) == (15, 10)
    # pingouin reports the Feldt interval rounded to 3 decimals: [0.195, 0.84]
    assert round(res["ci_low"], 3) == 0.195
    assert round(res["ci_high"], 3) == 0.84


def test_cronbach_alpha_listwise_and_hand_case() -> None:
    # two items, hand: var(a)=var(b)=1, cov=1 -> alpha = 2 * (1 - 2/4) = 1
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0, np.nan], "b": [1.0, 2.0, 3.0, 5.0]})
    res = stats.cronbach_alpha(df)
    assert res["alpha"] == pytest.approx(1.0)
    assert res["n"] == 3


def test_effect_sizes_hand_computed() -> None:
    assert stats.epsilon_squared(10.0, 21) == pytest.approx(0.5)
    g = ([1, 2, 3, 4], [5, 6, 7], [2, 8, 9])
    res = stats.kruskal_epsilon(*g)
    assert res["h"] == pytest.approx(sps.kruskal(*g).statistic)
    assert res["epsilon_squared"] == pytest.approx(res["h"] / 9)
    # x > y in 2 of 6 pairs, x < y in 4: r = 2/6 - 4/6
    assert stats.rank_biserial([1, 2, 4], [3, 3]) == pytest.approx(-1 / 3)
    assert stats.rank_biserial([4, 5, 6], [1, 2, 3]) == pytest.approx(1.0)
    # d = (1, -2, 3, 0): zero dropped, ranks 1, 2, 3 -> (1 + 3 - 2) / 6
    assert stats.matched_rank_biserial([2, 1, 6, 4], [1, 3, 3, 4]) == pytest.approx(1 / 3)
    assert np.isnan(stats.matched_rank_biserial([1, 2], [1, 2]))


def test_kendalls_w() -> None:
    perfect = np.array([[1, 2, 3, 4]] * 5)
    assert stats.kendalls_w(perfect)["w"] == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    data = np.array([rng.permutation(5) for _ in range(7)], dtype=float)  # no ties
    n, k = data.shape
    rank_sums = sps.rankdata(data, axis=1).sum(axis=0)
    s = ((rank_sums - rank_sums.mean()) ** 2).sum()
    w_hand = 12 * s / (n**2 * (k**3 - k))
    res = stats.kendalls_w(data)
    assert res["w"] == pytest.approx(w_hand)
    assert res["p"] == pytest.approx(sps.friedmanchisquare(*data.T).pvalue)


# --- p-values and their formatting -------------------------------------------------------------
def test_chi2_p_uses_the_survival_function():
    from helpers.analysis.stats import chi2_p

    # chi2 = 170.6 with 1 df: 1 - chi2.cdf is exactly 0; the true p is 5.47e-39
    assert chi2_p(170.6, 1) == pytest.approx(5.4717e-39, rel=1e-3)
    assert chi2_p(3.841458820694124, 1) == pytest.approx(0.05)


def test_format_p_never_prints_zero():
    from helpers.analysis.stats import format_p

    assert format_p(0.0) == "p < 1e-16"
    assert format_p(5.5e-39) == "p < 1e-16"
    assert format_p(0.0345) == "p = 0.035"
    assert format_p(0.5) == "p = 0.5"
    assert format_p(3.14e-7) == "p = 3.1e-7"
    assert format_p(float("nan")) == "p not computed"
    assert format_p(None) == "p not computed"


def test_chi2_table_p_does_not_underflow():
    from helpers.analysis.stats import chi2_table

    out = chi2_table([[500, 0], [0, 500]])
    assert out["chi2"] == pytest.approx(1000.0)
    assert 0 < out["p"] < 1e-200


# --- clustered shares --------------------------------------------------------------------------
def test_ratio_ci_by_hand():
    from helpers.analysis.stats import ratio_ci

    # clusters (count, n): (2, 4), (1, 1), (0, 5): R = 3/10; residuals 0.8, 0.7, -1.5;
    # var = 3/2 * (0.64 + 0.49 + 2.25) / 100 = 0.0507; se = 0.225167; t(2, 0.975) = 4.302653
    out = ratio_ci([2, 1, 0], [4, 1, 5])
    assert out["share"] == pytest.approx(0.3)
    assert out["se"] == pytest.approx(np.sqrt(0.0507))
    assert 0.3 + 4.302653 * np.sqrt(0.0507) > 1 and out["ci_high"] == 1.0  # clipped
    assert out["ci_low"] == 0.0  # clipped
    assert out["design_effect"] == pytest.approx(0.0507 / (0.3 * 0.7 / 10))
    assert out["clusters"] == 3


def test_ratio_ci_equal_clusters_of_one_unit_match_the_binomial_variance_up_to_m_over_m_minus_1():
    from helpers.analysis.stats import ratio_ci

    k = np.array([1] * 30 + [0] * 70)
    out = ratio_ci(k, np.ones(100))
    assert out["se"] ** 2 == pytest.approx(0.3 * 0.7 / 100 * 100 / 99)


def test_ratio_difference_test_by_hand():
    from helpers.analysis.stats import ratio_difference_test

    # clusters: (k1, n1, k2, n2) = (3, 4, 1, 10), (2, 2, 0, 5), (1, 4, 1, 5)
    # R1 = 6/10, R2 = 2/20; u = (3-2.4)/10 - (1-1)/20 = 0.06; (2-1.2)/10 - (0-0.5)/20 = 0.105;
    # (1-2.4)/10 - (1-0.5)/20 = -0.165; var = 3/2 * (0.0036 + 0.011025 + 0.027225) = 0.062775
    out = ratio_difference_test([3, 2, 1], [4, 2, 4], [1, 0, 1], [10, 5, 5])
    assert out["difference"] == pytest.approx(0.5)
    assert out["se"] == pytest.approx(np.sqrt(0.062775))
    z = 0.5 / np.sqrt(0.062775)
    assert out["z"] == pytest.approx(z)
    from scipy.stats import norm

    assert out["p"] == pytest.approx(2 * norm.sf(z))
