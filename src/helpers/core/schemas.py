"""Schemas of the tidy tables: one row per thing, one column per property, documented types.

Every table the collection writes under ``outputs/<year>/data/`` is checked against its schema here
(pandera) on write and on read. The data dictionary in ``data/README.md`` describes the same columns
for people; ``tests/test_schemas.py`` keeps the two in step.

Survey and website tables are defined beside the code that builds them
(:mod:`helpers.core.survey_table`, :mod:`helpers.collect.webaudit`) and found through
:data:`SCHEMA_LOCATIONS`.
"""

from __future__ import annotations

import importlib

import pandas as pd
import pandera.pandas as pa

GM_CODE = r"^GM\d{4}$"
PLATFORMS = ("twitter", "facebook", "instagram", "linkedin", "youtube", "mastodon", "bluesky")
ACCOUNT_KINDS = ("corporate", "theme")
POST_KINDS = ("original", "reply", "repost", "quote")
REPLY_TO = ("citizen", "self", "organisation")
#: Policy themes of citizen messages (Dutch municipal domains). "overig" = other.
THEMES = (
    "afval",  # waste collection
    "verkeer",  # roads, parking, traffic
    "zorg",  # care and youth services (Wmo, jeugdzorg)
    "werk_inkomen",  # work and income (bijstand, Participatiewet)
    "veiligheid",  # public safety
    "evenementen",  # events, permits
    "belastingen",  # local taxes
    "overig",  # other
)
UTC = pd.DatetimeTZDtype("ns", "UTC")


def _code(**kw) -> pa.Column:
    return pa.Column(str, pa.Check.str_matches(GM_CODE), **kw)


MUNICIPALITIES = pa.DataFrameSchema(
    {
        "year": pa.Column(int, pa.Check.in_range(1990, 2100)),
        "gm_code": _code(unique=True),
        "name": pa.Column(str),
        "short_name": pa.Column(str),
        "province_code": pa.Column(str, pa.Check.str_matches(r"^PV\d{2}$")),
        "province": pa.Column(str),
        "population": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "population_approximate": pa.Column(bool),
        "size_class": pa.Column(
            pd.CategoricalDtype(["S", "M", "L"], ordered=True), nullable=True
        ),
    },
    strict=True,
    coerce=True,
    name="municipalities",
)

ACCOUNTS = pa.DataFrameSchema(
    {
        "year": pa.Column(int, pa.Check.in_range(1990, 2100)),
        "gm_code": _code(),
        "platform": pa.Column(str, pa.Check.isin(PLATFORMS)),
        "account_id": pa.Column(str),
        "handle": pa.Column(str),
        "kind": pa.Column(str, pa.Check.isin(ACCOUNT_KINDS)),
        "first_seen": pa.Column(UTC, nullable=True),
    },
    unique=["platform", "account_id"],
    strict=True,
    coerce=True,
    name="accounts",
)

POSTS = pa.DataFrameSchema(
    {
        "post_id": pa.Column(str),
        "platform": pa.Column(str, pa.Check.isin(PLATFORMS)),
        "gm_code": _code(),
        "account_id": pa.Column(str),
        "created_at": pa.Column(UTC),
        "kind": pa.Column(str, pa.Check.isin(POST_KINDS)),
        "in_reply_to_id": pa.Column(str, nullable=True),
        "conversation_id": pa.Column(str, nullable=True),
        "reply_to": pa.Column(str, pa.Check.isin(REPLY_TO), nullable=True),
    },
    unique=["platform", "post_id"],
    strict=True,
    coerce=True,
    name="posts",
)

CITIZEN_MESSAGES = pa.DataFrameSchema(
    {
        "msg_id": pa.Column(str),
        "platform": pa.Column(str, pa.Check.isin(PLATFORMS)),
        "gm_code": _code(),
        "created_at": pa.Column(UTC),
        "addressed": pa.Column(bool),
        "is_question": pa.Column(bool),
        "theme": pa.Column(str, pa.Check.isin(THEMES)),
        "first_reply_post_id": pa.Column(str, nullable=True),
        "first_reply_at": pa.Column(UTC, nullable=True),
    },
    unique=["platform", "msg_id"],
    strict=True,
    coerce=True,
    name="citizen_messages",
)

#: Table name -> schema, or "module:attribute" for schemas defined beside their analysis code.
SCHEMA_LOCATIONS: dict[str, pa.DataFrameSchema | str] = {
    "municipalities": MUNICIPALITIES,
    "accounts": ACCOUNTS,
    "posts": POSTS,
    "citizen_messages": CITIZEN_MESSAGES,
    "survey_responses": "helpers.core.survey_table:RESPONSES_SCHEMA",
    "website_audit": "helpers.collect.webaudit:AUDIT_SCHEMA",
}


def schema(name: str) -> pa.DataFrameSchema:
    """The schema of tidy table ``name``.

    Raises
    ------
    KeyError
        For a name that is not a tidy table; the message lists the known ones.
    """
    try:
        found = SCHEMA_LOCATIONS[name]
    except KeyError:
        raise KeyError(f"no tidy table {name!r}; known: {', '.join(SCHEMA_LOCATIONS)}") from None
    if isinstance(found, str):
        module, attr = found.split(":")
        found = getattr(importlib.import_module(module), attr)
    return found
