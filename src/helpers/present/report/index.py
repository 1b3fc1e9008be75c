"""``outputs/index.html``: every year that has a manifest, with its status, run date, sources and pages,
plus the trends page where present.

The page speaks the language of the run that wrote it (:func:`index_lang`); its fixed text is the
catalog ``texts/index.yaml``.

Must not import: :mod:`helpers.pipeline` or :mod:`helpers.cli`; from the package only :mod:`.folders`,
:mod:`.sections` and :mod:`.year`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers.present import templating, texts
from helpers.present.language import check
from helpers.present.report.folders import _write_text, _year_folders, is_demo, read_json, run_date
from helpers.present.report.sections import not_collected
from helpers.present.report.year import report_lang


def _t(key: str, lang: str, **fields: Any) -> str:
    return texts.text("index", key, lang, **fields)


def _year_row(folder: Path, manifest: dict[str, Any], lang: str = "en") -> dict[str, Any]:
    """One year of the index as the template's data (texts are escaped by the template)."""
    from helpers.core.records import collected_sources, source_label

    year = folder.name
    status = str(manifest.get("status", "unknown"))
    css = "ok" if status == "ok" else "failed"
    if status == "stale":  # helpers.pipeline.context.mark_hand_run
        hand = ", ".join(str(r.get("notebook")) for r in manifest.get("hand_runs", []))
        status = _t("stale", lang, notebooks=hand)
    elif status in ("ok", "failed", "unknown"):
        status = _t(f"status_{status}", lang)
    links = []
    if (folder / "report.html").is_file():
        links.append({"href": f"{year}/report.html", "text": _t("link_report", lang)})
    if (folder / "profiles" / "index.html").is_file():
        links.append({"href": f"{year}/profiles/index.html", "text": _t("link_profiles", lang)})
    have = collected_sources(folder)
    missing = [source_label(m, lang) for m in not_collected(have)]
    return {
        "year": year,
        "demo": is_demo(folder),
        "status": status,
        "css": css,
        "run_date": run_date(manifest),
        "collected": ", ".join(source_label(h, lang) for h in have) or _t("no_sources", lang),
        "missing": ", ".join(missing),
        "links": links,
    }


def index_lang(outputs: Path) -> str:
    """The language of ``outputs/index.html``: that of the year run last (its report notebook's
    ``lang``, :func:`helpers.present.report.year.report_lang`), ``"en"`` when no year has run."""
    latest: tuple[str, str] = ("", "en")
    outputs = Path(outputs)
    if not outputs.is_dir():
        return "en"
    for folder in _year_folders(outputs):
        manifest = read_json(folder / "manifest.json")
        if manifest and run_date(manifest) >= latest[0]:
            latest = (run_date(manifest), report_lang(manifest))
    return latest[1]


def write_index(outputs: Path, lang: str | None = None) -> Path:
    """Write ``outputs/index.html`` linking every year folder that has a ``manifest.json``.

    Each year shows its status and run date (from the manifest), a demo-data mark where its data
    is synthetic, the sources it collected and those of the study it did not, a link to
    ``<year>/report.html`` (when present) and to ``<year>/profiles/index.html`` (when present);
    ``trends/report.html`` is linked when present. Links are relative,
    so the folder can be moved or served. Written atomically.

    Parameters
    ----------
    outputs : Path
        The outputs folder.
    lang : str, optional
        The page's language; default the language of the year run last (:func:`index_lang`),
        so the index speaks the language of the run that wrote it.

    Returns
    -------
    Path
        The index file.
    """
    outputs = Path(outputs)
    outputs.mkdir(parents=True, exist_ok=True)
    lang = check(lang) if lang is not None else index_lang(outputs)
    rows = []
    for folder in _year_folders(outputs):
        manifest = read_json(folder / "manifest.json")
        if not (folder / "manifest.json").is_file():
            continue
        rows.append(_year_row(folder, manifest, lang))
    demo = _t("demo_mark", lang)
    page = templating.render(
        "index.html.j2", title=_t("title", lang), lang=lang, banner="", rows=rows,
        any_demo=any(r["demo"] for r in rows), demo_text=demo,
        t={key: _t(key, lang, demo=demo) if key == "demo_note" else _t(key, lang)
           for key in texts.catalog("index") if key != "stale"},
        trends=(outputs / "trends" / "report.html").is_file(),
    )
    return _write_text(outputs / "index.html", page)
