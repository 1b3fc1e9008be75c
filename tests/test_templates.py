"""The HTML pages come from Jinja2 templates with escaping on (helpers.present.templating).

Municipality names, table cells, titles and captions with markup come out escaped; only values marked
safe on purpose (an nbconvert body, a page's ``("html", ...)`` block) pass unchanged. The templates are
package data, and no module of the present layer (or the profile renderer) builds HTML from strings.
"""

from __future__ import annotations

import ast
import re
import tomllib
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest
from markupsafe import Markup

from helpers.pipeline import profiles as profiles_command
from helpers.pipeline import render
from helpers.present import report, templating

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = '<script>alert("x")</script>'
#: ``SCRIPT`` as html.escape writes it (quotes as &quot;, as the pages did before the templates).
SCRIPT_ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


def test_escape_writes_entities_like_html_escape_and_passes_markup():
    assert templating.escape("a & b < c > d \" e ' f") == "a &amp; b &lt; c &gt; d &quot; e &#x27; f"
    assert templating.escape(Markup("<b>safe</b>")) == "<b>safe</b>"
    assert templating.escape(3) == "3"


def test_a_table_cell_and_header_with_a_script_come_out_escaped():
    df = pd.DataFrame({"name": [SCRIPT, "Utrecht"], "n": [1, 2], SCRIPT: ["a", None]})
    assert report.table_html(df) == (
        '<table class="dataframe">\n'
        '<thead><tr><th style="text-align:left">name</th><th style="text-align:right">n</th>'
        f'<th style="text-align:left">{SCRIPT_ESCAPED}</th></tr></thead>\n'
        "<tbody>\n"
        f'<tr><td style="text-align:left">{SCRIPT_ESCAPED}</td><td style="text-align:right">1</td>'
        '<td style="text-align:left">a</td></tr>\n'
        '<tr><td style="text-align:left">Utrecht</td><td style="text-align:right">2</td>'
        '<td style="text-align:left"></td></tr>\n'
        "</tbody>\n</table>"
    )


def test_an_empty_table_keeps_its_empty_body_line():
    assert report.table_html(pd.DataFrame({"x": []})) == (
        '<table class="dataframe">\n<thead><tr><th style="text-align:right">x</th></tr></thead>\n'
        "<tbody>\n\n</tbody>\n</table>"
    )


def test_a_page_escapes_title_text_list_and_note_but_not_an_html_block():
    page = report.render_page(SCRIPT, [("h2", SCRIPT), SCRIPT, ("note", "a & b"), ("list", [SCRIPT]),
                                       ("html", "<b>mine</b>")], demo=False, lang="nl")
    assert "<script" not in page
    body = page.split("<body>\n", 1)[1]
    assert body == (
        f"<h1>{SCRIPT_ESCAPED}</h1>\n<h2>{SCRIPT_ESCAPED}</h2>\n<p>{SCRIPT_ESCAPED}</p>\n"
        f'<p class="note">a &amp; b</p>\n<ul><li>{SCRIPT_ESCAPED}</li></ul>\n<b>mine</b>\n'
        "</body>\n</html>\n"
    )
    assert page.startswith('<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
                           f"<title>{SCRIPT_ESCAPED}</title>\n<style>body{{")


def test_a_demo_page_opens_with_one_banner_and_its_seed():
    page = report.render_page("T", [], demo=True)
    assert page.count('id="demo-banner"') == 1
    assert report.demo_banner("en", "<1>").endswith(
        "not real measurements of any municipality. Seed &lt;1&gt;.</div>")
    assert type(report.demo_banner()) is str  # plain str: concatenation never escapes it again


def test_a_figure_caption_is_escaped_in_alt_and_caption(tmp_path):
    png = tmp_path / "f.png"
    png.write_bytes(b"\x89PNG not really")
    page = report.render_page("T", [("figure", (png, SCRIPT))], demo=False)
    assert (f'<figure><img src="data:image/png;base64,iVBORyBub3QgcmVhbGx5" alt="{SCRIPT_ESCAPED}">'
            f"<figcaption>{SCRIPT_ESCAPED}</figcaption></figure>") in page


def test_an_unknown_block_is_refused():
    with pytest.raises(TypeError, match="cannot render page block"):
        report.render_page("T", [("video", "x")], demo=False)


