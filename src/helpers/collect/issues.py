"""Bad input met while importing: raised at once, or recorded as a reported skip.

Every importer takes ``on_bad`` (the data-collection notebook's ``on_bad_input``): ``"error"`` stops
at the first problem with a :class:`~helpers.errors.DataError` naming file, row, column and rule;
``"skip"`` leaves the item out and records the same four facts, which the collection writes to
``data/skips.csv`` — counted and reported, never silent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from helpers.errors import DataError

ON_BAD = ("error", "skip")
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
