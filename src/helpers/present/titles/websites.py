"""Titles of the website-audit figures (07_websites), in English and Dutch.

Must not import anything from helpers but :mod:`helpers.present.language` and
:mod:`helpers.present.titles.common`.
"""

from __future__ import annotations

from collections.abc import Mapping

from helpers.present.language import count, number, pick
from helpers.present.titles.common import SIZE_WORDS, missing, pct, size_word


def title_website_items(year: int, n_rare: int, lang: str = "en") -> str:
    """Title of ``website_items``: information items are common, e-services are not; ``n_rare``
    items (the highlighted bars) are below the rule set's rare threshold.

    Returns
    -------
    str
        ``"2014: information items are common, e-services are not (2 rare, in orange)"`` (en),
        ``"2014: informatieonderdelen zijn gangbaar, e-diensten niet (2 zeldzaam, in oranje)"`` (nl).
    """
    k = count(n_rare, lang)
    return pick(lang, f"{year}: information items are common, e-services are not ({k} rare, in orange)",
                f"{year}: informatieonderdelen zijn gangbaar, e-diensten niet ({k} zeldzaam, in oranje)")


def title_website_eservice_distribution(year: int, share_at_least: float, min_services: int,
                                        mean: float, lang: str = "en", *, of: int = 5) -> str:
    """Title of ``website_eservice_distribution``.

    Parameters
    ----------
    share_at_least : float
        Share of websites (0-1) offering ``min_services`` or more of the ``of`` e-services.
    mean : float
        Mean number of e-services per website (0-``of``).

    Returns
    -------
    str
        ``"2014: 5% of websites offer 3 or more of 5 e-services (mean 1.0)"`` (en),
        ``"2014: 5% van de websites biedt minstens 3 van de 5 e-diensten (gemiddeld 1,0)"`` (nl).
    """
    p, m = pct(share_at_least, lang), number(mean, 1, lang)
    return pick(lang, f"{year}: {p} of websites offer {min_services} or more of {of} e-services (mean {m})",
                f"{year}: {p} van de websites biedt minstens {min_services} van de {of} e-diensten "
                f"(gemiddeld {m})")


def _direction(means: Mapping[str, float]) -> int | None:
    """+1 when the means rise strictly from small to large, -1 when they fall strictly, 0 otherwise,
    None with fewer than two known means. Size classes S, M, L are taken in that order, other keys
    in the order given."""
    keys = list(means)
    if set(keys) <= set(SIZE_WORDS):
        keys = [k for k in SIZE_WORDS if k in means]
    values = [float(means[k]) for k in keys if not missing(means[k])]
    steps = [b - a for a, b in zip(values, values[1:], strict=False)]
    if not steps:
        return None
    if all(s > 0 for s in steps):
        return 1
    return -1 if all(s < 0 for s in steps) else 0


def title_website_by_size_class(year: int, means: Mapping[str, float], lang: str = "en", *,
                                of: int = 5) -> str:
    """Title of ``website_by_size_class``: whether the number of e-services grows with size.

    Parameters
    ----------
    means : mapping of size class -> mean number of e-services (0-``of``)
        In the order to list them (``S``, ``M``, ``L``).

    Returns
    -------
    str
        ``"2014: e-services grow with size (mean S 0.8, M 1.2, L 2.0 of 5)"`` when the means rise
        from small to large, "fall with size" when they fall, "do not grow steadily with size"
        otherwise, "by size class" with fewer than two means (en); the Dutch wording likewise,
        with the classes in words (``"gemiddeld klein 0,8, middel 1,2, groot 2,0 van 5"``).
    """
    listed = ", ".join(f"{size_word(k, lang)} {number(v, 1, lang)}" for k, v in means.items())
    en, nl = {1: ("e-services grow with size", "e-diensten nemen toe met de grootte"),
              -1: ("e-services fall with size", "e-diensten nemen af met de grootte"),
              0: ("e-services do not grow steadily with size",
                  "e-diensten nemen niet gelijkmatig toe met de grootte"),
              None: ("e-services by size class", "e-diensten naar grootteklasse")}[_direction(means)]
    return pick(lang, f"{year}: {en} (mean {listed} of {of})", f"{year}: {nl} (gemiddeld {listed} van {of})")


def title_website_trend(first_year: int, last_year: int, mean_change: float, lang: str = "en") -> str:
    """Title of ``website_trend``: whether the mean number of e-services per website grew between
    two audit years (``mean_change`` > 0, e-services per municipality, paired).

    Returns
    -------
    str
        ``"E-services grew between 2013 and 2014"`` or ``"E-services did not grow between 2013 and
        2014"`` (en); ``"E-diensten namen toe tussen 2013 en 2014"`` or ``"E-diensten namen niet toe
        tussen 2013 en 2014"`` (nl).
    """
    grew = not missing(mean_change) and float(mean_change) > 0
    return pick(lang, f"E-services {'grew' if grew else 'did not grow'} between {first_year} and {last_year}",
                f"E-diensten namen {'toe' if grew else 'niet toe'} tussen {first_year} en {last_year}")
