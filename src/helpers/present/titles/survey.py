"""Titles of the staff-survey figures (06_survey), in English and Dutch.

Must not import anything from helpers but :mod:`helpers.present.language`,
:mod:`helpers.present.viz.labels` and :mod:`helpers.present.titles.common`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from helpers.present.language import pick
from helpers.present.titles.common import missing, pct
from helpers.present.viz.labels import label


def title_survey_enthusiasm(year: int, groups: Sequence[str], lang: str = "en", *, most: int = 4,
                            least: int = 2) -> str:
    """Title of ``survey_enthusiasm``: the most and the least enthusiastic groups.

    Parameters
    ----------
    groups : sequence of str
        Group keys (``"communicatie"``, ``"middenmanagement"``...) ordered from the most to the
        least enthusiastic (by net agreement), named by :func:`~helpers.present.viz.label`.
    most, least : int
        How many groups to name from the top and from the bottom.

    Returns
    -------
    str
        Two lines: ``"2014: most enthusiastic: A, B, C, D;\\nleast: E and F"`` (en),
        ``"2014: meest enthousiast: A, B, C, D;\\nminst: E en F"`` (nl).
    """
    names = [label(g, lang) for g in groups]
    top = ", ".join(names[:most])
    bottom = pick(lang, " and ", " en ").join(names[-least:] if least else [])
    return pick(lang, f"{year}: most enthusiastic: {top};\nleast: {bottom}",
                f"{year}: meest enthousiast: {top};\nminst: {bottom}")


def title_survey_ownership(year: int, share_fully: float, lang: str = "en") -> str:
    """Title of ``survey_ownership``: the share (0-1 of valid answers) that places responsibility
    for social media fully with the communications department.

    Returns
    -------
    str
        ``"2014: 70% place responsibility for social media fully with communications"`` (en),
        ``"2014: 70% legt de verantwoordelijkheid voor sociale media volledig bij communicatie"``
        (nl).
    """
    p = pct(share_fully, lang)
    return pick(lang, f"{year}: {p} place responsibility for social media fully with communications",
                f"{year}: {p} legt de verantwoordelijkheid voor sociale media volledig bij communicatie")


def title_survey_reasons(year: int, first: str, second: str, lang: str = "en") -> str:
    """Title of ``survey_reasons``: the two reasons named most, by their labels in ``lang`` (the
    second is written in lower case inside the sentence).

    Returns
    -------
    str
        ``"2014: Lack of affinity and fear of extra workload are named most"`` (en),
        ``"2014: Gebrek aan affiniteit en angst voor extra werkdruk worden het vaakst genoemd"``
        (nl).
    """
    return pick(lang, f"{year}: {first} and {second.lower()} are named most",
                f"{year}: {first} en {second.lower()} worden het vaakst genoemd")


def title_survey_monitoring(year: int, majority_insufficient: bool, lang: str = "en") -> str:
    """Title of ``survey_monitoring``: whether more than half of the valid answers judge every
    monitoring item insufficient (``majority_insufficient``).

    Returns
    -------
    str
        ``"2014: most judge their monitoring insufficient"`` or ``"2014: monitoring is not judged
        insufficient by a majority"`` (en), and the Dutch wording.
    """
    if majority_insufficient:
        return pick(lang, f"{year}: most judge their monitoring insufficient",
                    f"{year}: de meesten vinden hun monitoring onvoldoende")
    return pick(lang, f"{year}: monitoring is not judged insufficient by a majority",
                f"{year}: geen meerderheid vindt de monitoring onvoldoende")


def title_survey_response_by_size(year: int, rates: Mapping[str, float], lang: str = "en") -> str:
    """Title of ``survey_response_by_size``: whether large municipalities answered more often than
    small ones.

    Parameters
    ----------
    rates : mapping of size class -> response rate (0-1)
        ``"S"``, ``"M"``, ``"L"``.

    Returns
    -------
    str
        ``"2014: larger municipalities answered more often"`` when the rate of ``L`` exceeds that of
        ``S`` (both known), else ``"2014: response by size class"`` (en); the Dutch wording likewise.
    """
    large, small = rates.get("L"), rates.get("S")
    if not missing(large) and not missing(small) and float(large) > float(small):
        return pick(lang, f"{year}: larger municipalities answered more often",
                    f"{year}: grotere gemeenten antwoordden vaker")
    return pick(lang, f"{year}: response by size class", f"{year}: respons naar grootteklasse")
