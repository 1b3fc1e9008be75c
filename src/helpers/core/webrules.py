"""The website audit's rule set: the items audited and the compiled rules of ``website_rules.yaml``.

The rules (which text makes an information item present, which link is an e-service, what counts
as page chrome, which links the crawler follows first) are documented in
``data/reference/website_rules.yaml``; this module compiles them (:func:`load_rules`). The page
parser (:mod:`helpers.collect.webpage`), the audit (:mod:`helpers.collect.webaudit`), the crawler
and the websites analysis read them, so it lives in the bottom layer. Must not import pandas or
anything of helpers but :mod:`helpers.core.paths`.

Information items: ``bijstand`` (social assistance and how to apply), ``participatiewet``,
``reintegratie`` (re-integration and work), ``werkgevers`` (vacancies / werkgeversservicepunt, the
regional employer desk), ``schuldhulp`` (schuldhulpverlening, debt assistance), ``minimaregelingen``
(income support schemes for people on a low income). E-services: ``eservice_bijstand_aanvragen``
(apply for bijstand online with DigiD, the Dutch government login), ``eservice_inkomenswijziging``
(report a change in income), ``eservice_werkzoekende`` (register as a job seeker),
``eservice_werkgevers`` (online service for employers), ``eservice_schuldhulp`` (request debt
assistance online).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from helpers.core.paths import reference_dir

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



@lru_cache(maxsize=1)
def _combining() -> re.Pattern[str]:
    """A character class of every combining character (``unicodedata.combining(c) != 0``)."""
    marks = [chr(i) for i in range(sys.maxunicode + 1) if unicodedata.combining(chr(i))]
    return re.compile("[" + "".join(re.escape(c) for c in marks) + "]")


def normalise_text(text: str) -> str:
    """Lower-case, fold accents (``reïntegratie`` -> ``reintegratie``), collapse whitespace."""
    if not text.isascii():  # ASCII has no accents: NFKD and the folding leave it as it is
        text = _combining().sub("", unicodedata.normalize("NFKD", text))
    return " ".join(text.lower().split())


def link_priority(url: str, text: str, rules: Rules) -> int:
    """Crawl priority of a link: the highest weight of the rule set's patterns it matches (0 if none)."""
    hay = normalise_text(f"{url} {text}")
    return max((w for pat, w in rules.priority if pat.search(hay)), default=0)

