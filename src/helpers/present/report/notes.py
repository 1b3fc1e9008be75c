"""The notes of records in the reader's language: the *basis* of the headline table and the *note*
(*toelichting*) of "All recorded numbers".

A record's note is data: the notebook that computed the number wrote it in English ("any Twitter
account, base 403", "95% CI 0.283-0.306 (clustered by municipality)"), and the records keep it so.
The page translates it. A note is split into its clauses (at ``"; "``); in each clause the numbers
(``#``), platforms (``@``) and p-values (``P``) are masked and the masked clause is looked up in
:data:`CLAUSES` (English pattern -> Dutch template). The Dutch template puts the masked values back
in the same order: ``#`` as a Dutch number (``45425`` -> ``45.425``, ``0.283`` -> ``0,283``), ``$``
unchanged (years, dates, the ``2`` of ``chi2``), ``@`` as the platform's label, ``P`` as a Dutch
p-value. A clause ``<name>: <rest>`` that is not in the table keeps the name (a municipality, or a
platform in words) and translates the rest; ``NA: <reason>`` becomes ``n.b.: <reason>``.

An unknown clause makes the whole note fall back to its English text (keys in words), so a
reader never gets a note half in one language and half in the other; ``tests/test_report_nl.py``
checks that every note of a demo run has a translation.

Must not import: :mod:`helpers.pipeline` or :mod:`helpers.cli`; from the package only
:mod:`.wording`.
"""

from __future__ import annotations

import re
from typing import Any

from helpers.present.report.wording import humanize, words

#: A value inside a note: a date, a number (also ``1e-16``, and ``-0.30`` after a space), or a missing
#: or infinite number (``nan``, ``inf``).
_TOKEN = re.compile(r"\d{4}-\d{2}-\d{2}|(?:(?<=[\s(])-)?\d+(?:\.\d+)?(?:e[-+]?\d+)?"
                    r"|(?<![A-Za-z])(?:nan|inf)(?![A-Za-z])")
#: A platform named in a note, as a key (``twitter``) or a name (``Twitter``).
_PLATFORM = re.compile(r"\b(?:[Tt]witter|[Ff]acebook|[Mm]astodon|[Bb]luesky)\b")
#: A p-value as :func:`helpers.analysis.stats.format_p` writes it.
_P = re.compile(r"p (?:=|<) \d+(?:\.\d+)?(?:e[-+]?\d+)?|p not computed")
#: The masks, in the order they are applied.
_MASKS = (("P", _P), ("@", _PLATFORM), ("#", _TOKEN))

