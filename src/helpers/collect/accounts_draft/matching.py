"""The account-list draft: account names normalised and matched to the year's register, and the draft
table built, written and (once reviewed) checked for unconfirmed rows.

Reads and fetches nothing from a platform (see :mod:`.platforms`). Imports nothing from
helpers.analysis, helpers.present or helpers.pipeline.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.core.errors import DataError
from helpers.core.io import atomic_path

#: Lowest :class:`difflib.SequenceMatcher` ratio for a fuzzy proposal.
FUZZY_RATIO = 0.85
#: Columns of the draft: accounts.csv's, then the review columns.
DRAFT_COLUMNS = ["gm_code", "platform", "account_id", "handle", "kind", "first_seen", "note",
                 "match", "confidence", "source", "confirm"]
#: Other names a municipality is commonly known by (register name -> names).
ALIASES = {"'s-Gravenhage": ("Den Haag",), "'s-Hertogenbosch": ("Den Bosch",)}


def normalise(name: str) -> str:
    """A municipality or account name reduced for matching.

    Lower case, accents removed (``Súdwest`` -> ``sudwest``), a leading ``'s-``/``s-`` kept as
    ``s``, the words "gemeente"/"gem."/"municipality (of)" in front dropped (and "gemeente" glued
    to the front of a handle), a disambiguation in parentheses (``Bergen (NH.)``) dropped, and
    every character but letters and digits removed (hyphens, spaces, apostrophes).
    ``"Gemeente 's-Hertogenbosch"`` -> ``"shertogenbosch"``; ``"gemeenteutrecht"`` -> ``"utrecht"``.
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().strip()
    text = re.sub(r"\([^()]*\)", " ", text)
    text = text.replace("\u2019", "'").strip()
    text = re.sub(r"^(?:gemeente|gem\.|municipality of|municipality)[\s:-]+", "", text)
    squashed = re.sub(r"[^a-z0-9]", "", text)
    if squashed.startswith("gemeente") and len(squashed) > len("gemeente") + 1:
        squashed = squashed[len("gemeente"):]  # a handle: gemeenteutrecht
    return squashed


def register_keys(municipalities: pd.DataFrame) -> dict[str, list[tuple[str, str]]]:
    """Normalised name -> ``[(gm_code, register name), ...]`` for a register table.

    Each municipality is listed under its name, its short name and its :data:`ALIASES`.
    """
    keys: dict[str, list[tuple[str, str]]] = {}
    for row in municipalities.itertuples(index=False):
        names = {row.name, row.short_name, *ALIASES.get(row.name, ())}
        for n in names:
            k = normalise(n)
            if k and (row.gm_code, row.name) not in keys.get(k, []):
                keys.setdefault(k, []).append((row.gm_code, row.name))
    return keys


@dataclass(frozen=True)
class Found:
    """One account found on a platform, before matching.

    Attributes
    ----------
    platform : str
        ``mastodon`` or ``bluesky``.
    account_id, handle : str
        As in ``accounts.csv`` (Mastodon: ``user@instance``; Bluesky: the handle, id the DID).
    names : tuple of str
        The texts matched to the register (user name, display name; handle label).
    first_seen : str
        ISO 8601 creation time when the platform gives one, else empty.
    source : str
        Where it was found (``mastodon directory social.overheid.nl``).
    vouched : bool
        True when the account's server vouches that it is a government body's: a Mastodon account
        on a government instance, a Bluesky handle under a government domain. On open servers
        (``mastodon.social``, ``bsky.social``) anyone can register ``gemeente<name>``.
    """

    platform: str
    account_id: str
    handle: str
    names: tuple[str, ...]
    first_seen: str
    source: str
    vouched: bool = False


