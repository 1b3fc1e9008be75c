"""Website audit: information and e-services around work & income (the SIM groep half of the 2014 study).

Ahead of the Participatiewet (in force 1 January 2015) every municipal website was checked for
information on work & income and for e-services (online forms, mostly behind DigiD, the Dutch
government login). This module holds

- the tidy table ``website_audit`` (:data:`AUDIT_SCHEMA`, one row per municipality and year);
- the rule engine that turns cached pages into audit rows (:func:`load_rules`, :func:`parse_page`,
  :func:`audit_site`); the rules themselves, with their documentation, are in
  ``data/reference/website_rules.yaml``;
- the analysis functions of the websites notebook (shares with Wilson intervals, e-service
  distribution, groups, information against e-services, the gap checklist, change between years).

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

Information items: ``bijstand`` (social assistance and how to apply), ``participatiewet``,
``reintegratie`` (re-integration and work), ``werkgevers`` (vacancies / werkgeversservicepunt, the
regional employer desk), ``schuldhulp`` (schuldhulpverlening, debt assistance), ``minimaregelingen``
(income support schemes for people on a low income). E-services: ``eservice_bijstand_aanvragen``
(apply for bijstand online with DigiD), ``eservice_inkomenswijziging`` (report a change in income),
``eservice_werkzoekende`` (register as a job seeker), ``eservice_werkgevers`` (online service for
employers), ``eservice_schuldhulp`` (request debt assistance online).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import numpy as np
import pandas as pd
import pandera.pandas as pa
import yaml
from bs4 import BeautifulSoup, Tag
from scipy import stats as sps
from scipy.stats.contingency import association

from helpers.analysis.stats import proportion_table
from helpers.core.paths import reference_dir
from helpers.core.schemas import GM_CODE

RULES_FILE = "website_rules.yaml"
INFO_ITEMS = (
    "bijstand",
    "participatiewet",
    "reintegratie",
    "werkgevers",
    "schuldhulp",
    "minimaregelingen",
)
ESERVICES = (
    "eservice_bijstand_aanvragen",
    "eservice_inkomenswijziging",
    "eservice_werkzoekende",
    "eservice_werkgevers",
    "eservice_schuldhulp",
)
ITEMS = INFO_ITEMS + ESERVICES
#: Elements that are page chrome (not content) by tag name or ARIA role.
CHROME_TAGS = ("footer", "nav", "header", "script", "style", "noscript", "template")
CHROME_ROLES = ("contentinfo", "navigation", "banner", "search")
#: Enclosing elements whose text is a link's context (nearest one wins).
BLOCKS = ("li", "p", "dd", "td", "h2", "h3", "h4", "section", "article", "div")
MAX_CONTEXT = 400  # characters of block text kept as a link's context
SEARCH_INPUTS = re.compile(r"^(q|query|zoek.*|search.*|s)$")


# --------------------------------------------------------------------------------------------
# Schema
# --------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rules:
    """The compiled rule set of ``website_rules.yaml`` (see that file for the documentation).

    Attributes
    ----------
    info : dict
        Information item -> list of pattern groups; every group must match the page's content text.
    info_urls : dict
        Information item -> URL-path pattern (preferred page when several match).
    eservice : dict
        E-service -> list of pattern groups matched against a form link's context.
    eform_hosts, eform_paths, eform_texts : Pattern
        What makes a link a link to an online form or DigiD login.
    chrome_markers : tuple of str
        id/class substrings that mark page chrome (footer, menu, ...).
    min_items : int
        Information items needed for "information in order".
    required : tuple of str
        Items that must be present for "information in order".
    few_min_services, few_max_share : int, float
        "Few e-services": share with >= few_min_services e-services below few_max_share.
    rare_below : float
        A share below this is called rare.
    priority : list of (Pattern, int)
        Crawl priority weights for links.
    labels, actions : dict
        (item, lang) -> label / checklist action.
    """

    info: dict[str, list[re.Pattern[str]]]
    info_urls: dict[str, re.Pattern[str]]
    eservice: dict[str, list[re.Pattern[str]]]
    eform_hosts: re.Pattern[str]
    eform_paths: re.Pattern[str]
    eform_texts: re.Pattern[str]
    chrome_markers: tuple[str, ...]
    min_items: int
    required: tuple[str, ...]
    few_min_services: int
    few_max_share: float
    rare_below: float
    priority: list[tuple[re.Pattern[str], int]] = field(default_factory=list)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)
    actions: dict[tuple[str, str], str] = field(default_factory=dict)


def _alt(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def rules_from_dict(raw: dict[str, Any]) -> Rules:
    """Compile a rule set given as a dict (the parsed YAML)."""
    labels: dict[tuple[str, str], str] = {}
    actions: dict[tuple[str, str], str] = {}
    for section in ("info_items", "eservices"):
        for item, spec in raw[section].items():
            for lang in ("en", "nl"):
                labels[(item, lang)] = spec.get(f"label_{lang}", item)
                actions[(item, lang)] = spec.get(f"action_{lang}", "")
    missing = set(ITEMS) - set(raw["info_items"]) - set(raw["eservices"])
    if missing:
        raise ValueError(f"website rules lack items {sorted(missing)}")
    return Rules(
        info={k: [_alt(g) for g in v["require"]] for k, v in raw["info_items"].items()},
        info_urls={k: _alt(v.get("url_patterns", ["(?!)"])) for k, v in raw["info_items"].items()},
        eservice={k: [_alt(g) for g in v["require"]] for k, v in raw["eservices"].items()},
        eform_hosts=_alt(raw["eform"]["hosts"]),
        eform_paths=_alt(raw["eform"]["paths"]),
        eform_texts=_alt(raw["eform"]["texts"]),
        chrome_markers=tuple(raw.get("chrome_markers", ())),
        min_items=int(raw["in_order"]["min_items"]),
        required=tuple(raw["in_order"]["required"]),
        few_min_services=int(raw["few_eservices"]["min_services"]),
        few_max_share=float(raw["few_eservices"]["max_share"]),
        rare_below=float(raw.get("rare_below", 0.10)),
        priority=[(re.compile(p["pattern"], re.I), int(p["weight"])) for p in raw["crawl_priority"]],
        labels=labels,
        actions=actions,
    )


@lru_cache(maxsize=4)
def _load_rules_cached(path: str) -> Rules:
    with open(path, encoding="utf-8") as fh:
        return rules_from_dict(yaml.safe_load(fh))


def load_rules(path: Path | None = None) -> Rules:
    """The audit's rule set from ``data/reference/website_rules.yaml`` (or ``path``), compiled."""
    return _load_rules_cached(str(path or reference_dir() / RULES_FILE))


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------
def normalise_text(text: str) -> str:
    """Lower-case, fold accents (``reïntegratie`` -> ``reintegratie``), collapse whitespace."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(folded.lower().split())


@dataclass(frozen=True)
class Link:
    """A link or form on a page's content region.

    ``href`` is absolute; ``text`` the link text (for a form: its text and button labels);
    ``context`` the normalised text around it (link text + href + nearest block text); ``kind`` is
    ``"a"`` or ``"form"``.
    """

    href: str
    text: str
    context: str
    kind: str = "a"


@dataclass(frozen=True)
class ParsedPage:
    """One cached page split into what the rules need.

    Attributes
    ----------
    url : str
        The page's URL.
    depth : int
        Clicks from the home page (0 = home page).
    content : str
        Normalised content text outside links (chrome removed).
    links : tuple of Link
        Links and forms in the content region.
    all_links : tuple of str
        Every ``<a href>`` on the page including chrome, absolute (used by the crawler).
    """

    url: str
    depth: int
    content: str
    links: tuple[Link, ...]
    all_links: tuple[tuple[str, str], ...]


def _is_chrome(tag: Tag, markers: Sequence[str]) -> bool:
    if tag.name in CHROME_TAGS:
        return True
    attrs = tag.attrs
    if not attrs:
        return False
    role = attrs.get("role")
    if role and str(role).lower() in CHROME_ROLES:
        return True
    names = attrs.get("class") or []
    if isinstance(names, str):
        names = names.split()
    ident = attrs.get("id")
    tokens = [str(n).lower() for n in names] + ([str(ident).lower()] if ident else [])
    return any(m in t for t in tokens for m in markers)


def _block_text(tag: Tag) -> str:
    for parent in tag.parents:
        if parent.name in BLOCKS:
            return parent.get_text(" ", strip=True)[:MAX_CONTEXT]
        if parent.name in ("body", "html", "main"):
            break
    return ""


def _is_search_form(form: Tag) -> bool:
    if str(form.get("role", "")).lower() == "search":
        return True
    names = (str(inp.get("name", "")).lower() for inp in form.find_all("input"))
    return any(SEARCH_INPUTS.match(n) for n in names)


def parse_page(url: str, html: str, rules: Rules, depth: int = 0) -> ParsedPage:
    """Split an HTML page into content text, content links and all links.

    Parameters
    ----------
    url : str
        The page's URL (base for relative links; a ``<base href>`` is honoured).
    html : str
        The decoded page.
    rules : Rules
        The rule set (for the chrome markers).
    depth : int
        Clicks from the home page.
    """
    soup = BeautifulSoup(html, "html.parser")
    tags = soup.find_all(True)  # one pass over the tree; the lists below filter it
    base = url
    for tag in tags:
        if tag.name == "base" and tag.get("href"):
            base = urljoin(url, str(tag["href"]))
            break
    all_links = tuple(
        (urljoin(base, str(t["href"]).strip()), t.get_text(" ", strip=True))
        for t in tags if t.name == "a" and t.get("href") is not None
    )
    h1 = next((t for t in tags if t.name == "h1"), None)
    title = h1.get_text(" ", strip=True) if h1 else ""
    markers = rules.chrome_markers
    for tag in [t for t in tags if _is_chrome(t, markers)]:
        if not getattr(tag, "decomposed", False):
            tag.decompose()
    body = soup.body or soup
    links: list[Link] = []
    anchors = []
    for tag in body.find_all(("a", "form")):
        if tag.name == "a":
            anchors.append(tag)
            if tag.get("href") is None:
                continue
            href = urljoin(base, str(tag["href"]).strip())
            text = tag.get_text(" ", strip=True)
            links.append(Link(href, text, normalise_text(f"{text} {href} {_block_text(tag)}")))
        elif not _is_search_form(tag):
            action = urljoin(base, str(tag.get("action") or url))
            parts = [tag.get_text(" ", strip=True)]
            parts += [str(b.get("value", "")) for b in tag.find_all("input", type="submit")]
            text = " ".join(p for p in parts if p)
            links.append(Link(action, text, normalise_text(f"{text} {action} {title}"), "form"))
    for a in anchors:
        if not getattr(a, "decomposed", False):
            a.decompose()
    content = normalise_text(body.get_text(" ", strip=True))
    return ParsedPage(url, int(depth), content, tuple(links), all_links)


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


def link_priority(url: str, text: str, rules: Rules) -> int:
    """Crawl priority of a link: the highest weight of the rule set's patterns it matches (0 if none)."""
    hay = normalise_text(f"{url} {text}")
    return max((w for pat, w in rules.priority if pat.search(hay)), default=0)


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


