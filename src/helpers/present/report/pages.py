"""Stand-alone HTML pages from templates: the demo banner, tables, figures and the page around them.

:func:`render_page` and :func:`write_page` build a small page from headings, text, tables and figures
(the trends page); :func:`table_html` and :func:`show_table` give a notebook's tables (text left,
numbers right). All HTML comes from ``helpers/present/templates`` with escaping on.

Must not import: :mod:`helpers.pipeline` or :mod:`helpers.cli`; from the package only :mod:`.folders`.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup

from helpers.present import templating
from helpers.present.report.folders import _write_text

DEMO_TEXT = "DEMO DATA (synthetic)"
#: The inline style of the demo banner (it also opens pages whose own CSS has no ``.demo`` rule).
BANNER_STYLE = (
    "background:#D55E00;color:#fff;padding:8px 12px;font-weight:bold;margin:0 0 1em 0;"
    "font-family:system-ui,sans-serif"
)


def _macros() -> Any:
    """The macros of ``templates/macros.html.j2`` (banner, table, figure, block)."""
    return templating.environment().get_template("macros.html.j2").module


def demo_banner(lang: str = "en", seed: Any = None) -> str:
    """The HTML banner every page made from demo data starts with (plain ``str``, escaped text)."""
    from helpers.present import texts

    text = texts.text("report", "demo_banner", lang)
    if seed is not None:
        text += texts.text("report", "demo_seed", lang, seed=seed)
    return str(_macros().banner(text, BANNER_STYLE))


def sources_line(sources: Iterable[str], lang: str = "en") -> str:
    """The line a notebook on real data opens with instead of the demo banner: ``Data: twitter,
    survey`` (English: the source keys, as before), ``Gegevens: Twitter, de personeelsenquête``."""
    from helpers.core.records import source_label
    from helpers.present import texts

    names = [str(s) for s in sources]
    if lang == "nl":
        names = [source_label(s, lang) for s in names]
    return templating.render("sources_line.html.j2", label=texts.text("report", "sources_line", lang),
                             sources=names)


def png_data_uri(path: Path) -> str:
    """A PNG file as a ``data:`` URI, so a page needs no other file."""
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def figure_img(path: Path, alt: str) -> str:
    """An ``<img>`` of a saved PNG (embedded) with ``alt`` as its text for readers who do not see
    it; a figure shown without one gets nbconvert's English "No description has been provided"."""
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return templating.render("figure_img.html.j2", alt=alt, data=data)


def _cell_text(value: Any) -> str:
    """A table cell's text: empty for missing values, else ``str(value)`` (escaped by the template)."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _table(df: pd.DataFrame, right: Iterable[str] = ()) -> dict[str, Any]:
    """A DataFrame as the ``table`` macro's data: header and rows of ``{text, align}`` cells."""
    wanted = set(right)
    numeric = [(pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]))
               or c in wanted for c in df.columns]
    aligns = ["right" if r else "left" for r in numeric]
    head = [{"text": _cell_text(c), "align": a} for c, a in zip(df.columns, aligns, strict=True)]
    rows = [[{"text": _cell_text(v), "align": a} for v, a in zip(row, aligns, strict=True)]
            for row in df.itertuples(index=False, name=None)]
    return {"kind": "table", "head": head, "rows": rows}


def _figure(path: Path, caption: str) -> dict[str, Any]:
    """A PNG as the ``figure`` block: embedded as a data URI, the caption as alt text and caption."""
    return {"kind": "figure", "src": png_data_uri(path), "caption": caption}


def _block(block: Any) -> dict[str, Any]:
    """One page block (see :func:`render_page`) as the data of the ``block`` macro."""
    if isinstance(block, pd.DataFrame):
        return _table(block)
    if isinstance(block, Path):
        return _figure(block, block.stem.replace("_", " "))
    if isinstance(block, str):
        return {"kind": "p", "text": block}
    if isinstance(block, tuple) and len(block) == 2:
        kind, content = block
        if kind in ("h1", "h2", "h3", "p", "note"):
            return {"kind": kind, "text": str(content)}
        if kind == "html":
            # The caller's own HTML, passed on purpose as ("html", ...): not escaped.
            return {"kind": "html", "html": Markup(str(content))}
        if kind == "list":
            return {"kind": "list", "entries": [str(c) for c in content]}
        if kind == "figure":
            path, caption = content
            return _figure(Path(path), caption)
    raise TypeError(f"cannot render page block {block!r}")


def render_page(title: str, blocks: Iterable[Any], *, demo: bool, lang: str = "en") -> str:
    """A stand-alone HTML page (inline CSS, figures as data URIs, no scripts).

    ``blocks`` are rendered in order: a DataFrame becomes a table, a ``Path`` to a PNG an embedded
    figure, a ``str`` a paragraph; tuples ``("h2", text)``, ``("p", text)``, ``("note", text)``,
    ``("list", [texts])``, ``("figure", (png_path, caption))`` and ``("html", raw_html)``. With
    ``demo`` the page opens with the demo-data banner. Text is escaped; only ``("html", ...)`` is not.
    """
    # The banner is rendered (and escaped) by the same templates: safe HTML.
    banner = Markup(demo_banner(lang)) if demo else ""
    return templating.render("page.html.j2", title=title, lang=lang, banner=banner,
                             blocks=[_block(b) for b in blocks])


def write_page(path: Path, title: str, blocks: Sequence[Any], *, demo: bool, lang: str = "en") -> Path:
    """Write :func:`render_page` to ``path`` atomically; returns ``path``."""
    return _write_text(Path(path), render_page(title, blocks, demo=demo, lang=lang))


def table_html(df: pd.DataFrame, right: Iterable[str] = ()) -> str:
    """A DataFrame as a plain HTML table without index: text left-aligned, numbers right-aligned.

    The alignment is set on every cell (``style="text-align:..."``), so it holds in JupyterLab and
    nbconvert pages, whose style sheets right-align all table cells. Missing values are empty
    cells; all text is escaped. Deterministic (no random ids). ``right`` names further columns to
    right-align: numbers already written as text (``"20% (of 50)"``), which a text dtype hides.
    """
    table = _table(df, right)
    return str(_macros().table(table["head"], table["rows"]))


def show_table(df: pd.DataFrame, right: Iterable[str] = ()) -> Any:
    """A DataFrame for a notebook output: :func:`table_html` (text left, numbers and the ``right``
    columns right, no index)."""
    from IPython.display import HTML

    return HTML(table_html(df, right))
