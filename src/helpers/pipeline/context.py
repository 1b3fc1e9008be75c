"""What a notebook needs to know about its run: the year, where to write, whether the data is demo data.

A notebook calls :func:`start` right after its ``parameters`` cell::

    run = helpers.start("presence", year=year, run_dir=run_dir)
    posts = run.table("posts")
    run.record("twitter_share", 0.968, "proportion")
    run.save_table(summary, "presence_by_platform")
    run.save_figure(fig, "presence_by_platform")

Key numbers are *recorded*, not printed: reports, the replication table and the tests read them from
``<year dir>/records/<notebook>.json`` (collected by the runner into ``tables/records.csv``).

A year may hold any subset of the sources (Twitter only, survey only, ...). A notebook states what it
needs in one line after the start cell::

    run.require("survey")

When none of the named sources was collected for the year, this shows "not collected for <year>" as
rendered Markdown and skips the notebook's remaining cells, so nothing (no empty table or figure) is
written. It works the same in JupyterLab, papermill and the batch runner (see :meth:`Run.require`).
"""

from __future__ import annotations

import ast
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.core import io
from helpers.core.paths import year_dir
from helpers.core.records import (  # noqa: F401  (the notebook API re-exports them)
    PROVENANCE,
    SOCIAL,
    SOURCE_LABELS,
    SOURCES,
    collected_sources,
    not_collected_text,
    read_records,
    source_label,
)

_SKIP_MARK = "_roeptoeter_skip"


def _always_runs(source: str) -> bool:
    """True for cells a skip must let through: parameters (literal assignments) and the start cell."""
    if "helpers.start(" in source:
        return True
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return bool(tree.body) and all(
        isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) for node in tree.body
    )


def _skipper(note: str) -> Callable[[list[str]], list[str]]:
    def skip(lines: list[str]) -> list[str]:
        return lines if _always_runs("".join(lines)) else [f"# {note}\n"]

    setattr(skip, _SKIP_MARK, True)
    return skip


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks
        return None
    return get_ipython()


def clear_skip(shell: Any = None) -> None:
    """Stop skipping cells (:func:`start` calls this, so a rerun from the top runs everything)."""
    shell = shell or _shell()
    if shell is not None:
        shell.input_transformers_post[:] = [
            t for t in shell.input_transformers_post if not getattr(t, _SKIP_MARK, False)
        ]


