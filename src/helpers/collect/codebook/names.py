"""How a survey codebook compares export names, labels and codes, and the column names known out of the box.

:func:`squash`, :func:`norm`, :func:`label_key` and :func:`code_key` reduce a column name, a label or
an export code to the form in which it is matched; :data:`KNOWN_IDENTIFYING` and
:data:`KNOWN_IGNORED` are matched without a codebook entry; :func:`answer_codes` lists the labels
that name each answer code of a question. Imports nothing from helpers.
"""

from __future__ import annotations

import re
from typing import Any

LOCAL_NAMES = ("codebook.yaml", "codebook.yml")
#: Column names that identify a person, known without a codebook entry (compared by :func:`squash`).
KNOWN_IDENTIFYING = (
    "naam", "name", "voornaam", "achternaam", "firstname", "lastname", "fullname", "email",
    "emailadres", "emailaddress", "ip", "ipaddr", "ipaddress", "ipadres", "token", "refurl",
    "referer", "referrer", "telefoon", "telefoonnummer", "phone", "phonenumber", "mobiel",
    "adres", "address", "postcode", "zipcode", "useragent",
)
#: Administrative columns of survey platforms (LimeSurvey, SurveyMonkey, Qualtrics) that carry no
#: answer and no personal data (compared by :func:`squash`).
KNOWN_IGNORED = (
    "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp", "interviewtime",
    "startdatum", "einddatum", "enddate", "status", "collectorid", "progress", "finished",
    "durationinseconds", "recordeddate",
)


def squash(name: Any) -> str:
    """A column name reduced to lower-case letters and digits (``"E-mail adres"`` -> ``emailadres``)."""
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def norm(name: Any) -> str:
    """A column name as matched against ``raw``: lower case, spaces and hyphens read as ``_``."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def label_key(text: Any) -> str:
    """A label as compared with codebook labels: lower case, runs of white space as one space."""
    return re.sub(r"\s+", " ", str(text).strip().lower())


def code_key(value: Any) -> str:
    """An export code as a recode key: ``9``, ``9.0`` and ``"9"`` -> ``"9"``; text lower case."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = label_key(value)
    return text.split(".")[0] if re.fullmatch(r"-?\d+\.0+", text) else text


def answer_codes(cb: dict[str, Any], q: dict[str, Any]) -> dict[int, set[str]]:
    """Our answer code -> the labels that name it (nl, en, key, aliases; compared by
    :func:`label_key`) of a likert5 or single question, missing codes included."""
    out: dict[int, set[str]] = {}
    if q["type"] == "likert5":
        for c, v in cb["scales"][q["scale"]].items():
            out[int(c)] = {label_key(v["nl"]), label_key(v["en"])}
    elif q["type"] == "single":
        for c, v in q["values"].items():
            out[int(c)] = {label_key(v["nl"]), label_key(v["en"]), label_key(v["key"])}
    for m in q.get("missing", []):
        v = cb["missing"][int(m)]
        out[int(m)] = {label_key(v["nl"]), label_key(v["en"]), label_key(v["key"])}
    for c, names in (q.get("aliases") or {}).items():
        out.setdefault(int(c), set()).update(label_key(n) for n in _as_list(names))
    return out


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]
