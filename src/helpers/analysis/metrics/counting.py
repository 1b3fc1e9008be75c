"""Integer codes and counts per municipality (``np.bincount`` on factorised codes), shared by the
metrics modules.

Imports nothing from helpers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd


def _codes(values: Any, labels: Sequence[str] | None = None) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of ``values`` over ``labels`` (or the sorted distinct values); -1 = not in labels."""
    if labels is None:
        codes, uniq = pd.factorize(pd.Series(values), sort=True)
        return codes, pd.Index(uniq)
    idx = pd.Index(labels)
    return idx.get_indexer(pd.Series(values)), idx


def _count(codes: np.ndarray, n: int, weights: np.ndarray | None = None) -> np.ndarray:
    ok = codes >= 0
    w = None if weights is None else np.asarray(weights, dtype=float)[ok]
    out = np.bincount(codes[ok], weights=w, minlength=n)
    return out if weights is not None else out.astype(np.int64)


def _mask(cond: pd.Series) -> np.ndarray:
    """A boolean mask as a numpy array (missing values are False)."""
    return cond.fillna(False).to_numpy(dtype=bool)
