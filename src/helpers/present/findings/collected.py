"""Findings of the run itself: what the data-collection notebook (01) read and left out, and how
many published figures the replication (08) reproduces.

Imports nothing from helpers.pipeline; from helpers.present nothing outside this package.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from helpers.present.findings.wording import PLATFORM_NAMES, _n

#: Source names as a reader writes them.
SOURCE_NAMES = {**PLATFORM_NAMES, "survey": "the staff survey", "web": "the website crawl"}


def _and(words: Sequence[str]) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def collection(year: int, *, demo: bool, sources: Sequence[str], not_collected: Sequence[str],
               n_files: int, rows: Mapping[str, int], n_skipped: int) -> str:
    """What the data-collection notebook read and left out.

    Parameters
    ----------
    demo : bool
        The inputs are the synthetic demo dataset.
    sources, not_collected : sequence of str
        The sources read, and the study's sources not read this year.
    n_files : int
        Input files read (hashed in the provenance).
    rows : mapping
        Tidy table -> number of rows written.
    n_skipped : int
        Items left out (each a row of ``data/skips.csv``).
    """
    kind = "the synthetic demo data" if demo else "the researcher's raw files"
    if not sources:
        return f"In {year}, no source was read from {kind}."
    tables = "; ".join(f"{table.replace('_', ' ')} {_n(n)}" for table, n in rows.items())
    text = (f"In {year}, {_and([SOURCE_NAMES.get(s, s) for s in sources])} "
            f"{'was' if len(sources) == 1 else 'were'} read from {kind} ({_n(n_files)} input files) "
            f"into schema-checked tables ({tables}).")
    if n_skipped:
        text += (f" {_n(n_skipped)} item{'s were' if n_skipped != 1 else ' was'} left out, each listed "
                 "with file, row, column and rule in data/skips.csv.")
    else:
        text += " Nothing was left out."
    if not_collected:
        text += f" Not collected: {_and([SOURCE_NAMES.get(s, s) for s in not_collected])}."
    return text


def replication(year: int, *, within: int, total: int, outside: Sequence[str] = (),
                demo: bool = False) -> str:
    """How many published figures of ``year`` this run reproduces within tolerance.

    ``outside`` names the figures outside tolerance. On demo data every figure is expected within
    tolerance (the generator is calibrated to them), so a miss there points at a change in the
    generator or an analysis; on real data it is a result (or a method difference) to explain.
    """
    if total == 0:
        return f"Nothing was published for {year}, so there is nothing to compare with."
    if within == total:
        text = f"All {_n(total)} published figures of {year} are reproduced within tolerance"
        return text + (" (as expected: the demo data is calibrated to them)." if demo else ".")
    text = (f"{_n(within)} of {_n(total)} published figures of {year} are reproduced within "
            f"tolerance; outside it: {_and(list(outside)) if outside else 'see the table'}.")
    if demo:
        text += (" The demo data is calibrated to these figures, so a miss points at a change in the "
                 "generator or in an analysis.")
    return text
