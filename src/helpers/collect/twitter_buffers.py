"""Compact columnar buffers for the streaming Twitter importer: id codes, a duplicate index, columns.

The importer must hold millions of tweets in bounded memory, so nothing here keeps a Python object
per tweet:

- :class:`IdCodes` turns a tweet or user id (a decimal string) into one ``int64`` code: the number
  itself when the id is a canonical decimal below 2**63 (every real Twitter id), else a negative
  code from a small table (ids such as ``"t1"`` in hand-written files). :meth:`IdCodes.decode`
  gives the strings back, vectorised, as an Arrow array.
- :class:`SeenIds` answers "was this id read before, and where?" for the duplicate rule with 16
  bytes per id: recent ids in a small dict, older ones in sorted ``int64`` runs that are merged as
  they grow (a log-structured merge), looked up a page at a time with ``numpy.searchsorted``.
- :class:`Columns` holds appended values column by column in :mod:`array` buffers (8, 4 or 1
  bytes per value) and hands them to numpy without copying.

Pure data structures: this module imports numpy and pyarrow only, nothing of :mod:`helpers`.
"""

from __future__ import annotations

from array import array

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: The code of "no id" (a missing value) in every id column.
NULL = np.iinfo(np.int64).min
#: The code of the empty id ``""`` (registered first, so always -1).
EMPTY = -1
_MAX_ID = 2**63 - 1


class IdCodes:
    """Reversible ``int64`` codes of id strings (see the module docstring)."""

    def __init__(self) -> None:
        self._other: dict[str, int] = {}  # non-canonical id -> negative code
        self._names: list[str] = []  # -code - 1 -> id
        self.code("")  # EMPTY

    def code(self, text: str) -> int:
        """The code of the id ``text`` (a ``str``): the number, or a negative table code."""
        if text.isdigit() and text.isascii() and (text[0] != "0" or text == "0") and len(text) < 20:
            value = int(text)
            if value <= _MAX_ID:
                return value
        got = self._other.get(text)
        if got is None:
            self._names.append(text)
            got = self._other[text] = -len(self._names)
        return got

    def decode(self, codes: np.ndarray) -> pa.Array:
        """The id strings of ``codes`` (``NULL`` becomes a missing value), as an Arrow string array."""
        codes = np.asarray(codes, dtype=np.int64)
        out = pa.array(codes, mask=codes < 0).cast(pa.string())
        other = (codes < 0) & (codes != NULL)
        if other.any():
            names = pa.array([self._names[-c - 1] for c in codes[other]], pa.string())
            out = pc.replace_with_mask(out, pa.array(other), names)
        return out


class SeenIds:
    """The ids read so far and where each was first read (an ``int64`` location), for duplicates.

    Look a page of ids up with :meth:`prior` (against the merged runs), then check each id with
    :meth:`get` (which also sees the ids added since), add it with :meth:`add`, and call
    :meth:`settle` between pages (it moves the recent ids into the runs when they are many).
    """

    def __init__(self, fresh_limit: int = 50_000) -> None:
        self.fresh: dict[int, int] = {}
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted codes, locations)
        self.fresh_limit = fresh_limit

    def prior(self, codes: list[int]) -> list[int]:
        """For each code, its location in the merged runs, or -1 (ids of earlier pages only)."""
        if not self.runs or not codes:
            return [-1] * len(codes)
        query = np.fromiter(codes, dtype=np.int64, count=len(codes))
        where = np.full(len(codes), -1, dtype=np.int64)
        for ids, locs in self.runs:
            pos = np.searchsorted(ids, query).clip(max=len(ids) - 1)
            hit = ids[pos] == query
            where[hit] = locs[pos[hit]]
        return where.tolist()

    def get(self, code: int, prior: int) -> int:
        """The location where ``code`` was first read, or -1; ``prior`` is its :meth:`prior` answer."""
        got = self.fresh.get(code)
        return prior if got is None else got

    def add(self, code: int, location: int) -> None:
        """Record the first reading of ``code`` at ``location``."""
        self.fresh[code] = location

    def settle(self) -> None:
        """Move the recent ids into a sorted run once they are many; merge runs of similar size."""
        if len(self.fresh) < self.fresh_limit:
            return
        ids = np.fromiter(self.fresh.keys(), dtype=np.int64, count=len(self.fresh))
        locs = np.fromiter(self.fresh.values(), dtype=np.int64, count=len(self.fresh))
        self.fresh = {}
        order = np.argsort(ids)
        self.runs.append((ids[order], locs[order]))
        del ids, locs, order
        while len(self.runs) > 1 and len(self.runs[-2][0]) <= 2 * len(self.runs[-1][0]):
            newer, older = self.runs.pop(), self.runs.pop()
            self.runs.append(_merge(older, newer))
            del newer, older


def _merge(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]
           ) -> tuple[np.ndarray, np.ndarray]:
    """Two sorted runs of distinct ids (with their locations) as one, without sorting again."""
    (a_ids, a_locs), (b_ids, b_locs) = a, b
    at = np.searchsorted(a_ids, b_ids) + np.arange(len(b_ids))  # b's places in the merged run
    ids = np.empty(len(a_ids) + len(b_ids), dtype=np.int64)
    locs = np.empty_like(ids)
    from_a = np.ones(len(ids), dtype=bool)
    from_a[at] = False
    ids[at], locs[at] = b_ids, b_locs
    ids[from_a], locs[from_a] = a_ids, a_locs
    return ids, locs


#: numpy dtype of each :mod:`array` type code used by :class:`Columns`.
_DTYPES = {"q": np.int64, "i": np.int32, "h": np.int16, "b": np.int8}


class Columns:
    """Append-only columns in :mod:`array` buffers.

    Parameters
    ----------
    **types : str
        Column name -> :mod:`array` type code: ``"q"`` (int64), ``"i"`` (int32), ``"h"`` (int16) or
        ``"b"`` (int8).
    """

    def __init__(self, **types: str) -> None:
        self.types = types
        self.buffers = {name: array(code) for name, code in types.items()}

    def __len__(self) -> int:
        return len(next(iter(self.buffers.values()))) if self.buffers else 0

    def extend(self, rows: list[tuple]) -> None:
        """Append ``rows`` (tuples of one value per column, in declaration order), then empty the
        list."""
        if rows:
            for buf, values in zip(self.buffers.values(), zip(*rows, strict=True), strict=True):
                buf.extend(values)
            rows.clear()

    def numpy(self) -> dict[str, np.ndarray]:
        """Each column as a numpy array (a view of the buffer, no copy)."""
        return {name: np.frombuffer(buf, dtype=_DTYPES[self.types[name]]) if len(buf)
                else np.empty(0, dtype=_DTYPES[self.types[name]])
                for name, buf in self.buffers.items()}
