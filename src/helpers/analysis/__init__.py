"""The analyses: tidy tables in, statistics out (DataFrames and dicts; nothing printed or drawn).

Presence and interaction (:mod:`.metrics`), response time with its business calendar
(:mod:`.responsetime`), the staff survey (:mod:`.survey`), the website audit (:mod:`.websites`) and
the shared statistics (:mod:`.stats`: Wilson intervals, ratio intervals, p-value adjustment, ...).
A notebook reads the tables and passes them in.

Must not import: :mod:`helpers.pipeline`, :mod:`helpers.present` or :mod:`helpers.cli`.
"""

__all__ = ["metrics", "responsetime", "stats", "survey", "websites"]
