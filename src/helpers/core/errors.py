"""The one error type that bad input raises, so that every entry point can report it the same way."""

from __future__ import annotations

import csv


class DataError(ValueError):
    """Bad input: names the file, the row, the column and the rule that was broken.

    Attributes
    ----------
    file : str
        The file (or table) that holds the bad value.
    row : int or None
        1-based data row (header not counted; for JSON Lines the line number), ``None`` when the
        problem concerns the whole file.
    column : str or None
        The column or field.
    rule : str
        The rule in words, e.g. ``"gm_code must be valid on 1 January 2014"``; line breaks and
        runs of spaces are folded into single spaces, so that the message is one line.
    """

    def __init__(
        self, file: str, rule: str, *, row: int | None = None, column: str | None = None
    ) -> None:
        rule = " ".join(str(rule).split())  # one line, always: a quoted name may hold a newline
        self.file, self.row, self.column, self.rule = str(file), row, column, rule
        where = [f"file {self.file}"]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {rule}")


class ParameterError(ValueError):
    """A notebook or runner parameter that cannot be used (unknown name, wrong type, bad value)."""


class BadInput(ValueError):
    """Several input problems found by the pre-flight check, reported together (one line each).

    Parameters
    ----------
    problems : list of Exception
        The :class:`DataError` / :class:`ParameterError` found, in the order they were found.
    limit : int
        How many lines :meth:`lines` shows before ``"... and K more"``.
    """

    def __init__(self, problems: list[Exception], limit: int = 10) -> None:
        self.problems, self.limit = list(problems), int(limit)
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """One line per problem: the first ``limit``, then ``"and K more problems"``."""
        shown = [" ".join(str(p).split()) for p in self.problems[: self.limit]]
        rest = len(self.problems) - len(shown)
        if rest > 0:
            shown.append(f"... and {rest:,} more problem{'s' if rest > 1 else ''}")
        return shown


def shorten(items: list[str] | tuple[str, ...], limit: int = 10) -> str:
    """``"a, b, c and 4,990 more"``: a list for a message, cut after ``limit`` items."""
    items = [str(i) for i in items]
    if len(items) <= limit:
        return ", ".join(items)
    return f"{', '.join(items[:limit])} and {len(items) - limit:,} more"


#: Exceptions that a malformed file can raise inside a parser, mapped to DataError by
#: :func:`describe_exception` (never their text, which may quote the bad value).
PARSE_ERRORS: tuple[type[BaseException], ...] = (
    ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError, OverflowError,
    UnicodeError, OSError, MemoryError, csv.Error,
)


def describe_exception(exc: BaseException) -> str:
    """A rule text for an exception raised by a malformed file, without quoting the input.

    The exception's own message is left out on purpose: parsers put the offending value into it
    (``invalid literal for int() with base 10: '<value>'``), and that value may be personal data.
    """
    if isinstance(exc, RecursionError):
        return "nested too deeply to read (a JSON value nested hundreds of levels deep)"
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8"
    if isinstance(exc, PermissionError):
        return "permission denied: the file or folder cannot be read or written by this user"
    if isinstance(exc, IsADirectoryError):
        return "is a folder where a file was expected"
    if isinstance(exc, OSError):
        return f"cannot be read ({type(exc).__name__}, errno {exc.errno})"
    if isinstance(exc, csv.Error):
        if "field larger than field limit" in str(exc):
            return f"a field is longer than the CSV limit of {csv.field_size_limit():,} characters"
        return "not valid CSV (unbalanced quote or stray character)"
    if isinstance(exc, AttributeError | TypeError | KeyError | IndexError):
        return (f"has an unexpected structure ({type(exc).__name__}: a field holds another type "
                "than the format specifies, e.g. a list where an object is expected)")
    if isinstance(exc, MemoryError):
        return "too large to read into memory"
    return f"holds a value that cannot be read ({type(exc).__name__})"
