"""Render one parameterized notebook for many parameter sets, paying kernel start-up once per worker.

Papermill starts a kernel and imports everything for every run; for 403 municipality profiles that is
most of the time. Here the kernels come from :class:`helpers.pipeline.executor.KernelPool` (started over IPC
with the heavy modules preloaded) and every page is executed with papermill's semantics
(:func:`helpers.pipeline.executor.run_on`): parameters injected as papermill does, cells run by papermill's
nbclient. A kernel serves a worker's pages one after another, its namespace cleared between them
(``%reset -f``, figures closed; a fresh process per page would cost about as much CPU as all 403
pages together). Imported modules stay loaded (that is the saving); user variables never carry
over, which ``tests/test_profiles.py`` checks by rendering in both orders. ``fresh_kernels=True``
gives every page its own new kernel instead.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbconvert import HTMLExporter

from helpers.pipeline.execute import SIGNAL_POLL_S
from helpers.pipeline.executor import KernelPool, WarmKernel, find_failure, parameterize, run_on
from helpers.present.report import profile_pages


@dataclass(frozen=True)
class Rendered:
    """The result of rendering one parameter set.

    Attributes
    ----------
    parameters : dict
        The parameters injected.
    html : str or None
        The report (code hidden), or None when execution failed.
    notebook : NotebookNode
        The executed notebook (kept for failures).
    error : str or None
        ``ename: evalue`` of the failing cell, None on success.
    seconds : float
        Wall time of execution plus export.
    """

    parameters: dict[str, Any]
    html: str | None
    notebook: nbformat.NotebookNode
    error: str | None
    seconds: float


def load_template(path: Path) -> nbformat.NotebookNode:
    """Read a notebook and give every cell the ``tags`` list papermill expects."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
    nb.metadata.setdefault("papermill", {})
    return nb


def prepare(template: nbformat.NotebookNode, parameters: dict[str, Any]) -> nbformat.NotebookNode:
    """The template with ``parameters`` injected after its ``parameters`` cell (as papermill does)."""
    return parameterize(template, parameters)


#: The font of the profile pages and of their index (one family on every page a reader opens).
PROFILE_FONT = profile_pages.PROFILE_FONT


def exporter() -> HTMLExporter:
    """HTML body (``basic`` template) with code and prompts hidden."""
    return HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True)


def page(body: str, title: str, lang: str = "en") -> str:
    """A stand-alone HTML page around an exported notebook body (template in :mod:`helpers.present`)."""
    return profile_pages.profile_page(body, title, lang)


def render_one(kernel: WarmKernel, template: nbformat.NotebookNode, params: dict[str, Any],
               html_exporter: HTMLExporter, timeout: float | None = 600) -> Rendered:
    """Execute ``template`` with ``params`` on ``kernel`` and export the page.

    A failing cell gives a :class:`Rendered` with ``error`` set (``ename: evalue``) and no HTML; a
    kernel that dies raises (the caller replaces the kernel).
    """
    t0 = time.perf_counter()
    nb = run_on(kernel, prepare(template, params), timeout=timeout)
    failure = find_failure(nb)
    if failure is not None:
        error = f"{failure.ename}: {failure.evalue}"
        return Rendered(params, None, nb, error, time.perf_counter() - t0)
    body, _ = html_exporter.from_notebook_node(nb)
    lang = str(params.get("lang", "en"))
    title = profile_pages.page_title(params.get("gm_code", ""), params.get("year", ""), lang)
    return Rendered(params, page(body, title, lang), nb, None, time.perf_counter() - t0)


