"""Keys and recorded values in words: record names as findings, units as people read them, table
headers in English or Dutch.

Must not import: :mod:`helpers.pipeline` or :mod:`helpers.cli`; from the package only
:mod:`.replication` (its value parsers). :mod:`helpers.present.viz` (labels) is imported lazily.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from helpers.present import language
from helpers.present.report.replication import _flag, _number

#: Headline findings in report order: record name -> description (en, nl).
HEADLINES: dict[str, tuple[str, str]] = {
    "n_municipalities": ("Municipalities in the study", "Gemeenten in het onderzoek"),
    "twitter_accounts": ("Municipalities with a Twitter account", "Gemeenten met een Twitteraccount"),
    "twitter_active_share": ("Share active on Twitter", "Aandeel actief op Twitter"),
    "facebook_share": ("Share on Facebook", "Aandeel op Facebook"),
    "facebook_corporate_share": (
        "Share with a corporate Facebook page",
        "Aandeel met een corporate Facebookpagina",
    ),
    "top_interaction_gm_code": ("Most interactive municipality", "Meest interactieve gemeente"),
    "top_interaction_share": (
        "Interaction share of the most interactive municipality",
        "Interactieaandeel van de meest interactieve gemeente",
    ),
    "response_mean_hours": (
        "Mean response time to questions",
        "Gemiddelde reactietijd op vragen",
    ),
    "answered_within_2h_share": (
        "Answered questions answered within 2 hours (base: answered questions)",
        "Beantwoorde vragen binnen 2 uur beantwoord (basis: beantwoorde vragen)",
    ),
    "all_within_2h_share": (
        "Questions answered within 2 hours (base: all questions, unanswered included)",
        "Vragen binnen 2 uur beantwoord (basis: alle vragen, ook onbeantwoorde)",
    ),
    "weekend_raises_mean": ("Weekends raise the mean response time", "Weekenden verhogen het gemiddelde"),
    "fastest_1_gm_code": ("Fastest municipality", "Snelste gemeente"),
    "fastest_2_gm_code": ("Second fastest", "Op één na snelste"),
    "monitoring_insufficient_majority": (
        "Most do not monitor indirect messages",
        "De meeste monitoren indirecte berichten niet",
    ),
    "survey_respondents": ("Municipalities answering the survey", "Gemeenten die de enquête invulden"),
    "ownership_fully_communications_share": (
        "Responsibility fully with communications",
        "Verantwoordelijkheid geheel bij communicatie",
    ),
    "least_enthusiastic_groups": ("Least enthusiastic groups", "Minst enthousiaste groepen"),
    "most_enthusiastic_groups": ("Most enthusiastic groups", "Meest enthousiaste groepen"),
    "top_reasons": ("Main reasons for reluctance", "Belangrijkste redenen voor terughoudendheid"),
    "websites_audited": ("Websites audited", "Websites onderzocht"),
    "work_income_info_in_order_share": (
        "Work & income information in order",
        "Informatie werk & inkomen op orde",
    ),
    "few_eservices": ("Too few e-services", "Te weinig e-diensten"),
}


#: A raw key in text: a snake_case identifier that is not part of a file name or path.
RAW_KEY = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-]|\.\w)")
#: Units whose values are lists of keys (``"college;raad"``), shown as their labels.
LIST_UNITS = ("groups", "reasons", "items")
#: Units of counts, shown as whole numbers with thousands separators.
COUNT_UNITS = ("municipalities", "posts", "messages", "questions", "items", "files", "figures",
               "respondents", "websites")


def words(key: str, lang: str = "en") -> str:
    """A key in words: its label (:data:`helpers.present.viz.LABELS`), its finding (:data:`HEADLINES`),
    else the key with spaces for underscores (``"eservice_schuldhulp"`` -> ``"eservice schuldhulp"``).
    """
    from helpers.present import viz

    text = str(key)
    if text in viz.LABELS:
        return viz.label(text, lang)
    if text in HEADLINES:
        return describe(text, lang)
    return text.replace("_", " ").strip()


def humanize(text: Any, lang: str = "en") -> str:
    """``text`` with every raw key (:data:`RAW_KEY`) replaced by :func:`words`; file names stay."""
    return RAW_KEY.sub(lambda m: words(m.group(0), lang), "" if text is None else str(text))


#: A record name that stands for one platform (``platform_twitter_answer_rate``).
_PLATFORM_RECORD = re.compile(r"platform_(?P<platform>[a-z]+)_(?P<rest>[a-z0-9_]+)")


def describe(name: str, lang: str = "en") -> str:
    """The finding a record name stands for (:data:`HEADLINES`), else its words from the catalog
    ``texts/records.yaml`` (``platform_{platform}_...`` for every platform), else the name in words
    (``"n_..."`` as "Number of ..." / "Aantal ...")."""
    from helpers.present import texts

    en_nl = HEADLINES.get(str(name))
    if en_nl is not None:
        return en_nl[0 if lang == "en" else 1]
    names = texts.catalog("records")
    if str(name) in names:
        return texts.text("records", str(name), lang)
    match = _PLATFORM_RECORD.fullmatch(str(name))
    key = f"platform_{{platform}}_{match['rest']}" if match else ""
    if key in names:
        platform = match["platform"] if lang == "en" else words(match["platform"], lang)
        return texts.text("records", key, lang, platform=platform)
    text = str(name)
    if text.startswith("n_"):
        text = ("number of " if lang == "en" else "aantal ") + text[2:]
    text = text.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


#: Notebook keys in Dutch words (English: the key with spaces, capitalized).
NOTEBOOK_NL = {
    "collect": "Verzameling", "presence": "Aanwezigheid", "interaction": "Interactie",
    "response_time": "Reactietijd", "monitoring": "Monitoring", "platforms": "Platforms",
    "survey": "Enquête", "websites": "Websites", "report": "Rapport",
}


def notebook_words(notebook: str, lang: str = "en") -> str:
    """A notebook's short name for people: ``"response_time"`` -> "Response time" / "Reactietijd"."""
    key = str(notebook)
    if lang == "nl" and key in NOTEBOOK_NL:
        return NOTEBOOK_NL[key]
    return key.replace("_", " ").capitalize()


