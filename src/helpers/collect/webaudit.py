"""The tidy table ``website_audit`` and the audit that fills it from parsed pages.

Ahead of the Participatiewet (in force 1 January 2015) every municipal website was checked for
information on work & income and for e-services (online forms, mostly behind DigiD, the Dutch
government login): the SIM groep half of the 2014 study. :func:`audit_site` applies the rule set
(:mod:`helpers.core.webrules`) to one site's parsed pages (:mod:`helpers.collect.webpage`) and
gives one row of :data:`AUDIT_SCHEMA`. Must not import the analyses (:mod:`helpers.analysis.websites`) or the
crawler.

Columns of ``website_audit`` (copied into ``data/README.md``):

================================ ============== =========================================================
column                           type           meaning
================================ ============== =========================================================
year                             int            study year (the audit's edition)
gm_code                          str            CBS gemeente code ``GM`` + 4 digits, valid on 1 January
website                          str            the site audited (home page URL as listed in sites.csv)
checked_on                       datetime64     date (midnight, no time zone) the first page was fetched
pages_checked                    int >= 0       HTML pages with HTTP 200 that the rules were applied to
<info item>                      bool           information item present (rule: website_rules.yaml)
<info item>_url                  str, nullable  page where it was found; null when absent
<e-service>                      bool           e-service present (link to DigiD / e-form for the item)
<e-service>_url                  str, nullable  page holding the e-service link; null when absent
info_score                       int 0-6        number of information items present
info_in_order                    bool           info_score >= 5 and bijstand present
eservice_score                   int 0-5        number of e-services present
================================ ============== =========================================================

The items are listed in :mod:`helpers.core.webrules`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import pandera.pandas as pa

from helpers.collect.webpage import Link, ParsedPage
from helpers.core.schemas import GM_CODE
from helpers.core.webrules import ESERVICES, INFO_ITEMS, ITEMS, Rules, normalise_text


def _audit_columns() -> dict[str, pa.Column]:
    cols: dict[str, pa.Column] = {
        "year": pa.Column(int, pa.Check.in_range(1990, 2100)),
        "gm_code": pa.Column(str, pa.Check.str_matches(GM_CODE)),
        "website": pa.Column(str, pa.Check.str_matches(r"^https?://")),
        "checked_on": pa.Column(
            "datetime64[ns]", pa.Check(lambda s: (s == s.dt.normalize()).all(), name="date_only")
        ),
        "pages_checked": pa.Column(int, pa.Check.ge(0)),
    }
    for item in ITEMS:
        cols[item] = pa.Column(bool)
        cols[f"{item}_url"] = pa.Column(str, nullable=True)
    cols["info_score"] = pa.Column(int, pa.Check.in_range(0, len(INFO_ITEMS)))
    cols["info_in_order"] = pa.Column(bool)
    cols["eservice_score"] = pa.Column(int, pa.Check.in_range(0, len(ESERVICES)))
    return cols


def _url_iff_present(df: pd.DataFrame) -> pd.Series:
    ok = pd.Series(True, index=df.index)
    for item in ITEMS:
        ok &= df[item] == df[f"{item}_url"].notna()
    return ok


def _scores_match(df: pd.DataFrame) -> pd.Series:
    info = df[list(INFO_ITEMS)].sum(axis=1) == df["info_score"]
    eserv = df[list(ESERVICES)].sum(axis=1) == df["eservice_score"]
    return info & eserv


AUDIT_SCHEMA = pa.DataFrameSchema(
    _audit_columns(),
    checks=[
        pa.Check(_url_iff_present, name="url_present_iff_item_present"),
        pa.Check(_scores_match, name="scores_equal_item_counts"),
    ],
    unique=["year", "gm_code"],
    strict=True,
    coerce=True,
    ordered=True,
    name="website_audit",
)


def _all_groups(groups: Sequence[re.Pattern[str]], text: str) -> bool:
    return all(g.search(text) for g in groups)


def is_eform_link(link: Link, rules: Rules) -> bool:
    """Whether a link or form leads to an online form or a DigiD login (rule (a) of the rule set)."""
    if link.kind == "form":
        return True
    parts = urlsplit(link.href)
    if parts.scheme not in ("http", "https"):
        return False
    host = (parts.hostname or "").lower()
    return bool(
        rules.eform_hosts.search(host)
        or rules.eform_paths.search(parts.path.lower())
        or rules.eform_texts.search(normalise_text(link.text))
    )


def page_items(page: ParsedPage, rules: Rules) -> dict[str, bool]:
    """Which information items and e-services one parsed page shows (rule set applied to one page)."""
    found = {item: _all_groups(groups, page.content) for item, groups in rules.info.items()}
    forms = [link for link in page.links if is_eform_link(link, rules)]
    for item, groups in rules.eservice.items():
        found[item] = any(_all_groups(groups, link.context) for link in forms)
    return found


def _preference(page: ParsedPage, pattern: re.Pattern[str] | None) -> tuple[int, int, str]:
    path = urlsplit(page.url).path.lower()
    matches = bool(pattern and pattern.search(path))
    return (0 if matches else 1, page.depth, page.url)


def audit_site(pages: Iterable[ParsedPage], rules: Rules) -> dict[str, Any]:
    """Apply the rule set to one site's parsed pages.

    Returns
    -------
    dict
        For each item of :data:`ITEMS`: ``<item>`` (bool) and ``<item>_url`` (the page found, or
        None); ``pages_checked``; ``info_score``, ``info_in_order``, ``eservice_score``.
    """
    pages = list(pages)
    hits = [(p, page_items(p, rules)) for p in pages]
    out: dict[str, Any] = {"pages_checked": len(pages)}
    for item in ITEMS:
        pattern = rules.info_urls.get(item)
        if item in rules.eservice:
            pattern = None
        where = sorted((p for p, h in hits if h[item]), key=lambda p: _preference(p, pattern))
        out[item] = bool(where)
        out[f"{item}_url"] = where[0].url if where else None
    out.update(scores(out, rules))
    return out


def scores(row: dict[str, Any], rules: Rules) -> dict[str, Any]:
    """``info_score``, ``info_in_order`` and ``eservice_score`` of one audit row (dict of bools)."""
    info = sum(bool(row[i]) for i in INFO_ITEMS)
    eserv = sum(bool(row[e]) for e in ESERVICES)
    in_order = info >= rules.min_items and all(bool(row[r]) for r in rules.required)
    return {"info_score": info, "info_in_order": bool(in_order), "eservice_score": eserv}


def audit_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Audit rows (dicts with every schema column) as a DataFrame in schema column order."""
    cols = list(AUDIT_SCHEMA.columns)
    df = pd.DataFrame(rows, columns=cols)
    if df.empty:
        return df
    df["checked_on"] = pd.to_datetime(df["checked_on"]).dt.normalize()
    for c in [f"{i}_url" for i in ITEMS]:
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df.sort_values(["year", "gm_code"]).reset_index(drop=True)