#: English clause (masked) -> Dutch template. ``#`` a number, ``$`` a value kept as written, ``@`` a
#: platform, ``P`` a p-value; the template takes them in the order of the English clause.
CLAUSES: dict[str, str] = {
    "": "",
    "# don't know": "# weet niet",
    "# of # valid answers, Wilson #% #-#": "# van # geldige antwoorden, Wilson #% #-#",
    "# questions, # answered (@)": "# vragen, # beantwoord (@)",
    "# of # questions answered in the window": "# van # vragen beantwoord in de periode",
    "#% CI #-#": "#%-BI #-#",
    "#% CI #-# (cluster bootstrap over municipalities, # replicates, seed #)":
        "#%-BI #-# (clusterbootstrap over gemeenten, # herhalingen, startwaarde #)",
    "#% CI #-# (clustered by municipality)": "#%-BI #-# (geclusterd per gemeente)",
    "#% CI #-# (ratio estimator, clustered by municipality)":
        "#%-BI #-# (ratioschatter, geclusterd per gemeente)",
    "#% CI #-#, clustered by municipality": "#%-BI #-#, geclusterd per gemeente",
    "# -> #, # municipalities, Wilcoxon P, rank-biserial #":
        "$ -> $, # gemeenten, Wilcoxon P, rangbiseriële correlatie #",
    ">= # of # information items incl. bijstand": ">= # van # informatieonderdelen, waaronder bijstand",
    ">= # questions": ">= # vragen",
    ">= # tweet in the window # - #, base #": ">= # tweet in de periode $ - $, basis #",
    "@": "@",
    "Kaplan-Meier median, R survival convention: midpoint of a flat stretch at exactly #":
        "Kaplan-Meier-mediaan, conventie van R survival: midden van een vlak stuk op precies #",
    "replies to others / (replies to others + originals), base # posts":
        "reacties op anderen / (reacties op anderen + eigen berichten), basis # berichten",
    "replies to citizens / (replies to citizens + originals)":
        "reacties op burgers / (reacties op burgers + eigen berichten)",
    "replies to others / (replies to others + originals)":
        "reacties op anderen / (reacties op anderen + eigen berichten)",
    "Cohen's h (@)": "Cohens h (@)",
    "Cohen's kappa, rule vs hand coding, n=#": "Cohens kappa, regel tegen handmatige codering, n=#",
    "Cronbach's alpha, k=#, n=#, Feldt #% #-#": "Cronbachs alfa, k=#, n=#, Feldt #% #-#",
    "Friedman, df=#, n=# complete respondents": "Friedman, vg=#, n=# volledige respondenten",
    "Kaplan-Meier, of all # questions, censored at the window end":
        "Kaplan-Meier, van alle # vragen, gecensureerd aan het eind van de periode",
    "Kendall's W, #-#": "Kendalls W, #-#",
    "SHA-# in data/provenance.json": "SHA-$ in data/provenance.json",
    "Spearman, e-services (#-#) vs population, base # websites, P":
        "Spearman, e-diensten (#-#) tegen inwonertal, basis # websites, P",
    "Spearman, info_score vs eservice_score, base #, P":
        "Spearman, informatiescore tegen e-dienstenscore, basis #, P",
    "Wilson #%": "Wilson #%",
    "Wilson #% #-#": "Wilson #% #-#",
    "a corporate @ page, base #": "een corporate @-pagina, basis #",
    "addressed and indirect, in the window": "gericht en indirect, in de periode",
    "addressed messages with any reaction, base # messages (@)":
        "gerichte berichten met een reactie, basis # berichten (@)",
    "indirect messages with any reaction, base # messages (@)":
        "indirecte berichten met een reactie, basis # berichten (@)",
    "addressed minus indirect (@)": "gericht min indirect (@)",
    "addressed vs indirect, Wald test clustered by municipality (@), P":
        "gericht tegen indirect, Wald-toets geclusterd per gemeente (@), P",
    "among the # answered questions": "onder de # beantwoorde vragen",
    "any @ account": "een @-account",
    "any @ account, base #": "een @-account, basis #",
    "any @ page, base #": "een @-pagina, basis #",
    "base #": "basis #",
    "base # respondents": "basis # respondenten",
    "base # valid answers": "basis # geldige antwoorden",
    "base: # municipalities": "basis: # gemeenten",
    "bottom two by net agreement": "laagste twee naar netto instemming",
    "top four by net agreement (top-#-box minus bottom-#-box share of valid answers)":
        "hoogste vier naar netto instemming (top-$-box min bottom-$-box, aandeel van de geldige antwoorden)",
    "chi-square (permutation p), Cramér's V #, base #": "chi-kwadraat (permutatie-p), Cramérs V #, basis #",
    "chi-square, Cramér's V #, base #": "chi-kwadraat, Cramérs V #, basis #",
    "chi#, P, n=#": "chi$, P, n=#",
    "permutation, P, n=#": "permutatietoets, P, n=#",
    "responding vs size class: chi#, P": "respons tegen grootteklasse: chi$, P",
    "responding vs size class: permutation, P": "respons tegen grootteklasse: permutatietoets, P",
    "highest interaction share among # municipalities with base >= #":
        "hoogste interactieaandeel onder # gemeenten met een basis >= #",
    "in order x any e-service, chi-square, P": "op orde x ten minste één e-dienst, chi-kwadraat, P",
    "in order x any e-service, Fisher exact, P":
        "op orde x ten minste één e-dienst, exacte toets van Fisher, P",
    "Fisher exact, P, n=#": "exacte toets van Fisher, P, n=#",
    "fisher, P, n=#": "exacte toets van Fisher, P, n=#",
    "none, P, n=#": "geen toets, P, n=#",
    "responding vs size class: fisher, P": "respons tegen grootteklasse: exacte toets van Fisher, P",
    "responding vs size class: none, P": "respons tegen grootteklasse: geen toets, P",
    "responding vs size class: Fisher exact, P": "respons tegen grootteklasse: exacte toets van Fisher, P",
    "in order x any e-service, none (a margin is constant), P":
        "op orde x ten minste één e-dienst, geen toets (een marge is constant), P",
    "insufficient (#-#) is more than half of valid answers for every item":
        "onvoldoende (#-#) is meer dan de helft van de geldige antwoorden bij elk onderdeel",
    "log-rank weekday vs weekend, chi# = # (# df), P (from chi#.sf)":
        "log-ranktoets werkdag tegen weekend, chi$ = # ($ vg), P (uit chi$.sf)",
    "lowest KM median, ties by share within # h":
        "laagste KM-mediaan, bij gelijke stand het aandeel binnen # uur",
    "mean >= (# + #%) x weekday-only mean": "gemiddelde >= (# + #%) x gemiddelde van alleen werkdagen",
    "mean over # websites": "gemiddelde over # websites",
    "mean over answered questions asked Monday-Friday":
        "gemiddelde over beantwoorde vragen, gesteld op maandag tot en met vrijdag",
    "mean over the # answered questions": "gemiddelde over de # beantwoorde vragen",
    "median over # municipalities with base >= #": "mediaan over # gemeenten met een basis >= #",
    "of # published figures of #": "van # gepubliceerde cijfers van $",
    "of all # questions (unanswered count as not within # h)":
        "van alle # vragen (onbeantwoord telt als niet binnen # uur)",
    "on_bad_input=error": "bij foute invoer: stoppen (error)",
    "over # questions, censored at the window end": "over # vragen, gecensureerd aan het eind van de periode",
    "own posts of municipal accounts in the window":
        "eigen berichten van gemeentelijke accounts in de periode",
    "pooled over own posts of the # largest municipalities (@)":
        "gepoold over eigen berichten van de # grootste gemeenten (@)",
    "post-stratified by size class": "poststratificatie naar grootteklasse",
    "register of # January #": "register van $ januari $",
    "register of the year (demo sample if any)": "register van het jaar (demosteekproef indien gebruikt)",
    "replies to others / all # own posts (reposts and self-replies included)":
        "reacties op anderen / alle # eigen berichten (doorgestuurde berichten en "
        "reacties op zichzelf meegeteld)",
    "respondents (one per municipality) of # municipalities":
        "respondenten (één per gemeente) van # gemeenten",
    "roeptoetergehalte = # - pooled interaction share (same base)":
        "roeptoetergehalte = # - gepoold interactieaandeel (zelfde basis)",
    "share below #%": "aandeel onder #%",
    "share of equal codings, n=#": "aandeel gelijke coderingen, n=#",
    "share with >= # of # e-services = # (Wilson #% #-#) < #":
        "aandeel met >= # van # e-diensten = # (Wilson #% #-#) < #",
    "sum of replies to citizens / sum of (replies to citizens + originals)":
        "som van reacties op burgers / som van (reacties op burgers + eigen berichten)",
    "sum of replies to others / sum of bases (replies to others + originals), base # posts of all "
    "municipalities": "som van reacties op anderen / som van de bases (reacties op anderen + eigen "
                      "berichten), basis # berichten van alle gemeenten",
    "the two reasons named most": "de twee meest genoemde redenen",
    "websites audited of # municipalities in the register":
        "websites onderzocht van # gemeenten in het register",
    "with own posts or questions in the window": "met eigen berichten dan wel vragen in de periode",
    "with own posts or questions on @": "met eigen berichten dan wel vragen op @",
    # why a number is NA (after "NA: ")
    "@ not collected for #": "@ niet verzameld voor $",
    "no ranking: no municipality with # or more questions and an answer":
        "geen rangorde: geen gemeente met ten minste # vragen en een antwoord",
    "no test: @ needs addressed and indirect messages in two or more municipalities, with variation "
    "between them": "geen toets: voor @ zijn gerichte en indirecte berichten nodig in ten minste "
                    "twee gemeenten, met variatie daartussen",
    "no municipality ranked": "geen gemeente in de rangorde",
    "no own posts in the base": "geen eigen berichten in de basis",
    "no own posts in the base on @": "geen eigen berichten in de basis op @",
    "no own posts": "geen eigen berichten",
    "no questions in the window": "geen vragen in de periode",
    "no questions on @": "geen vragen op @",
    "fewer than half of the questions on @ were answered":
        "minder dan de helft van de vragen op @ is beantwoord",
    "fewer than # websites with a population, or no variation (base #)":
        "minder dan # websites met een inwonertal, dan wel geen variatie (basis #)",
    "Cronbach's alpha needs at least two items (k=#)":
        "Cronbachs alfa vraagt ten minste twee onderdelen (k=#)",
    "Cronbach's alpha needs at least two complete respondents (n=#)":
        "Cronbachs alfa vraagt ten minste twee volledige respondenten (n=#)",
    "the Friedman test needs at least three items (has #)":
        "de Friedman-toets vraagt ten minste drie onderdelen (heeft er #)",
    "the Friedman test needs at least two complete respondents (has #)":
        "de Friedman-toets vraagt ten minste twee volledige respondenten (heeft er #)",
    "no municipality has a base of # or more posts: no ranking":
        "geen gemeente heeft een basis van ten minste # berichten: geen rangorde",
    "no website was audited": "geen website onderzocht",
    "none of the # questions was answered: no response times, no Kaplan-Meier median":
        "geen van de # vragen is beantwoord: geen reactietijden, geen Kaplan-Meier-mediaan",
    "no answered weekday questions: no weekday-weekend comparison":
        "geen beantwoorde vragen op werkdagen: geen vergelijking werkdag-weekend",
    "no answered weekend questions: no weekday-weekend comparison":
        "geen beantwoorde vragen in het weekend: geen vergelijking werkdag-weekend",
    "the ordinal model needs at least two rating levels (has #)":
        "het ordinale model vraagt ten minste twee antwoordniveaus (heeft er #)",
}

