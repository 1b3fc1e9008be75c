"""The one error type that bad input raises, so that every entry point can report it the same way."""

from __future__ import annotations


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
        The rule in words, e.g. ``"gm_code must be valid on 1 January 2014"``.
    """

    def __init__(
        self, file: str, rule: str, *, row: int | None = None, column: str | None = None
    ) -> None:
        self.file, self.row, self.column, self.rule = str(file), row, column, rule
        where = [f"file {self.file}"]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {rule}")


class ParameterError(ValueError):
    """A notebook or runner parameter that cannot be used (unknown name, wrong type, bad value)."""
