"""Findings of the staff survey (06) and the website audit (07): who is enthusiastic and where
management stands, ownership and reasons; work & income information and e-services; in English or
Dutch (``lang``).

Imports nothing from helpers.pipeline; from helpers.present nothing outside this package but
:mod:`helpers.present.language`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from helpers.present.findings.wording import (
    ALPHA,
    MANAGEMENT,
    _n,
    ci,
    decimal,
    missing,
    not_computed,
    pct,
    significant,
)
from helpers.present.language import p_value, pick


def _groups(survey_most: Sequence[str], least: Sequence[str], friedman_p: Any, kendalls_w: Any,
            name: Any, alpha: float, lang: str) -> list[str]:
    """The sentences on the groups: most and least enthusiastic, and where management stands."""
    differ = significant(friedman_p, alpha)
    and_ = pick(lang, " and ", " en ")
    most_names = ", ".join(name(g) for g in survey_most)
    w = "–" if missing(kendalls_w) else decimal(kendalls_w, 2, lang)
    test = f"Friedman {p_value(friedman_p, lang)}, Kendall's W {w}"
    if not differ:
        return [pick(lang,
                     f"The groups' enthusiasm ratings show no clear difference ({test}); by net "
                     f"agreement the top is {most_names}.",
                     f"Het enthousiasme van de groepen verschilt niet duidelijk ({test}); naar netto "
                     f"instemming staan bovenaan: {most_names}.")]
    least_names = and_.join(name(g) for g in least)
    parts = [pick(lang,
                  f"Rated most enthusiastic: {most_names}; least: {least_names} (the groups "
                  f"differ, {test}).",
                  f"Als meest enthousiast beoordeeld: {most_names}; als minst enthousiast: "
                  f"{least_names} (de groepen verschillen, {test}).")]
    mgmt_least = [g for g in MANAGEMENT if g in least]
    mgmt_most = [g for g in MANAGEMENT if g in survey_most]
    if mgmt_least or mgmt_most:
        who = and_.join(name(g) for g in (mgmt_least or mgmt_most))
        where = (pick(lang, "least", "minst") if mgmt_least else pick(lang, "most", "meest"))
        parts.append(pick(lang, f"Management ({who}) is among the {where} enthusiastic.",
                          f"Het management ({who}) hoort bij de {where} enthousiaste groepen."))
    else:
        parts.append(pick(lang, "Management is neither among the most nor among the least enthusiastic.",
                          "Het management hoort niet bij de meest en niet bij de minst enthousiaste "
                          "groepen."))
    return parts


def survey(*, n_respondents: int, n_municipalities: int, most: Sequence[str], least: Sequence[str],
           friedman_p: Any, kendalls_w: Any, ownership_share: Any, ownership_low: Any,
           ownership_high: Any, ownership_n: Any, top_reasons: Sequence[str] = (),
           monitoring_majority: Any = None, labels: Mapping[str, str] | None = None,
           alpha: float = ALPHA, reason: str = "", lang: str = "en") -> str:
    """Who is enthusiastic, where management stands, ownership and reasons.

    ``most``/``least`` are the groups ordered by net agreement (most enthusiastic first / least
    enthusiastic last). The sentence on management (directors, middle management) follows where
    those groups are: among the least, among the most, or in between. ``labels`` (group and reason
    key -> name) and ``top_reasons`` are in ``lang`` (``"en"`` or ``"nl"``), as is ``reason``.
    """
    if not n_respondents:
        return not_computed(pick(lang, "The survey findings", "De bevindingen van de enquête"),
                            reason or pick(lang, "there are no survey responses",
                                           "er zijn geen antwoorden op de enquête"), lang)
    lab = dict(labels or {})

    def name(g: str) -> str:
        return lab.get(g, g)

    register = pct(n_respondents / n_municipalities, 0, lang)
    parts = [pick(lang,
                  f"{_n(n_respondents)} of {_n(n_municipalities)} municipalities answered the survey "
                  f"({register} of the register).",
                  f"{_n(n_respondents, lang)} van de {_n(n_municipalities, lang)} gemeenten "
                  f"beantwoordden de enquête ({register} van het register).")]
    if most and least:
        parts += _groups(most, least, friedman_p, kendalls_w, name, alpha, lang)
    if missing(ownership_share):
        parts.append(not_computed(pick(lang, "The ownership share", "Het aandeel eigenaarschap"),
                                  reason, lang))
    else:
        share, interval = pct(ownership_share, 0, lang), ci(ownership_low, ownership_high, lang=lang)
        parts.append(pick(lang,
                          f"{share} of {_n(ownership_n)} valid answers place responsibility fully "
                          f"with communications ({interval}).",
                          f"{share} van {_n(ownership_n, lang)} geldige antwoorden legt de "
                          f"verantwoordelijkheid volledig bij communicatie ({interval})."))
    if top_reasons:
        parts.append(pick(lang, "Reasons named most for holding back: ",
                          "Meest genoemde redenen om terughoudend te zijn: ")
                     + pick(lang, " and ", " en ").join(name(r).lower() for r in top_reasons) + ".")
    if not missing(monitoring_majority):
        parts.append(
            pick(lang, "A majority judges its monitoring of themes and indirect questions insufficient.",
                 "Een meerderheid vindt de eigen monitoring van thema's en indirecte vragen "
                 "onvoldoende.") if monitoring_majority else
            pick(lang, "No majority judges its monitoring insufficient on both items.",
                 "Geen meerderheid vindt de eigen monitoring op beide punten onvoldoende."))
    return " ".join(parts)


def _size_relation(size_rho: Any, size_p: Any, means: str, alpha: float, reason: str,
                   lang: str) -> str:
    """Whether e-services rise (or fall) with population: Spearman's rho and its p-value."""
    if missing(size_rho):
        return not_computed(pick(lang, "The relation between size and e-services",
                                 "Het verband tussen grootte en e-diensten"), reason, lang)
    rho = pick(lang, "Spearman rho {} with population, {}", "Spearman-rho {} met het inwonertal, {}"
               ).format(decimal(size_rho, 2, lang), p_value(size_p, lang))
    if significant(size_p, alpha):
        larger = float(size_rho) > 0
        return pick(lang,
                    f"{'Larger' if larger else 'Smaller'} municipalities offer more e-services"
                    f"{means}: {rho}.",
                    f"{'Grotere' if larger else 'Kleinere'} gemeenten bieden meer e-diensten"
                    f"{means}: {rho}.")
    return pick(lang, f"E-services show no clear relation with size{means}: {rho}.",
                f"E-diensten hangen niet duidelijk samen met de grootte{means}: {rho}.")


