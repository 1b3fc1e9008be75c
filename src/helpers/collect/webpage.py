"""One cached web page split into what the audit rules need: content text, content links, all links.

:func:`parse_page` parses HTML with lxml (libxml2's HTML parser, written in C) and reads the tree
the way the audit's rules are written (``data/reference/website_rules.yaml``):

- *chrome* is left out: ``<footer>``, ``<nav>``, ``<header>``, scripts and styles, elements with an
  ARIA role of page chrome, and elements whose id or class contains one of the rule set's
  ``chrome_markers``;
- *content* is the text of ``<body>`` outside chrome and outside links;
- every link and (non-search) form in the content region is kept with its *context*: the link text,
  its target and the text of its nearest enclosing block (for a form: the page's ``<h1>``);
- every ``<a href>`` of the page, chrome included, is kept for the crawler.

Text is gathered as BeautifulSoup's ``get_text(" ", strip=True)`` gathers it (the parser used
before lxml): each text node stripped, empty ones dropped, joined by one space; comments and the
text of ``<script>``, ``<style>``, ``<template>``, ``<rt>`` and ``<rp>`` are not text. On
well-formed pages the result is the same as with BeautifulSoup's ``html.parser``; on malformed
pages libxml2 repairs the tree as HTML prescribes (an unclosed ``<li>`` or ``<p>`` ends where the
next one starts), where ``html.parser`` nested them.

Must not import pandas or modules of :mod:`helpers.collect` other than :mod:`helpers.core.webrules`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

from helpers.core.webrules import Rules, normalise_text

#: Elements that are page chrome (not content) by tag name or ARIA role.
CHROME_TAGS = ("footer", "nav", "header", "script", "style", "noscript", "template")
CHROME_ROLES = ("contentinfo", "navigation", "banner", "search")
#: Enclosing elements whose text is a link's context (nearest one wins).
BLOCKS = ("li", "p", "dd", "td", "h2", "h3", "h4", "section", "article", "div")
MAX_CONTEXT = 400  # characters of block text kept as a link's context
SEARCH_INPUTS = re.compile(r"^(q|query|zoek.*|search.*|s)$")
#: Elements whose text is no page text (BeautifulSoup's string containers of HTML).
NO_TEXT = frozenset({"script", "style", "template", "rt", "rp"})
#: Whether a page has a ``<body>`` tag of its own (without one, the whole document is content).
_BODY_TAG = re.compile(r"<body[\s/>]", re.IGNORECASE)
_PARSER = etree.HTMLParser(encoding="utf-8", huge_tree=True, no_network=True)


class PageTooDeep(ValueError):
    """A page the HTML parser could not read to its end: nested deeper than libxml2 follows
    (2,048 elements) or over another of its resource limits."""


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
    all_links : tuple of (str, str)
        Every ``<a href>`` on the page including chrome: absolute URL and link text (used by the
        crawler).
    """

    url: str
    depth: int
    content: str
    links: tuple[Link, ...]
    all_links: tuple[tuple[str, str], ...]


def _live(root: etree._Element, cut: set[etree._Element] | frozenset = frozenset()
          ) -> Iterator[etree._Element]:
    """The elements under ``root`` (itself included) in document order, skipping the subtrees of
    ``cut``; comments and processing instructions are left out."""
    stack = [root]
    while stack:
        el = stack.pop()
        if el in cut or not isinstance(el.tag, str):
            continue
        yield el
        stack.extend(reversed(el))


def text_of(root: etree._Element, cut: set[etree._Element] | frozenset = frozenset(),
            hidden: bool = False) -> str:
    """The text of ``root`` as BeautifulSoup's ``get_text(" ", strip=True)`` gives it.

    Parameters
    ----------
    root : Element
        The element whose text is wanted.
    cut : set of Element
        Subtrees left out (their tails, the text after them, stay).
    hidden : bool
        Whether ``root`` lies inside an element of :data:`NO_TEXT` (then it has no text).
    """
    if hidden:
        return ""
    parts: list[str] = []
    stack: list[etree._Element | str] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            s = item.strip()
            if s:
                parts.append(s)
            continue
        if item.text and (item is root or item.tag not in NO_TEXT):
            s = item.text.strip()
            if s:
                parts.append(s)
        for child in reversed(item):
            if child.tail:
                stack.append(child.tail)
            if child not in cut and isinstance(child.tag, str) and child.tag not in NO_TEXT:
                stack.append(child)
    return " ".join(parts)


