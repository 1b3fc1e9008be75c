"""Reports: the replication table, the per-year HTML report, stand-alone pages and the index.

* :func:`replication_table` puts every published figure of a year (``data/reference/published.yaml``)
  beside the value this run recorded under the same name, with the difference and a verdict.
* :func:`finalize_year` is called by the batch runner once every notebook of a year succeeded: it
  writes ``tables/replication.csv`` (unless the report notebook already did) and turns the executed
  ``notebooks/08_report.ipynb`` into ``report.html`` (code hidden, figures embedded, no external
  files or scripts needed).
* :func:`write_page` builds a small stand-alone HTML page from headings, text, tables and figures
  (the trends page).
* :func:`write_index` writes ``outputs/index.html``: every year that has a manifest, with its status
  and run date, plus the trends page and profile indexes where present.

Everything made from demo data carries a visible banner.
"""

from __future__ import annotations

import base64
import contextlib
import html
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from helpers.core import io
from helpers.core.errors import DataError
from helpers.core.paths import reference_dir

PUBLISHED = "published.yaml"
KINDS = ("number", "code", "flag", "rank")
REPLICATION_COLUMNS = [
    "source",
    "year",
    "figure",
    "published",
    "computed",
    "difference",
    "unit",
    "tolerance",
    "within_tolerance",
]
REPORT_NOTEBOOK = "08_report"
DEMO_TEXT = "DEMO DATA (synthetic)"
_TRUE = {"true", "1", "yes", "ja"}
_FALSE = {"false", "0", "no", "nee", ""}
_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1000px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.8em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f3f3f3}
figure{margin:1.2em 0}figure img{max-width:100%;height:auto}figcaption{color:#555;font-size:.9em}
.demo{background:#D55E00;color:#fff;padding:8px 12px;font-weight:bold}
.demo-mark{background:#D55E00;color:#fff;padding:1px 5px;font-size:.8em;font-weight:bold;border-radius:3px}
.note{background:#fff6e5;border-left:4px solid #E69F00;padding:6px 10px}
.ok{color:#009E73;font-weight:bold}.failed{color:#D55E00;font-weight:bold}
""".strip()


# --- published figures ----------------------------------------------------------------------------
def load_published(path: Path | None = None) -> pd.DataFrame:
    """The published figures: ``source, year, figure, published, unit, tolerance, kind``.

    Raises
    ------
    DataError
        When an entry lacks a field, has an unknown ``kind`` or a non-numeric tolerance (the row is the
        1-based position in the ``figures`` list).
    """
    path = Path(path) if path is not None else reference_dir() / PUBLISHED
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = doc.get("figures")
    if not isinstance(entries, list):
        raise DataError(str(path), "must hold a list under 'figures'", column="figures")
    need = ("source", "year", "figure", "published", "unit", "tolerance", "kind")
    for i, entry in enumerate(entries, start=1):
        for key in need:
            if not isinstance(entry, dict) or key not in entry:
                raise DataError(str(path), f"every figure needs '{key}'", row=i, column=key)
        if entry["kind"] not in KINDS:
            raise DataError(str(path), f"kind must be one of {', '.join(KINDS)}", row=i, column="kind")
        if not isinstance(entry["tolerance"], int | float) or isinstance(entry["tolerance"], bool):
            raise DataError(str(path), "tolerance must be a number", row=i, column="tolerance")
    return pd.DataFrame(entries, columns=list(need))


def _text(value: Any) -> str | None:
    """A value as table text: numbers with 6 significant digits, booleans lower-case."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"{value:.6g}"
    if isinstance(value, list | tuple | set):
        return ";".join(str(v) for v in value)
    return str(value)


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)):
        return bool(value)
    if isinstance(value, str):
        v = value.strip().lower()
        if v in _TRUE:
            return True
        if v in _FALSE:
            return False
    return None


def _items(value: Any) -> frozenset[str]:
    """A rank figure as a set: ``"a;b"``, ``["a", "b"]`` or a JSON list give {"a", "b"}."""
    if isinstance(value, str) and value.strip().startswith("["):
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    if isinstance(value, list | tuple | set | frozenset):
        parts = [str(v) for v in value]
    else:
        parts = str(value).split(";")
    return frozenset(p.strip().lower() for p in parts if p.strip())


def compare(kind: str, published: Any, computed: Any, tolerance: float) -> tuple[float, bool]:
    """``(difference, within_tolerance)`` of one published figure and this run's value.

    ``number``: difference = computed - published, within when ``|difference| <= tolerance``;
    ``code``: equal gemeente codes (case-insensitive); ``flag``: the computed truth value equals the
    published one; ``rank``: the same set of items (order inside the set does not matter). The
    difference is NaN for every kind but ``number``; a missing value is never within tolerance.
    """
    nan = float("nan")
    if computed is None or (isinstance(computed, float) and math.isnan(computed)):
        return nan, False
    if kind == "number":
        c, p = _number(computed), _number(published)
        if c is None or p is None:
            return nan, False
        diff = c - p
        return diff, abs(diff) <= tolerance + 1e-9
    if kind == "code":
        return nan, str(computed).strip().upper() == str(published).strip().upper()
    if kind == "flag":
        c = _flag(computed)
        return nan, c is not None and c == _flag(published)
    if kind == "rank":
        return nan, _items(computed) == _items(published)
    raise ValueError(f"unknown kind {kind!r}")


def replication_table(year: int, records: pd.DataFrame, published_path: Path | None = None) -> pd.DataFrame:
    """Every published figure of ``year`` beside this run's recorded value.

    Parameters
    ----------
    year : int
        The study year; only published figures of that year are listed (none for other years).
    records : DataFrame
        The year's records (:func:`helpers.read_records`): ``name`` and ``value`` at least. A figure's
        id is the record name; when a name was recorded twice the last one counts.
    published_path : Path, optional
        Another ``published.yaml`` (tests).

    Returns
    -------
    DataFrame
        ``source, year, figure, published, computed, difference, unit, tolerance,
        within_tolerance``: ``published``/``computed`` as text (numbers to 6 significant digits,
        ``computed`` empty when nothing was recorded), ``difference`` = computed - published for
        numbers (NaN otherwise), ``within_tolerance`` bool (False when the record is missing).
    """
    published = load_published(published_path)
    published = published[published["year"] == int(year)]
    values: dict[str, Any] = {}
    if len(records):
        for name, value in zip(records["name"], records["value"], strict=True):
            values[str(name)] = value
    rows = []
    for entry in published.itertuples(index=False):
        computed = values.get(entry.figure)
        diff, ok = compare(entry.kind, entry.published, computed, float(entry.tolerance))
        rows.append(
            {
                "source": entry.source,
                "year": int(entry.year),
                "figure": entry.figure,
                "published": _text(entry.published),
                "computed": _text(computed),
                "difference": diff,
                "unit": entry.unit,
                "tolerance": float(entry.tolerance),
                "within_tolerance": bool(ok),
            }
        )
    out = pd.DataFrame(rows, columns=REPLICATION_COLUMNS)
    return out.astype(
        {
            "source": "str",
            "year": "int64",
            "figure": "str",
            "published": "str",
            "computed": "str",
            "difference": "float64",
            "unit": "str",
            "tolerance": "float64",
            "within_tolerance": "bool",
        }
    )


def write_replication(folder: Path, table: pd.DataFrame) -> list[Path]:
    """Write ``tables/replication.csv`` and ``.parquet`` the way ``Run.save_table`` does."""
    return io.write_csv_parquet(table, Path(folder) / "tables" / "replication")


def _write_text(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically, readable by everyone (pages are meant to be shared)."""
    path = Path(path)
    with io.atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(0o644)
    return path


# --- provenance -----------------------------------------------------------------------------------
def read_json(path: Path) -> dict[str, Any]:
    """A JSON object from ``path``, or ``{}`` when the file is missing or unreadable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def is_demo(folder: Path) -> bool:
    """True when a year folder was built from demo data (its ``data/provenance.json`` or manifest)."""
    folder = Path(folder)
    provenance = read_json(folder / "data" / "provenance.json")
    if "demo" in provenance:
        return bool(provenance["demo"])
    manifest = read_json(folder / "manifest.json")
    if "demo" in manifest:
        return bool(manifest["demo"])
    return bool(manifest.get("provenance", {}).get("demo", False))


def run_date(manifest: Mapping[str, Any]) -> str:
    """When a year's run finished: the latest notebook ``end`` time of the manifest (ISO, UTC).

    Falls back to a top-level ``finished``/``end``/``date``; empty when the manifest has none.
    """
    ends = [
        str(info.get("end"))
        for info in (manifest.get("notebooks") or {}).values()
        if isinstance(info, Mapping) and info.get("end")
    ]
    if ends:
        return max(ends)
    for key in ("finished", "end", "date", "run_date"):
        if manifest.get(key):
            return str(manifest[key])
    return ""


def demo_banner(lang: str = "en", seed: Any = None) -> str:
    """The HTML banner every page made from demo data starts with."""
    if lang == "nl":
        text = "DEMODATA (synthetisch): gegenereerd, gekalibreerd op de gepubliceerde cijfers; "
        text += "geen echte metingen van enige gemeente."
    else:
        text = f"{DEMO_TEXT}: generated, calibrated to the published figures; "
        text += "not real measurements of any municipality."
    if seed is not None:
        text += f" Seed {seed}."
    style = (
        "background:#D55E00;color:#fff;padding:8px 12px;font-weight:bold;margin:0 0 1em 0;"
        "font-family:system-ui,sans-serif"
    )
    return f'<div class="demo" id="demo-banner" style="{style}">{html.escape(text)}</div>'


# --- HTML pages -----------------------------------------------------------------------------------
def png_data_uri(path: Path) -> str:
    """A PNG file as a ``data:`` URI, so a page needs no other file."""
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def _block(block: Any) -> str:
    """One page block as HTML (see :func:`render_page`)."""
    if isinstance(block, pd.DataFrame):
        return table_html(block)
    if isinstance(block, Path):
        return _figure(block, block.stem.replace("_", " "))
    if isinstance(block, str):
        return f"<p>{html.escape(block)}</p>"
    if isinstance(block, tuple) and len(block) == 2:
        kind, content = block
        if kind in ("h1", "h2", "h3"):
            return f"<{kind}>{html.escape(str(content))}</{kind}>"
        if kind == "p":
            return f"<p>{html.escape(str(content))}</p>"
        if kind == "note":
            return f'<p class="note">{html.escape(str(content))}</p>'
        if kind == "html":
            return str(content)
        if kind == "list":
            items = "".join(f"<li>{html.escape(str(c))}</li>" for c in content)
            return f"<ul>{items}</ul>"
        if kind == "figure":
            path, caption = content
            return _figure(Path(path), caption)
    raise TypeError(f"cannot render page block {block!r}")


def _figure(path: Path, caption: str) -> str:
    alt = html.escape(caption, quote=True)
    return (
        f'<figure><img src="{png_data_uri(path)}" alt="{alt}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def render_page(title: str, blocks: Iterable[Any], *, demo: bool, lang: str = "en") -> str:
    """A stand-alone HTML page (inline CSS, figures as data URIs, no scripts).

    ``blocks`` are rendered in order: a DataFrame becomes a table, a ``Path`` to a PNG an embedded
    figure, a ``str`` a paragraph; tuples ``("h2", text)``, ``("p", text)``, ``("note", text)``,
    ``("list", [texts])``, ``("figure", (png_path, caption))`` and ``("html", raw_html)``. With
    ``demo`` the page opens with the demo-data banner.
    """
    body = [demo_banner(lang)] if demo else []
    body.append(f"<h1>{html.escape(title)}</h1>")
    body.extend(_block(b) for b in blocks)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def write_page(path: Path, title: str, blocks: Sequence[Any], *, demo: bool, lang: str = "en") -> Path:
    """Write :func:`render_page` to ``path`` atomically; returns ``path``."""
    return _write_text(Path(path), render_page(title, blocks, demo=demo, lang=lang))


_BANNER = re.compile(r'<div class="demo" id="demo-banner"[^>]*>[^<]*</div>\s*')
_EXTERNAL_SCRIPT = re.compile(r'<script[^>]*\ssrc="https?://[^"]*"[^>]*>\s*</script>\s*', re.I)


def notebook_html(notebook: Path, *, title: str, demo: bool, lang: str = "en", seed: Any = None) -> str:
    """An executed notebook as a stand-alone HTML report with the code hidden.

    Uses nbconvert's ``HTMLExporter(exclude_input=True)``; image outputs are embedded by nbconvert as
    base64, markdown images too (``embed_images``). Scripts loaded from CDNs (require.js, MathJax)
    are removed so the page needs no network. With ``demo`` the demo banner opens the page.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(Path(notebook), as_version=4)
    exporter = HTMLExporter(
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
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
    lang = _notebook_lang(folder)
    seed = read_json(folder / "data" / "provenance.json").get("seed")
    title = f"Roeptoeter {int(year)} report"
    page = notebook_html(notebook, title=title, demo=is_demo(folder), lang=lang, seed=seed)
    _write_text(folder / "report.html", page)


def _notebook_lang(folder: Path) -> str:
    """The ``lang`` parameter the report notebook ran with (manifest), default ``en``."""
    params = read_json(folder / "manifest.json").get("parameters", {})
    lang = (params.get(REPORT_NOTEBOOK) or {}).get("lang", "en")
    return lang if lang in ("en", "nl") else "en"


# --- index ----------------------------------------------------------------------------------------
def _year_folders(outputs: Path) -> list[Path]:
    return sorted(
        (p for p in outputs.iterdir() if p.is_dir() and p.name.isdigit()),
        key=lambda p: int(p.name),
        reverse=True,
    )


def write_index(outputs: Path) -> Path:
    """Write ``outputs/index.html`` linking every year folder that has a ``manifest.json``.

    Each year shows its status and run date (from the manifest), a demo-data mark where its data
    is synthetic, the sources it collected and those of the study it did not, a link to
    ``<year>/report.html`` (when present) and to ``<year>/profiles/index.html`` (when present);
    ``trends/report.html`` is linked when present. Links are relative,
    so the folder can be moved or served. Written atomically.

    Returns
    -------
    Path
        The index file.
    """
    from helpers.core.records import collected_sources, source_label

    outputs = Path(outputs)
    outputs.mkdir(parents=True, exist_ok=True)
    rows = []
    any_demo = False
    for folder in _year_folders(outputs):
        manifest = read_json(folder / "manifest.json")
        if not (folder / "manifest.json").is_file():
            continue
        year = folder.name
        status = str(manifest.get("status", "unknown"))
        if status == "stale":  # helpers.pipeline.context.mark_hand_run
            hand = ", ".join(str(r.get("notebook")) for r in manifest.get("hand_runs", []))
            status = f"stale: {hand} run by hand; roeptoeter run redoes it"
        demo = is_demo(folder)
        any_demo = any_demo or demo
        links = []
        if (folder / "report.html").is_file():
            links.append(f'<a href="{year}/report.html">report</a>')
        if (folder / "profiles" / "index.html").is_file():
            links.append(f'<a href="{year}/profiles/index.html">municipality profiles</a>')
        css = "ok" if status == "ok" else "failed"
        have = collected_sources(folder)
        missing = [source_label(m) for m in not_collected(have)]
        collected = ", ".join(source_label(h) for h in have) or "none"
        sources = html.escape(collected) + (
            f'<br><span class="note">not collected: {html.escape(", ".join(missing))}</span>'
            if missing else "")
        mark = f' <span class="demo-mark">{DEMO_TEXT}</span>' if demo else ""
        rows.append(
            f"<tr><td>{html.escape(year)}{mark}</td>"
            f'<td class="{css}">{html.escape(status)}</td>'
            f"<td>{html.escape(run_date(manifest))}</td>"
            f"<td>{sources}</td>"
            f"<td>{' · '.join(links) or 'no report'}</td></tr>"
        )
    parts = []
    if any_demo:
        parts.append(
            '<p class="note">Years marked ' + DEMO_TEXT + " were built from the synthetic demo "
            "dataset, not from real measurements.</p>"
        )
    if rows:
        parts.append(
            "<table><thead><tr><th>Year</th><th>Status</th><th>Run finished (UTC)</th>"
            "<th>Sources</th><th>Pages</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        )
    else:
        parts.append("<p>No year has been run yet: <code>make run</code> runs the default year.</p>")
    if (outputs / "trends" / "report.html").is_file():
        parts.append('<h2>Across years</h2><p><a href="trends/report.html">Trends</a></p>')
    page = render_page("Roeptoeter results", [("h2", "Years")] + [("html", p) for p in parts], demo=False)
    return _write_text(outputs / "index.html", page)


# --- the report notebook's pieces -----------------------------------------------------------------
#: Headline findings in report order: record name -> description (en, nl).
HEADLINES: dict[str, tuple[str, str]] = {
    "n_municipalities": ("Municipalities in the study", "Gemeenten in het onderzoek"),
    "twitter_accounts": ("Municipalities with a Twitter account", "Gemeenten met een Twitteraccount"),
    "twitter_active_share": ("Share active on Twitter", "Aandeel actief op Twitter"),
    "facebook_share": ("Share on Facebook", "Aandeel op Facebook"),
    "facebook_corporate_share": (
        "Share with a corporate Facebook page",
        "Aandeel met een corporate Facebookpagina",
    ),
    "top_interaction_gm_code": ("Most interactive municipality", "Meest interactieve gemeente"),
    "top_interaction_share": (
        "Interaction share of the most interactive municipality",
        "Interactieaandeel van de meest interactieve gemeente",
    ),
    "response_mean_hours": (
        "Mean response time to questions",
        "Gemiddelde reactietijd op vragen",
    ),
    "answered_within_2h_share": (
        "Answered questions answered within 2 hours (base: answered questions)",
        "Beantwoorde vragen binnen 2 uur beantwoord (basis: beantwoorde vragen)",
    ),
    "all_within_2h_share": (
        "Questions answered within 2 hours (base: all questions, unanswered included)",
        "Vragen binnen 2 uur beantwoord (basis: alle vragen, ook onbeantwoorde)",
    ),
    "weekend_raises_mean": ("Weekends raise the mean response time", "Weekenden verhogen het gemiddelde"),
    "fastest_1_gm_code": ("Fastest municipality", "Snelste gemeente"),
    "fastest_2_gm_code": ("Second fastest", "Op één na snelste"),
    "monitoring_insufficient_majority": (
        "Most do not monitor indirect messages",
        "De meeste monitoren indirecte berichten niet",
    ),
    "survey_respondents": ("Municipalities answering the survey", "Gemeenten die de enquête invulden"),
    "ownership_fully_communications_share": (
        "Responsibility fully with communications",
        "Verantwoordelijkheid geheel bij communicatie",
    ),
    "least_enthusiastic_groups": ("Least enthusiastic groups", "Minst enthousiaste groepen"),
    "most_enthusiastic_groups": ("Most enthusiastic groups", "Meest enthousiaste groepen"),
    "top_reasons": ("Main reasons for reluctance", "Belangrijkste redenen voor terughoudendheid"),
    "websites_audited": ("Websites audited", "Websites onderzocht"),
    "work_income_info_in_order_share": (
        "Work & income information in order",
        "Informatie werk & inkomen op orde",
    ),
    "few_eservices": ("Too few e-services", "Te weinig e-diensten"),
}


#: A raw key in text: a snake_case identifier that is not part of a file name or path.
RAW_KEY = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-]|\.\w)")
#: Units whose values are lists of keys (``"college;raad"``), shown as their labels.
LIST_UNITS = ("groups", "reasons", "items")
#: Units of counts, shown as whole numbers with thousands separators.
COUNT_UNITS = ("municipalities", "posts", "messages", "questions", "items", "files", "figures",
               "respondents", "websites")


def words(key: str, lang: str = "en") -> str:
    """A key in words: its label (:data:`helpers.present.viz.LABELS`), its finding (:data:`HEADLINES`),
    else the key with spaces for underscores (``"eservice_schuldhulp"`` -> ``"eservice schuldhulp"``).
    """
    from helpers.present import viz

    text = str(key)
    if text in viz.LABELS:
        return viz.label(text, lang)
    if text in HEADLINES:
        return describe(text, lang)
    return text.replace("_", " ").strip()


def humanize(text: Any, lang: str = "en") -> str:
    """``text`` with every raw key (:data:`RAW_KEY`) replaced by :func:`words`; file names stay."""
    return RAW_KEY.sub(lambda m: words(m.group(0), lang), "" if text is None else str(text))


def municipality_names(folder: Path) -> dict[str, str]:
    """``{gm_code: name}`` of a year folder's ``data/municipalities`` table (empty when missing)."""
    path = io.table_path(Path(folder), "municipalities")
    if not path.is_file():
        return {}
    frame = pd.read_parquet(path, columns=["gm_code", "name"])
    return dict(zip(frame["gm_code"].astype(str), frame["name"].astype(str), strict=True))


def describe(name: str, lang: str = "en") -> str:
    """The finding a record name stands for (:data:`HEADLINES`), else the name in words."""
    en_nl = HEADLINES.get(str(name))
    if en_nl is None:
        text = str(name)
        if text.startswith("n_"):
            text = ("number of " if lang == "en" else "aantal ") + text[2:]
        text = text.replace("_", " ").strip()
        return text[:1].upper() + text[1:]
    return en_nl[0 if lang == "en" else 1]


def format_value(value: Any, unit: str, lang: str = "en",
                 names: Mapping[str, str] | None = None) -> str:
    """A recorded value for people, by its unit.

    Proportions as percentages with one decimal, hours with one decimal and ``h``, p-values through
    :func:`helpers.analysis.stats.format_p` (never "0"), flags yes/no, counts as whole numbers with
    thousands separators, municipality codes (unit ``gm_code``) as the municipality's name from
    ``names``, lists of keys (``"college;raad"``, units :data:`LIST_UNITS`) as their labels
    separated by commas; other numbers with three significant digits.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    unit = str(unit or "")
    number = _number(value)
    if unit in ("proportion", "share") and number is not None:
        return f"{number * 100:.1f}%"
    if unit in ("hours", "business hours", "business_hours") and number is not None:
        return f"{number:.1f} h"
    if unit == "p-value":
        from helpers.analysis.stats import format_p

        return format_p(number).removeprefix("p = ").removeprefix("p ")
    if unit == "flag":
        flag = _flag(value)
        if flag is None:
            return str(value)
        return ("yes" if flag else "no") if lang == "en" else ("ja" if flag else "nee")
    if unit == "gm_code" and isinstance(value, str):
        return (names or {}).get(value, value)
    if isinstance(value, str) and (unit in LIST_UNITS or ";" in value):
        return ", ".join(words(v.strip(), lang) for v in value.split(";") if v.strip())
    if number is not None and not isinstance(value, str):
        if unit in COUNT_UNITS or float(number).is_integer():
            return f"{number:,.0f}"
        return f"{number:.3g}"
    return humanize(value, lang)


def _subject(note: str, names: Mapping[str, str]) -> tuple[str, str]:
    """Split ``"Utrecht: replies to ..."`` into the municipality and the rest, when it names one."""
    head, sep, rest = str(note).partition(": ")
    if sep and head in set(names.values()):
        return head, rest
    return "", str(note)


def headline_table(records: pd.DataFrame, lang: str = "en",
                   names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The year's key numbers, in :data:`HEADLINES` order, for people to read.

    Parameters
    ----------
    records : DataFrame
        The year's records (:func:`helpers.core.records.read_records`).
    lang : str
        ``"en"`` or ``"nl"``.
    names : mapping, optional
        ``{gm_code: name}`` (:func:`municipality_names`): codes are shown as names, and a note that
        opens with a municipality's name (``"Utrecht: ..."``) puts the name with the value.

    Returns
    -------
    DataFrame
        ``finding`` (in ``lang``), ``value`` (formatted with its unit), ``unit``, ``basis`` (the
        record's note in words: base, method, caveat) and ``record`` (the record name); only
        records present. People read ``finding``, ``value`` and ``basis``.
    """
    names = dict(names or {})
    latest = {str(r.name): r for r in records.itertuples(index=False)} if len(records) else {}
    rows = []
    for name, (en, nl) in HEADLINES.items():
        r = latest.get(name)
        if r is None:
            continue
        who, basis = _subject(r.note or "", names)
        value = format_value(r.value, r.unit, lang, names)
        rows.append(
            {
                "finding": en if lang == "en" else nl,
                "value": f"{value} ({who})" if who else value,
                "unit": r.unit,
                "basis": humanize(basis, lang),
                "record": name,
            }
        )
    return pd.DataFrame(rows, columns=["finding", "value", "unit", "basis", "record"])


#: Notebooks in report order, for the findings section.
FINDING_ORDER = ("collect", "presence", "interaction", "response_time", "monitoring", "survey", "websites")


def findings_markdown(records: pd.DataFrame) -> list[str]:
    """The findings the notebooks computed (records ``finding_<notebook>``, unit ``finding``), in
    :data:`FINDING_ORDER`, as Markdown paragraphs ``**<notebook>.** <sentence>``."""
    if not len(records):
        return []
    rows = records[records["unit"] == "finding"]
    found = {str(r.notebook): str(r.value) for r in rows.itertuples(index=False)}
    order = [nb for nb in FINDING_ORDER if nb in found] + sorted(set(found) - set(FINDING_ORDER))
    return [f"**{nb.replace('_', ' ').capitalize()}.** {found[nb]}" for nb in order]


def readable_records(records: pd.DataFrame, lang: str = "en",
                     names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Recorded numbers for people, findings left out (the report shows them in their own section).

    Returns
    -------
    DataFrame
        ``notebook``, ``number`` (the record in words, :func:`describe`), ``value``
        (:func:`format_value`: shares in %, hours with one decimal, p-values never "0", counts with
        thousands separators, codes as names), ``unit`` and ``note`` (raw keys in words), in the
        order of ``records``.
    """
    columns = ["notebook", "number", "value", "unit", "note"]
    if not len(records):
        return pd.DataFrame(columns=columns)
    rows = records[records["unit"] != "finding"]
    return pd.DataFrame(
        {
            "notebook": [str(n).replace("_", " ").capitalize() for n in rows["notebook"]],
            "number": [describe(n, lang) for n in rows["name"]],
            "value": [format_value(v, u, lang, names)
                      for v, u in zip(rows["value"], rows["unit"], strict=True)],
            "unit": [humanize(u, lang) for u in rows["unit"]],
            "note": [humanize(n, lang) for n in rows["note"].fillna("")],
        },
        columns=columns,
    )


def _difference(value: Any, unit: str) -> str:
    """A difference or tolerance in its unit: percentage points for shares, hours, plain numbers."""
    number = _number(value)
    if number is None:
        return ""
    if number == 0:
        return "0"
    if unit in ("proportion", "share"):
        return f"{number * 100:+.1f} pp"
    if unit in ("hours", "business hours", "business_hours"):
        return f"{number:+.1f} h"
    return f"{number:+,.0f}" if float(number).is_integer() else f"{number:+.3g}"


def readable_replication(table: pd.DataFrame, lang: str = "en",
                         names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The replication table (:func:`replication_table`) for people.

    Returns
    -------
    DataFrame
        ``source``, ``figure`` (in words), ``published`` and ``computed`` (:func:`format_value`),
        ``difference`` and ``tolerance`` (percentage points for shares, hours; tolerance without
        sign) and ``result`` ("within tolerance" / "outside tolerance").
    """
    columns = ["source", "figure", "published", "computed", "difference", "tolerance", "result"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    ok, bad = (("within tolerance", "outside tolerance") if lang == "en"
               else ("binnen tolerantie", "buiten tolerantie"))
    rows = []
    for r in table.itertuples(index=False):
        unit = str(r.unit)
        published = r.published
        if unit == "flag":
            published = _flag(published)
        rows.append({
            "source": r.source,
            "figure": describe(r.figure, lang),
            "published": format_value(published, unit, lang, names),
            "computed": format_value(r.computed, unit, lang, names),
            "difference": _difference(r.difference, unit),
            "tolerance": _difference(r.tolerance, unit).lstrip("+"),
            "result": ok if bool(r.within_tolerance) else bad,
        })
    return pd.DataFrame(rows, columns=columns)


def figure_files(folder: Path) -> list[tuple[Path, str]]:
    """The PNG figures a year's notebooks saved (``figures/*.png``), sorted, with a caption each.

    The caption is the file name in words (``presence_by_platform`` -> "Presence by platform").
    """
    out = []
    for path in sorted((Path(folder) / "figures").glob("*.png")):
        words = path.stem.replace("_", " ").replace("-", " ").strip()
        out.append((path, words[:1].upper() + words[1:]))
    return out


def provenance_table(
    provenance: Mapping[str, Any], manifest: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Where the year's data came from, as ``item``/``value`` rows.

    Data (demo or real), seed, sources, observation window, number of input files with SHA-256,
    skipped records and (from the manifest, when present) git commit and run status.
    """
    manifest = manifest or {}
    demo = bool(provenance.get("demo", manifest.get("demo", False)))
    window = provenance.get("window")
    if isinstance(window, list | tuple) and len(window) == 2:
        window = f"{window[0]} – {window[1]}"
    elif isinstance(window, Mapping):
        window = f"{window.get('start')} – {window.get('end')}"
    inputs = provenance.get("inputs") or manifest.get("inputs") or {}
    rows = [
        ("data", "DEMO DATA (synthetic)" if demo else "real sources"),
        ("seed", provenance.get("seed") if demo else "–"),
        ("sources", ", ".join(map(str, provenance.get("sources", []))) or "–"),
        ("observation window", window or "–"),
        ("input files (SHA-256 recorded)", len(inputs)),
        ("skipped records", provenance.get("skips", "–")),
    ]
    git = manifest.get("git") or {}
    if git:
        commit = str(git.get("commit") or "")[:12]
        dirty = " (uncommitted changes)" if git.get("dirty") else ""
        rows.append(("git commit", commit + dirty))
    if manifest.get("status"):
        rows.append(("run status", manifest["status"]))
    return pd.DataFrame([(k, "" if v is None else str(v)) for k, v in rows], columns=["item", "value"])


#: The sources of the 2014 study: a year names each of these that it did not collect.
STUDY_SOURCES = ("twitter", "facebook", "survey", "web")
#: The notebooks that analyse each source.
SOURCE_NOTEBOOKS = {
    "twitter": "02_presence, 03_interaction, 04_response_time, 05_monitoring",
    "facebook": "02_presence, 05_monitoring",
    "mastodon": "05_monitoring",
    "bluesky": "05_monitoring",
    "survey": "06_survey",
    "web": "07_websites",
}


def not_collected(sources: Iterable[str]) -> list[str]:
    """The study's sources (:data:`STUDY_SOURCES`) missing from ``sources``, in that order."""
    have = set(sources)
    return [s for s in STUDY_SOURCES if s not in have]


def sources_table(sources: Iterable[str], year: int, lang: str = "en") -> pd.DataFrame:
    """What a year collected: one row per source of the study (and any other source collected).

    Returns
    -------
    DataFrame
        ``source`` (in words), ``status`` ("collected" or "not collected for <year>") and
        ``notebooks`` (those that analyse it).
    """
    from helpers.core.records import SOURCES, source_label

    have = set(sources)
    rows = []
    for s in SOURCES:
        if s not in have and s not in STUDY_SOURCES:
            continue
        if lang == "nl":
            status = "verzameld" if s in have else f"niet verzameld voor {year}"
        else:
            status = "collected" if s in have else f"not collected for {year}"
        label = source_label(s, lang)
        rows.append({"source": label[:1].upper() + label[1:], "status": status,
                     "notebooks": SOURCE_NOTEBOOKS[s]})
    return pd.DataFrame(rows, columns=["source", "status", "notebooks"])


def not_collected_sentence(sources: Iterable[str], year: int, lang: str = "en") -> str:
    """One Markdown sentence naming what ``year`` did not collect (empty when nothing is missing)."""
    from helpers.core.records import source_label

    missing = [source_label(s, lang) for s in not_collected(sources)]
    if not missing:
        return ""
    if lang == "nl":
        return (f"**Niet verzameld voor {year}:** {', '.join(missing)}. De notebooks die alleen deze "
                "bronnen gebruiken, melden dat en schrijven geen tabellen of figuren.")
    return (f"**Not collected for {year}:** {', '.join(missing)}. The notebooks that use only these "
            "sources say so and write no tables or figures.")


def table_html(df: pd.DataFrame, right: Iterable[str] = ()) -> str:
    """A DataFrame as a plain HTML table without index: text left-aligned, numbers right-aligned.

    The alignment is set on every cell (``style="text-align:..."``), so it holds in JupyterLab and
    nbconvert pages, whose style sheets right-align all table cells. Missing values are empty
    cells; all text is escaped. Deterministic (no random ids). ``right`` names further columns to
    right-align: numbers already written as text (``"20% (of 50)"``), which a text dtype hides.
    """
    wanted = set(right)
    numeric = [(pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]))
               or c in wanted for c in df.columns]

    def cell(tag: str, value: Any, right: bool) -> str:
        align = "right" if right else "left"
        text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
        return f'<{tag} style="text-align:{align}">{html.escape(text)}</{tag}>'

    head = "".join(cell("th", c, r) for c, r in zip(df.columns, numeric, strict=True))
    rows = [
        "<tr>" + "".join(cell("td", v, r) for v, r in zip(row, numeric, strict=True)) + "</tr>"
        for row in df.itertuples(index=False, name=None)
    ]
    return (f'<table class="dataframe">\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
            + "\n".join(rows) + "\n</tbody>\n</table>")


def show_table(df: pd.DataFrame, right: Iterable[str] = ()) -> Any:
    """A DataFrame for a notebook output: :func:`table_html` (text left, numbers and the ``right``
    columns right, no index)."""
    from IPython.display import HTML

    return HTML(table_html(df, right))


# --- trends across years --------------------------------------------------------------------------
#: Recorded numbers followed across years: name -> unit group (for one figure per group).
TREND_NUMBERS: dict[str, str] = {
    "facebook_share": "proportion",
    "facebook_corporate_share": "proportion",
    "twitter_active_share": "proportion",
    "top_interaction_share": "proportion",
    "answered_within_2h_share": "proportion",
    "ownership_fully_communications_share": "proportion",
    "work_income_info_in_order_share": "proportion",
    "response_mean_hours": "hours",
    "n_municipalities": "municipalities",
    "twitter_accounts": "municipalities",
    "survey_respondents": "municipalities",
    "websites_audited": "municipalities",
}


def run_years(outputs: Path) -> list[int]:
    """Years under ``outputs`` that have a ``manifest.json`` (the runner wrote it), ascending."""
    outputs = Path(outputs)
    if not outputs.is_dir():
        return []
    return sorted(int(p.name) for p in _year_folders(outputs) if (p / "manifest.json").is_file())


def choose_years(years: str | int | Sequence[int], to_year: int, outputs: Path) -> list[int]:
    """The years a trends run covers: ``years`` (``""`` = all run years) up to ``to_year``.

    Parameters
    ----------
    years : str, int or list of int
        ``""`` for every year with a manifest; otherwise years separated by commas or spaces.
    to_year : int
        Last year (0 = the latest run year); also the register everything is harmonized onto.

    Raises
    ------
    ParameterError
        When no year qualifies, or a named year has no ``outputs/<year>/manifest.json``.
    """
    from helpers.core.errors import ParameterError

    available = run_years(outputs)
    if isinstance(years, str):
        wanted = [int(y) for y in re.split(r"[,\s]+", years.strip()) if y]
    elif isinstance(years, int):
        wanted = [years] if years else []
    else:
        wanted = [int(y) for y in years]
    missing = sorted(set(wanted) - set(available))
    if missing:
        raise ParameterError(
            f"years={years!r}: no outputs/<year>/manifest.json for {missing}; run those years first "
            f"(available: {available or 'none'})"
        )
    chosen = sorted(set(wanted or available))
    if to_year:
        chosen = [y for y in chosen if y <= int(to_year)]
    if not chosen:
        raise ParameterError(
            f"no year to show (years={years!r}, to_year={to_year}): no year under {outputs} has a "
            "manifest.json up to that year; run a year first (make run)"
        )
    return chosen


def year_records(folder: Path) -> pd.DataFrame:
    """A year's records: ``tables/records.csv`` (the runner's table) or else ``records/*.json``."""
    from helpers.core.records import read_records

    folder = Path(folder)
    table = folder / "tables" / "records.csv"
    if table.is_file():
        return pd.read_csv(table, dtype={"value": object}, keep_default_na=False)
    return read_records(folder)


def records_over_years(outputs: Path, years: Iterable[int]) -> pd.DataFrame:
    """Every record of ``years``: ``year``, ``notebook``, ``name``, ``value``, ``unit``, ``note``."""
    frames = []
    for year in years:
        rec = year_records(Path(outputs) / str(year))
        frames.append(rec.assign(year=int(year)))
    cols = ["year", "notebook", "name", "value", "unit", "note"]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


def numeric_trends(records: pd.DataFrame, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The numeric records named in ``names`` (default :data:`TREND_NUMBERS`) by year.

    Returns
    -------
    DataFrame
        ``year``, ``name``, ``value`` (float), ``group`` (unit group), sorted by name and year;
        records that are missing or not numbers are left out.
    """
    names = dict(TREND_NUMBERS if names is None else names)
    rows = []
    for r in records.itertuples(index=False):
        if r.name in names:
            value = _number(r.value)
            if value is not None:
                rows.append({"year": int(r.year), "name": r.name, "value": value, "group": names[r.name]})
    out = pd.DataFrame(rows, columns=["year", "name", "value", "group"])
    out = out.drop_duplicates(["year", "name"], keep="last")
    return out.sort_values(["name", "year"], kind="stable").reset_index(drop=True)


#: Column headers of the trends tables in words (en, nl).
TABLE_HEADERS: dict[str, tuple[str, str]] = {
    "year": ("year", "jaar"),
    "platform": ("platform", "platform"),
    "count": ("with an account", "met een account"),
    "n": ("base (municipalities)", "basis (gemeenten)"),
    "share": ("share", "aandeel"),
    "ci_low": ("95% CI from", "95%-BI van"),
    "ci_high": ("95% CI to", "95%-BI tot"),
    "municipalities": ("municipalities", "gemeenten"),
    "merged": ("merged", "samengevoegd"),
    "with_split": ("with a split", "met een splitsing"),
    "interaction_share_pooled": ("interaction share (pooled)", "interactieaandeel (gepoold)"),
    "answer_rate_pooled": ("questions answered (pooled)", "vragen beantwoord (gepoold)"),
    "info_score_mean": ("mean information items (0-6)", "gem. informatie-onderdelen (0-6)"),
    "eservice_score_mean": ("mean e-services (0-5)", "gem. e-diensten (0-5)"),
    "rank": ("rank", "rang"),
    "gm_code": ("code then", "code toen"),
    "gm_code_now": ("code now", "code nu"),
    "name": ("municipality", "gemeente"),
    # the report notebook's tables
    "finding": ("finding", "bevinding"),
    "value": ("value", "waarde"),
    "basis": ("basis", "basis"),
    "notebook": ("notebook", "notebook"),
    "number": ("number", "getal"),
    "unit": ("unit", "eenheid"),
    "note": ("note", "toelichting"),
    "source": ("source", "bron"),
    "figure": ("figure", "cijfer"),
    "published": ("published", "gepubliceerd"),
    "computed": ("computed", "berekend"),
    "difference": ("difference", "verschil"),
    "tolerance": ("tolerance", "tolerantie"),
    "result": ("result", "uitkomst"),
    "status": ("status", "status"),
    "notebooks": ("notebooks", "notebooks"),
    "item": ("item", "onderdeel"),
}


def translate_headers(df: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """``df`` with the column headers of :data:`TABLE_HEADERS` in ``lang`` (others unchanged)."""
    index = 0 if lang == "en" else 1
    return df.rename(columns={c: TABLE_HEADERS[c][index] for c in df.columns if c in TABLE_HEADERS})


def _is_share_column(name: str) -> bool:
    """Columns holding proportions (0-1), shown as percentages."""
    return name in ("share", "ci_low", "ci_high") or "_share" in name or name.endswith("_rate") \
        or "_rate_" in name


def readable_frame(df: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A table for people: headers in words (:data:`TABLE_HEADERS`, else :func:`words`), values
    formatted by column.

    Proportions (``share``, ``ci_low``, ``ci_high``, ``*_share*``, ``*_rate``) as percentages with
    one decimal; whole numbers (integer columns and floats that are whole) without decimals and
    with thousands separators; other numbers with two decimals; text keys (``twitter``) as their
    labels. Missing values stay empty. The year column is shown as is.
    """
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        name = str(col)
        values = df[col]
        if name == "year" or not pd.api.types.is_numeric_dtype(values) \
                or pd.api.types.is_bool_dtype(values):
            shown = [("" if pd.isna(v) else words(v, lang)) if isinstance(v, str) or pd.isna(v)
                     else str(v) for v in values]
        elif _is_share_column(name):
            shown = ["" if pd.isna(v) else f"{float(v) * 100:.1f}%" for v in values]
        else:
            nums = pd.to_numeric(values, errors="coerce")
            whole = bool(nums.dropna().map(lambda v: float(v).is_integer()).all())
            shown = ["" if pd.isna(v) else (f"{float(v):,.0f}" if whole else f"{float(v):,.2f}")
                     for v in nums]
        header = TABLE_HEADERS.get(name)
        out[header[0 if lang == "en" else 1] if header else words(name, lang)] = shown
    return out.reset_index(drop=True)


def key_numbers_table(numbers: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The key numbers of :func:`numeric_trends` with one column per year, formatted by unit group.

    Returns
    -------
    DataFrame
        ``finding`` (:func:`describe`) and one text column per year: proportions as percentages,
        hours with one decimal and ``h``, counts as whole numbers; empty where a year did not
        record the number. Rows in the order of ``numbers`` (by name).
    """
    years = sorted(int(y) for y in numbers["year"].unique()) if len(numbers) else []
    unit = {"proportion": "proportion", "hours": "hours"}
    rows = []
    for name, part in numbers.groupby("name", sort=False):
        row = {"finding": describe(str(name), lang)}
        by_year = {int(r.year): r for r in part.itertuples(index=False)}
        for y in years:
            r = by_year.get(y)
            row[str(y)] = "" if r is None else format_value(r.value, unit.get(r.group, "count"), lang)
        rows.append(row)
    return pd.DataFrame(rows, columns=["finding", *map(str, years)])


def trend_title(part: pd.DataFrame, group: str, lang: str = "en") -> str:
    """A title that states the finding of one trend figure: the measure that changed most.

    ``part`` holds one unit group of :func:`numeric_trends` (``year``, ``name``, ``value``).
    Proportions are compared in percentage points, hours and counts in their unit.
    """
    years = sorted(part["year"].unique())
    if len(years) < 2:
        return f"{years[0]}: one year only, no trend yet" if years else "No data"
    first, last = years[0], years[-1]
    wide = part.pivot_table(index="name", columns="year", values="value")
    both = wide[[first, last]].dropna()
    if both.empty:
        return f"{first}-{last}: no measure recorded in both years"
    change = (both[last] - both[first]).abs().sort_values(ascending=False)
    name = change.index[0]
    a, b = both.loc[name, first], both.loc[name, last]
    what = describe(name, lang)
    if group == "proportion":
        return f"{first}-{last}: {what} changed most, {a:.0%} to {b:.0%}"
    unit = " h" if group == "hours" else ""

    def num(v: float) -> str:
        return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"

    return f"{first}-{last}: {what} went from {num(a)}{unit} to {num(b)}{unit}"


def presence_by_municipality(folder: Path) -> pd.DataFrame:
    """Per municipality of a year folder: 1 where it has an account on a platform, else 0.

    The municipalities are those of the year's ``data/municipalities`` table (the ones studied);
    the accounts come from ``data/accounts``, for the social platforms collected that year only.

    Returns
    -------
    DataFrame
        ``gm_code`` and one 0/1 column per platform collected (sorted); only ``gm_code`` when the
        year collected no social platform.
    """
    from helpers.core import io as hio
    from helpers.core.records import SOCIAL, collected_sources

    munis = hio.read_table("municipalities", Path(folder))[["gm_code"]]
    platforms = [s for s in collected_sources(Path(folder)) if s in SOCIAL]
    if not platforms:  # no social platform collected that year: no presence to show
        return munis.reset_index(drop=True)
    accounts = hio.read_table("accounts", Path(folder))
    has = (
        accounts[accounts["platform"].isin(platforms)]
        .drop_duplicates(["gm_code", "platform"])
        .assign(present=1)
        .pivot(index="gm_code", columns="platform", values="present")
        .reindex(columns=platforms)
    )
    out = munis.set_index("gm_code").join(has).fillna(0).astype(int)
    out = out[sorted(out.columns)]
    out.columns.name = None
    return out.reset_index()


def harmonized_presence(
    outputs: Path, years: Iterable[int], to_year: int, folder: Path | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Presence per platform of every year, on the register of ``to_year``.

    Each year's municipalities are mapped onto ``to_year``'s register with
    :func:`helpers.core.register.harmonize` (summing predecessors), so a merged municipality counts as
    present when any of its predecessors had an account; a value whose predecessor chain passes
    through a split is flagged, not divided.

    Returns
    -------
    (shares, changes)
        ``shares``: ``year``, ``platform``, ``count``, ``n`` (municipalities on the ``to_year``
        register that the year covers), ``share``, ``ci_low``, ``ci_high`` (Wilson 95%).
        ``changes``: per year the harmonized municipalities that combine several predecessors or
        include a split: ``year``, ``gm_code``, ``predecessors``, ``n_predecessors``, ``split``.
    """
    from helpers.analysis import stats
    from helpers.core import register

    shares, changes = [], []
    for year in years:
        pres = presence_by_municipality(Path(outputs) / str(year))
        platforms = [c for c in pres.columns if c != "gm_code"]
        h = register.harmonize(pres, int(to_year), how="sum", folder=folder)
        if platforms:
            present = (h[platforms] > 0).sum()
            table = stats.proportion_table(present, pd.Series(len(h), index=present.index))
            table.index.name = "platform"
            shares.append(table.reset_index().assign(year=int(year)))
        moved = h[(h["n_predecessors"] > 1) | h["split"]]
        changes.append(moved[["gm_code", "predecessors", "n_predecessors", "split"]].assign(year=int(year)))
    share_cols = ["year", "platform", "count", "n", "share", "ci_low", "ci_high"]
    change_cols = ["year", "gm_code", "predecessors", "n_predecessors", "split"]
    s = pd.concat(shares, ignore_index=True)[share_cols] if shares else pd.DataFrame(columns=share_cols)
    c = pd.concat(changes, ignore_index=True)[change_cols] if changes else pd.DataFrame(columns=change_cols)
    return s, c


def merger_notes(changes: pd.DataFrame, to_year: int) -> list[str]:
    """One sentence per year in which municipalities merged (or split) before ``to_year``."""
    notes = []
    for year, part in changes.groupby("year", sort=True):
        merged = part[part["n_predecessors"] > 1]
        if len(merged):
            examples = "; ".join(
                f"{r.predecessors.replace(';', ' + ')} → {r.gm_code}"
                for r in merged.head(5).itertuples(index=False)
            )
            more = f" and {len(merged) - 5} more" if len(merged) > 5 else ""
            notes.append(
                f"{year}: {int(merged['n_predecessors'].sum())} municipalities of {year} merged "
                f"into {len(merged)} of the {to_year} register ({examples}{more}); their values "
                "are summed (present = any predecessor present)."
            )
        split = part[part["split"]]
        if len(split):
            notes.append(
                f"{year}: {len(split)} municipalities of the {to_year} register include part of a "
                f"municipality that was split ({', '.join(split['gm_code'])}); flagged, not divided."
            )
    return notes


def fastest_over_years(records: pd.DataFrame, to_year: int, folder: Path | None = None) -> pd.DataFrame:
    """The fastest responders (records ``fastest_1_gm_code``, ``fastest_2_gm_code``) by year.

    Returns
    -------
    DataFrame
        ``year``, ``rank``, ``gm_code`` (as recorded), ``gm_code_now`` (its municipality on the
        ``to_year`` register) and ``name`` (register name in ``to_year``); empty when no year
        recorded a ranking.
    """
    from helpers.core import register

    names = register.municipalities(int(to_year), folder).set_index("gm_code")["name"]
    rows = []
    for r in records.itertuples(index=False):
        m = re.fullmatch(r"fastest_(\d+)_gm_code", str(r.name))
        if not m or _text(r.value) in (None, ""):
            continue
        code = str(r.value)
        try:
            now = register.successor(code, int(to_year), folder)
        except (KeyError, ValueError):
            now = ""
        rows.append(
            {
                "year": int(r.year),
                "rank": int(m.group(1)),
                "gm_code": code,
                "gm_code_now": now,
                "name": names.get(now, ""),
            }
        )
    out = pd.DataFrame(rows, columns=["year", "rank", "gm_code", "gm_code_now", "name"])
    return out.sort_values(["year", "rank"], kind="stable").reset_index(drop=True)


def trends_provenance(outputs: Path, years: Iterable[int]) -> dict[str, Any]:
    """Provenance of a trends run: demo when any year's data is demo, the years and their sources."""
    per_year = {str(y): read_json(Path(outputs) / str(y) / "data" / "provenance.json") for y in years}
    return {
        "demo": any(is_demo(Path(outputs) / y) for y in per_year),
        "years": [int(y) for y in per_year],
        "sources": sorted({str(s) for p in per_year.values() for s in p.get("sources", [])}),
        "seed": sorted({p.get("seed") for p in per_year.values() if p.get("seed") is not None}),
        "inputs": {},
    }


def write_provenance(out: Path, provenance: Mapping[str, Any]) -> Path:
    """Write ``<out>/data/provenance.json`` (so ``Run.demo`` and the banner see the demo flag)."""
    text = json.dumps(dict(provenance), indent=1, sort_keys=True) + "\n"
    return _write_text(Path(out) / "data" / "provenance.json", text)
