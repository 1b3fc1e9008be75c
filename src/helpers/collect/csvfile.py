"""Strict reading of the CSV exports (account list, Facebook posts/comments, web ``sites.csv``).

pandas and ``csv.DictReader`` are forgiving in ways that lose data silently: an unbalanced quote
swallows every following row into one field, a short row is padded with empty values, a long row
puts its extra fields under the key ``None``, and a line that is not UTF-8 dropped before parsing
breaks a multi-line message and shifts every later row. :func:`read_records` instead checks each
record on its own:

- the file is decoded as UTF-8 (a BOM allowed) with undecodable bytes kept as markers, so the CSV
  structure (quotes, multi-line fields) is parsed intact and only the record holding such bytes is
  bad ("not UTF-8");
- quoting is parsed with ``strict=True``; a quote that is never closed is reported at the record
  where it opened ("unbalanced quote"), never as a silent merge of rows;
- every record must have as many fields as the header;
- a field longer than the CSV field limit is reported, not raised as ``_csv.Error``.

Each bad record is reported through :class:`~helpers.collect.issues.Issues` (an error, or a counted
skip) with its 1-based data row (the header is not counted; a multi-line record counts once). No
message quotes a field's content.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from helpers.collect.issues import Issues
from helpers.core.errors import DataError, describe_exception

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _has_bad_bytes(fields: Sequence[str]) -> bool:
    return any("\udc80" <= ch <= "\udcff" for f in fields for ch in f)


def decode(path: Path, data: bytes) -> str:
    """The file's text, with bytes that are not UTF-8 kept as surrogate escapes.

    Raises
    ------
    DataError
        For a UTF-16 file (BOM ``FF FE`` / ``FE FF``) or a header line that is not UTF-8.
    """
    if data.startswith(_UTF16_BOMS):
        raise DataError(str(path), "not UTF-8 text: the file is UTF-16 (it starts with bytes "
                        f"{data[:2].hex(' ').upper()}); export the file as UTF-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    header = data.split(b"\n", 1)[0]
    try:
        header.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(str(path), f"not UTF-8 text: the header line cannot be decoded "
                        f"({exc.reason} at byte {exc.start}); export the file as UTF-8") from None
    return data.decode("utf-8", errors="surrogateescape")


def read_records(
    path: Path, issues: Issues, *, empty_rule: str | None = None
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the good records of a CSV file, each record checked on its own.

    Parameters
    ----------
    path : Path
        The CSV file (comma-separated, header row, UTF-8).
    issues : Issues
        Where a bad record is reported (raised in error mode, counted as a skip in skip mode).
    empty_rule : str, optional
        Rule of the :class:`DataError` raised for a file without a header; ``None`` returns an
        empty header instead (the caller then reports the missing columns).

    Returns
    -------
    header : list of str
        The column names, stripped.
    records : list of (int, list of str)
        ``(data row, fields)`` of every well-formed record, in file order; rows are 1-based, the
        header not counted.

    Raises
    ------
    DataError
        The file cannot be read, is UTF-16, has an undecodable header, or is empty (with
        ``empty_rule``); in error mode also the first bad record.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(str(path), describe_exception(exc)) from None
    text = decode(path, data)
    if not text.strip():
        if empty_rule is not None:
            raise DataError(str(path), empty_rule)
        return [], []
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    if not lines[-1]:
        lines.pop()
    base = 0
    reader = csv.reader(iter(lines), strict=True)
    header: list[str] = []
    records: list[tuple[int, list[str]]] = []
    row = 0
    while True:
        start_line = base + reader.line_num + 1  # 1-based line where the next record starts
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if not header:
                raise DataError(str(path), "the header line is not valid CSV "
                                f"({describe_exception(exc)})") from None
            row += 1
            at_end = base + reader.line_num >= len(lines)
            if "field larger than field limit" in str(exc):
                rule = describe_exception(exc)
            elif at_end:
                rule = (f"unbalanced quote: a quoted field opened on line {start_line} is never "
                        "closed; the record is left out and reading goes on at the next line")
            else:
                rule = (f"not valid CSV at line {base + reader.line_num}: a quote inside a field "
                        "must be doubled (\"\"), and a quoted field must be followed by a comma")
            issues.bad(path, rule, row=row)
            if at_end:  # re-read what the open quote swallowed, from the line after its start
                base = start_line
                reader = csv.reader(iter(lines[base:]), strict=True)
            continue
        if not header:
            if _has_bad_bytes(fields):
                raise DataError(str(path), "not UTF-8 text: the header line cannot be decoded")
            header = [f.strip() for f in fields]
            continue
        if len(fields) <= 1 and not any(f.strip() for f in fields):
            continue  # a blank line is not a record
        row += 1
        if _has_bad_bytes(fields):
            issues.bad(path, f"line is not UTF-8 (line {start_line}; the record is left out whole, "
                       "multi-line fields included); export the file as UTF-8", row=row)
            continue
        if len(fields) != len(header):
            issues.bad(path, f"has {len(fields)} fields where the header has {len(header)} (a "
                       "missing or extra comma, or a quote that swallowed a line break)", row=row)
            continue
        records.append((row, fields))
    return header, records
