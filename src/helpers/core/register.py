"""The municipality (gemeente) register: which municipalities existed in a year, and what became of them.

A *gemeente code* is CBS's four-digit municipality number with the ``GM`` prefix (``GM0344`` =
Utrecht). A municipality belongs to the register of year ``Y`` when it existed on 1 January of ``Y``:
``valid_from <= Y-01-01 < valid_to`` (an empty ``valid_to`` means it still exists).

The shipped tables under ``data/reference/`` are built from CBS's register (CC BY 4.0, credit "CBS")
by :func:`build_reference`.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core.errors import DataError
from helpers.core.paths import reference_dir
from helpers.core.years import FIRST_YEAR, LAST_YEAR

#: Size classes of the 2015 edition, by inhabitants on 1 January.
SIZE_BOUNDS = {"S": (0, 50_000), "M": (50_000, 100_000), "L": (100_000, np.inf)}
#: CBS's yearly lists use short names for these municipalities; the register keeps the suffix.
SHORT_NAMES = {
    "Hengelo (O.)": "Hengelo",
    "Laren (NH.)": "Laren",
    "Rijswijk (ZH.)": "Rijswijk",
    "Middelburg (Z.)": "Middelburg",
    "Beek (L.)": "Beek",
    "Stein (L.)": "Stein",
}
_REGISTER = "municipalities.csv"
_SUCCESSORS = "municipality_successors.csv"
_POPULATION = "population_2014.csv"


def build_reference(src: Path, dst: Path) -> None:
    """Write the project's register files in ``dst`` from CBS's reference files in ``src``.

    The project's schema adds ``short_name`` (the name CBS's yearly lists use) to CBS's columns and
    sorts every table, so the shipped files diff cleanly when CBS publishes a new year.
    """
    reg = pd.read_csv(src / "municipalities_cbs.csv", dtype=str, keep_default_na=False)
    reg.insert(2, "short_name", reg["name"].map(lambda n: SHORT_NAMES.get(n, n)))
    reg = reg.sort_values(["gm_code", "valid_from"]).reset_index(drop=True)
    reg.to_csv(dst / _REGISTER, index=False, lineterminator="\n")
    suc = pd.read_csv(src / _SUCCESSORS, dtype=str, keep_default_na=False)
    suc.sort_values(["date", "old_code"]).to_csv(dst / _SUCCESSORS, index=False, lineterminator="\n")
    pop = pd.read_csv(src / _POPULATION, dtype={"gm_code": str, "year": int, "population": int})
    pop.sort_values("gm_code").to_csv(dst / _POPULATION, index=False, lineterminator="\n")


@lru_cache(maxsize=4)
def _read(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    reg = pd.read_csv(folder / _REGISTER, dtype=str, keep_default_na=False)
    reg["valid_from"] = pd.to_datetime(reg["valid_from"])
    reg["valid_to"] = pd.to_datetime(reg["valid_to"].replace("", None))
    suc = pd.read_csv(folder / _SUCCESSORS, dtype=str, keep_default_na=False)
    suc["date"] = pd.to_datetime(suc["date"])
    pop = pd.read_csv(folder / _POPULATION, dtype={"gm_code": str})
    return reg, suc, pop


def register_table(folder: Path | None = None) -> pd.DataFrame:
    """Every municipality since 1990 with ``valid_from`` and ``valid_to`` (a copy)."""
    return _read(folder or reference_dir())[0].copy()


def successors_table(folder: Path | None = None) -> pd.DataFrame:
    """Every municipality that ended since 2012, with the code that took it over (a copy)."""
    return _read(folder or reference_dir())[1].copy()


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise ValueError(
            f"year {year} is outside the register ({FIRST_YEAR}-{LAST_YEAR}); "
            "add the year's CBS register to data/reference/ first"
        )


def _jan1(year: int) -> pd.Timestamp:
    return pd.Timestamp(dt.date(int(year), 1, 1))


def _valid_mask(reg: pd.DataFrame, year: int) -> pd.Series:
    day = _jan1(year)
    return (reg["valid_from"] <= day) & (reg["valid_to"].isna() | (reg["valid_to"] > day))


def codes(year: int, folder: Path | None = None) -> frozenset[str]:
    """The gemeente codes in the register of ``year``."""
    _check_year(year)
    return _codes(folder or reference_dir(), int(year))


@lru_cache(maxsize=64)
def _codes(folder: Path, year: int) -> frozenset[str]:
    reg = _read(folder)[0]
    return frozenset(reg.loc[_valid_mask(reg, year), "gm_code"])


@lru_cache(maxsize=4)
def _steps(folder: Path) -> dict[str, tuple[pd.Timestamp, str, str]]:
    """old_code -> (date, new_code, kind): one step of the successor chain."""
    suc = _read(folder)[1]
    return {
        r.old_code: (r.date, r.new_code, r.kind)
        for r in suc.sort_values("date").itertuples(index=False)
    }


def successor(code: str, year: int, folder: Path | None = None) -> str:
    """The code in the register of ``year`` that municipality ``code`` is part of.

    Follows the successor table (merger, annexation, rename, split) until a code that exists on
    1 January of ``year``. A code that is itself valid in ``year`` maps onto itself.

    Raises
    ------
    KeyError
        If ``code`` is not in the register, began after 1 January of ``year``, or ended before 2012
        (the successor table starts in 2012).
    """
    return _chain(code, year, folder)[0]


def _chain(code: str, year: int, folder: Path | None) -> tuple[str, bool]:
    """(successor code in ``year``, whether the chain passes through a split)."""
    _check_year(year)
    folder = folder or reference_dir()
    valid = _codes(folder, int(year))
    if code not in _known(folder):
        raise KeyError(f"{code} is not a CBS municipality code in the register")
    steps, day = _steps(folder), _jan1(year)
    current, split = code, False
    while current not in valid:
        step = steps.get(current)
        if step is None or step[0] > day:
            raise KeyError(f"{code} has no successor in the register of {year}")
        split = split or step[2] == "split"
        current = step[1]
    return current, split


@lru_cache(maxsize=4)
def _known(folder: Path) -> frozenset[str]:
    return frozenset(_read(folder)[0]["gm_code"])


def chain_has_split(code: str, year: int, folder: Path | None = None) -> bool:
    """Whether mapping ``code`` onto the register of ``year`` passes through a split (lossy)."""
    return _chain(code, year, folder)[1]


def size_class(population: pd.Series) -> pd.Series:
    """Size class by inhabitants: S (< 50,000), M (50,000-99,999), L (>= 100,000); NA where unknown."""
    bins = [0, 50_000, 100_000, np.inf]
    out = pd.cut(population.astype("Float64"), bins=bins, labels=["S", "M", "L"], right=False)
    return out.astype(pd.CategoricalDtype(["S", "M", "L"], ordered=True))


def population(year: int, folder: Path | None = None) -> pd.DataFrame:
    """Inhabitants per municipality of ``year`` on 1 January.

    Only 2014 has CBS counts (rounded to 5 by CBS). For a later year the 2014 counts are summed along
    the successor chain; for 2013 a municipality merged on 1 January 2014 gets an equal share of its
    successor's count. Both are flagged ``approximate``; earlier years have no counts (NA).

    Returns
    -------
    DataFrame
        ``gm_code``, ``population`` (Int64, inhabitants), ``approximate`` (bool).
    """
    folder = folder or reference_dir()
    _, _, pop = _read(folder)
    base = pop.set_index("gm_code")["population"]
    yr_codes = sorted(codes(year, folder))
    if year == 2014:
        vals = base.reindex(yr_codes)
        approx = False
    elif year > 2014:
        mapped = pd.Series({c: successor(c, year, folder) for c in base.index})
        vals = base.groupby(mapped).sum().reindex(yr_codes)
        approx = True
    elif year == 2013:
        mapped = pd.Series({c: successor(c, 2014, folder) for c in yr_codes})
        share = mapped.map(mapped.value_counts())
        vals = (mapped.map(base) / share).round().reindex(yr_codes)
        approx = True
    else:
        vals = pd.Series(np.nan, index=yr_codes)
        approx = True
    return pd.DataFrame(
        {
            "gm_code": yr_codes,
            "population": pd.array(vals.to_numpy(), dtype="Float64").round().astype("Int64"),
            "approximate": approx,
        }
    )


def municipalities(year: int, folder: Path | None = None) -> pd.DataFrame:
    """The register of ``year``: every municipality that existed on 1 January.

    Returns
    -------
    DataFrame
        One row per municipality, sorted by code: ``year``, ``gm_code``, ``name``, ``short_name``,
        ``province_code``, ``province``, ``population`` (Int64 inhabitants on 1 January, NA where
        unknown), ``population_approximate`` (bool), ``size_class`` (ordered S < M < L).
    """
    _check_year(year)
    folder = folder or reference_dir()
    reg = _read(folder)[0]
    out = reg.loc[_valid_mask(reg, year)].sort_values("gm_code").reset_index(drop=True)
    out = out[["gm_code", "name", "short_name", "province_code", "province"]].copy()
    pop = population(year, folder).rename(columns={"approximate": "population_approximate"})
    out = out.merge(pop, on="gm_code", how="left", validate="one_to_one")
    out["size_class"] = size_class(out["population"])
    out.insert(0, "year", int(year))
    return out


def check_codes(codes_seen: pd.Series, year: int, *, file: str, column: str = "gm_code") -> None:
    """Fail on the first code not valid in the register of ``year``.

    Raises
    ------
    DataError
        Naming the file, the 1-based row, the column, and the successor when the code has one.
    """
    valid = codes(year)
    bad = ~codes_seen.isin(valid)
    if not bad.any():
        return
    pos = int(np.flatnonzero(bad.to_numpy())[0])
    code = codes_seen.iloc[pos]
    rule = f"gm_code {code!r} is not a municipality on 1 January {year}"
    try:
        succ = successor(str(code), year)
        if succ != code:
            rule += f"; it is part of {succ} in {year} (use the successor code)"
    except KeyError:
        reg = register_table()
        if code in set(reg["gm_code"]):
            rule += " (it did not exist yet, or ended before the successor table starts)"
        else:
            rule += " (unknown code)"
    raise DataError(file, rule, row=pos + 1, column=column)


def harmonize(
    frame: pd.DataFrame,
    to_year: int,
    how: str | dict[str, str] = "sum",
    *,
    code_col: str = "gm_code",
    folder: Path | None = None,
) -> pd.DataFrame:
    """Map a table of municipality values onto the register of a later year.

    Parameters
    ----------
    frame : DataFrame
        One row per municipality (``code_col``) of some earlier year, plus numeric value columns.
    to_year : int
        The year whose register to map onto.
    how : {"sum", "mean"} or dict
        How to combine the predecessors of one municipality: one method for every value column, or a
        method per column. Counts want ``sum``; shares and rates want ``mean`` (or recompute them from
        harmonized counts).
    code_col : str
        The column with gemeente codes.

    Returns
    -------
    DataFrame
        One row per municipality of ``to_year`` that has any predecessor in ``frame``, with
        ``gm_code``, the combined value columns, ``n_predecessors`` (how many rows were combined),
        ``predecessors`` (their codes, ``;``-separated) and ``split`` (True when a predecessor's chain
        passes through a split, so the value includes a municipality that was divided over several
        successors; flagged, never silently merged).
    """
    folder = folder or reference_dir()
    values = [c for c in frame.columns if c != code_col]
    methods = {c: how for c in values} if isinstance(how, str) else dict(how)
    bad = {m for m in methods.values()} - {"sum", "mean"}
    if bad:
        raise ValueError(f"how must be 'sum' or 'mean', not {sorted(bad)}")
    cache: dict[str, tuple[str, bool]] = {}
    for code in frame[code_col].unique():
        cache[code] = _chain(code, to_year, folder)
    work = frame.copy()
    work["_to"] = work[code_col].map(lambda c: cache[c][0])
    work["_split"] = work[code_col].map(lambda c: cache[c][1])
    grouped = work.groupby("_to", sort=True)
    out = grouped.agg({c: methods[c] for c in values if c in methods}) if methods else None
    meta = pd.DataFrame(
        {
            "n_predecessors": grouped.size(),
            "predecessors": grouped[code_col].agg(lambda s: ";".join(sorted(s))),
            "split": grouped["_split"].any(),
        }
    )
    out = meta if out is None else out.join(meta)
    out.index.name = "gm_code"
    return out.reset_index()
