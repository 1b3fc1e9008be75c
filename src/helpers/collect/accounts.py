"""The account list: which social-media accounts belong to which municipality.

``accounts.csv`` is kept by the research team (one row per account):

=============  ===============================================================================
column         meaning
=============  ===============================================================================
gm_code        CBS gemeente code (``GM0344``), valid on 1 January of the study year
platform       twitter, facebook, instagram, linkedin, youtube, mastodon or bluesky
account_id     the platform's numeric or string id of the account (Facebook: the page id)
handle         the username / page name without ``@`` (compared case-insensitively)
kind           ``corporate`` (the municipality's main account) or ``theme`` (a department,
               project or service account)
first_seen     optional, ISO 8601 with a timezone: when the team first saw the account (a value
               without a timezone is bad input; when skipped, the account is kept without it)
synthetic      optional; ``true`` in the demo dataset
=============  ===============================================================================

A draft from ``roeptoeter accounts draft`` (with its review columns ``match``, ``confidence``,
``source``, ``confirm``) is refused while a row is not confirmed
(:func:`helpers.collect.accounts_draft.check_confirmed`); once every row says ``confirm=yes`` the
review columns are allowed and not read.

A code that is not valid in the year is bad input; in error mode the message names the successor
(via :func:`helpers.core.register.check_codes`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.collect import csvfile
from helpers.collect.accounts_draft import check_confirmed
from helpers.collect.issues import describe_value, guarded_loader, iso_problem
from helpers.core import register
from helpers.core.errors import DataError
from helpers.core.schemas import ACCOUNT_KINDS, PLATFORMS

REQUIRED = ("gm_code", "platform", "account_id", "handle", "kind")
OPTIONAL = ("first_seen", "synthetic", "note", "match", "confidence", "source", "confirm")
COLUMNS = ["year", "gm_code", "platform", "account_id", "handle", "kind", "first_seen"]


@guarded_loader
def load(path: Path, year: int, issues) -> pd.DataFrame:
    """Read and check ``accounts.csv`` for ``year``.

    Parameters
    ----------
    path : Path
        The account list.
    year : int
        The study year (for the register check).
    issues : helpers.collect.Issues
        Where bad rows are reported (raised or skipped).

    Returns
    -------
    DataFrame
        The ``accounts`` table: ``year``, ``gm_code``, ``platform``, ``account_id``, ``handle``
        (lower case, no ``@``), ``kind``, ``first_seen`` (UTC, NaT when unknown).
    """
    header, records = csvfile.read_records(
        path, issues, empty_rule=f"empty file; expected a header {','.join(REQUIRED)}")
    check_confirmed(header, records, path)  # a draft put in place unreviewed is refused
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DataError(str(path), f"missing column {missing[0]!r}; required: {', '.join(REQUIRED)}",
                        column=missing[0])
    for col in header:
        if col not in REQUIRED + OPTIONAL:
            issues.bad(path, f"unknown column {col!r} ignored", column=col)
    data_rows = [n for n, _ in records]
    df = pd.DataFrame([f for _, f in records], columns=header, dtype=str)
    df = df.loc[:, ~df.columns.duplicated()]
    df = df.apply(lambda s: s.str.strip())
    df["handle"] = df["handle"].str.lstrip("@").str.lower()
    valid = register.codes(int(year))
    keep = []
    seen: set[tuple[str, str]] = set()
    for idx, (pos, rec) in enumerate(zip(data_rows, df.itertuples(index=False), strict=True)):
        if rec.gm_code not in valid:
            if issues.on_bad == "error":
                try:  # the register's message names the successor when there is one
                    register.check_codes(pd.Series([rec.gm_code]), int(year), file=str(path))
                except DataError as exc:
                    raise DataError(str(path), exc.rule, row=pos, column="gm_code") from None
            issues.bad(path, f"gm_code {rec.gm_code!r} is not a municipality on 1 January {year}"
                       " (account belongs to no municipality)", row=pos, column="gm_code")
            continue
        if rec.platform not in PLATFORMS:
            issues.bad(path, f"platform {rec.platform!r} is not one of {', '.join(PLATFORMS)}",
                       row=pos, column="platform")
            continue
        if rec.kind not in ACCOUNT_KINDS:
            issues.bad(path, f"kind {rec.kind!r} is not corporate or theme", row=pos, column="kind")
            continue
        if not rec.account_id:
            issues.bad(path, "empty account_id", row=pos, column="account_id")
            continue
        key = (rec.platform, rec.account_id)
        if key in seen:
            issues.bad(path, f"duplicate account {rec.platform}/{rec.account_id}", row=pos,
                       column="account_id")
            continue
        seen.add(key)
        keep.append(idx)
    rows = [data_rows[i] for i in keep]
    df = df.iloc[keep].reset_index(drop=True)
    first = df["first_seen"] if "first_seen" in df.columns else pd.Series("", index=df.index)
    stamps = []
    for pos, text in zip(rows, first, strict=True):
        ts = None
        if text:
            problem = iso_problem(text)
            if problem is None:
                ts = pd.Timestamp(text)
            else:
                issues.bad(path, f"first_seen {describe_value(text)} {problem} (left empty)",
                           row=pos, column="first_seen")
        stamps.append(ts.tz_convert("UTC") if ts is not None else pd.NaT)
    df["first_seen"] = pd.to_datetime(pd.Series(stamps, index=df.index, dtype="object"), utc=True)
    df["year"] = int(year)
    return df[COLUMNS]