def render_many(
    notebook: Path,
    parameter_sets: Sequence[dict[str, Any]],
    *,
    jobs: int = 2,
    cwd: Path,
    on_done: Callable[[Rendered], None] | None = None,
    timeout: int = 600,
    fresh_kernels: bool = False,
) -> list[Rendered]:
    """Execute ``notebook`` once per parameter set, ``jobs`` kernels in parallel, and export HTML.

    Parameters
    ----------
    notebook : Path
        The parameterized notebook (must have a cell tagged ``parameters``).
    parameter_sets : sequence of dict
        One dict of parameters per rendering.
    jobs : int
        Number of workers (threads), each with its own kernel; each renders every ``jobs``-th set.
    cwd : Path
        Working directory of the kernels (the project root).
    on_done : callable, optional
        Called with each :class:`Rendered` as soon as it is ready (from a worker thread).
    timeout : int
        Seconds one cell may take.
    fresh_kernels : bool
        A new (warm) kernel process per page instead of one per worker with the namespace cleared
        between pages; slower (a kernel start and the imports per page).

    Returns
    -------
    list of Rendered
        In the order of ``parameter_sets``.
    """
    template = load_template(notebook)
    jobs = max(1, min(int(jobs), len(parameter_sets) or 1))
    results: list[Rendered | None] = [None] * len(parameter_sets)
    lock = threading.Lock()
    budget = len(parameter_sets) if fresh_kernels else jobs

    def work(pool: KernelPool, indices: list[int]) -> None:
        html_exporter = exporter()
        kernel: WarmKernel | None = None
        try:
            for i in indices:
                params = dict(parameter_sets[i])
                if kernel is not None and fresh_kernels:
                    pool.release(kernel)
                    kernel = None
                if kernel is None:
                    kernel = pool.take()
                else:
                    pool.release(kernel, reuse=True)
                try:
                    res = render_one(kernel, template, params, html_exporter, timeout)
                except Exception as exc:  # the kernel died: this page fails, the next gets a new one
                    pool.release(kernel)
                    kernel = None
                    res = Rendered(params, None, prepare(template, params),
                                   f"{type(exc).__name__}: {exc}", 0.0)
                with lock:
                    results[i] = res
                if on_done:
                    on_done(res)
        finally:
            if kernel is not None:
                pool.release(kernel)

    shares = [list(range(len(parameter_sets)))[k::jobs] for k in range(jobs)]
    with KernelPool(cwd, size=jobs, budget=budget) as pool, ThreadPoolExecutor(max_workers=jobs) as threads:
        futures = [threads.submit(work, pool, share) for share in shares if share]
        try:
            # timed waits: a Ctrl-C delivered to another thread is seen when the main thread wakes
            while wait(futures, timeout=SIGNAL_POLL_S).not_done:
                pass
            for f in futures:
                f.result()
        except BaseException:  # Ctrl-C: stop the kernels now, not after their pages
            pool.close()
            threads.shutdown(wait=False, cancel_futures=True)
            raise
    return [r for r in results if r is not None]


# --- roeptoeter profiles ---------------------------------------------------------------------------
PROFILE_NOTEBOOK = "profile.ipynb"
PROFILES_DIR = "profiles"


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, flush=True)


class PageProgress:
    """Progress of many pages on stderr, from the first page on; silent when ``quiet``.

    On a terminal a tqdm bar; otherwise (a log file, a pipe) one line ``<label>: <done>/<total>``
    at the first page, every ``every`` pages and the last. Thread-safe.
    """

    def __init__(self, total: int, label: str, *, quiet: bool = False, every: int = 25,
                 stream: Any = None) -> None:
        import sys

        self.total, self.label, self.quiet, self.every = total, label, quiet, max(1, every)
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self._lock = threading.Lock()
        self._bar = None
        if not quiet and getattr(self.stream, "isatty", lambda: False)():
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=label, unit="page", file=self.stream, mininterval=0.5)

    def update(self) -> None:
        """One more page done."""
        with self._lock:
            self.done += 1
            if self.quiet:
                return
            if self._bar is not None:
                self._bar.update(1)
            elif self.done == 1 or self.done % self.every == 0 or self.done == self.total:
                print(f"{self.label}: {self.done}/{self.total}", file=self.stream, flush=True)

    def close(self) -> None:
        """Close the bar (if any)."""
        if self._bar is not None:
            self._bar.close()


def profiles_key(root: Path, year_folder: Path, previous_folder: Path, codes: list[str],
                 lang: str = "en") -> str:
    """Up-to-date key of a year's profiles: notebook source, helpers source, the year's (and the
    previous year's) manifest, the municipalities rendered and the language."""
    import json

    from helpers.pipeline import manifest as mf
    from helpers.pipeline.runner import helpers_hashes

    parts = {
        "notebook": mf.notebook_source_hash(root / "notebooks" / PROFILE_NOTEBOOK),
        "helpers": helpers_hashes(),
        "year": mf.sha256_file(year_folder / "manifest.json"),
        "previous": (mf.sha256_file(previous_folder / "manifest.json")
                     if (previous_folder / "manifest.json").is_file() else None),
        "codes": sorted(codes),
        "lang": lang,
    }
    return mf.sha256_bytes(json.dumps(parts, sort_keys=True).encode())