# --------------------------------------------------------------------------------------------
# Analysis
# --------------------------------------------------------------------------------------------
def in_order_share(audit: pd.DataFrame) -> pd.Series:
    """The share of municipalities with information in order, with a Wilson 95% interval.

    Returns
    -------
    Series
        ``count``, ``n`` (audited municipalities), ``share``, ``ci_low``, ``ci_high``.
    """
    tab = proportion_table(
        pd.Series([int(audit["info_in_order"].sum())]), pd.Series([len(audit)])
    )
    return tab.iloc[0]


def item_shares(audit: pd.DataFrame, rules: Rules | None = None, lang: str = "en") -> pd.DataFrame:
    """Per information item and e-service: municipalities with it, share, Wilson interval, rare flag.

    Returns
    -------
    DataFrame
        ``item``, ``kind`` (information / e-service), ``label``, ``count``, ``n``, ``share``,
        ``ci_low``, ``ci_high``, ``rare`` (share below the rule set's ``rare_below``), sorted by kind
        then share (descending).
    """
    rules = rules or load_rules()
    counts = pd.Series({i: int(audit[i].sum()) for i in ITEMS})
    tab = proportion_table(counts, pd.Series(len(audit), index=counts.index))
    tab.insert(0, "label", [rules.labels.get((i, lang), i) for i in tab.index])
    tab.insert(0, "kind", ["information" if i in INFO_ITEMS else "e-service" for i in tab.index])
    tab["rare"] = tab["share"] < rules.rare_below
    tab = tab.rename_axis("item").reset_index()
    tab["_k"] = (tab["kind"] == "e-service").astype(int)
    return tab.sort_values(["_k", "share", "item"], ascending=[True, False, True]).drop(
        columns="_k").reset_index(drop=True)