def websites(year: int, *, n_sites: int, in_order_share: Any, in_order_low: Any, in_order_high: Any,
             eservice_mean: Any, share_at_least: Any, min_services: int, few: Any,
             size_rho: Any, size_p: Any, size_means: Mapping[str, float] | None = None,
             rare: Sequence[str] = (), alpha: float = ALPHA, reason: str = "",
             lang: str = "en") -> str:
    """Work & income information in order, e-services, and whether e-services rise with size.

    ``size_rho``/``size_p``: Spearman correlation of the number of e-services with population and
    its p-value; ``size_means``: mean e-services per size class (S, M, L) for the sentence;
    ``rare``: labels of the rare items, in ``lang`` (``"en"`` or ``"nl"``).
    """
    if not n_sites or missing(in_order_share):
        return not_computed(pick(lang, f"The website findings for {year}",
                                 f"De bevindingen over websites voor {year}"),
                            reason or pick(lang, "no website was audited",
                                           "er is geen website beoordeeld"), lang)
    in_order = pct(in_order_share, 0, lang)
    interval = ci(in_order_low, in_order_high, lang=lang)
    parts = [pick(lang,
                  f"In {year}, work & income information was in order on {in_order} of "
                  f"{_n(n_sites)} audited websites ({interval}).",
                  f"In {year} was de informatie over werk en inkomen op orde op {in_order} van "
                  f"{_n(n_sites, lang)} beoordeelde websites ({interval}).")]
    if not missing(eservice_mean):
        mean, at_least = decimal(eservice_mean, 1, lang), pct(share_at_least, 0, lang)
        parts.append(
            pick(lang,
                 f"{'E-services lag' if few else 'E-services are common'}: {mean} of 5 on average, "
                 f"and {at_least} of the {_n(n_sites)} websites offer {min_services} or more.",
                 f"{'E-diensten blijven achter' if few else 'E-diensten zijn gangbaar'}: gemiddeld "
                 f"{mean} van de 5, en {at_least} van de {_n(n_sites, lang)} websites biedt er ten "
                 f"minste {min_services}."))
    if rare:
        parts.append(pick(lang, "Rarest: ", "Zeldzaamst: ") + ", ".join(r.lower() for r in rare) + ".")
    means = ""
    if size_means:
        means = (pick(lang, " (mean ", " (gemiddeld ")
                 + ", ".join(f"{k} {decimal(v, 1, lang)}" for k, v in size_means.items()
                             if not missing(v)) + ")")
    parts.append(_size_relation(size_rho, size_p, means, alpha, reason, lang))
    return " ".join(parts)
