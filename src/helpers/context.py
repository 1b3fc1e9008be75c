"""What a notebook needs to know about its run: the year, where to write, whether the data is demo data.

A notebook calls :func:`start` right after its ``parameters`` cell::

    run = helpers.start("presence", year=year, run_dir=run_dir)
    posts = run.table("posts")
    run.record("twitter_share", 0.968, "proportion")
    run.save_table(summary, "presence_by_platform")
    run.save_figure(fig, "presence_by_platform")

Key numbers are *recorded*, not printed: reports, the replication table and the tests read them from
``<year dir>/records/<notebook>.json`` (collected by the runner into ``tables/records.csv``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from helpers import io, viz
from helpers.paths import year_dir

PROVENANCE = "provenance.json"


@dataclass
class Run:
    """One notebook's view of one year's run.

    Attributes
    ----------
    notebook : str
        Short notebook name (``presence``), used to name its records file.
    year : int
        The study year.
    out : Path
        The year folder this run writes to (``outputs/<year>`` or the runner's temporary sibling).
    lang : str
        Language of figure labels, ``"en"`` or ``"nl"``.
    """

    notebook: str
    year: int
    out: Path
    lang: str = "en"
    _records: list[dict[str, Any]] = field(default_factory=list, repr=False)

    # --- provenance -------------------------------------------------------------------------
    @property
    def provenance(self) -> dict[str, Any]:
        """What the collection notebook wrote about the inputs (demo flag, sources, input hashes)."""
        path = self.out / "data" / PROVENANCE
        if not path.is_file():
            return {}
        return json.loads(path.read_text(encoding="utf-8"))

    @property
    def demo(self) -> bool:
        """True when the year's tables were built from the synthetic demo dataset."""
        return bool(self.provenance.get("demo", False))

    def banner(self) -> Any:
        """A visible banner for the notebook: demo data, or the real sources used."""
        from IPython.display import HTML

        if self.demo:
            from helpers.report import demo_banner

            return HTML(demo_banner(self.lang, self.provenance.get("seed")))
        return HTML(f"<div><b>Data:</b> {', '.join(self.provenance.get('sources', []))}</div>")

    # --- reading ------------------------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame:
        """A tidy table of this year, validated against its schema."""
        return io.read_table(name, self.out)

    # --- writing ------------------------------------------------------------------------------
    def record(self, name: str, value: Any, unit: str, note: str = "") -> Any:
        """Record a key number of this notebook and return it (so it can be shown inline).

        Parameters
        ----------
        name : str
            Stable identifier, e.g. ``twitter_account_share``.
        value : number, str or bool
            The value; numpy scalars are converted, NaN is stored as null.
        unit : str
            Unit in words: ``proportion``, ``hours``, ``municipalities``, ``gm_code``...
        note : str
            Optional: base, method or caveat.
        """
        if hasattr(value, "item"):
            value = value.item()
        if isinstance(value, float) and math.isnan(value):
            value = None
        entry = {"notebook": self.notebook, "name": name, "value": value, "unit": unit, "note": note}
        self._records = [r for r in self._records if r["name"] != name] + [entry]
        path = self.out / "records" / f"{self.notebook}.json"
        with io.atomic_path(path) as tmp:
            tmp.write_text(json.dumps(self._records, indent=1, ensure_ascii=False), encoding="utf-8")
        return value

    def save_table(self, df: pd.DataFrame, name: str, *, index: bool = False) -> list[Path]:
        """Write an analysis table as ``tables/<name>.csv`` and ``tables/<name>.parquet``."""
        return io.write_csv_parquet(df, self.out / "tables" / name, index=index)

    def save_figure(self, fig: Any, name: str) -> list[Path]:
        """Write ``figures/<name>.png`` and ``.svg``, with the demo mark when the data is synthetic."""
        return viz.save_figure(fig, self.out / "figures" / name, demo=self.demo, lang=self.lang)


def start(notebook: str, year: int, run_dir: str = "", lang: str = "en") -> Run:
    """Begin a notebook's work on ``year``: resolve where to write and apply the figure theme.

    ``run_dir`` is the batch runner's temporary folder; empty in JupyterLab (writes to
    ``outputs/<year>``).
    """
    if lang not in ("en", "nl"):
        raise ValueError(f"lang must be 'en' or 'nl', not {lang!r}")
    out = year_dir(int(year), run_dir)
    out.mkdir(parents=True, exist_ok=True)
    viz.set_theme()
    return Run(notebook=notebook, year=int(year), out=out, lang=lang)


def read_records(folder: Path) -> pd.DataFrame:
    """All recorded numbers of a year folder: ``notebook``, ``name``, ``value``, ``unit``, ``note``."""
    rows: list[dict[str, Any]] = []
    for path in sorted((Path(folder) / "records").glob("*.json")):
        rows.extend(json.loads(path.read_text(encoding="utf-8")))
    return pd.DataFrame(rows, columns=["notebook", "name", "value", "unit", "note"])