def eservice_distribution(audit: pd.DataFrame) -> pd.DataFrame:
    """How many municipalities offer 0, 1, ..., 5 e-services.

    Returns
    -------
    DataFrame
        ``eservice_score`` (0-5), ``count``, ``share`` (of audited municipalities), ``share_at_least``
        (share with at least that many).
    """
    k = len(ESERVICES)
    counts = audit["eservice_score"].value_counts().reindex(range(k + 1), fill_value=0)
    n = max(len(audit), 1)
    out = pd.DataFrame({"eservice_score": range(k + 1), "count": counts.to_numpy().astype(int)})
    out["share"] = out["count"] / n
    out["share_at_least"] = out["count"][::-1].cumsum()[::-1] / n
    return out


def few_eservices(audit: pd.DataFrame, rules: Rules | None = None) -> dict[str, Any]:
    """The "few e-services" finding as a stated criterion.

    Returns
    -------
    dict
        ``share_at_least`` (share with >= ``min_services`` e-services), its Wilson ``ci_low`` /
        ``ci_high``, ``min_services``, ``max_share``, ``few`` (share_at_least < max_share; None
        without audited websites), ``mean`` (mean e-service score, 0-5), ``note`` (why NA, else "").
    """
    rules = rules or load_rules()
    hit = int((audit["eservice_score"] >= rules.few_min_services).sum())
    row = proportion_table(pd.Series([hit]), pd.Series([len(audit)])).iloc[0]
    return {
        "share_at_least": float(row["share"]),
        "ci_low": float(row["ci_low"]),
        "ci_high": float(row["ci_high"]),
        "min_services": rules.few_min_services,
        "max_share": rules.few_max_share,
        "few": bool(row["share"] < rules.few_max_share) if len(audit) else None,
        "mean": float(audit["eservice_score"].mean()) if len(audit) else float("nan"),
        "note": "" if len(audit) else "NA: no website was audited",
    }


