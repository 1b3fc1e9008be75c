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
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

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
    header, records = iter_records(path, issues, empty_rule=empty_rule)
    return header, list(records)


class _Lines:
    """The decoded lines of an open binary file (or of a list of lines), each ending in ``\\n``
    but maybe the last, read one at a time; remembers the lines handed out since :meth:`mark`
    and can tell whether any line is left without handing it out."""

    def __init__(self, source: Iterator[str]) -> None:
        self.source = source
        self.ahead: list[str] = []
        self.taken: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.ahead.pop() if self.ahead else next(self.source)
        self.taken.append(line)
        return line

    def mark(self) -> None:
        """Forget the lines handed out so far (a record ended)."""
        self.taken.clear()

    def at_end(self) -> bool:
        """Whether every line has been handed out."""
        if not self.ahead:
            try:
                self.ahead.append(next(self.source))
            except StopIteration:
                return True
        return False


def _decoded(fh: IO[bytes], first: bytes) -> Iterator[str]:
    """The lines of ``fh`` after ``first`` (its first line, BOM removed), decoded as UTF-8 with
    undecodable bytes kept as surrogate escapes (as :func:`decode` does for the whole file)."""
    yield first.decode("utf-8", errors="surrogateescape")
    for raw in fh:
        yield raw.decode("utf-8", errors="surrogateescape")


def iter_records(
    path: Path, issues: Issues, *, empty_rule: str | None = None
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header of a CSV file and an iterator over its good records, read line by line.

    Same checks, reports and results as :func:`read_records` (which is this, collected into a
    list), in bounded memory: only the lines of the record being parsed are held (all the rest of
    the file only when a quote is never closed). The header is read at once; bad records are
    reported while the iterator is consumed, so consume it to the end.

    Raises
    ------
    DataError
        As :func:`read_records`; for a bad record (error mode) while iterating.
    """
    path = Path(path)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed by the generator below
        head = fh.readline()
    except OSError as exc:
        raise DataError(str(path), describe_exception(exc)) from None
    try:
        if head.startswith(_UTF16_BOMS):
            raise DataError(str(path), "not UTF-8 text: the file is UTF-16 (it starts with bytes "
                            f"{head[:2].hex(' ').upper()}); export the file as UTF-8")
        if head.startswith(b"\xef\xbb\xbf"):
            head = head[3:]
        try:
            head.split(b"\n", 1)[0].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataError(str(path), f"not UTF-8 text: the header line cannot be decoded "
                            f"({exc.reason} at byte {exc.start}); export the file as UTF-8"
                            ) from None
        lines = _Lines(_decoded(fh, head))
        blank: list[str] = []  # leading lines of white space only: is the whole file empty?
        for line in lines:
            blank.append(line)
            if line.strip():
                break
        else:
            fh.close()
            if empty_rule is not None:
                raise DataError(str(path), empty_rule)
            return [], iter(())
        lines.ahead = blank[::-1]
        lines.mark()
        header: list[str] = []
        records = _records(path, lines, issues, header)
        first = next(records, None)  # reads the header (its errors are raised here)
    except BaseException:
        fh.close()
        raise
    return header, _closing(fh, first, records)


def _closing(fh: IO[bytes], first, records: Iterator) -> Iterator[tuple[int, list[str]]]:
    with fh:
        if first is not None:
            yield first
        yield from records


def _records(path: Path, lines: _Lines, issues: Issues, header: list[str]
             ) -> Iterator[tuple[int, list[str]]]:
    """Parse ``lines`` into records (filling ``header`` first), reporting bad ones."""
    base = 0
    reader = csv.reader(lines, strict=True)
    row = 0
    while True:
        start_line = base + reader.line_num + 1  # 1-based line where the next record starts
        lines.mark()
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if not header:
                raise DataError(str(path), "the header line is not valid CSV "
                                f"({describe_exception(exc)})") from None
            row += 1
            at_end = lines.at_end()
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
                lines = _Lines(iter(lines.taken[1:]))
                reader = csv.reader(lines, strict=True)
            continue
        if not header:
            if _has_bad_bytes(fields):
                raise DataError(str(path), "not UTF-8 text: the header line cannot be decoded")
            header.extend(f.strip() for f in fields)
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
        yield row, fields
