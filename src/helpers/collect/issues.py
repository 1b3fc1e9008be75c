"""Bad input met while importing: raised at once, or recorded as a reported skip.

Every importer takes ``on_bad`` (the data-collection notebook's ``on_bad_input``): ``"error"`` stops
at the first problem with a :class:`~helpers.core.errors.DataError` naming file, row, column and rule;
``"skip"`` leaves the item out and records the same four facts, which the collection writes to
``data/skips.csv`` — counted and reported, never silent.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from helpers.core.errors import PARSE_ERRORS, DataError, describe_exception

ON_BAD = ("error", "skip")
F = TypeVar("F", bound=Callable[..., Any])
SKIP_COLUMNS = ["file", "row", "column", "rule"]


class Issues:
    """The bad-input policy of one import, and the skips it recorded.

    Parameters
    ----------
    on_bad : {"error", "skip"}
        Raise on the first problem, or record it and go on.
    """

    def __init__(self, on_bad: str = "error") -> None:
        if on_bad not in ON_BAD:
            raise ValueError(f"on_bad must be one of {ON_BAD}, not {on_bad!r}")
        self.on_bad = on_bad
        self.rows: list[dict[str, Any]] = []

    def bad(self, file: str | Path, rule: str, *, row: int | None = None,
            column: str | None = None) -> None:
        """Report one problem: raises :class:`DataError` in error mode, else records the skip."""
        self.report(DataError(str(file), rule, row=row, column=column))

    __call__ = bad

    def report(self, error: DataError) -> None:
        """Raise ``error`` in error mode, else record it as a skip."""
        if self.on_bad == "error":
            raise error
        self.count(error.file, error.rule, row=error.row, column=error.column)

    def count(self, file: str | Path, rule: str, *, row: int | None = None,
              column: str | None = None) -> None:
        """Record an item left out in either mode (e.g. outside the window: expected, but reported)."""
        self.rows.append({"file": str(file), "row": row, "column": column, "rule": rule})

    def frame(self) -> pd.DataFrame:
        """The recorded skips: ``file``, ``row`` (1-based, Int64, empty for a whole file), ``column``,
        ``rule``."""
        df = pd.DataFrame(self.rows, columns=SKIP_COLUMNS)
        df["row"] = df["row"].astype("Int64")
        return df


#: A value that may be quoted in a message: it looks like a date, a number, a code or an id.
_QUOTABLE = re.compile(r"^[0-9A-Za-z_.:+\-/ ]{0,40}$")
_IPV4 = re.compile(r"\d{1,3}(\.\d{1,3}){3}")


def describe_value(value: Any) -> str:
    """A value for a message: quoted when it is short and looks like a code, number or date (has a
    digit, only letters, digits and ``_.:+-/`` and spaces, not an IP address), otherwise described by
    its type and length (never quoted: it may be personal data).

    >>> describe_value("2014-04-05")
    "'2014-04-05'"
    >>> describe_value("Jan Jansen, jan@example.nl")
    'a text of 26 characters'
    """
    if value is None:
        return "an empty value"
    if not isinstance(value, str):
        if isinstance(value, bool | int | float):
            return repr(value)
        return f"a {type(value).__name__}"
    if _QUOTABLE.match(value) and re.search(r"\d", value) and not _IPV4.search(value):
        return repr(value)
    return f"a text of {len(value)} characters"


@contextmanager
def guard(issues: Issues | None, file: str | Path, *, row: int | None = None,
          column: str | None = None, what: str = "") -> Iterator[None]:
    """Turn any exception that malformed input can raise into a :class:`DataError` for ``file``.

    Used at the boundary of one item (a line, a page, a row) or one file: inside it, a parser's
    ``ValueError``, ``TypeError``, ``AttributeError``, ``RecursionError``, ``csv.Error``,
    ``UnicodeDecodeError`` or ``PermissionError`` becomes one line naming file, row, column and
    rule, without the exception's text (which may quote the value). With ``issues`` the problem is
    reported through it (an error, or a skip); with ``None`` it is raised.
    """
    try:
        yield
    except DataError:
        raise
    except PARSE_ERRORS as exc:
        rule = (f"{what}: " if what else "") + describe_exception(exc)
        err = DataError(str(file), rule, row=row, column=column)
        if issues is None:
            raise err from None
        issues.report(err)


_ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?"
    r"(?P<tz>\s?(?:Z|[+-]\d{2}(?::?\d{2})?))?$"
)
_DAY_FIRST = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}(?!\d)")


def iso_problem(text: str) -> str | None:
    """What is wrong with ``text`` as an ISO 8601 date-time with a timezone, or ``None`` if nothing.

    Accepted: ``YYYY-MM-DD[Thh:mm[:ss[.fff]]]`` followed by ``Z`` or an offset (``+00:00``,
    ``+0000``, ``+01``). Refused: anything else, in particular a day-first or month-first date such
    as ``04-05-2014``, which is ambiguous (4 May or 5 April) and was once stored as 5 April.
    The returned text completes a sentence that starts with the value, e.g. ``"has no timezone"``.
    """
    text = text.strip()
    if _DAY_FIRST.match(text):
        return ("is not a date-time in ISO 8601 (day-first or month-first dates like DD-MM-YYYY "
                "are ambiguous; write YYYY-MM-DDThh:mm:ss+00:00)")
    m = _ISO.match(text)
    if m is None:
        return "is not a date-time in ISO 8601 (expected YYYY-MM-DDThh:mm:ss+00:00)"
    try:
        ts = pd.Timestamp(text)
    except (ValueError, TypeError, OverflowError):
        return "is not a date-time: not a real date or time (month, day or hour out of range)"
    if m.group("tz") is None or ts.tzinfo is None:
        return "has no timezone (expected Z or an offset such as +00:00)"
    return None


def guarded_loader(load: F) -> F:
    """Decorate an importer's ``load(path_or_folder, ...)``: any exception that malformed input can
    raise and that the importer did not map itself becomes a :class:`DataError` naming the file or
    folder (the first argument) and the kind of problem — one line, never a traceback, never the
    exception's text."""

    @functools.wraps(load)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return load(*args, **kwargs)
        except DataError:
            raise
        except PARSE_ERRORS as exc:
            where = args[0] if args else kwargs.get("folder", kwargs.get("path", "?"))
            raise DataError(str(where), describe_exception(exc)) from None

    return wrapper  # type: ignore[return-value]