def skip_remaining_cells(note: str, shell: Any = None) -> bool:
    """Make the IPython kernel skip every later cell of this notebook; False outside IPython.

    An input transformer replaces each later cell by a comment, except parameter cells (only literal
    assignments) and the cell that calls ``helpers.start(``, so that in JupyterLab changing the
    parameters and running all cells again starts afresh. The cell that calls this still runs to its
    end: call it last in its cell.
    """
    shell = shell or _shell()
    if shell is None:
        return False
    clear_skip(shell)
    shell.input_transformers_post.append(_skipper(note.replace("\n", " ")))
    return True


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
    figures : bool
        False when the notebook was started without the figure theme (``start(figures=False)``):
        it draws nothing, and :meth:`save_figure` refuses.
    """

    notebook: str
    year: int
    out: Path
    lang: str = "en"
    figures: bool = True
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
            from helpers.present.report import demo_banner

            return HTML(demo_banner(self.lang, self.provenance.get("seed")))
        from helpers.present.report import sources_line

        return HTML(sources_line(self.provenance.get("sources", []), self.lang))

    # --- what was collected ----------------------------------------------------------------
    @property
    def sources(self) -> tuple[str, ...]:
        """The sources collected for this year (see :func:`collected_sources`)."""
        return collected_sources(self.out)

    def collected(self, *sources: str) -> bool:
        """True when at least one of ``sources`` was collected for this year."""
        unknown = sorted(set(sources) - set(SOURCES))
        if unknown:
            raise ValueError(f"unknown sources {unknown}; choose from {', '.join(SOURCES)}")
        return bool(set(sources) & set(self.sources))

    def require(self, *sources: str) -> Any:
        """Go on only when at least one of ``sources`` was collected; else say so and skip the rest.

        Parameters
        ----------
        *sources : str
            Source names from :data:`SOURCES` (e.g. ``"twitter"``, ``"survey"``, ``"web"``); empty
            strings are ignored.

        Returns
        -------
        IPython.display.Markdown or None
            ``None`` when the input was collected. Otherwise the "not collected for <year>" text as
            Markdown (shown when it is the cell's last expression); the remaining cells of the
            notebook are then skipped (:func:`skip_remaining_cells`), so nothing more is written.
        """
        names = tuple(s for s in sources if s)
        if not names:
            raise ValueError("require needs at least one source name")
        if self.collected(*names):
            return None
        from IPython.display import Markdown

        text = not_collected_text(self.year, names, self.lang)
        skip_remaining_cells(f"skipped: not collected for {self.year} ({', '.join(names)})")
        return Markdown(text)

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
        self._write_records()
        return value

    def explain_na(self, reason: str, names: Any = None) -> int:
        """Put ``reason`` in front of the note of every NA record so far (or of those in ``names``).

        A degenerate statistic is recorded as NA (null), never as 0; this says why, once for a group
        of numbers that share the reason (e.g. "NA: none of the 12 questions was answered").
        Records whose note already starts with "NA" keep it. An empty ``reason`` changes nothing.

        Returns
        -------
        int
            How many records got the reason.
        """
        if not reason:
            return 0
        chosen = None if names is None else set(names)
        changed = 0
        for r in self._records:
            if (r["value"] is None and (chosen is None or r["name"] in chosen)
                    and not str(r["note"]).startswith("NA")):
                r["note"] = f"{reason}; {r['note']}" if r["note"] else reason
                changed += 1
        if changed:
            self._write_records()
        return changed

    def _write_records(self) -> None:
        path = self.out / "records" / f"{self.notebook}.json"
        with io.atomic_path(path) as tmp:
            tmp.write_text(json.dumps(self._records, indent=1, ensure_ascii=False), encoding="utf-8")

    def save_table(self, df: pd.DataFrame, name: str, *, index: bool = False) -> list[Path]:
        """Write an analysis table as ``tables/<name>.csv`` and ``tables/<name>.parquet``."""
        return io.write_csv_parquet(df, self.out / "tables" / name, index=index)

    def save_figure(self, fig: Any, name: str) -> list[Path]:
        """Write ``figures/<name>.png`` and ``.svg``, with the demo mark when the data is synthetic.

        In a notebook (matplotlib's inline backend) the cell then shows the PNG just written and the
        figure is closed: what the reader sees is the file, and the figure is drawn once, not again
        by the inline backend at the end of the cell (:func:`show_saved`).
        """
        if not self.figures:
            raise ValueError(f"{self.notebook}: started with figures=False, so no figure theme was "
                             f"set; start it with figures=True to save figure {name!r}")
        from helpers.present import viz

        paths = viz.save_figure(fig, self.out / "figures" / name, demo=self.demo, lang=self.lang)
        show_saved(fig, paths[0])
        return paths


def show_saved(fig: Any, png: Path) -> bool:
    """Under matplotlib's inline backend (a Jupyter kernel): display ``png`` (a saved 200 dpi
    figure, shown at half its pixel size, as the inline backend shows a figure) and close ``fig``.

    Returns True when it did; elsewhere (scripts, other backends) it does nothing and returns False,
    so an interactive backend keeps its window.
    """
    import matplotlib

    if "inline" not in matplotlib.get_backend():
        return False
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    display(Image(filename=str(png), retina=True))
    plt.close(fig)
    return True


#: Notebooks that only read a year folder: a hand run of them changes nothing the manifest describes.
READ_ONLY_NOTEBOOKS = frozenset({"profile"})
#: The manifest status of a folder whose results were changed outside ``roeptoeter run``.
STALE = "stale"
STALE_BANNER_ID = "stale-banner"
#: An earlier stale banner in a report page (replaced, not repeated, by the next hand run).
_OLD_STALE_BANNER = re.compile(r'<div id="stale-banner"[^>]*>[^<]*</div>\n?')


def stale_text(notebooks: list[str], lang: str = "en") -> str:
    """What a stale folder's report says: which notebooks were run by hand, and what to do."""
    names = ", ".join(notebooks)
    if lang == "nl":
        return (f"Verouderd: {names} is met de hand gedraaid (buiten roeptoeter run). Tabellen en "
                "figuren kunnen afwijken van dit rapport en van manifest.json; roeptoeter run maakt "
                "het jaar opnieuw.")
    return (f"Stale: {names} was run by hand (outside roeptoeter run). Tables and figures may no "
            "longer match this report and manifest.json; the next roeptoeter run redoes this folder.")


def mark_hand_run(folder: Path, notebook: str, *, now: str | None = None) -> bool:
    """Record in ``folder/manifest.json`` that ``notebook`` ran by hand and may have changed it.

    The manifest's ``status`` becomes ``"stale"`` (so :func:`helpers.pipeline.runner.is_up_to_date` is False
    and the next ``roeptoeter run`` redoes the folder, whatever it would otherwise say), and
    ``hand_runs`` lists each hand-run notebook with its UTC time. The folder's ``report.html``,
    when present, gets a visible banner saying the same (:func:`stale_text`), so neither the
    manifest nor the report describes figures it no longer matches. Both files are written
    atomically.

    Parameters
    ----------
    folder : Path
        A year folder ``outputs/<year>`` (or ``outputs/trends``).
    notebook : str
        The short name of the notebook run by hand.
    now : str, optional
        The time to record (ISO 8601 UTC); default the current time.

    Returns
    -------
    bool
        True when the folder has a manifest (a runner's result) and it was marked; False when
        there is no manifest (nothing the runner made to protect).
    """
    import datetime as dt

    folder = Path(folder)
    path = folder / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    when = now or dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    runs = [r for r in manifest.get("hand_runs", []) if r.get("notebook") != notebook]
    manifest["hand_runs"] = [*runs, {"notebook": notebook, "time": when}]
    if manifest.get("status") != STALE:
        manifest["status_before_hand_run"] = manifest.get("status")
    manifest["status"] = STALE
    with io.atomic_path(path) as tmp:
        tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False, default=str)
                       + "\n", encoding="utf-8")
    page = folder / "report.html"
    if page.is_file():
        from helpers.present.templating import render

        text = page.read_text(encoding="utf-8")
        text = _OLD_STALE_BANNER.sub("", text)
        from helpers.present.report import report_lang

        banner = render("stale_banner.html.j2", id=STALE_BANNER_ID,
                        text=stale_text([r["notebook"] for r in manifest["hand_runs"]],
                                        report_lang(manifest)))
        text = re.sub(r"(<body[^>]*>\n?)", lambda m: m.group(1) + banner, text, count=1)
        with io.atomic_path(page) as tmp:
            tmp.write_text(text, encoding="utf-8")
    if (folder.parent / "index.html").is_file():
        from helpers.present.report import write_index

        write_index(folder.parent)
    return True


