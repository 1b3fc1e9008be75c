"""Progress lines: printed by a notebook, shown in JupyterLab, forwarded by the runner to the terminal."""

from __future__ import annotations

import pytest
from test_executor import SMALL_PRELOAD, notebook, outputs_of

from helpers.core import progress
from helpers.pipeline.executor import WarmExecutor


def test_forward_passes_complete_progress_lines_only():
    got: list[str] = []
    sink = progress.Forward(got.append)
    sink.write("hello\n[progress] twitter: 3 files")
    assert got == []  # the line is not complete yet
    sink.write(", 1,200 tweets\nother [progress] not at the start\n[progress] web: 403 sites\n")
    assert got == ["twitter: 3 files, 1,200 tweets", "web: 403 sites"]


def test_report_prints_the_prefixed_line(capsys):
    progress.report(f"survey: {progress.counted(210, 'answer')}, {progress.counted(1, 'file')}")
    assert capsys.readouterr().out == "[progress] survey: 210 answers, 1 file\n"


@pytest.mark.slow
def test_the_executor_forwards_a_notebooks_progress_while_it_runs(tmp_path):
    src = notebook(tmp_path / "nb" / "collect.ipynb",
                   "from helpers.core.progress import report\nprint('a table')\n"
                   "report(f'twitter: {x} files')\nreport('web: done')")
    dest = tmp_path / "run" / "notebooks" / "collect.ipynb"
    dest.parent.mkdir(parents=True)
    seen: list[tuple[int, str, str]] = []
    with WarmExecutor(jobs=1, budget=1, preload=SMALL_PRELOAD,
                      progress=lambda params, path, text: seen.append((params["x"], path.stem, text))
                      ) as run:
        run(src, dest, {"x": 4}, tmp_path)
    assert seen == [(4, "collect", "twitter: 4 files"), (4, "collect", "web: done")]
    # the notebook keeps its whole output, progress lines included (what JupyterLab shows)
    assert outputs_of(dest)[2] == "a table\n[progress] twitter: 4 files\n[progress] web: done\n"
