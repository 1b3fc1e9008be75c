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