def _in_no_text(el: etree._Element) -> bool:
    return any(a.tag in NO_TEXT for a in el.iterancestors())


def _is_chrome(el: etree._Element, markers: Iterable[str]) -> bool:
    if el.tag in CHROME_TAGS:
        return True
    attrs = el.attrib
    if not attrs:
        return False
    role = attrs.get("role")
    if role and role.lower() in CHROME_ROLES:
        return True
    tokens = [n.lower() for n in attrs.get("class", "").split()]
    ident = attrs.get("id")
    if ident:
        tokens.append(ident.lower())
    return any(m in t for t in tokens for m in markers)


def _block_text(el: etree._Element, cut: set[etree._Element],
                cache: dict[etree._Element, str]) -> str:
    for parent in el.iterancestors():
        if parent.tag in BLOCKS:
            if parent not in cache:
                cache[parent] = text_of(parent, cut, _in_no_text(parent))[:MAX_CONTEXT]
            return cache[parent]
        if parent.tag in ("body", "html", "main"):
            break
    return ""


def _is_search_form(form: etree._Element, cut: set[etree._Element]) -> bool:
    if form.get("role", "").lower() == "search":
        return True
    names = (el.get("name", "").lower() for el in _live(form, cut) if el.tag == "input")
    return any(SEARCH_INPUTS.match(n) for n in names)


def _empty(url: str, depth: int) -> ParsedPage:
    return ParsedPage(url, int(depth), "", (), ())


def parse_page(url: str, html: str, rules: Rules, depth: int = 0, *,
               all_links: bool = True) -> ParsedPage:
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
    all_links : bool
        Gather every ``<a href>`` of the page (the crawler follows them); the audit needs only the
        content links and passes False (then ``ParsedPage.all_links`` is empty).

    Returns
    -------
    ParsedPage
        An empty page (no text, no links) for a document without any element.

    Raises
    ------
    PageTooDeep
        When libxml2 stopped reading the page at one of its limits (the rest would be lost).
    """
    root = etree.fromstring(html.encode("utf-8", errors="surrogatepass"), _PARSER)
    limits = [e.message for e in _PARSER.error_log if e.type_name == "ERR_RESOURCE_LIMIT"]
    if limits:
        raise PageTooDeep(f"the HTML parser stopped reading the page ({limits[0].strip()})")
    if root is None:
        return _empty(url, depth)
    tags = list(_live(root))
    base = url
    for el in tags:
        if el.tag == "base" and el.get("href"):
            base = urljoin(url, el.get("href"))
            break
    every_link = tuple(
        (urljoin(base, el.get("href").strip()), text_of(el, hidden=_in_no_text(el)))
        for el in tags if el.tag == "a" and el.get("href") is not None
    ) if all_links else ()
    h1 = next((el for el in tags if el.tag == "h1"), None)
    title = text_of(h1, hidden=_in_no_text(h1)) if h1 is not None else ""
    markers = rules.chrome_markers
    cut = {el for el in tags if _is_chrome(el, markers)}
    body = root.find("body") if _BODY_TAG.search(html) else None
    scope = root if body is None or body in cut else body
    live = list(_live(scope, cut)) if root not in cut else []
    links: list[Link] = []
    anchors: set[etree._Element] = set()
    blocks: dict[etree._Element, str] = {}
    for el in live:
        if el.tag == "a":
            anchors.add(el)
            if el.get("href") is None:
                continue
            href = urljoin(base, el.get("href").strip())
            text = text_of(el, cut, _in_no_text(el))
            links.append(Link(href, text, normalise_text(f"{text} {href} "
                                                         f"{_block_text(el, cut, blocks)}")))
        elif el.tag == "form" and not _is_search_form(el, cut):
            action = urljoin(base, el.get("action") or url)
            parts = [text_of(el, cut, _in_no_text(el))]
            parts += [b.get("value", "") for b in _live(el, cut)
                      if b.tag == "input" and b.get("type") == "submit"]
            text = " ".join(p for p in parts if p)
            links.append(Link(action, text, normalise_text(f"{text} {action} {title}"), "form"))
    content = normalise_text(text_of(scope, cut | anchors)) if live else ""
    return ParsedPage(url, int(depth), content, tuple(links), every_link)
