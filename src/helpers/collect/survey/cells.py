"""One cell of a survey export: its answer code, a chosen option, the pseudonym of a respondent id,
a gemeente code, and how a value is described in a message without quoting it.

A cell can hold a name, an e-mail or an IP address typed by a respondent: nothing here puts a value
into a message (:func:`describe`). Imports nothing from helpers.analysis, helpers.present or helpers.pipeline.
"""

from __future__ import annotations

import hashlib
import os
import re
from typing import Any

import numpy as np
import pandas as pd

from helpers.collect import codebook

SALT_ENV = "ROEPTOETER_PSEUDONYM_SALT"
DEFAULT_SALT = "roeptoeter-survey-v1"
# "Y" is LimeSurvey's code of a chosen multiple-choice option (exported "as answer codes")
_TRUE = {"1", "1.0", "ja", "yes", "y", "true", "waar", "x", "gekozen", "selected", "geselecteerd"}
_FALSE = {"0", "0.0", "nee", "no", "n", "false", "onwaar", "niet gekozen", "not selected",
          "niet geselecteerd"}


def pseudonym(year: int, original_id: Any, salt: str | None = None) -> str:
    """Pseudonymous respondent id: ``"R"`` + the first 16 hex digits of a salted SHA-256.

    The salt is ``salt``, else ``$ROEPTOETER_PSEUDONYM_SALT``, else :data:`DEFAULT_SALT`.
    """
    salt = salt if salt is not None else os.environ.get(SALT_ENV) or DEFAULT_SALT
    text = _id_text(original_id)
    digest = hashlib.sha256(f"{salt}|{int(year)}|{text}".encode()).hexdigest()
    return "R" + digest[:16]


def _id_text(value: Any) -> str:
    """An export id as text; integral numbers without ``.0`` (SPSS stores ids as doubles)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text.split(".")[0] if re.fullmatch(r"\d+\.0+", text) else text


def normalise_gm_code(value: Any) -> str | None:
    """``GM0344``, ``gm0344``, ``0344``, ``344`` or 344.0 -> ``GM0344``; None when not a code."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    text = _id_text(value).upper().removeprefix("GM")
    return f"GM{int(text):04d}" if text.isdigit() and len(text) <= 4 else None


def _blank(v: Any) -> bool:
    if v is None or v is pd.NA:
        return True
    if isinstance(v, float) and np.isnan(v):
        return True
    return isinstance(v, str) and v.strip() == ""


def describe(v: Any) -> str:
    """What a cell holds, without quoting it: its type and length (never the value itself).

    A survey cell can hold a name, an e-mail address or an IP address typed by a respondent, so
    messages, skips and logs describe the value instead of showing it.
    """
    if isinstance(v, (bool, np.bool_)):
        return "a true/false value"
    if isinstance(v, (int, np.integer)) or (isinstance(v, (float, np.floating))
                                            and float(v).is_integer()):
        return "a whole number"
    if isinstance(v, (float, np.floating)):
        return "a decimal number"
    if isinstance(v, str):
        text = v.strip()
        size = f"{len(text)} character{'s' if len(text) != 1 else ''}"
        try:
            float(text.replace(",", "."))
            return f"a number written as text ({size})"
        except ValueError:
            return f"text of {size}"
    return f"a value of type {type(v).__name__}"


def _label_lookup(item: pd.Series, cb: dict[str, Any]) -> dict[str, int]:
    """Lower-case label (nl, en, key, aliases) -> code, for an item with coded answers."""
    q = next(q for q in cb["questions"] if q["id"] == item["question"])
    lookup: dict[str, int] = {}
    for c, names in codebook.answer_codes(cb, q).items():
        lookup.update(dict.fromkeys(names, int(c)))
    for c, names in item["aliases"].items():
        lookup.update({codebook.label_key(n): int(c) for n in names})
    for c in item["codes"]:
        lookup[str(c)] = int(c)
    return lookup


def _code(v: Any, lookup: dict[str, int], allowed: set[int], spss_labels: dict[float, str],
          recode: dict[str, int], item: str) -> int:
    """Answer code of one cell (after the codebook's recoding), or raise ValueError with a reason
    that describes the value without quoting it."""
    codes = ", ".join(str(c) for c in sorted(allowed))
    key = codebook.code_key(v)
    if key in recode:
        return recode[key]
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        f = float(v)
        if f.is_integer() and int(f) in allowed:
            return int(f)
        label = spss_labels.get(f)
        if label is not None and codebook.label_key(label) in lookup:
            return lookup[codebook.label_key(label)]
        raise ValueError(f"{describe(v)} that is not an answer code of item {item} "
                         f"(codes {codes})")
    text = codebook.label_key(v)
    if text in lookup:
        return lookup[text]
    try:
        f = float(text.replace(",", "."))
    except ValueError:
        raise ValueError(f"{describe(v)} where an answer code or label of item {item} is "
                         f"expected (codes {codes})") from None
    if f.is_integer() and int(f) in allowed:
        return int(f)
    raise ValueError(f"{describe(v)} that is not an answer code of item {item} (codes {codes})")


def _chosen(v: Any, labels: set[str], item: str) -> bool:
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        if float(v) in (0.0, 1.0):
            return bool(v)
        raise ValueError(f"{describe(v)} that is not 0 (not chosen) or 1 (chosen) for option "
                         f"{item}")
    if isinstance(v, bool):
        return v
    text = str(v).strip().lower()
    if text in _TRUE or text in labels:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{describe(v)} that is not a chosen/not chosen answer of option {item} "
                     "(1/0, Y, ja/nee, or the option label)")
