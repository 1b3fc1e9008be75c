"""Trends across years: which years to show, their records and key numbers, presence harmonized
onto one register, mergers, the fastest responders and the trends run's provenance.

Titles and notes are in English or Dutch (``lang``): fixed text from ``texts/trends.yaml``, numbers
through :mod:`helpers.present.language`.

Must not import: :mod:`helpers.pipeline` or :mod:`helpers.cli`; from the package only
:mod:`.replication`, :mod:`.folders` and :mod:`.wording` (and :mod:`helpers.present.language` and
:mod:`helpers.present.texts`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.present import language, texts
from helpers.present.report.folders import _write_text, _year_folders, is_demo, read_json
from helpers.present.report.replication import _number, _text
from helpers.present.report.wording import describe, format_value

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
        return (texts.text("trends", "one_year", lang, year=years[0]) if years
                else texts.text("trends", "no_data", lang))
    first, last = years[0], years[-1]
    wide = part.pivot_table(index="name", columns="year", values="value")
    both = wide[[first, last]].dropna()
    if both.empty:
        return texts.text("trends", "none_in_both", lang, first=first, last=last)
    change = (both[last] - both[first]).abs().sort_values(ascending=False)
    name = change.index[0]
    a, b = both.loc[name, first], both.loc[name, last]
    what = describe(name, lang)
    if group == "proportion":
        return texts.text("trends", "changed_most", lang, first=first, last=last, what=what,
                          a=language.percent(a, 0, lang), b=language.percent(b, 0, lang))
    unit = f" {language.pick(lang, 'h', 'uur')}" if group == "hours" else ""

    def num(v: float) -> str:
        return language.number(v, 0 if float(v).is_integer() else 1, lang) + unit

    return texts.text("trends", "went_from", lang, first=first, last=last, what=what, a=num(a), b=num(b))


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


def _register_names(year: int, folder: Path | None = None) -> dict[str, str]:
    """Code -> name of the municipalities of ``year``'s register; empty for a year it does not cover."""
    from helpers.core import register

    try:
        return register.municipalities(int(year), folder).set_index("gm_code")["name"].to_dict()
    except (KeyError, ValueError):
        return {}


def merger_notes(changes: pd.DataFrame, to_year: int, lang: str = "en",
                 folder: Path | None = None) -> list[str]:
    """One sentence in ``lang`` per year in which municipalities merged (or split) before ``to_year``.

    Municipalities are named by the register of their year (``Bernisse + Spijkenisse →
    Nissewaard``), by their code where the register does not know them; ``folder`` is the
    register's folder (default: the project's reference data).
    """
    notes = []
    now = _register_names(to_year, folder)
    for year, part in changes.groupby("year", sort=True):
        merged = part[part["n_predecessors"] > 1]
        if len(merged):
            then = _register_names(int(year), folder)
            examples = "; ".join(
                " + ".join(then.get(c, c) for c in r.predecessors.split(";"))
                + f" → {now.get(r.gm_code, r.gm_code)}"
                for r in merged.head(5).itertuples(index=False)
            )
            more = (texts.text("trends", "merged_more", lang, n=language.count(len(merged) - 5, lang))
                    if len(merged) > 5 else "")
            notes.append(texts.text(
                "trends", "merged", lang, year=year, n=language.count(merged["n_predecessors"].sum(), lang),
                m=language.count(len(merged), lang), target=to_year, examples=examples, more=more))
        split = part[part["split"]]
        if len(split):
            codes = ", ".join(now.get(c, c) for c in split["gm_code"])
            notes.append(texts.text("trends", "split_one", lang, year=year, target=to_year, codes=codes)
                         if len(split) == 1 else
                         texts.text("trends", "split", lang, year=year, target=to_year, codes=codes,
                                    n=language.count(len(split), lang)))
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