def with_register(audit: pd.DataFrame, munis: pd.DataFrame) -> pd.DataFrame:
    """The audit joined with the register's ``name``, ``province`` and ``size_class``."""
    cols = ["gm_code", "name", "province", "size_class"]
    return audit.merge(munis[cols], on="gm_code", how="left", validate="one_to_one")


def by_group(audit: pd.DataFrame, munis: pd.DataFrame, by: str) -> pd.DataFrame:
    """Information in order and e-services per group (``by`` = ``size_class`` or ``province``).

    Returns
    -------
    DataFrame
        One row per group: ``n``, ``in_order`` (count), ``share``, ``ci_low``, ``ci_high`` (Wilson,
        information in order), ``eservice_mean`` (mean score 0-5), ``eservice_any`` (count with at
        least one e-service), ``eservice_any_share``, ``eservice_any_ci_low``,
        ``eservice_any_ci_high`` (Wilson).
    """
    df = with_register(audit, munis)
    g = df.groupby(by, observed=True, sort=True)
    tab = proportion_table(g["info_in_order"].sum(), g.size())
    tab = tab.rename(columns={"count": "in_order"})
    tab["eservice_mean"] = g["eservice_score"].mean()
    anyserv = proportion_table(g["eservice_score"].apply(lambda s: int((s > 0).sum())), g.size())
    tab["eservice_any"] = anyserv["count"]
    tab["eservice_any_share"] = anyserv["share"]
    tab["eservice_any_ci_low"] = anyserv["ci_low"]
    tab["eservice_any_ci_high"] = anyserv["ci_high"]
    return tab.rename_axis(by).reset_index()


