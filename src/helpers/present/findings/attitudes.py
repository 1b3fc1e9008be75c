"""Findings of the staff survey (06) and the website audit (07): who is enthusiastic and where
management stands, ownership and reasons; work & income information and e-services.

Imports nothing from helpers.pipeline; from helpers.present nothing outside this package.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from helpers.analysis.stats import format_p
from helpers.present.findings.wording import (
    ALPHA,
    MANAGEMENT,
    _n,
    ci,
    missing,
    not_computed,
    pct,
    significant,
)


def survey(*, n_respondents: int, n_municipalities: int, most: Sequence[str], least: Sequence[str],
           friedman_p: Any, kendalls_w: Any, ownership_share: Any, ownership_low: Any,
           ownership_high: Any, ownership_n: Any, top_reasons: Sequence[str] = (),
           monitoring_majority: Any = None, labels: Mapping[str, str] | None = None,
           alpha: float = ALPHA, reason: str = "") -> str:
    """Who is enthusiastic, where management stands, ownership and reasons.

    ``most``/``least`` are the groups ordered by net agreement (most enthusiastic first / least
    enthusiastic last). The sentence on management (directors, middle management) follows where
    those groups are: among the least, among the most, or in between.
    """
    if not n_respondents:
        return not_computed("The survey findings", reason or "there are no survey responses")
    lab = dict(labels or {})

    def name(g: str) -> str:
        return lab.get(g, g)

    parts = [f"{_n(n_respondents)} of {_n(n_municipalities)} municipalities answered the survey "
             f"({pct(n_respondents / n_municipalities)} of the register)."]
    if most and least:
        differ = significant(friedman_p, alpha)
        test = (f"Friedman {format_p(friedman_p)}, Kendall's W "
                f"{'–' if missing(kendalls_w) else f'{float(kendalls_w):.2f}'}")
        if differ:
            parts.append(f"Rated most enthusiastic: {', '.join(name(g) for g in most)}; least: "
                         f"{' and '.join(name(g) for g in least)} (the groups differ, {test}).")
        else:
            parts.append(f"The groups' enthusiasm ratings show no clear difference ({test}); by net "
                         f"agreement the top is {', '.join(name(g) for g in most)}.")
        if differ:
            mgmt_least = [g for g in MANAGEMENT if g in least]
            mgmt_most = [g for g in MANAGEMENT if g in most]
            if mgmt_least:
                parts.append(f"Management ({' and '.join(name(g) for g in mgmt_least)}) is among "
                             f"the least enthusiastic.")
            elif mgmt_most:
                parts.append(f"Management ({' and '.join(name(g) for g in mgmt_most)}) is among "
                             f"the most enthusiastic.")
            else:
                parts.append("Management is neither among the most nor among the least enthusiastic.")
    if missing(ownership_share):
        parts.append(not_computed("The ownership share", reason))
    else:
        parts.append(f"{pct(ownership_share)} of {_n(ownership_n)} valid answers place "
                     f"responsibility fully with communications "
                     f"({ci(ownership_low, ownership_high)}).")
    if top_reasons:
        parts.append("Reasons named most for holding back: "
                     + " and ".join(name(r).lower() for r in top_reasons) + ".")
    if not missing(monitoring_majority):
        parts.append("A majority judges its monitoring of themes and indirect questions insufficient."
                     if monitoring_majority else
                     "No majority judges its monitoring insufficient on both items.")
    return " ".join(parts)


def websites(year: int, *, n_sites: int, in_order_share: Any, in_order_low: Any, in_order_high: Any,
             eservice_mean: Any, share_at_least: Any, min_services: int, few: Any,
             size_rho: Any, size_p: Any, size_means: Mapping[str, float] | None = None,
             rare: Sequence[str] = (), alpha: float = ALPHA, reason: str = "") -> str:
    """Work & income information in order, e-services, and whether e-services rise with size.

    ``size_rho``/``size_p``: Spearman correlation of the number of e-services with population and
    its p-value; ``size_means``: mean e-services per size class (S, M, L) for the sentence.
    """
    if not n_sites or missing(in_order_share):
        return not_computed(f"The website findings for {year}", reason or "no website was audited")
    parts = [
        f"In {year}, work & income information was in order on {pct(in_order_share)} of "
        f"{_n(n_sites)} audited websites ({ci(in_order_low, in_order_high)})."
    ]
    if not missing(eservice_mean):
        lag = "E-services lag" if few else "E-services are common"
        parts.append(f"{lag}: {float(eservice_mean):.1f} of 5 on average, and "
                     f"{pct(share_at_least)} of the {_n(n_sites)} websites offer {min_services} or "
                     f"more.")
    if rare:
        parts.append("Rarest: " + ", ".join(r.lower() for r in rare) + ".")
    means = ""
    if size_means:
        means = " (mean " + ", ".join(f"{k} {float(v):.1f}" for k, v in size_means.items()
                                      if not missing(v)) + ")"
    if missing(size_rho):
        parts.append(not_computed("The relation between size and e-services", reason))
    elif significant(size_p, alpha):
        direction = "larger" if float(size_rho) > 0 else "smaller"
        parts.append(f"{direction.capitalize()} municipalities offer more e-services{means}: "
                     f"Spearman rho {float(size_rho):.2f} with population, {format_p(size_p)}.")
    else:
        parts.append(f"E-services show no clear relation with size{means}: Spearman rho "
                     f"{float(size_rho):.2f} with population, {format_p(size_p)}.")
    return " ".join(parts)
