"""Reading and writing the tidy tables, with schema checks and atomic writes.

Tidy tables live in ``<year dir>/data/<name>.parquet``. Writes go to a temporary file that is renamed
into place, so a failed write never leaves half a table; reads validate against the schema and report
the first broken rule with file, row and column.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from helpers.core.errors import DataError
from helpers.core.schemas import schema


def validate(df: pd.DataFrame, name: str, *, file: str | os.PathLike[str]) -> pd.DataFrame:
    """Check ``df`` against the schema of table ``name`` and return it with the schema's dtypes.

    Raises
    ------
    DataError
        On the first failure: the file, the 1-based row (position in ``df``), the column and the rule.
    """
    sch = schema(name)
    for col, spec in sch.columns.items():
        if (isinstance(getattr(spec.dtype, "type", None), pd.DatetimeTZDtype) and col in df
                and pd.api.types.is_datetime64_dtype(df[col].dtype) and df[col].notna().any()):
            raise DataError(str(file), f"{col} has no timezone (tidy tables hold UTC times)",
                            column=col)
    try:
        return sch.validate(df.reset_index(drop=True), lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise _first_failure(exc, file) from None


def _first_failure(exc: pa.errors.SchemaErrors, file: str | os.PathLike[str]) -> DataError:
    cases = exc.failure_cases
    row = cases.iloc[0]
    index = row.get("index")
    pos = None if pd.isna(index) else int(index) + 1
    column = row.get("column")
    column = None if pd.isna(column) else str(column)
    check = str(row.get("check"))
    value = row.get("failure_case")
    if check == "column_in_schema":
        rule = f"unexpected column {value!r} (not in the {exc.schema.name} schema)"
        column = str(value)
    elif check == "column_in_dataframe":
        rule = f"missing column {value!r} (required by the {exc.schema.name} schema)"
        column = str(value)
    elif "coerce" in check or "dtype" in check:
        rule = f"value {value!r} does not have the required type ({check})"
    elif check in ("field_uniqueness", "multiple_fields_uniqueness"):
        dup = cases[cases["check"] == check]
        last = int(dup["index"].max())
        values = dup[dup["index"] == last].set_index("column")["failure_case"]
        key = ", ".join(f"{c}={v!r}" for c, v in values.items())
        rule = f"duplicate value {key}; ids must be unique (this is the later copy)"
        pos, column = last + 1, str(values.index[-1])
    elif check == "not_nullable":
        rule = "empty value where one is required"
    else:
        rule = f"value {value!r} breaks the rule {check}"
    return DataError(str(file), rule, row=pos, column=column)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def shared_tmp_dir(parent: Path, prefix: str, suffix: str = "") -> Path:
    """A new temporary folder in ``parent`` with the usual folder mode (mkdtemp makes 0700)."""
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=prefix, suffix=suffix, dir=parent))
    os.chmod(tmp, 0o777 & ~_umask())
    return tmp


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only if the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; results are meant to be shared
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def table_path(folder: Path, name: str) -> Path:
    """Where tidy table ``name`` lives in a year folder."""
    return Path(folder) / "data" / f"{name}.parquet"


def write_table(df: pd.DataFrame, name: str, folder: Path) -> Path:
    """Validate ``df`` as table ``name`` and write it atomically to ``<folder>/data/<name>.parquet``."""
    path = table_path(folder, name)
    clean = validate(df, name, file=path)
    with atomic_path(path) as tmp:
        clean.to_parquet(tmp, index=False)
    return path


def read_table(name: str, folder: Path, *, validate_schema: bool = True) -> pd.DataFrame:
    """Read tidy table ``name`` from a year folder and validate it.

    Parameters
    ----------
    name : str
        The table (``"posts"``, ``"website_audit"``...).
    folder : Path
        A year folder (``outputs/<year>``) or a run's temporary folder.
    validate_schema : bool
        Check the table against its schema (default). A reader of a finished year may pass False:
        the run checked every table when it wrote it, and a municipality profile reads the same
        two tables 403 times (the check is about a fifth of a page's time).

    Raises
    ------
    DataError
        When the file is missing (with a hint to run the collection notebook first) or breaks the
        schema.
    """
    path = table_path(folder, name)
    if not path.is_file():
        raise DataError(
            str(path), f"table {name!r} is missing; run the data-collection notebook (01_collect) first"
        )
    frame = pd.read_parquet(path)
    return validate(frame, name, file=path) if validate_schema else frame


def write_csv_parquet(df: pd.DataFrame, base: Path, *, index: bool = False) -> list[Path]:
    """Write an analysis table as ``<base>.csv`` (6 significant digits, ``\\n`` line ends) and
    ``<base>.parquet``, each atomically; the same frame always gives the same bytes."""
    base = Path(base)
    base.parent.mkdir(parents=True, exist_ok=True)
    csv, parquet = base.with_suffix(".csv"), base.with_suffix(".parquet")
    with atomic_path(csv) as tmp:
        df.to_csv(tmp, index=index, lineterminator="\n", float_format="%.6g")
    with atomic_path(parquet) as tmp:
        df.to_parquet(tmp, index=index)
    return [csv, parquet]


def read_utf8(path: Path) -> str:
    """The text of ``path`` (UTF-8, a BOM allowed).

    Raises
    ------
    DataError
        When a byte is not UTF-8: the row is the data row of the bad line (``None`` for the header,
        i.e. the whole file, as for a UTF-16 export); the rule gives the line and byte.
    """
    raw = Path(path).read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DataError(str(path), f"not UTF-8 text (line {line}: {exc.reason} at byte "
                        f"{exc.start}); export the file as UTF-8", row=(line - 1) or None) from None


def sha256(path: Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes, as hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()