#: Units of records in Dutch (English shows the unit itself, keys in words).
UNITS_NL = {
    "proportion": "aandeel", "share": "aandeel", "hours": "uur", "business hours": "kantooruren",
    "business_hours": "kantooruren", "p-value": "p-waarde", "flag": "ja/nee", "gm_code": "gemeente",
    "groups": "groepen", "reasons": "redenen", "items": "onderdelen", "messages": "berichten",
    "municipalities": "gemeenten", "posts": "berichten", "questions": "vragen", "files": "bestanden",
    "figures": "cijfers", "respondents": "respondenten", "websites": "websites",
    "platforms": "platforms", "kappa": "kappa", "effect size": "effectgrootte",
    "coefficient": "coëfficiënt", "correlation": "correlatie", "chi-square": "chi-kwadraat",
    "Cramér's V": "Cramérs V", "e-services": "e-diensten", "e-services (0-5)": "e-diensten (0-5)",
    "count": "aantal",
}


def unit_words(unit: Any, lang: str = "en") -> str:
    """A record's unit for people: English as recorded (keys in words), Dutch from :data:`UNITS_NL`."""
    if lang == "nl" and str(unit) in UNITS_NL:
        return UNITS_NL[str(unit)]
    return humanize(unit, lang)


def format_value(value: Any, unit: str, lang: str = "en",
                 names: Mapping[str, str] | None = None) -> str:
    """A recorded value for people, by its unit, with the numbers of ``lang``
    (:mod:`helpers.present.language`: ``24.1%``/``24,1%``, ``4,118``/``4.118``).

    Proportions as percentages with one decimal, hours with one decimal and ``h`` (Dutch ``uur``),
    p-values through :func:`helpers.present.language.p_value` (never "0"), flags yes/no (ja/nee),
    counts as whole numbers with thousands separators, municipality codes (unit ``gm_code``) as
    the municipality's name from ``names``, lists of keys (``"college;raad"``, units
    :data:`LIST_UNITS`) as their labels separated by commas; other numbers with three
    significant digits.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    unit = str(unit or "")
    number = _number(value)
    if unit in ("proportion", "share") and number is not None:
        return language.percent(number, 1, lang)
    if unit in ("hours", "business hours", "business_hours") and number is not None:
        return language.hours(number, 1, lang)
    if unit == "p-value":
        return language.p_value(number, lang).removeprefix("p = ").removeprefix("p ")
    if unit == "flag":
        flag = _flag(value)
        if flag is None:
            return str(value)
        return ("yes" if flag else "no") if lang == "en" else ("ja" if flag else "nee")
    if unit == "gm_code" and isinstance(value, str):
        return (names or {}).get(value, value)
    if isinstance(value, str) and (unit in LIST_UNITS or ";" in value):
        return ", ".join(words(v.strip(), lang) for v in value.split(";") if v.strip())
    if number is not None and not isinstance(value, str):
        if unit in COUNT_UNITS or float(number).is_integer():
            return language.count(number, lang)
        return _decimal_mark(f"{number:.3g}", lang)
    return humanize(value, lang)


def _decimal_mark(text: str, lang: str) -> str:
    """A number written by Python (``"0.856"``) with the decimal mark of ``lang`` (``"0,856"``)."""
    return text.replace(".", ",") if lang == "nl" else text


def _difference(value: Any, unit: str, lang: str = "en") -> str:
    """A difference or tolerance in its unit: percentage points for shares (``+1.2 pp``, Dutch
    ``+1,2 pp``), hours (``+6.5 h``, ``+6,5 uur``), plain numbers; ``""`` when missing."""
    number = _number(value)
    if number is None:
        return ""
    if number == 0:
        return "0"
    sign = "+" if number > 0 else "-"
    if unit in ("proportion", "share"):
        return f"{sign}{language.number(abs(number) * 100, 1, lang)} pp"
    if unit in ("hours", "business hours", "business_hours"):
        return f"{sign}{language.hours(abs(number), 1, lang)}"
    if float(number).is_integer():
        return f"{sign}{language.count(abs(number), lang)}"
    return _decimal_mark(f"{number:+.3g}", lang)


#: Column headers of the trends tables in words (en, nl).
TABLE_HEADERS: dict[str, tuple[str, str]] = {
    "year": ("year", "jaar"),
    "platform": ("platform", "platform"),
    "count": ("with an account", "met een account"),
    "n": ("base (municipalities)", "basis (gemeenten)"),
    "share": ("share", "aandeel"),
    "ci_low": ("95% CI from", "95%-BI van"),
    "ci_high": ("95% CI to", "95%-BI tot"),
    "municipalities": ("municipalities", "gemeenten"),
    "merged": ("merged", "samengevoegd"),
    "with_split": ("with a split", "met een splitsing"),
    "interaction_share_pooled": ("interaction share (pooled)", "interactieaandeel (gepoold)"),
    "answer_rate_pooled": ("questions answered (pooled)", "vragen beantwoord (gepoold)"),
    "info_score_mean": ("mean information items (0-6)", "gem. informatie-onderdelen (0-6)"),
    "eservice_score_mean": ("mean e-services (0-5)", "gem. e-diensten (0-5)"),
    "rank": ("rank", "rang"),
    "gm_code": ("code then", "code toen"),
    "gm_code_now": ("code now", "code nu"),
    "name": ("municipality", "gemeente"),
    # the report notebook's tables
    "finding": ("finding", "bevinding"),
    "value": ("value", "waarde"),
    "basis": ("basis", "basis"),
    "notebook": ("notebook", "notebook"),
    "number": ("number", "getal"),
    "unit": ("unit", "eenheid"),
    "note": ("note", "toelichting"),
    "source": ("source", "bron"),
    "figure": ("figure", "cijfer"),
    "published": ("published", "gepubliceerd"),
    "computed": ("computed", "berekend"),
    "difference": ("difference", "verschil"),
    "tolerance": ("tolerance", "tolerantie"),
    "result": ("result", "uitkomst"),
    "status": ("status", "status"),
    "notebooks": ("notebooks", "notebooks"),
    "item": ("item", "onderdeel"),
}


def translate_headers(df: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """``df`` with the column headers of :data:`TABLE_HEADERS` in ``lang`` (others unchanged)."""
    index = 0 if lang == "en" else 1
    return df.rename(columns={c: TABLE_HEADERS[c][index] for c in df.columns if c in TABLE_HEADERS})


def _is_share_column(name: str) -> bool:
    """Columns holding proportions (0-1), shown as percentages."""
    return name in ("share", "ci_low", "ci_high") or "_share" in name or name.endswith("_rate") \
        or "_rate_" in name


def readable_frame(df: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A table for people: headers in words (:data:`TABLE_HEADERS`, else :func:`words`), values
    formatted by column.

    Numbers are written as ``lang`` writes them (:mod:`helpers.present.language`). Proportions
    (``share``, ``ci_low``, ``ci_high``, ``*_share*``, ``*_rate``) as percentages with
    one decimal; whole numbers (integer columns and floats that are whole) without decimals and
    with thousands separators; other numbers with two decimals; text keys (``twitter``) as their
    labels. Missing values stay empty. The year column is shown as is.
    """
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        name = str(col)
        values = df[col]
        if name == "year" or not pd.api.types.is_numeric_dtype(values) \
                or pd.api.types.is_bool_dtype(values):
            shown = [("" if pd.isna(v) else words(v, lang)) if isinstance(v, str) or pd.isna(v)
                     else str(v) for v in values]
        elif _is_share_column(name):
            shown = ["" if pd.isna(v) else language.percent(v, 1, lang) for v in values]
        else:
            nums = pd.to_numeric(values, errors="coerce")
            whole = bool(nums.dropna().map(lambda v: float(v).is_integer()).all())
            shown = ["" if pd.isna(v) else language.number(v, 0 if whole else 2, lang) for v in nums]
        header = TABLE_HEADERS.get(name)
        out[header[0 if lang == "en" else 1] if header else words(name, lang)] = shown
    return out.reset_index(drop=True)