def write_profiles_index(folder: Path, kf: Any, year: int, demo: bool, lang: str = "en") -> Path:
    """``profiles/index.html``: every municipality in a sortable table (click a header to sort)."""
    from helpers.core.io import atomic_path

    page = profile_pages.profiles_index_page(kf, year, demo, lang)
    path = folder / "index.html"
    with atomic_path(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return path


def render_profiles(
    year: int,
    gm_codes: Sequence[str] = (),
    *,
    jobs: int | None = None,
    force: bool = False,
    quiet: bool = False,
    lang: str = "en",
) -> int:
    """:func:`render_profiles_unlocked` holding the outputs lock of ``roeptoeter run``.

    A run and a profiles rendering at once would swap and read the same year folder; the second
    one is refused with one line (exit 2) instead of crashing with a traceback.

    Raises
    ------
    helpers.core.errors.ParameterError
        When a run (or another rendering) holds the lock.
    """
    from helpers.core.paths import outputs_dir
    from helpers.pipeline.runner import outputs_lock

    with outputs_lock(outputs_dir()):
        return render_profiles_unlocked(year, gm_codes, jobs=jobs, force=force, quiet=quiet,
                                        lang=lang)


def render_profiles_unlocked(
    year: int,
    gm_codes: Sequence[str] = (),
    *,
    jobs: int | None = None,
    force: bool = False,
    quiet: bool = False,
    lang: str = "en",
) -> int:
    """Render the profiles of every (or the named) municipality of ``year``; the ``profiles`` command.

    Writes ``outputs/<year>/profiles/<gm_code>.html`` and ``index.html`` atomically: pages go to a
    temporary sibling folder that replaces ``profiles/`` only when every page rendered. Skips the
    year when its profiles are up to date (same notebook, helpers, year results and municipalities).

    Returns
    -------
    int
        Exit code: 0 done or up to date, 1 a profile failed (earlier profiles kept), 2 bad input.
    """
    import json
    import os
    import shutil
    import sys

    from helpers.core import io
    from helpers.core.paths import outputs_dir, project_root
    from helpers.pipeline.runner import swap_into_place
    from helpers.present import profiles

    root, outputs = project_root(), outputs_dir()
    folder = outputs / str(year)
    if not io.table_path(folder, "municipalities").is_file():  # any subset of sources will do
        print(f"roeptoeter: error: no results for {year} in {folder}; run `roeptoeter run --year {year}` "
              "first", file=sys.stderr)
        return 2
    kf = profiles.key_figures(folder, year)
    known = set(kf["gm_code"])
    unknown = [c for c in gm_codes if c not in known]
    if unknown:
        from helpers.core.errors import shorten

        print(f"roeptoeter: error: not municipalities of {year}'s results: {shorten(unknown)} "
              "(use GM codes such as GM0344)", file=sys.stderr)
        return 2
    codes = list(gm_codes) or sorted(known)
    previous_folder = outputs / str(year - 1)
    target = folder / PROFILES_DIR
    key = profiles_key(root, folder, previous_folder, codes, lang)
    stamp = target / "manifest.json"
    if not force and stamp.is_file() and json.loads(stamp.read_text()).get("key") == key \
            and all((target / f"{c}.html").is_file() for c in codes):
        _say(quiet, f"{year} profiles up to date (skipped; --force to rerun)")
        return 0

    tmp = io.shared_tmp_dir(folder, prefix=f".{PROFILES_DIR}.tmp-")
    try:
        if gm_codes and target.is_dir():  # a subset: keep the other municipalities' pages
            shutil.copytree(target, tmp, dirs_exist_ok=True)
        kf.to_parquet(tmp / profiles.KEY_FIGURES, index=False)
        prev_path = ""
        if io.table_path(previous_folder, "posts").is_file():
            profiles.key_figures(previous_folder, year - 1).to_parquet(tmp / "previous_key_figures.parquet",
                                                                      index=False)
            prev_path = str(tmp / "previous_key_figures.parquet")
        base = {"year": int(year), "lang": lang, "key_figures": str(tmp / profiles.KEY_FIGURES),
                "previous_key_figures": prev_path}
        sets = [{**base, "gm_code": c} for c in codes]
        progress = PageProgress(len(sets), f"{year} profiles", quiet=quiet)
        failures: list[str] = []

        def write(res: Rendered) -> None:
            code = res.parameters["gm_code"]
            if res.error:
                failures.append(f"FAILED profile {year} {code}: {res.error}")
                nbformat.write(res.notebook, tmp / f"{code}.failed.ipynb")
            else:
                (tmp / f"{code}.html").write_text(res.html or "", encoding="utf-8")
            progress.update()

        t0 = time.perf_counter()
        try:
            render_many(root / "notebooks" / PROFILE_NOTEBOOK, sets, jobs=jobs or os.cpu_count() or 1,
                        cwd=root, on_done=write)
        finally:
            progress.close()
        if failures:
            for line in failures:
                print(line, file=sys.stderr)
            failed = tmp.with_name(f".{PROFILES_DIR}.failed-{os.urandom(3).hex()}")
            tmp.rename(failed)
            print(f"roeptoeter: {len(failures)} profile(s) failed; earlier profiles kept; see {failed}",
                  file=sys.stderr)
            return 1
        all_kf = kf if not gm_codes else kf[kf["gm_code"].isin(
            [p.stem for p in tmp.glob("GM*.html")])]
        demo = bool(json.loads((folder / "data" / "provenance.json").read_text()).get("demo", False))
        write_profiles_index(tmp, all_kf, year, demo, lang)
        (tmp / "manifest.json").write_text(json.dumps(
            {"key": key, "year": int(year), "profiles": len(codes),
             "seconds": round(time.perf_counter() - t0, 1)}, indent=1), encoding="utf-8")
        swap_into_place(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    try:
        from helpers.present.report import write_index

        write_index(outputs)
    except Exception as exc:  # the pages are in place; the index is a convenience
        print(f"roeptoeter: warning: could not update outputs/index.html: {exc}", file=sys.stderr)
    _say(quiet, f"{year} profiles: {len(codes)} rendered to {target}")
    return 0
