"""Roeptoeter helpers: the tested logic behind the notebooks.

Modules are named after what they hold: :mod:`register` (municipalities per year), :mod:`schemas`
and :mod:`io` (tidy tables), :mod:`demo` (the synthetic demo dataset), :mod:`collect` (importers
and collectors), :mod:`metrics`, :mod:`responsetime`, :mod:`survey`, :mod:`websites`, :mod:`stats`,
:mod:`viz`, :mod:`report`, :mod:`render` and :mod:`runner`.

The notebook API (:func:`start`, :class:`Run`, :func:`read_records`) is imported lazily, so that the
``roeptoeter`` command starts without pandas and matplotlib (an up-to-date check takes milliseconds).
"""

from typing import Any

from helpers.core.errors import DataError, ParameterError

__all__ = ["DataError", "ParameterError", "Run", "read_records", "start"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in ("Run", "read_records", "start"):
        from helpers.pipeline import context

        return getattr(context, name)
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")