def match(found: Found, keys: dict[str, list[tuple[str, str]]],
          ratio: float = FUZZY_RATIO) -> list[dict[str, Any]]:
    """The draft rows proposed for one account (empty when no name matches).

    Parameters
    ----------
    found : Found
        The account.
    keys : dict
        :func:`register_keys` of the year's register.
    ratio : float
        Lowest similarity (0-1) for a fuzzy proposal.

    Returns
    -------
    list of dict
        Rows with :data:`DRAFT_COLUMNS`; one for an exact, fuzzy or theme match, one per
        municipality for an ambiguous name.
    """
    normed = [k for k in dict.fromkeys(normalise(n) for n in found.names) if k]
    for k in normed:
        hits = keys.get(k)
        if hits:
            kind = "exact" if len(hits) == 1 else "ambiguous"
            text = next(x for x in found.names if normalise(x) == k)
            return [_row(found, code, name, kind, 1.0, text) for code, name in hits]
    best: tuple[float, str, str] | None = None
    for k in normed:
        for cand in difflib.get_close_matches(k, list(keys), n=3, cutoff=ratio):
            r = difflib.SequenceMatcher(None, k, cand).ratio()
            text = next(x for x in found.names if normalise(x) == k)
            if best is None or r > best[0]:
                best = (r, cand, text)
    if best is not None:
        r, cand, text = best
        return [_row(found, code, name, "fuzzy", round(r, 3), text) for code, name in keys[cand]]
    for text in found.names:
        hits = theme_of_name(text, keys)
        if hits:
            return [_row(found, code, name, "theme", 1.0, text, kind="theme")
                    for code, name in hits]
    return []


def theme_of_name(text: str, keys: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """The municipality a department or service account names: ``"Gemeente Utrecht Afval"``.

    Only a name that starts with the word "Gemeente" (an explicit claim) and continues with a
    municipality's full name, followed by more words, counts; the longest such name wins. A bare
    prefix of letters is not enough (``"Utrechts Nieuwsblad"`` names no municipality).

    Returns
    -------
    list of (gm_code, register name)
        Empty when the name is not of that form.
    """
    words = re.split(r"[\s:/|,]+", str(text).strip())
    if len(words) < 3 or normalise(words[0]) != "gemeente":
        return []
    for n in range(len(words) - 2, 0, -1):
        hits = keys.get(normalise(" ".join(words[1 : 1 + n])))
        if hits:
            return hits
    return []


def _row(found: Found, code: str, name: str, how: str, confidence: float,
         text: str, kind: str = "corporate") -> dict[str, Any]:
    return {
        "gm_code": code,
        "platform": found.platform,
        "account_id": found.account_id,
        "handle": found.handle,
        "kind": kind,
        "first_seen": found.first_seen,
        "note": f"{name} (register) ~ {text!r}",
        "match": how,
        "confidence": confidence,
        "source": found.source,
        "confirm": "yes" if how == "exact" and found.vouched else "TODO",
    }


def build(found: Iterable[Found], municipalities: pd.DataFrame,
          ratio: float = FUZZY_RATIO) -> tuple[pd.DataFrame, int]:
    """Match every account to the register and return the draft and the number not proposed.

    Returns
    -------
    draft : DataFrame
        :data:`DRAFT_COLUMNS`, sorted by platform, gm_code, handle.
    unmatched : int
        Accounts with no exact, ambiguous or fuzzy match (not in the draft).
    """
    keys = register_keys(municipalities)
    rows, unmatched = [], 0
    for f in found:
        proposed = match(f, keys, ratio)
        unmatched += not proposed
        rows.extend(proposed)
    draft = pd.DataFrame(rows, columns=DRAFT_COLUMNS)
    draft = draft.sort_values(["platform", "gm_code", "handle"], kind="stable")
    return draft.reset_index(drop=True), unmatched


def write(draft: pd.DataFrame, path: Path) -> Path:
    """Write the draft CSV atomically (UTF-8, ``\\n`` line ends, deterministic)."""
    buf = io.StringIO()
    draft.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        tmp.write_text(buf.getvalue(), "utf-8")
    return path


def check_confirmed(header: list[str], records: list[tuple[int, list[str]]], path: Path) -> None:
    """Refuse an account list that is a draft still holding unconfirmed rows.

    Parameters
    ----------
    header : list of str
        The CSV header.
    records : list of (row, fields)
        The data rows with their 1-based row numbers.
    path : Path
        The file (for the message).

    Raises
    ------
    DataError
        On the first row whose ``confirm`` is not ``yes``.
    """
    if "confirm" not in header:
        return
    col = header.index("confirm")
    for row, fields in records:
        value = fields[col].strip().lower() if col < len(fields) else ""
        if value != "yes":
            raise DataError(str(path), "this account list is an unreviewed draft (`roeptoeter "
                            "accounts draft`): the row is not confirmed (confirm must be yes); "
                            "check it, or copy only the confirmed rows into accounts.csv",
                            row=row, column="confirm")