#: ``collected: Twitter, Facebook`` (any number of platforms).
_COLLECTED = re.compile(r"collected: @(?:, @)*")


def _mask(clause: str) -> tuple[str, dict[str, list[str]]]:
    """``clause`` with its p-values, platforms and numbers masked, and the masked values by mask."""
    values: dict[str, list[str]] = {}
    for mark, pattern in _MASKS:
        values[mark] = pattern.findall(clause)
        clause = pattern.sub(mark, clause)
    return clause, values


def _dutch_number(text: str) -> str:
    """A number as written in a note, in Dutch: ``45425`` -> ``45.425``, ``0.283`` -> ``0,283``,
    ``4.5e-6`` -> ``4,5e-6``; ``nan`` -> ``n.b.``, ``inf`` -> ``∞``."""
    from helpers.present import language

    if text == "nan":
        return "n.b."
    if text == "inf":
        return "∞"
    if re.fullmatch(r"\d+", text):
        return language.count(int(text), "nl")
    return text.replace(".", ",")


def _dutch_p(text: str) -> str:
    """``p = 0.0019`` -> ``p = 0,0019``; ``p not computed`` -> ``p niet berekend``."""
    return "p niet berekend" if text == "p not computed" else text.replace(".", ",")


def _fill(template: str, values: dict[str, list[str]]) -> str:
    """The Dutch ``template`` with the masked values put back in order (see :data:`CLAUSES`)."""
    numbers, platforms, ps = iter(values["#"]), iter(values["@"]), iter(values["P"])
    out = []
    for char in template:
        if char == "#":
            out.append(_dutch_number(next(numbers)))
        elif char == "$":
            out.append(next(numbers))
        elif char == "@":
            out.append(words(next(platforms).lower(), "nl"))
        elif char == "P":
            out.append(_dutch_p(next(ps)))
        else:
            out.append(char)
    return "".join(out)


