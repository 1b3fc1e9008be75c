"""The warm-kernel executor: a fresh kernel per notebook, papermill's failure marks, quiet kernels.

The tests marked ``slow`` start real kernels (a few seconds each); they preload a short module list
(``decimal``, ``fractions``) instead of the project's heavy one, which only changes what is imported.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest

from helpers.pipeline import executor as ex
from helpers.pipeline.executor import KernelPool, NotebookFailure, WarmExecutor

SMALL_PRELOAD = ("decimal", "fractions")


def notebook(path: Path, *cells: str, parameters: str = "x = 1") -> Path:
    """Write a notebook: a markdown cell, a ``parameters`` cell, then ``cells`` as code cells."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# test"), params,
                *[nbformat.v4.new_code_cell(c) for c in cells]]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def outputs_of(path: Path) -> list[str]:
    """The stdout text of every code cell of an executed notebook, in order."""
    cells = json.loads(path.read_text())["cells"]
    return ["".join("".join(o.get("text", "")) for o in c.get("outputs", []))
            for c in cells if c["cell_type"] == "code"]


# --- pure parts -----------------------------------------------------------------------------------
def error_nb(*outputs: list[dict[str, Any]]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    for i, outs in enumerate(outputs, start=1):
        cell = nbformat.v4.new_code_cell(f"cell {i}")
        cell.execution_count = i
        cell.outputs = [nbformat.v4.new_output(**o) for o in outs]
        nb.cells.append(cell)
    return nb


def test_find_failure_takes_the_first_error_and_ignores_a_clean_sys_exit():
    clean_exit = {"output_type": "error", "ename": "SystemExit", "evalue": "0", "traceback": []}
    boom = {"output_type": "error", "ename": "ValueError", "evalue": "boom", "traceback": []}
    later = {"output_type": "error", "ename": "KeyError", "evalue": "'k'", "traceback": []}
    text = {"output_type": "stream", "name": "stdout", "text": "hi"}
    nb = error_nb([text], [clean_exit], [text, boom], [later])
    assert ex.find_failure(nb) == ex.CellError(2, 3, "ValueError", "boom")
    assert ex.find_failure(error_nb([text], [clean_exit])) is None


def test_mark_failure_puts_papermills_banner_first_and_the_anchor_before_the_cell():
    boom = {"output_type": "error", "ename": "ValueError", "evalue": "boom", "traceback": []}
    nb = ex.mark_failure(error_nb([], [], [boom]), ex.CellError(2, 3, "ValueError", "boom"))
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert tags[0] == ["papermill-error-cell-tag"] and tags[3] == ["papermill-error-cell-tag"]
    assert 'href="#papermill-error-cell"' in nb.cells[0].source and "In [3]" in nb.cells[0].source
    assert 'id="papermill-error-cell"' in nb.cells[3].source
    assert nb.cells[4].source == "cell 3"  # the failing cell follows its anchor


def test_parameterize_injects_after_the_parameters_cell_with_a_fixed_id(tmp_path):
    template = nbformat.read(notebook(tmp_path / "a.ipynb", "print(x)"), as_version=4)
    nb = ex.parameterize(template, {"x": 5, "name": "0344"})
    injected = nb.cells[2]
    assert injected.metadata["tags"] == ["injected-parameters"] and injected.id == "injected-parameters"
    assert "x = 5" in injected.source and 'name = "0344"' in injected.source
    assert len(template.cells) == 3  # the template itself is untouched


def test_default_log_path_is_beside_the_notebooks_folder():
    dest = Path("/o/.2014.tmp-ab/notebooks/03_interaction.ipynb")
    assert ex.default_log_path(dest) == Path("/o/.2014.tmp-ab/logs/03_interaction.log")


class FakeKernel:
    """Stands in for a WarmKernel in pool book-keeping tests (no process)."""

    def __init__(self, number: int) -> None:
        self.number, self.stopped = number, False

    def shutdown(self) -> None:
        self.stopped = True


def test_pool_warms_ahead_within_its_budget_and_close_stops_every_kernel(tmp_path, monkeypatch):
    made: list[FakeKernel] = []

    def start(self: KernelPool, number: int) -> FakeKernel:
        kernel = FakeKernel(number)
        made.append(kernel)
        with self._lock:
            self._kernels[number] = kernel
        return kernel

    monkeypatch.setattr(KernelPool, "_start", start)
    pool = KernelPool(tmp_path, size=2, budget=3)
    first = pool.take()
    pool._threads.shutdown(wait=True)  # let the warm-ahead starts finish (test only)
    assert first.number == 1 and pool.started == 3  # one in use, two warm, budget reached
    pool._threads = __import__("concurrent.futures").futures.ThreadPoolExecutor(max_workers=2)
    assert [pool.take().number for _ in range(2)] == [2, 3]
    assert pool.take().number == 4 and pool.started == 4  # beyond the budget: started on demand
    pool.release(first)
    assert first.stopped
    pool.close()
    assert all(k.stopped for k in made) and not Path(pool._dir).exists()
    with pytest.raises(RuntimeError, match="closed"):
        pool.take()


def test_take_hands_out_the_kernel_that_is_ready_first(tmp_path, monkeypatch):
    # the fork server forks its first kernel before its last imports: the start asked first need
    # not be the one that gets ready first, and the notebook due now must not wait for the other
    first_may_finish = threading.Event()

    def start(self: KernelPool, number: int) -> FakeKernel:
        if number == 1:
            assert first_may_finish.wait(10)
        return FakeKernel(number)

    monkeypatch.setattr(KernelPool, "_start", start)
    pool = KernelPool(tmp_path, size=2, budget=2)
    try:
        assert pool.take().number == 2  # kernel 1 is still starting
        first_may_finish.set()
        assert pool.take().number == 1
    finally:
        first_may_finish.set()
        pool.close()


def test_prime_starts_the_warm_kernels_before_anyone_asks(tmp_path, monkeypatch):
    started: list[int] = []
    monkeypatch.setattr(KernelPool, "_start", lambda self, number: started.append(number) or
                        FakeKernel(number))
    pool = KernelPool(tmp_path, size=2, budget=5)
    pool.prime()
    pool._threads.shutdown(wait=True)  # let the starts finish (test only)
    assert sorted(started) == [1, 2] and pool.started == 2
    pool.close()
    pool.prime()  # a closed pool starts nothing
    assert pool.started == 2


def test_fork_server_command_line_splits_the_later_modules():
    from helpers.pipeline.forkserver import _arguments

    assert _arguments(["s.sock", "a", "b", "--later", "c"]) == ("s.sock", ["a", "b"], ["c"])
    assert _arguments(["s.sock", "a"]) == ("s.sock", ["a"], [])


def test_executor_retries_once_when_the_kernel_does_not_start(tmp_path, monkeypatch):
    src = notebook(tmp_path / "nb" / "a.ipynb", "print(x)")
    calls: list[int] = []

    def take(self: KernelPool) -> Any:
        calls.append(1)
        raise ex.KernelStartError("kernel did not start: RuntimeError: no kernel")

    monkeypatch.setattr(KernelPool, "take", take)
    with WarmExecutor(jobs=1) as run, pytest.raises(NotebookFailure) as info:
        run(src, tmp_path / "out" / "notebooks" / "a.ipynb", {"x": 2}, tmp_path)
    assert len(calls) == 2 and info.value.cell is None and info.value.ename == "KernelStartError"


# --- real kernels ---------------------------------------------------------------------------------
@pytest.mark.slow
def test_every_notebook_gets_a_fresh_kernel_with_the_modules_preloaded(tmp_path, capfd):
    first = notebook(
        tmp_path / "nb" / "first.ipynb",
        "import os, sys\nleaked = 'from the first notebook'\nprint(os.getpid())",
        "os.write(2, b'noise-from-the-kernel\\n')",
    )
    second = notebook(
        tmp_path / "nb" / "second.ipynb",
        "import os, sys\n"
        "print('leaked' in globals(), 'x' in globals(), 'decimal' in globals(), "
        "'__roeptoeter_preload' in globals())\n"
        "print('decimal' in sys.modules, 'fractions' in sys.modules)\n"
        "print(len(In), os.getcwd(), os.environ['ROEPTOETER_ROOT'])\n"
        "print(os.getpid())",
        parameters="x = 1\ny = 0",
    )
    out = tmp_path / "run" / "notebooks"
    out.mkdir(parents=True)
    with WarmExecutor(jobs=1, budget=2, preload=SMALL_PRELOAD) as run:
        run(first, out / "first.ipynb", {"x": 3}, tmp_path)
        run(second, out / "second.ipynb", {"y": 1}, tmp_path)
    pid_first = int(outputs_of(out / "first.ipynb")[2])
    lines = outputs_of(out / "second.ipynb")[2].splitlines()
    # no user name of the first notebook, nor the preload's, nor a module bound to a name ...
    assert lines[0] == "False True False False"
    # ... but the preloaded modules are imported
    assert lines[1] == "True True"
    # a new kernel: history holds only this notebook's cells (In[0] is ''), run in the project root
    assert lines[2] == f"4 {tmp_path.resolve()} {tmp_path.resolve()}"
    assert int(lines[3]) != pid_first  # another process
    executed = json.loads((out / "second.ipynb").read_text())
    counts = [c["execution_count"] for c in executed["cells"] if c["cell_type"] == "code"]
    assert counts == [1, 2, 3]  # the preload took no execution count
    tags = [c["metadata"].get("tags") for c in executed["cells"]]
    assert tags[2] == ["injected-parameters"] and "papermill" in executed["metadata"]
    # the kernel's own stderr went to the run's log, not to the terminal
    assert "noise-from-the-kernel" in (tmp_path / "run" / "logs" / "first.log").read_text()
    assert "noise-from-the-kernel" not in capfd.readouterr().err


@pytest.mark.slow
@pytest.mark.skipif(not ex.forks_by_default(), reason="kernels are spawned, not forked, here")
def test_with_first_the_fork_server_imports_the_rest_after_its_first_kernel(tmp_path):
    def imported(kernel: ex.WarmKernel, module: str) -> bool:
        try:
            kernel.execute_silently(f"import sys\nassert {module!r} in sys.modules", 30)
        except ex.KernelStartError:
            return False
        return True

    with KernelPool(tmp_path, size=2, budget=2, preload=("decimal", "wave"),
                    first={"decimal"}) as pool:
        first, second = pool.take(), pool.take()
        kernels = sorted([first, second], key=lambda k: k.km.provisioner.pid)  # forked first, second
        assert [imported(k, "decimal") for k in kernels] == [True, True]
        assert [imported(k, "wave") for k in kernels] == [False, True]


@pytest.mark.slow
@pytest.mark.skipif(not ex.forks_by_default(), reason="kernels are spawned, not forked, here")
def test_closing_a_pool_stops_its_fork_server_while_it_still_imports(tmp_path):
    # a run refused for bad input closes the pool it primed, a second or so into the server's imports
    pool = KernelPool(tmp_path, size=1, budget=1)  # the project's preload: about 2 s of imports
    pool.prime()
    for _ in range(500):
        if pool._server is not None:
            break
        time.sleep(0.01)
    server = pool._server
    assert server is not None and not server.socket_path.exists()  # started, not listening yet
    future = pool._ready[0]
    pool.close()
    assert server.process.poll() is not None  # stopped, not left to finish its imports
    with pytest.raises(ex.KernelStartError):
        future.result(timeout=30)
    assert pool._server is None and not Path(pool._dir).exists()


@pytest.mark.slow
def test_a_failing_cell_gives_papermills_notebook_and_no_kernel_stays(tmp_path):
    src = notebook(tmp_path / "nb" / "fail.ipynb", "print(x)", "raise ValueError(f'bad {x}')",
                   "print('never')")
    dest = tmp_path / "run" / "notebooks" / "fail.ipynb"
    dest.parent.mkdir(parents=True)
    run = WarmExecutor(jobs=2, preload=SMALL_PRELOAD)
    try:
        with pytest.raises(NotebookFailure) as info:
            run(src, dest, {"x": 7}, tmp_path)
        pool = run.pool(tmp_path)
        kernels = [f.result() for f in pool._ready]  # the warm ones not used yet
    finally:
        run.close()
    assert (info.value.cell, info.value.ename, info.value.evalue) == (4, "ValueError", "bad 7")
    cells = json.loads(dest.read_text())["cells"]
    assert cells[0]["metadata"]["tags"] == ["papermill-error-cell-tag"]
    assert "In [4]" in "".join(cells[0]["source"])
    anchor = next(i for i, c in enumerate(cells) if i and "papermill-error-cell-tag" in c["metadata"]["tags"])
    assert "".join(cells[anchor + 1]["source"]).startswith("raise ValueError")
    assert cells[-1].get("outputs") == []  # the cell after the failure did not run
    assert (tmp_path / "run" / "logs" / "fail.log").is_file()
    assert kernels and not any(k.km.is_alive() for k in kernels)
    assert not Path(pool._dir).exists()


# --- progress of the profiles ---------------------------------------------------------------------
def test_page_progress_prints_the_first_page_every_nth_and_the_last(capsys):
    import io

    from helpers.pipeline.profiles import PageProgress

    stream = io.StringIO()  # not a terminal: lines, no bar
    progress = PageProgress(7, "2014 profiles", every=3, stream=stream)
    for _ in range(7):
        progress.update()
    progress.close()
    assert stream.getvalue().splitlines() == [
        "2014 profiles: 1/7", "2014 profiles: 3/7", "2014 profiles: 6/7", "2014 profiles: 7/7"]
    quiet = io.StringIO()
    silent = PageProgress(7, "2014 profiles", quiet=True, every=3, stream=quiet)
    for _ in range(7):
        silent.update()
    assert quiet.getvalue() == "" and silent.done == 7
    assert capsys.readouterr() == ("", "")
