"""The lxml page parser on the corners of HTML: what counts as text, chrome, content and links.

Every expected value is written out by hand from the rules in ``website_rules.yaml`` and the
parser's documented text convention (BeautifulSoup's ``get_text(" ", strip=True)``); these pages
gave the same results with the BeautifulSoup parser used before, except the NUL character.
"""

from __future__ import annotations

import pytest

from helpers.collect import webpage
from helpers.core.webrules import load_rules, normalise_text

URL = "https://www.voorbeeld.nl/werk/"


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def test_text_nodes_are_stripped_and_joined_by_one_space(rules):
    page = webpage.parse_page(URL, "<body><p>Bij<b>stand</b>  aan<!-- x -->vragen</p></body>", rules)
    # each text node on its own: "Bij", "stand", "aan", "vragen"; a comment splits a text node
    assert page.content == "bij stand aan vragen"


def test_no_text_elements_and_chrome_leave_no_text(rules):
    html = """<html><head><title>Titel</title><style>p {}</style></head><body>
        <header>Kop</header><nav>Menu</nav><div class="site-Footer">Voet</div>
        <div id="cookie-bar">Koekjes</div><div role="navigation">Navigatie</div>
        <p>Tekst<script>var s;</script> na <ruby>kanji<rt>yomi</rt></ruby></p>
        <template><p>Sjabloon</p></template><noscript>Geen script</noscript></body></html>"""
    page = webpage.parse_page(URL, html, rules)
    assert page.content == "tekst na kanji"


def test_without_a_body_tag_the_whole_document_is_content(rules):
    html = "<html><head><title>Titel</title></head><p>Bijstand</p></html>"
    assert webpage.parse_page(URL, html, rules).content == "titel bijstand"
    with_body = "<html><head><title>Titel</title></head><body><p>Bijstand</p></body></html>"
    assert webpage.parse_page(URL, with_body, rules).content == "bijstand"


def test_a_chrome_body_leaves_the_rest_of_the_document(rules):
    html = "<html><head><title>Titel</title></head><body class='has-navbar'><p>Bijstand</p></body></html>"
    # the body's class contains "navbar": the body is chrome, the title is what is left
    assert webpage.parse_page(URL, html, rules).content == "titel"


def test_links_context_block_and_base(rules):
    html = """<html><head><base href="https://loket.voorbeeld.nl/"></head><body><main>
        <h1>Werk en inkomen</h1>
        <ul><li>Vraag <a href=" aanvragen ">bijstand <span class="menu-x">menu</span>aan</a> online</li></ul>
        <a>zonder href</a> los
        <nav><a href="/verborgen">Verborgen</a></nav>
        </main></body></html>"""
    page = webpage.parse_page(URL, html, rules)
    href = "https://loket.voorbeeld.nl/aanvragen"
    # the link text leaves out the chrome span; the block is the <li>, read with the link in it
    assert page.links == (webpage.Link(href, "bijstand aan",
                                       f"bijstand aan {href} vraag bijstand aan online"),)
    assert page.content == "werk en inkomen vraag online los"
    # the crawler's list has every <a href>, chrome included, texts before chrome is removed
    assert page.all_links == ((href, "bijstand menu aan"),
                              ("https://loket.voorbeeld.nl/verborgen", "Verborgen"))
    assert webpage.parse_page(URL, html, rules, all_links=False).all_links == ()


def test_forms_and_search_forms(rules):
    html = """<body><main><h1>Schulden</h1>
        <form action="/schuldhulp/aanmelden">Meld u aan <input type="submit" value="Versturen">
          <input type="SUBMIT" value="niet"></form>
        <form action="/zoeken"><input name="zoekterm"><input type="submit" value="Zoek"></form>
        <form role="search"><input name="x"></form>
        </main></body>"""
    page = webpage.parse_page(URL, html, rules)
    action = "https://www.voorbeeld.nl/schuldhulp/aanmelden"
    # only a submit button with type exactly "submit" adds its label; search forms are no links
    assert page.links == (webpage.Link(action, "Meld u aan Versturen",
                                       f"meld u aan versturen {action} schulden", "form"),)


@pytest.mark.parametrize("html", ["", "   \n", "<!-- alleen commentaar -->"])
def test_empty_documents(rules, html):
    page = webpage.parse_page(URL, html, rules, depth=2)
    assert (page.content, page.links, page.all_links, page.depth) == ("", (), (), 2)


def test_control_characters_do_not_stop_the_parser(rules):
    # libxml2 reads a NUL as U+FFFD (BeautifulSoup kept the NUL: the one difference seen here)
    page = webpage.parse_page(URL, "<body><p>bij\x00stand</p><p>na</p></body>", rules)
    assert page.content == "bij\ufffdstand na"


def test_normalise_text_folds_accents_like_nfkd():
    assert normalise_text("  Reïntegratie\u00a0CAFÉ ﬁets ") == "reintegratie cafe fiets"
    assert normalise_text("İstanbul") == "istanbul"
    assert normalise_text("plain  ASCII\ttext") == "plain ascii text"


def test_a_page_deeper_than_the_parser_follows_is_refused(rules):
    deep = "<body>" + "<div>" * 3000 + "bijstand" + "</div>" * 3000 + "</body>"
    with pytest.raises(webpage.PageTooDeep, match="2048"):
        webpage.parse_page(URL, deep, rules)
    ok = "<body>" + "<div>" * 1000 + "bijstand" + "</div>" * 1000 + "</body>"
    assert webpage.parse_page(URL, ok, rules).content == "bijstand"
