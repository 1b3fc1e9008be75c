"""Parameter descriptions of a notebook: the comment beside each name in its ``parameters`` cell.

``roeptoeter list`` shows them. The text comes from :func:`papermill.inspect_notebook`, which reads
a trailing ``# comment`` on a parameter's line as that parameter's ``help``; this module only
turns its answer into a plain ``{name: description}`` mapping. It does not parse or type the
defaults (that is :mod:`helpers.pipeline.params`).
"""

from __future__ import annotations

from pathlib import Path

#: Notebooks beside the per-year pipeline: shown by ``roeptoeter list``, with how they are run.
STANDALONE: dict[str, str] = {
    "trends": "run after the years by `roeptoeter run`, into outputs/trends/",
    "profile": "one municipality; `roeptoeter profiles` renders it for all",
}


def parameter_help(path: Path) -> dict[str, str]:
    """The description of each parameter of a notebook, from the comment beside it.

    Parameters
    ----------
    path : Path
        A notebook file with a cell tagged ``parameters``.

    Returns
    -------
    dict of str -> str
        Parameter name -> the comment text after ``#`` on its line (stripped; ``""`` when the line
        has no comment), in the order of the cell. Empty when the notebook has no parameters cell.
    """
    import papermill as pm

    found = pm.inspect_notebook(str(path))
    return {name: str(info.get("help") or "").strip() for name, info in found.items()}
