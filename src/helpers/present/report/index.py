"""``outputs/index.html``: every year that has a manifest, with its status, run date, sources and pages,
plus the trends page where present.

Must not import: :mod:`helpers.pipeline` or :mod:`helpers.cli`; from the package only :mod:`.folders`,
:mod:`.pages` and :mod:`.sections`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers.present import templating
from helpers.present.report.folders import _write_text, _year_folders, is_demo, read_json, run_date
from helpers.present.report.pages import DEMO_TEXT
from helpers.present.report.sections import not_collected


def _year_row(folder: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """One year of the index as the template's data (texts are escaped by the template)."""
    from helpers.core.records import collected_sources, source_label

    year = folder.name
    status = str(manifest.get("status", "unknown"))
    if status == "stale":  # helpers.pipeline.context.mark_hand_run
        hand = ", ".join(str(r.get("notebook")) for r in manifest.get("hand_runs", []))
        status = f"stale: {hand} run by hand; roeptoeter run redoes it"
    links = []
    if (folder / "report.html").is_file():
        links.append({"href": f"{year}/report.html", "text": "report"})
    if (folder / "profiles" / "index.html").is_file():
        links.append({"href": f"{year}/profiles/index.html", "text": "municipality profiles"})
    have = collected_sources(folder)
    missing = [source_label(m) for m in not_collected(have)]
    return {
        "year": year,
        "demo": is_demo(folder),
        "status": status,
        "css": "ok" if status == "ok" else "failed",
        "run_date": run_date(manifest),
        "collected": ", ".join(source_label(h) for h in have) or "none",
        "missing": ", ".join(missing),
        "links": links,
    }


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
    outputs = Path(outputs)
    outputs.mkdir(parents=True, exist_ok=True)
    rows = []
    for folder in _year_folders(outputs):
        manifest = read_json(folder / "manifest.json")
        if not (folder / "manifest.json").is_file():
            continue
        rows.append(_year_row(folder, manifest))
    page = templating.render(
        "index.html.j2", title="Roeptoeter results", lang="en", banner="", rows=rows,
        any_demo=any(r["demo"] for r in rows), demo_text=DEMO_TEXT,
        trends=(outputs / "trends" / "report.html").is_file(),
    )
    return _write_text(outputs / "index.html", page)
