"""Findings of the run itself: what the data-collection notebook (01) read and left out, and how
many published figures the replication (08) reproduces; in English or Dutch (``lang``).

Imports nothing from helpers.pipeline; from helpers.present nothing outside this package but
:mod:`helpers.present.language`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from helpers.present.findings.wording import PLATFORM_NAMES, _n
from helpers.present.language import join, pick

#: Source names as a reader writes them.
SOURCE_NAMES = {**PLATFORM_NAMES, "survey": "the staff survey", "web": "the website crawl"}
#: The same in Dutch.
SOURCE_NAMES_NL = {**PLATFORM_NAMES, "survey": "de enquête onder medewerkers",
                   "web": "de websitecrawl"}
#: Tidy tables of :func:`helpers.collect.collect` in Dutch (English: the key with spaces).
TABLE_NAMES_NL = {"accounts": "accounts", "posts": "berichten", "citizen_messages": "burgerberichten",
                  "survey_responses": "enquêteantwoorden", "website_audit": "websitebeoordeling"}


def source_name(source: str, lang: str = "en") -> str:
    """A source key as a reader writes it: ``"survey"`` -> ``"the staff survey"`` / ``"de enquête
    onder medewerkers"``; an unknown key is returned as it is."""
    return pick(lang, SOURCE_NAMES.get(source, source), SOURCE_NAMES_NL.get(source, source))


def table_name(table: str, lang: str = "en") -> str:
    """A tidy table's name in words: ``"citizen_messages"`` -> ``"citizen messages"`` /
    ``"burgerberichten"``."""
    return pick(lang, table.replace("_", " "), TABLE_NAMES_NL.get(table, table.replace("_", " ")))


def collection(year: int, *, demo: bool, sources: Sequence[str], not_collected: Sequence[str],
               n_files: int, rows: Mapping[str, int], n_skipped: int, lang: str = "en") -> str:
    """What the data-collection notebook read and left out.

    Parameters
    ----------
    demo : bool
        The inputs are the synthetic demo dataset.
    sources, not_collected : sequence of str
        The sources read, and the study's sources not read this year.
    n_files : int
        Input files read (hashed in the provenance).
    rows : mapping
        Tidy table -> number of rows written.
    n_skipped : int
        Items left out (each a row of ``data/skips.csv``).
    lang : str
        ``"en"`` or ``"nl"``.
    """
    kind = (pick(lang, "the synthetic demo data", "de synthetische demodata") if demo else
            pick(lang, "the researcher's raw files", "de ruwe bestanden van de onderzoeker"))
    if not sources:
        return pick(lang, f"In {year}, no source was read from {kind}.",
                    f"In {year} is geen bron gelezen uit {kind}.")
    tables = "; ".join(f"{table_name(table, lang)} {_n(n, lang)}" for table, n in rows.items())
    read = join([source_name(s, lang) for s in sources], lang)
    one = len(sources) == 1
    text = pick(
        lang,
        f"In {year}, {read} {'was' if one else 'were'} read from {kind} ({_n(n_files)} input files) "
        f"into schema-checked tables ({tables}).",
        f"In {year} {'is' if one else 'zijn'} {read} gelezen uit {kind} ({_n(n_files, lang)} "
        f"invoerbestanden) in tabellen die tegen hun schema zijn gecontroleerd ({tables}).",
    )
    if n_skipped:
        many = n_skipped != 1
        text += pick(
            lang,
            f" {_n(n_skipped)} item{'s were' if many else ' was'} left out, each listed with file, "
            "row, column and rule in data/skips.csv.",
            f" {_n(n_skipped, lang)} item{'s zijn' if many else ' is'} weggelaten, "
            f"{'elk ' if many else ''}met bestand, rij, kolom en regel vermeld in data/skips.csv.",
        )
    else:
        text += pick(lang, " Nothing was left out.", " Er is niets weggelaten.")
    if not_collected:
        text += pick(lang, " Not collected: ", " Niet verzameld: ") + \
            f"{join([source_name(s, lang) for s in not_collected], lang)}."
    return text


def replication(year: int, *, within: int, total: int, outside: Sequence[str] = (),
                demo: bool = False, lang: str = "en") -> str:
    """How many published figures of ``year`` this run reproduces within tolerance.

    ``outside`` names the figures outside tolerance (in ``lang``, ``"en"`` or ``"nl"``). On demo
    data every figure is expected within tolerance (the generator is calibrated to them), so a miss
    there points at a change in the generator or an analysis; on real data it is a result (or a
    method difference) to explain.
    """
    if total == 0:
        return pick(lang, f"Nothing was published for {year}, so there is nothing to compare with.",
                    f"Voor {year} is niets gepubliceerd, dus er is niets om mee te vergelijken.")
    if within == total:
        if demo:
            return pick(lang, f"All {_n(total)} published figures of {year} are reproduced within "
                              "tolerance (as expected: the demo data is calibrated to them).",
                        f"Alle {_n(total, lang)} gepubliceerde cijfers van {year} worden binnen de "
                        "tolerantie gereproduceerd (zoals verwacht: de demodata zijn erop "
                        "gekalibreerd).")
        return pick(lang, f"All {_n(total)} published figures of {year} are reproduced within "
                          "tolerance.",
                    f"Alle {_n(total, lang)} gepubliceerde cijfers van {year} worden binnen de "
                    "tolerantie gereproduceerd.")
    missed = join(list(outside), lang) if outside else pick(lang, "see the table", "zie de tabel")
    text = pick(lang, f"{_n(within)} of {_n(total)} published figures of {year} are reproduced "
                      f"within tolerance; outside it: {missed}.",
                f"{_n(within, lang)} van de {_n(total, lang)} gepubliceerde cijfers van {year} "
                f"worden binnen de tolerantie gereproduceerd; daarbuiten: {missed}.")
    if demo:
        text += pick(lang, " The demo data is calibrated to these figures, so a miss points at a "
                           "change in the generator or in an analysis.",
                     " De demodata zijn op deze cijfers gekalibreerd, dus een afwijking wijst op een "
                     "wijziging in de generator of in een analyse.")
    return text