def test_profiles_index_escapes_a_municipality_name_and_shows_figures(tmp_path):
    kf = pd.DataFrame({"gm_code": ["GM0002", "GM0001"], "name": [SCRIPT, "Aa en Hunze"],
                       "province": ["Drenthe", None], "size_class": ["small", "large"],
                       "interaction_share": [0.25, None], "km_median": [1.25, 3.0],
                       "answer_rate": [1.0, 0.5], "info_score": [6, 2], "eservice_score": [2.0, None]})
    path = profiles_command.write_profiles_index(tmp_path, kf, 2014, demo=True)
    page = path.read_text(encoding="utf-8")
    assert "<script>alert" not in page and page.count("<script>") == 1  # the sorting script only
    rows = page.split("<tbody>\n", 1)[1].split("\n</tbody>", 1)[0].split("\n")
    assert rows == [
        # sorted by name: '<' sorts before 'A'; 1.25 h shows (and sorts) as 1.2
        f'<tr><td><a href="GM0002.html">{SCRIPT_ESCAPED}</a></td><td data-v="Drenthe">Drenthe</td>'
        '<td data-v="small">small</td><td data-v="0.2500">25%</td><td data-v="1.2">1.2</td>'
        '<td data-v="1.0000">100%</td><td data-v="6">6</td><td data-v="2.0">2.0</td></tr>',
        '<tr><td><a href="GM0001.html">Aa en Hunze</a></td><td data-v=""></td>'
        '<td data-v="large">large</td><td data-v=""></td><td data-v="3.0">3.0</td>'
        '<td data-v="0.5000">50%</td><td data-v="2">2</td><td data-v=""></td></tr>',
    ]
    assert "<h1>Municipality profiles 2014</h1><div class=\"demo\" id=\"demo-banner\"" in page
    assert "<p>2 municipalities. Click a column header to sort." in page


def test_profile_page_puts_the_notebook_body_in_as_is_and_escapes_the_title():
    page = render.page("<div class=\"jp-Cell\"><p>A &amp; B</p></div>", SCRIPT)
    assert f"<title>{SCRIPT_ESCAPED}</title>" in page
    assert '</style></head><body>\n<div class="jp-Cell"><p>A &amp; B</p></div>\n</body></html>\n' in page


def test_every_template_is_package_data():
    names = sorted(p.name for p in (ROOT / "src/helpers/present/templates").iterdir())
    installed = files("helpers.present") / "templates"
    assert names == sorted(p.name for p in installed.iterdir() if p.name.endswith(".html.j2"))
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = config["tool"]["setuptools"]["package-data"]["helpers.present"]
    assert all(any(Path("templates", n).match(g) for g in globs) for n in names), names


TAG = re.compile(r"<(?:!DOCTYPE|html|head|body|div|p|span|a|img|table|thead|tbody|tr|td|th|ul|li|h[1-6]"
                 r"|figure|figcaption|style|title|script)[\s>/]", re.I)


def html_built_from_strings(source: str) -> list[int]:
    """Lines where HTML is assembled in Python: f-strings, ``.format``, ``%`` or ``+`` with a tag."""
    def tagged(node: ast.AST) -> bool:
        return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(TAG.search(node.value))

    def builds(node: ast.AST) -> bool:
        if isinstance(node, ast.JoinedStr):
            return any(tagged(v) for v in node.values)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            return node.func.attr == "format" and tagged(node.func.value)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
            return tagged(node.left) or tagged(node.right)
        return False

    lines = [node.lineno for node in ast.walk(ast.parse(source)) if builds(node)]
    return sorted(set(lines))


def test_the_check_finds_html_built_from_strings():
    assert html_built_from_strings('x = f"<p>{t}</p>"\ny = "<td>{}</td>".format(t)\nz = "<span>" + t\n'
                                   'w = "<li>%s" % t\n') == [1, 2, 3, 4]
    assert html_built_from_strings('import re\nB = re.compile(r"<div class=x>")\n') == []


#: Every module of the package; the demo's synthetic *websites* (raw crawl data for the web audit,
#: not pages a reader sees) are the one place that writes HTML text on purpose.
MODULES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "src/helpers").rglob("*.py")
                 if p.parent.name != "demo")


@pytest.mark.parametrize("module", MODULES)
def test_no_html_built_from_strings(module):
    assert html_built_from_strings((ROOT / module).read_text(encoding="utf-8")) == [], module


def test_the_sources_line_escapes_and_speaks_the_run_language():
    assert report.sources_line([SCRIPT]) == f"<div><b>Data:</b> {SCRIPT_ESCAPED}</div>"
    assert report.sources_line(["web"], "nl") == "<div><b>Gegevens:</b> de website-crawl</div>"
    # the template without a label (an older caller) still says "Data:"
    assert templating.render("sources_line.html.j2", sources=["survey"]) == "<div><b>Data:</b> survey</div>"