def start(notebook: str, year: int, run_dir: str = "", lang: str = "en", *,
          figures: bool = True) -> Run:
    """Begin a notebook's work on ``year``: resolve where to write and apply the figure theme.

    ``run_dir`` is the batch runner's temporary folder. Empty means a hand run (JupyterLab, plain
    papermill or nbconvert), which writes to ``outputs/<year>`` itself: then, unless the notebook
    only reads (:data:`READ_ONLY_NOTEBOOKS`), the year's ``manifest.json`` is marked stale
    (:func:`mark_hand_run`) and the notebook says so, so the next ``roeptoeter run`` redoes the
    year instead of reporting it "up to date" with figures its manifest does not describe.

    ``figures=False`` is for a notebook that draws nothing (``01_collect``): the figure theme is not
    set, so matplotlib, seaborn and scipy are not imported (about 0.8 s in a new process), and
    :meth:`Run.save_figure` refuses.
    """
    if lang not in ("en", "nl"):
        raise ValueError(f"lang must be 'en' or 'nl', not {lang!r}")
    out = year_dir(int(year), run_dir)
    out.mkdir(parents=True, exist_ok=True)
    clear_skip()
    if figures:  # the plotting libraries (matplotlib, seaborn and with it scipy) load only here
        from helpers.present import viz

        viz.set_theme()
    if not run_dir and notebook not in READ_ONLY_NOTEBOOKS and mark_hand_run(out, notebook):
        print(f"Hand run: {out.name}/manifest.json is marked stale; the next `roeptoeter run` "
              f"redoes {out.name}.")
    return Run(notebook=notebook, year=int(year), out=out, lang=lang, figures=figures)