def eservices_by_size(audit: pd.DataFrame, munis: pd.DataFrame) -> dict[str, Any]:
    """Do e-services rise or fall with size? Spearman's rank correlation of the number of
    e-services (0-5) with population (scipy ``spearmanr``, ties by average ranks).

    Returns
    -------
    dict
        ``rho`` (-1 to 1; positive: larger municipalities offer more), ``p`` (two-sided), ``n``
        (audited websites with a known population). NaN when fewer than three websites or a
        constant variable.
    """
    df = audit.merge(munis[["gm_code", "population"]], on="gm_code", how="left",
                     validate="one_to_one").dropna(subset=["population", "eservice_score"])
    x = df["population"].astype(float).to_numpy()
    y = df["eservice_score"].astype(float).to_numpy()
    if len(df) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return {"rho": np.nan, "p": np.nan, "n": len(df)}
    res = sps.spearmanr(x, y)
    return {"rho": float(res.statistic), "p": float(res.pvalue), "n": len(df)}


def group_shares_long(tab: pd.DataFrame, by: str) -> pd.DataFrame:
    """A :func:`by_group` table in long form for grouped bars.

    Returns
    -------
    DataFrame
        ``<by>``, ``measure`` (``info_in_order`` / ``any_eservice``), ``share``, ``ci_low``,
        ``ci_high``, ``n``.
    """
    info = tab[[by, "share", "ci_low", "ci_high", "n"]].assign(measure="info_in_order")
    serv = tab[[by, "eservice_any_share", "eservice_any_ci_low", "eservice_any_ci_high", "n"]]
    serv = serv.set_axis([by, "share", "ci_low", "ci_high", "n"], axis=1).assign(
        measure="any_eservice")
    out = pd.concat([info, serv], ignore_index=True)
    return out[[by, "measure", "share", "ci_low", "ci_high", "n"]]


def association_test(table: pd.DataFrame | np.ndarray) -> dict[str, Any]:
    """Test of independence for a contingency table, with its base and effect size.

    Pearson's chi-square without continuity correction and without a zero shift (no 0.5 added to
    empty cells); when any expected count is below 5, Fisher's exact test for a 2x2 table, or a
    Monte Carlo permutation p-value (``scipy.stats.chi2_contingency`` with ``method``) otherwise.
    The effect size is Cramér's V from the uncorrected chi-square.

    Returns
    -------
    dict
        ``test`` (name), ``statistic`` (chi-square; odds ratio for Fisher), ``p``, ``dof``,
        ``cramers_v``, ``n`` (the base), ``min_expected``.
    """
    obs = np.asarray(table, dtype=float)
    obs = obs[obs.sum(axis=1) > 0][:, obs.sum(axis=0) > 0]
    n = int(obs.sum())
    if obs.shape[0] < 2 or obs.shape[1] < 2:
        return {"test": "none (a margin is constant)", "statistic": np.nan, "p": np.nan,
                "dof": 0, "cramers_v": np.nan, "n": n, "min_expected": np.nan}
    res = sps.chi2_contingency(obs, correction=False)
    v = float(association(obs.astype(int), method="cramer", correction=False))
    out = {"test": "chi-square", "statistic": float(res.statistic), "p": float(res.pvalue),
           "dof": int(res.dof), "cramers_v": v, "n": n,
           "min_expected": float(res.expected_freq.min())}
    if out["min_expected"] < 5:
        if obs.shape == (2, 2):
            f = sps.fisher_exact(obs.astype(int))
            out.update(test="Fisher exact", statistic=float(f.statistic), p=float(f.pvalue))
        else:
            perm = sps.chi2_contingency(
                obs.astype(int), correction=False,
                method=sps.PermutationMethod(n_resamples=9999, rng=np.random.default_rng(0)),
            )
            out.update(test="chi-square (permutation p)", p=float(perm.pvalue))
    return out


