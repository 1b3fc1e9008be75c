"""The report notebook's sections as tables for people: headline numbers, findings, all records,
the replication, the figures, provenance and which sources a year collected.

Every text a reader sees is in the run's language (``lang``): fixed text from the catalog
``texts/report.yaml`` (:func:`text`), numbers through :mod:`helpers.present.language`, record notes
through :mod:`.notes`.

Must not import: :mod:`helpers.pipeline` or :mod:`helpers.cli`; from the package only
:mod:`.replication`, :mod:`.wording` and :mod:`.notes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.core import io
from helpers.present import texts
from helpers.present.report.notes import translate_note
from helpers.present.report.replication import _flag
from helpers.present.report.wording import (
    HEADLINES,
    _difference,
    describe,
    format_value,
    notebook_words,
    unit_words,
)


def text(key: str, lang: str = "en", **fields: Any) -> str:
    """The report's fixed text ``key`` (Markdown) in ``lang``, from ``texts/report.yaml``."""
    return texts.text("report", key, lang, **fields)


def municipality_names(folder: Path) -> dict[str, str]:
    """``{gm_code: name}`` of a year folder's ``data/municipalities`` table (empty when missing)."""
    path = io.table_path(Path(folder), "municipalities")
    if not path.is_file():
        return {}
    frame = pd.read_parquet(path, columns=["gm_code", "name"])
    return dict(zip(frame["gm_code"].astype(str), frame["name"].astype(str), strict=True))


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
                "basis": translate_note(basis, lang),
                "record": name,
            }
        )
    return pd.DataFrame(rows, columns=["finding", "value", "unit", "basis", "record"])


#: Notebooks in report order, for the findings section.
FINDING_ORDER = ("collect", "presence", "interaction", "response_time", "monitoring", "platforms", "survey",
                 "websites")


def findings_markdown(records: pd.DataFrame, lang: str = "en") -> list[str]:
    """The findings the notebooks computed (records ``finding_<notebook>``, unit ``finding``), in
    :data:`FINDING_ORDER`, as Markdown paragraphs ``**<notebook>.** <sentence>`` (the notebook in
    ``lang``'s words; the sentence as the notebook wrote it, in the run's language)."""
    if not len(records):
        return []
    rows = records[records["unit"] == "finding"]
    found = {str(r.notebook): str(r.value) for r in rows.itertuples(index=False)}
    order = [nb for nb in FINDING_ORDER if nb in found] + sorted(set(found) - set(FINDING_ORDER))
    return [f"**{notebook_words(nb, lang)}.** {found[nb]}" for nb in order]


def records_summary(records: pd.DataFrame, year: int, lang: str = "en") -> str:
    """The report's first line: how many numbers were recorded, by which notebooks (Markdown)."""
    from helpers.present import language

    notebooks = sorted(records["notebook"].unique()) if len(records) else []
    names = ", ".join(notebook_words(n, lang).lower() if lang == "nl" else n.replace("_", " ")
                      for n in notebooks)
    return text("summary", lang, year=year, records=language.count(len(records), lang),
                notebooks=language.count(len(notebooks), lang), names=names)


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
            "notebook": [notebook_words(n, lang) for n in rows["notebook"]],
            "number": [describe(n, lang) for n in rows["name"]],
            "value": [format_value(v, u, lang, names)
                      for v, u in zip(rows["value"], rows["unit"], strict=True)],
            "unit": [unit_words(u, lang) for u in rows["unit"]],
            "note": [translate_note(n, lang) for n in rows["note"].fillna("")],
        },
        columns=columns,
    )


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
    ok, bad = text("within_tolerance", lang), text("outside_tolerance", lang)
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
            "difference": _difference(r.difference, unit, lang),
            "tolerance": _difference(r.tolerance, unit, lang).lstrip("+"),
            "result": ok if bool(r.within_tolerance) else bad,
        })
    return pd.DataFrame(rows, columns=columns)


def figure_caption(stem: str, lang: str = "en") -> str:
    """A figure's caption from its file name: ``fig_<stem>`` of ``texts/report.yaml`` in ``lang``;
    else the file name in words (``presence_by_platform`` -> "Presence by platform")."""
    if f"fig_{stem}" in texts.catalog("report"):
        return text(f"fig_{stem}", lang)
    words = stem.replace("_", " ").replace("-", " ").strip()
    return text("fig_figure", lang, name=words[:1].upper() + words[1:])