def dutch_clause(clause: str) -> str | None:
    """One clause of a note in Dutch, or ``None`` when :data:`CLAUSES` does not know it."""
    if clause.startswith("NA: "):
        rest = dutch_clause(clause[4:])
        return None if rest is None else f"n.b.: {rest}"
    masked, values = _mask(clause)
    if masked in CLAUSES:
        return _fill(CLAUSES[masked], values)
    if _COLLECTED.fullmatch(masked):
        return "verzameld: " + ", ".join(words(p.lower(), "nl") for p in values["@"])
    head, sep, rest = clause.partition(": ")
    if sep and rest and not _TOKEN.search(head):
        translated = dutch_clause(rest)
        if translated is not None:
            name = words(head.lower(), "nl") if _PLATFORM.fullmatch(head) else head
            return f"{name}: {translated}"
    return None


def translate_note(note: Any, lang: str = "en") -> str:
    """A record's note for a reader of ``lang``.

    Parameters
    ----------
    note : str or None
        The note as the notebook recorded it (English).
    lang : str
        ``"en"``: the note with raw keys in words (:func:`humanize`); ``"nl"``: every clause
        translated through :data:`CLAUSES`, numbers in Dutch.

    Returns
    -------
    str
        The note in ``lang``; in Dutch, the English text (keys in words) when any clause is
        unknown (see :func:`unknown_clauses`).
    """
    text = "" if note is None else str(note)
    if lang != "nl":
        return humanize(text, lang)
    parts = [dutch_clause(c) for c in text.split("; ")]
    if any(p is None for p in parts):
        return humanize(text, lang)
    return "; ".join(p for p in parts if p is not None)


def unknown_clauses(note: Any) -> list[str]:
    """The clauses of ``note`` that have no Dutch translation (empty when all have one)."""
    text = "" if note is None else str(note)
    return [c for c in text.split("; ") if dutch_clause(c) is None]
