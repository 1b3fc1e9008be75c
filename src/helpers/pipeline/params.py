"""Notebook parameters: read the defaults of each ``parameters`` cell, check and coerce ``-p`` values.

papermill alone guesses a type from the text (``-p code 0344`` becomes the integer 344) and only warns
about a misspelt name. The batch runner instead checks every ``name=value`` against the defaults in
the notebooks' ``parameters`` cells *before any kernel starts*: unknown names are rejected, and each
value is coerced to the type of the default it replaces.

All functions here are pure (apart from :func:`notebook_defaults`, which reads one file) and import
neither papermill nor pandas, so checking is instant.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from helpers.core.errors import ParameterError

#: Parameters the runner sets itself: ``year`` from ``--year``/``--years``, ``run_dir`` to its
#: temporary folder. ``-p`` may not set them.
RESERVED = {
    "year": "give the year with --year or --years, not -p year=...",
    "run_dir": "run_dir is set by the runner to its temporary folder; it cannot be given",
}
_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off"}
_NOT_LITERAL = object()


def parameters_cell(nb: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The first code cell tagged ``parameters`` of a notebook (as a JSON mapping), or ``None``."""
    for cell in nb.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") == "code" and "parameters" in tags:
            return cell
    return None


def parse_defaults(source: str, *, notebook: str = "?") -> dict[str, Any]:
    """The defaults assigned in a ``parameters`` cell's source, in order of assignment.

    Only simple assignments ``name = <literal>`` (optionally annotated) count; comments are ignored.

    Raises
    ------
    ParameterError
        When the cell is not valid Python or a default is not a literal (derived values belong after
        the parameters cell, never inside it).
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(
            f"notebook {notebook}: the parameters cell is not valid Python ({exc.msg}, line "
            f"{exc.lineno}); fix the cell"
        ) from None
    defaults: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if not isinstance(target, ast.Name):
            continue
        try:
            defaults[target.id] = ast.literal_eval(value)
        except ValueError:
            raise ParameterError(
                f"notebook {notebook}: parameter {target.id!r} has a default that is not a literal "
                f"({ast.unparse(value)}); compute derived values after the parameters cell"
            ) from None
    return defaults


def notebook_defaults(path: Path) -> dict[str, Any]:
    """Read a notebook file and return the defaults of its ``parameters`` cell (empty if none)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cell = parameters_cell(nb)
    if cell is None:
        return {}
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(source)
    return parse_defaults(source, notebook=Path(path).stem)


def parse_param(text: str) -> tuple[str, str]:
    """Split one ``-p`` argument ``name=value`` into ``(name, raw value)``.

    The value is kept as text; :func:`coerce` gives it the type of the notebook's default.

    Raises
    ------
    ParameterError
        When there is no ``=`` or the name is not a Python identifier.
    """
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise ParameterError(
            f"malformed parameter {text!r}: write -p name=value, for example -p seed=42"
        )
    return name, value


def coerce(raw: str, default: Any, *, name: str, notebook: str) -> Any:
    """Convert the text ``raw`` to the type of ``default`` (bool, int, float or str).

    ``"0344"`` stays the string ``"0344"`` when the default is a string. An int default accepts only
    integers; a float default accepts any number; a bool accepts true/false, yes/no, on/off, 1/0. A
    list default takes ``a,b`` or a Python list literal; a dict default a dict literal; a ``None``
    default a Python literal, or else the text itself.

    Raises
    ------
    ParameterError
        Naming the parameter, the notebook, the value and the expected type.
    """

    def bad(expected: str) -> ParameterError:
        return ParameterError(
            f"parameter {name}={raw!r} for notebook {notebook}: expected {expected} (the default "
            f"is {default!r}); give -p {name}=<{expected}>"
        )

    text = raw.strip()
    if isinstance(default, bool):
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise bad("true or false")
    if isinstance(default, int):
        try:
            return int(text)
        except ValueError:
            raise bad("an integer") from None
    if isinstance(default, float):
        try:
            return float(text)
        except ValueError:
            raise bad("a number") from None
    if isinstance(default, str):
        return raw
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        value = _NOT_LITERAL
    if isinstance(default, list | tuple):
        if value is _NOT_LITERAL or isinstance(value, str):
            value = [part.strip() for part in text.split(",") if part.strip()]
        if not isinstance(value, list | tuple):
            raise bad("a list (a,b or ['a', 'b'])")
        return type(default)(value)
    if default is None:
        return raw if value is _NOT_LITERAL else value
    if value is _NOT_LITERAL or not isinstance(value, type(default)):
        raise bad(f"a {type(default).__name__} literal")
    return value


def resolve(
    defaults: Mapping[str, Mapping[str, Any]], given: Iterable[tuple[str, str]]
) -> dict[str, dict[str, Any]]:
    """The parameters each notebook of a run receives from ``-p`` (coerced, only those it declares).

    Parameters
    ----------
    defaults : mapping
        Per notebook of the run, its parameters-cell defaults (``{notebook: {name: default}}``).
    given : iterable of (name, raw value)
        The parsed ``-p`` arguments; a later value for the same name wins.

    Returns
    -------
    dict
        ``{notebook: {name: value}}`` with only the overridden parameters each notebook declares
        (every notebook of ``defaults`` is a key).

    Raises
    ------
    ParameterError
        For a reserved name (``year``, ``run_dir``), a name no notebook of the run declares, or a value
        that does not fit the type of a default.
    """
    values = dict(given)
    out: dict[str, dict[str, Any]] = {nb: {} for nb in defaults}
    for name, raw in values.items():
        if name in RESERVED:
            raise ParameterError(f"parameter {name!r} cannot be set with -p: {RESERVED[name]}")
        users = [nb for nb, d in defaults.items() if name in d]
        if not users:
            known = sorted({p for d in defaults.values() for p in d} - set(RESERVED))
            raise ParameterError(
                f"unknown parameter {name!r}: no notebook of this run declares it; known "
                f"parameters: {', '.join(known) or '(none)'} (see `roeptoeter list`)"
            )
        for nb in users:
            out[nb][name] = coerce(raw, defaults[nb][name], name=name, notebook=nb)
    return out


def effective(
    defaults: Mapping[str, Mapping[str, Any]],
    overrides: Mapping[str, Mapping[str, Any]],
    year: int,
) -> dict[str, dict[str, Any]]:
    """Every parameter value each notebook runs with for ``year`` (defaults, then overrides).

    ``run_dir`` is left out: it is the runner's temporary folder and changes from run to run.
    """
    out: dict[str, dict[str, Any]] = {}
    for nb, d in defaults.items():
        merged = {k: v for k, v in d.items() if k != "run_dir"}
        merged.update(overrides.get(nb, {}))
        if "year" in d:
            merged["year"] = int(year)
        out[nb] = dict(sorted(merged.items()))
    return out
