"""The year's ``report.html``: the executed ``08_report`` notebook as a stand-alone page, written by
:func:`finalize_year` once every notebook of a year succeeded.

Must not import: :mod:`helpers.pipeline` or :mod:`helpers.cli` (the runner calls
:func:`finalize_year`, not the other way round).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from helpers.present import texts
from helpers.present.report.folders import _write_text, is_demo, read_json
from helpers.present.report.pages import demo_banner
from helpers.present.report.replication import replication_table, write_replication

REPORT_NOTEBOOK = "08_report"
#: The tag of notebook cells meant for the researcher in JupyterLab only (the notebook's English
#: question, inputs and outputs): the exported report leaves them out.
NOTEBOOK_ONLY = "notebook-only"


_BANNER = re.compile(r'<div class="demo" id="demo-banner"[^>]*>[^<]*</div>\s*')
_EXTERNAL_SCRIPT = re.compile(r'<script[^>]*\ssrc="https?://[^"]*"[^>]*>\s*</script>\s*', re.I)


def notebook_html(notebook: Path, *, title: str, demo: bool, lang: str = "en", seed: Any = None) -> str:
    """An executed notebook as a stand-alone HTML report with the code hidden.

    Uses nbconvert's ``HTMLExporter(exclude_input=True)``; image outputs are embedded by nbconvert as
    base64, markdown images too (``embed_images``). Cells tagged :data:`NOTEBOOK_ONLY` (the
    notebook's own notes for the researcher) are left out (nbconvert's ``TagRemovePreprocessor``).
    Scripts loaded from CDNs (require.js, MathJax) are removed so the page needs no network. With
    ``demo`` the demo banner opens the page. The page's ``<html lang>`` is ``lang``.
    """
    import nbformat

    body = _export(nbformat.read(Path(notebook), as_version=4), title, lang)
    body = _EXTERNAL_SCRIPT.sub("", body)
    # The notebook's own banner output (run.banner()) would repeat the one that opens the page.
    body = _BANNER.sub("", body)
    if demo:
        body = re.sub(
            r"(<body[^>]*>)",
            lambda m: m.group(1) + "\n" + demo_banner(lang, seed),
            body,
            count=1,
        )
    return body


def _export(nb: Any, title: str, lang: str) -> str:
    """``nb`` through nbconvert's HTML exporter, inputs and notebook-only cells left out."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code=lang,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags={NOTEBOOK_ONLY}, enabled=True), enabled=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return str(body)


def warm_up() -> None:
    """Import nbconvert and compile its HTML template, on a two-cell notebook (nothing is written).

    The batch runner calls this once while the first kernels start, so the first ``report.html``
    no longer pays for it (about 1 s) after the year's last notebook.
    """
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Warm-up\n\nSome *text*."),
        nbformat.v4.new_code_cell("1", outputs=[nbformat.v4.new_output(
            "execute_result", data={"text/plain": "1", "text/html": "<b>1</b>"}, execution_count=1)]),
    ])
    _export(nb, "warm-up", "en")


def finalize_year(folder: Path, year: int) -> None:
    """Add the year's report pages to a finished year folder (called by the batch runner).

    Writes ``tables/replication.csv`` (and ``.parquet``) unless the report notebook already saved
    it, and ``report.html`` from the executed ``notebooks/08_report.ipynb``: code hidden, figures
    embedded, demo banner when the data is synthetic. Both files are written atomically. A run of a
    subset of notebooks that never ran the report notebook gets no ``report.html``.
    """
    from helpers.core.records import read_records

    folder = Path(folder)
    if not (folder / "tables" / "replication.csv").is_file():
        write_replication(folder, replication_table(int(year), read_records(folder)))
    notebook = folder / "notebooks" / f"{REPORT_NOTEBOOK}.ipynb"
    if not notebook.is_file():
        return
    lang = report_lang(read_json(folder / "manifest.json"))
    seed = read_json(folder / "data" / "provenance.json").get("seed")
    title = texts.text("report", "title", lang, year=int(year))
    page = notebook_html(notebook, title=title, demo=is_demo(folder), lang=lang, seed=seed)
    _write_text(folder / "report.html", page)


def report_lang(manifest: Mapping[str, Any]) -> str:
    """The language of a year's pages: the ``lang`` parameter its report notebook ran with (from
    the year's ``manifest.json``, as read by :func:`read_json`), default ``"en"``."""
    params = manifest.get("parameters") or {}
    lang = (params.get(REPORT_NOTEBOOK) or {}).get("lang", "en") if isinstance(params, Mapping) else "en"
    return lang if lang in ("en", "nl") else "en"