def group_test(audit: pd.DataFrame, munis: pd.DataFrame, by: str) -> dict[str, Any]:
    """Is information in order associated with ``by`` (size class or province)? See
    :func:`association_test`."""
    df = with_register(audit, munis)
    tab = pd.crosstab(df[by], df["info_in_order"])
    return association_test(tab)


def info_vs_eservices(audit: pd.DataFrame) -> dict[str, Any]:
    """The relation between information and e-services.

    Returns
    -------
    dict
        ``table``: cross-table of information in order (rows False/True) by any e-service
        (columns False/True); ``test``: :func:`association_test` of that table; ``spearman_rho`` and
        ``spearman_p``: Spearman rank correlation of ``info_score`` (0-6) with ``eservice_score``
        (0-5) over all audited municipalities (NaN when either is constant); ``n``: the base.
    """
    tab = pd.crosstab(
        audit["info_in_order"].rename("info_in_order"),
        (audit["eservice_score"] > 0).rename("any_eservice"),
    ).reindex(index=[False, True], columns=[False, True], fill_value=0)
    if audit["info_score"].nunique() > 1 and audit["eservice_score"].nunique() > 1:
        rho = sps.spearmanr(audit["info_score"], audit["eservice_score"])
        r, p = float(rho.statistic), float(rho.pvalue)
    else:
        r = p = float("nan")
    return {"table": tab, "test": association_test(tab), "spearman_rho": r, "spearman_p": p,
            "n": int(len(audit))}


def gap_checklist(audit: pd.DataFrame, rules: Rules | None = None, lang: str = "en") -> pd.DataFrame:
    """The most common gaps, ranked, as a checklist a municipality could act on.

    Returns
    -------
    DataFrame
        ``rank``, ``item``, ``kind``, ``label``, ``missing`` (municipalities without it), ``n``,
        ``share_missing`` with Wilson ``ci_low`` / ``ci_high``, ``action`` (what to do), sorted by
        ``missing`` (most common gap first; ties by item order).
    """
    rules = rules or load_rules()
    missing = pd.Series({i: int((~audit[i].astype(bool)).sum()) for i in ITEMS})
    tab = proportion_table(missing, pd.Series(len(audit), index=missing.index))
    tab = tab.rename(columns={"count": "missing", "share": "share_missing"})
    tab.insert(0, "label", [rules.labels.get((i, lang), i) for i in tab.index])
    tab.insert(0, "kind", ["information" if i in INFO_ITEMS else "e-service" for i in tab.index])
    tab["action"] = [rules.actions.get((i, lang), "") for i in tab.index]
    tab["_order"] = range(len(tab))
    tab = tab.rename_axis("item").reset_index()
    tab = tab.sort_values(["missing", "_order"], ascending=[False, True]).drop(columns="_order")
    tab.insert(0, "rank", range(1, len(tab) + 1))
    return tab.reset_index(drop=True)


def municipality_gaps(audit: pd.DataFrame, gm_code: str, rules: Rules | None = None,
                      lang: str = "en") -> pd.DataFrame:
    """The checklist of one municipality: every item, present or not, with the action if missing."""
    rules = rules or load_rules()
    row = audit.loc[audit["gm_code"] == gm_code]
    if row.empty:
        raise KeyError(f"{gm_code} is not in the audit")
    r = row.iloc[0]
    return pd.DataFrame(
        {
            "item": list(ITEMS),
            "kind": ["information" if i in INFO_ITEMS else "e-service" for i in ITEMS],
            "label": [rules.labels.get((i, lang), i) for i in ITEMS],
            "present": [bool(r[i]) for i in ITEMS],
            "url": [r[f"{i}_url"] for i in ITEMS],
            "action": [None if r[i] else rules.actions.get((i, lang), "") for i in ITEMS],
        }
    )


def other_year_audits(outputs: Path, year: int) -> dict[int, pd.DataFrame]:
    """Website audits of other years found at ``outputs/<year>/data/website_audit.parquet``.

    Returns
    -------
    dict
        Year -> audit table (validated), for every year folder other than ``year`` that has one.
    """
    from helpers.core import io

    found: dict[int, pd.DataFrame] = {}
    for d in sorted(Path(outputs).glob("[12][0-9][0-9][0-9]")):
        y = int(d.name)
        if y != int(year) and io.table_path(d, "website_audit").is_file():
            found[y] = io.read_table("website_audit", d)
    return found


