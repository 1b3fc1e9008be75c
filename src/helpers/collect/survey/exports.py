"""Reading one survey export (SPSS ``.sav``, CSV, Excel ``.xlsx``) as it is: values as stored and
SPSS value labels. A file that cannot be read is bad input whose message quotes no value.

Imports nothing from helpers.analysis, helpers.present or helpers.pipeline.
"""

from __future__ import annotations

import csv
import re
import zipfile
from io import StringIO as _StringIO
from pathlib import Path

import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException

from helpers.core.errors import DataError


def read_export(path: Path) -> tuple[pd.DataFrame, dict[str, dict[float, str]]]:
    """Read one export as it is: values as stored, plus SPSS value labels (empty for CSV/Excel).

    CSV: UTF-8 (with or without BOM), separator detected (``,`` or ``;``), every cell read as text.
    """
    suffix = path.suffix.lower()
    try:
        if suffix == ".sav":
            import pyreadstat

            try:
                df, meta = pyreadstat.read_sav(path, user_missing=True)
            except pyreadstat.ReadstatError as exc:
                raise DataError(str(path), "cannot be read as an SPSS .sav file "
                                f"({_first_line(exc)})") from None
            return df, dict(meta.variable_value_labels)
        if suffix == ".csv":
            from helpers.core import io

            text = io.read_utf8(path)
            if not text.strip():
                raise DataError(str(path), "empty file; expected a header row and one row per "
                                "respondent")
            try:
                df = pd.read_csv(_StringIO(text), dtype=str, keep_default_na=False, sep=None,
                                 engine="python")
            except pd.errors.ParserError as exc:  # its message names a line, never a value
                raise DataError(str(path), f"cannot be read as CSV ({_first_line(exc)}); every row "
                                "needs the header's number of fields, quotes closed") from None
            return df, {}
        if suffix == ".xlsx":
            try:
                df = pd.read_excel(path, dtype=object, engine="openpyxl")
            except (ValueError, KeyError, TypeError, IndexError) as exc:  # a damaged workbook
                raise DataError(str(path), "cannot be read as an Excel .xlsx workbook "
                                f"({type(exc).__name__}); save it again from Excel") from None
            return df, {}
    except PermissionError:
        raise DataError(str(path), "cannot be read (permission denied); make the export readable"
                        ) from None
    except (zipfile.BadZipFile, InvalidFileException) as exc:
        raise DataError(str(path), f"cannot be read as an Excel .xlsx workbook ({exc}); save it "
                        "again from Excel") from None
    except csv.Error as exc:
        raise DataError(str(path), f"cannot be read as CSV ({_first_line(exc)}); use ; or , as "
                        "separator") from None
    raise DataError(str(path), f"unsupported export type {suffix!r} (use .sav, .csv or .xlsx)")


def _first_line(exc: Exception) -> str:
    """A parser's message, first line only, with anything quoted replaced (it may be a value)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return re.sub(r"'[^']*'|\"[^\"]*\"", "<value>", text)
