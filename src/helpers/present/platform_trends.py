"""Trends across years when platforms appear and disappear (Twitter up to 2023, Mastodon from 2023).

Three small pieces for ``trends.ipynb``: the platform each year's one-platform analyses
(``03_interaction``, ``04_response_time``) ran for, read from the year's manifest and sources, so a
number measured on Twitter in one year and on Mastodon in another is never drawn as one line
(:func:`label_platforms`); the pooled per-platform values of ``09_platforms`` by year
(:func:`platform_measures`); and gap rows (:func:`with_gaps`): a year that was run but did not
measure a series gets a missing value, so the line breaks there instead of bridging it.

Imports nothing from :mod:`helpers.pipeline` or :mod:`helpers.cli` (a year folder is read through
:mod:`helpers.core`); from helpers only :mod:`helpers.core.records`, :mod:`helpers.core.io`,
:mod:`helpers.analysis.platforms`, and :mod:`helpers.present.language` and
:mod:`helpers.present.texts` for the titles in English or Dutch.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.analysis import platforms as pf
from helpers.core.records import collected_sources
from helpers.present import language, texts

#: The notebooks (record prefix -> notebook file) that analyse one platform, chosen by ``platform``.
ONE_PLATFORM_NOTEBOOKS = {"interaction": "03_interaction", "response_time": "04_response_time"}
#: The per-platform measures of ``09_platforms`` shown in the trends: column -> (bounds, unit group).
PLATFORM_MEASURES = {
    "interaction_share": (("interaction_low", "interaction_high"), "proportion"),
    "answer_rate": (("answer_low", "answer_high"), "proportion"),
    "km_median_hours": (("km_median_low", "km_median_high"), "hours"),
}


def analysed_platform(folder: Path, notebook: str) -> str | None:
    """The platform a one-platform notebook analysed in the year folder ``folder``.

    Its ``platform`` parameter from ``manifest.json`` (``"auto"`` resolved with
    :func:`helpers.analysis.platforms.choose` over the year's collected sources), or ``None`` when the
    manifest does not list the notebook.
    """
    path = Path(folder) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    params = (manifest.get("parameters") or {}).get(notebook)
    if params is None or "platform" not in params:
        return None
    return pf.choose(str(params["platform"]), collected_sources(Path(folder)))


def label_platforms(numbers: pd.DataFrame, records: pd.DataFrame, outputs: Path,
                    describe: Callable[[str, str], str], lang: str = "en") -> pd.DataFrame:
    """Give the numbers of the one-platform notebooks their platform, so platforms never share a line.

    Parameters
    ----------
    numbers : DataFrame
        From :func:`helpers.present.report.numeric_trends` (``year``, ``name``, ``value``, ``group``).
    records : DataFrame
        The records they came from (``year``, ``notebook``, ``name``).
    outputs : Path
        The outputs folder (``<outputs>/<year>/manifest.json``).
    describe : callable
        ``describe(name, lang)``: a record name in words (:func:`helpers.present.report.describe`).

    Returns
    -------
    DataFrame
        ``numbers`` with ``name`` replaced by ``"<description> (<Platform>)"`` for the records of
        :data:`ONE_PLATFORM_NOTEBOOKS` whose platform is known; other rows unchanged.
    """
    if not len(numbers):
        return numbers
    notebook = {(int(r.year), str(r.name)): str(r.notebook) for r in records.itertuples(index=False)}
    cache: dict[tuple[int, str], str | None] = {}
    names = []
    for r in numbers.itertuples(index=False):
        nb = ONE_PLATFORM_NOTEBOOKS.get(notebook.get((int(r.year), str(r.name)), ""))
        if nb is None:
            names.append(r.name)
            continue
        key = (int(r.year), nb)
        if key not in cache:
            cache[key] = analysed_platform(Path(outputs) / str(r.year), nb)
        platform = cache[key]
        names.append(r.name if platform is None else
                     f"{describe(str(r.name), lang)} ({pf.platform_name(platform)})")
    return numbers.assign(name=names).sort_values(["name", "year"], kind="stable").reset_index(drop=True)


def platform_measures(outputs: Path, years: Iterable[int]) -> pd.DataFrame:
    """The pooled per-platform values of ``09_platforms`` (``tables/platform_comparison``) by year.

    Returns
    -------
    DataFrame
        ``year``, ``platform``, ``measure`` (a key of :data:`PLATFORM_MEASURES`), ``value``,
        ``ci_low``, ``ci_high``, ``group`` (``proportion`` or ``hours``); only values that exist
        (a year without the table or a platform without the measure has no row).
    """
    cols = ["year", "platform", "measure", "value", "ci_low", "ci_high", "group"]
    rows = []
    for year in years:
        path = Path(outputs) / str(year) / "tables" / "platform_comparison.parquet"
        if not path.is_file():
            continue
        pooled = pd.read_parquet(path)
        pooled = pooled[pooled["scope"] == "pooled"]
        for r in pooled.to_dict("records"):
            for measure, ((low, high), group) in PLATFORM_MEASURES.items():
                value = r.get(measure)
                if value is None or pd.isna(value):
                    continue
                hi = r.get(high)
                rows.append({"year": int(year), "platform": r["platform"], "measure": measure,
                             "value": float(value), "ci_low": float(r.get(low, np.nan)),
                             "ci_high": np.nan if hi is None or hi == np.inf else float(hi),
                             "group": group})
    return pd.DataFrame(rows, columns=cols)


def with_gaps(frame: pd.DataFrame, years: Iterable[int], key: str, *, x: str = "year",
              value: str = "value") -> pd.DataFrame:
    """Rows with a missing ``value`` for the years in ``years`` where a ``key`` level has none.

    Matplotlib breaks a line at a missing value, so a series (a platform, a measure) that was not
    measured in a year that was run is not drawn across that year. Columns other than ``x``,
    ``key`` and ``value`` of a gap row are copied from the level's first row where they are not
    numbers (e.g. ``group``), else missing.

    Returns
    -------
    DataFrame
        ``frame`` plus the gap rows, sorted by ``key`` (order of first appearance) and ``x``.
    """
    years = sorted({int(y) for y in years})
    if not len(frame) or not years:
        return frame
    extra = []
    for level, part in frame.groupby(key, sort=False):
        first = part.iloc[0]
        for y in sorted(set(years) - {int(v) for v in part[x]}):
            row = {c: (first[c] if not pd.api.types.is_numeric_dtype(frame[c]) else np.nan)
                   for c in frame.columns}
            row.update({x: y, key: level, value: np.nan})
            extra.append(row)
    if not extra:
        return frame
    out = pd.concat([frame, pd.DataFrame(extra, columns=frame.columns)], ignore_index=True)
    order = {lv: i for i, lv in enumerate(pd.unique(frame[key]))}
    out = out.assign(_o=out[key].map(order)).sort_values(["_o", x], kind="mergesort")
    return out.drop(columns="_o").reset_index(drop=True)


#: What the per-platform trend figures show (en, nl), and whether a lower value is better.
MEASURE_TEXT = {
    "interaction_share": ("Interaction share (replies to others / (replies + originals))",
                          "Interactieaandeel (antwoorden aan anderen / (antwoorden + eigen berichten))",
                          False),
    "answer_rate": ("Questions answered in the window", "Vragen beantwoord in de periode", False),
    "km_median_hours": ("Median time to first reply (Kaplan-Meier)",
                        "Mediane tijd tot eerste antwoord (Kaplan-Meier)", True),
}


def measure_title(frame: pd.DataFrame, measure: str, lang: str = "en") -> str:
    """A title stating the latest year's leader of one per-platform measure of :func:`platform_measures`.

    ``"Interaction share (...): in 2025 highest on Mastodon (34%)"``; for the reply time the lowest
    median is the leader (``"shortest on ..."``). One platform only: its value.
    """
    en, nl, lower_better = MEASURE_TEXT[measure]
    what = nl if lang == "nl" else en
    part = frame[(frame["measure"] == measure) & frame["value"].notna()]
    if part.empty:
        return what
    year = int(part["year"].max())
    last = part[part["year"] == year].sort_values(["value", "platform"], ascending=[lower_better, True],
                                                   kind="mergesort")
    r = last.iloc[0]
    shown = (language.percent(r["value"], 0, lang) if r["group"] == "proportion"
             else language.hours(r["value"], 1, lang))
    key = "measure_one" if len(last) == 1 else ("measure_shortest" if lower_better else "measure_highest")
    return texts.text("trends", key, lang, what=what, year=year, platform=pf.platform_name(r["platform"]),
                      value=shown)
