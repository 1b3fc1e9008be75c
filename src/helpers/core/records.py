"""What a year folder holds, read back: its sources, its provenance file name and its recorded numbers.

Every layer above the tidy tables reads these (the notebooks through :mod:`helpers.pipeline.context`,
the report and the profiles directly), so they live at the bottom. Imports nothing from helpers but
:mod:`helpers.core.io`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.core import io

PROVENANCE = "provenance.json"
#: Social platforms (read with the account list into ``accounts``, ``posts``, ``citizen_messages``).
SOCIAL = ("twitter", "facebook", "mastodon", "bluesky")
#: Every source a year can hold, in the order reports list them.
SOURCES = (*SOCIAL, "survey", "web")
#: What each source is, for "not collected" messages (English, Dutch).
SOURCE_LABELS = {
    "twitter": ("Twitter", "Twitter"),
    "facebook": ("Facebook", "Facebook"),
    "mastodon": ("Mastodon", "Mastodon"),
    "bluesky": ("Bluesky", "Bluesky"),
    "survey": ("the staff survey", "de enquête onder medewerkers"),
    "web": ("the website crawl", "de website-crawl"),
}


def source_label(source: str, lang: str = "en") -> str:
    """A source's name in words (``"survey"`` -> ``"the staff survey"``)."""
    en, nl = SOURCE_LABELS.get(source, (source, source))
    return nl if lang == "nl" else en


def collected_sources(folder: Path) -> tuple[str, ...]:
    """The sources collected for the year folder ``folder``, in :data:`SOURCES` order.

    Read from ``data/provenance.json`` (``sources``, written by ``01_collect``). Without a provenance
    file (tables written by hand) the tidy tables decide: ``survey_responses`` means survey,
    ``website_audit`` web, and ``accounts`` the platforms it lists.

    Parameters
    ----------
    folder : Path
        A year folder (``outputs/<year>`` or the runner's temporary sibling).

    Returns
    -------
    tuple of str
        Names from :data:`SOURCES`; empty when nothing was collected.
    """
    folder = Path(folder)
    path = folder / "data" / PROVENANCE
    prov = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    if "sources" in prov:
        chosen = {str(s) for s in prov["sources"]}
    else:
        chosen = set()
        if io.table_path(folder, "survey_responses").is_file():
            chosen.add("survey")
        if io.table_path(folder, "website_audit").is_file():
            chosen.add("web")
        if io.table_path(folder, "accounts").is_file():
            platforms = pd.read_parquet(io.table_path(folder, "accounts"), columns=["platform"])
            chosen.update(str(p) for p in platforms["platform"].unique())
    return tuple(s for s in SOURCES if s in chosen)


def not_collected_text(year: int, missing: list[str] | tuple[str, ...], lang: str = "en") -> str:
    """The Markdown a notebook shows when its input was not collected for ``year``."""
    names = [source_label(s, lang) for s in missing]
    if lang == "nl":
        what = " en ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        return (f"**Niet verzameld voor {year}:** {what}. Dit notebook heeft niets te analyseren en "
                "schrijft geen tabellen of figuren; de overige cellen worden overgeslagen.")
    what = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return (f"**Not collected for {year}:** {what}. This notebook has nothing to analyse and writes "
            "no tables or figures; its remaining cells are skipped.")


def read_records(folder: Path) -> pd.DataFrame:
    """All recorded numbers of a year folder: ``notebook``, ``name``, ``value``, ``unit``, ``note``."""
    rows: list[dict[str, Any]] = []
    for path in sorted((Path(folder) / "records").glob("*.json")):
        rows.extend(json.loads(path.read_text(encoding="utf-8")))
    return pd.DataFrame(rows, columns=["notebook", "name", "value", "unit", "note"])