def figure_files(folder: Path, lang: str = "en") -> list[tuple[Path, str]]:
    """The PNG figures a year's notebooks saved (``figures/*.png``), sorted, with a caption each in
    ``lang`` (:func:`figure_caption`)."""
    return [(path, figure_caption(path.stem, lang))
            for path in sorted((Path(folder) / "figures").glob("*.png"))]


def provenance_table(
    provenance: Mapping[str, Any], manifest: Mapping[str, Any] | None = None, lang: str = "en"
) -> pd.DataFrame:
    """Where the year's data came from, as ``item``/``value`` rows in ``lang``.

    Data (demo or real), seed, sources, observation window, number of input files with SHA-256,
    skipped records and (from the manifest, when present) git commit and run status. In Dutch the
    sources are named (``Twitter, de personeelsenquête``) and numbers are Dutch.
    """
    from helpers.core.records import source_label
    from helpers.present import language

    manifest = manifest or {}
    demo = bool(provenance.get("demo", manifest.get("demo", False)))
    window = provenance.get("window")
    if isinstance(window, list | tuple) and len(window) == 2:
        window = f"{window[0]} – {window[1]}"
    elif isinstance(window, Mapping):
        window = f"{window.get('start')} – {window.get('end')}"
    inputs = provenance.get("inputs") or manifest.get("inputs") or {}
    sources = [str(s) for s in provenance.get("sources", [])]
    if lang == "nl":
        sources = [source_label(s, lang) for s in sources]
    skips = provenance.get("skips", "–")
    if lang == "nl" and isinstance(skips, int | float) and not isinstance(skips, bool):
        skips = language.count(skips, lang)
    rows = [
        (text("prov_data", lang), text("prov_demo" if demo else "prov_real", lang)),
        (text("prov_seed", lang), provenance.get("seed") if demo else "–"),
        (text("prov_sources", lang), ", ".join(sources) or "–"),
        (text("prov_window", lang), window or "–"),
        (text("prov_inputs", lang), len(inputs) if lang == "en" else language.count(len(inputs), lang)),
        (text("prov_skips", lang), skips),
    ]
    git = manifest.get("git") or {}
    if git:
        commit = str(git.get("commit") or "")[:12]
        dirty = text("prov_dirty", lang) if git.get("dirty") else ""
        rows.append((text("prov_commit", lang), commit + dirty))
    if manifest.get("status"):
        rows.append((text("prov_status", lang), manifest["status"]))
    return pd.DataFrame([(k, "" if v is None else str(v)) for k, v in rows], columns=["item", "value"])


#: The sources of the 2014 study: a year names each of these that it did not collect.
STUDY_SOURCES = ("twitter", "facebook", "survey", "web")
#: The notebooks that analyse each source.
SOURCE_NOTEBOOKS = {
    "twitter": "02_presence, 03_interaction, 04_response_time, 05_monitoring, 09_platforms",
    "facebook": "02_presence, 05_monitoring, 09_platforms",
    "mastodon": "03_interaction, 04_response_time, 05_monitoring, 09_platforms",
    "bluesky": "03_interaction, 04_response_time, 05_monitoring, 09_platforms",
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
        ``notebooks`` (those that analyse it: file names in English, words in Dutch).
    """
    from helpers.core.records import SOURCES, source_label

    have = set(sources)
    rows = []
    for s in SOURCES:
        if s not in have and s not in STUDY_SOURCES:
            continue
        status = text("collected_status", lang) if s in have else text("not_collected_status", lang,
                                                                        year=year)
        label = source_label(s, lang)
        notebooks = SOURCE_NOTEBOOKS[s]
        if lang == "nl":  # the notebooks in words: "02_presence" -> "aanwezigheid"
            notebooks = ", ".join(notebook_words(n.strip().split("_", 1)[1], lang).lower()
                                  for n in notebooks.split(","))
        rows.append({"source": label[:1].upper() + label[1:], "status": status, "notebooks": notebooks})
    return pd.DataFrame(rows, columns=["source", "status", "notebooks"])


def not_collected_sentence(sources: Iterable[str], year: int, lang: str = "en") -> str:
    """One Markdown sentence naming what ``year`` did not collect (empty when nothing is missing)."""
    from helpers.core.records import source_label

    missing = [source_label(s, lang) for s in not_collected(sources)]
    if not missing:
        return ""
    return text("not_collected", lang, year=year, sources=", ".join(missing))
