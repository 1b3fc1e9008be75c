"""Roeptoeter helpers: the tested logic behind the notebooks.

Modules are named after what they hold: :mod:`register` (municipalities per year), :mod:`schemas`
and :mod:`io` (tidy tables), :mod:`demo` (the synthetic demo dataset), :mod:`collect` (importers
and collectors), :mod:`metrics`, :mod:`responsetime`, :mod:`survey`, :mod:`websites`, :mod:`stats`,
:mod:`viz`, :mod:`report` and :mod:`runner`.
"""

from helpers.context import Run, read_records, start
from helpers.errors import DataError, ParameterError

__all__ = ["DataError", "ParameterError", "Run", "read_records", "start"]
__version__ = "0.1.0"