def yearly_shares(audits: dict[int, pd.DataFrame]) -> pd.DataFrame:
    """Per year and item (plus ``info_in_order`` and ``eservice_score >= 1``): share with Wilson CI.

    Returns
    -------
    DataFrame
        ``year``, ``item``, ``count``, ``n``, ``share``, ``ci_low``, ``ci_high``.
    """
    parts = []
    for y, a in sorted(audits.items()):
        flags = {i: a[i].astype(bool) for i in ITEMS}
        flags["info_in_order"] = a["info_in_order"].astype(bool)
        flags["any_eservice"] = a["eservice_score"] > 0
        counts = pd.Series({k: int(v.sum()) for k, v in flags.items()})
        tab = proportion_table(counts, pd.Series(len(a), index=counts.index))
        tab = tab.rename_axis("item").reset_index()
        tab.insert(0, "year", int(y))
        parts.append(tab)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def year_over_year(earlier: pd.DataFrame, later: pd.DataFrame) -> pd.DataFrame:
    """Change per municipality between two audit years, on the later year's register.

    The earlier audit's scores are mapped onto the later register with
    :func:`helpers.core.register.harmonize` (``mean`` over merged predecessors, since scores are per
    site); municipalities whose chain passes through a split are flagged.

    Returns
    -------
    DataFrame
        ``gm_code`` (later year), ``info_score_before``, ``info_score_after``,
        ``eservice_score_before``, ``eservice_score_after``, ``in_order_before`` (share of
        predecessors in order, 0-1), ``in_order_after`` (0/1), ``eservice_change``,
        ``n_predecessors``, ``merged`` (more than one predecessor), ``split``.
    """
    from helpers.core import register

    y_after = int(later["year"].iloc[0])
    before = earlier[["gm_code", "info_score", "eservice_score"]].copy()
    before["info_in_order"] = earlier["info_in_order"].astype(float)
    harm = register.harmonize(before, y_after, how="mean")
    after = later[["gm_code", "info_score", "eservice_score", "info_in_order"]].copy()
    out = harm.merge(after, on="gm_code", how="inner", suffixes=("_before", "_after"))
    out = out.rename(columns={"info_in_order_before": "in_order_before",
                              "info_in_order_after": "in_order_after"})
    out["in_order_after"] = out["in_order_after"].astype(int)
    out["eservice_change"] = out["eservice_score_after"] - out["eservice_score_before"]
    out["merged"] = out["n_predecessors"] > 1
    cols = ["gm_code", "info_score_before", "info_score_after", "eservice_score_before",
            "eservice_score_after", "in_order_before", "in_order_after", "eservice_change",
            "n_predecessors", "merged", "split"]
    return out[cols].sort_values("gm_code").reset_index(drop=True)


def paired_change_test(change: pd.DataFrame) -> dict[str, Any]:
    """Wilcoxon signed-rank test of the e-service score change (pairs on the later register).

    Returns
    -------
    dict
        ``n`` (pairs), ``mean_change`` (e-services), ``median_change``, ``statistic``, ``p``,
        ``rank_biserial`` (matched-pairs rank-biserial correlation, the effect size; zero changes
        dropped, Wilcoxon's default).
    """
    d = change["eservice_change"].to_numpy(dtype=float)
    nz = d[d != 0]
    out = {"n": int(len(d)), "mean_change": float(d.mean()) if len(d) else np.nan,
           "median_change": float(np.median(d)) if len(d) else np.nan,
           "statistic": np.nan, "p": np.nan, "rank_biserial": np.nan}
    if len(nz) == 0:
        return out
    res = sps.wilcoxon(nz)
    ranks = sps.rankdata(np.abs(nz))
    r_plus, r_minus = ranks[nz > 0].sum(), ranks[nz < 0].sum()
    out.update(statistic=float(res.statistic), p=float(res.pvalue),
               rank_biserial=float((r_plus - r_minus) / ranks.sum()))
    return out
