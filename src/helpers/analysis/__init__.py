"""The analyses: tidy tables in, statistics out (DataFrames and dicts; nothing printed or drawn).

Presence and interaction (:mod:`.metrics`), response time with its business calendar
(:mod:`.responsetime`), the staff survey (:mod:`.survey`), the website audit (:mod:`.websites`) and
the shared statistics (:mod:`.stats`: Wilson intervals, ratio intervals, p-value adjustment, ...).
The cross-platform comparison (:mod:`.platforms`) combines metrics and response time per platform.
A notebook reads the tables and passes them in.

Metrics, response time, survey and stats are packages of modules of one concern; each ``__init__``
re-exports the public API (``from helpers.analysis import responsetime as rt; rt.summary(...)``).
:mod:`.stats` is the lowest: the other analyses may import it, it imports none of them.

Must not import: :mod:`helpers.pipeline`, :mod:`helpers.present` or :mod:`helpers.cli` (the layer
contract), nor :mod:`helpers.collect` or :mod:`helpers.demo` (the forbidden contract in
``pyproject.toml``): analyses take tables, not sources.
"""

__all__ = ["metrics", "platforms", "responsetime", "stats", "survey", "websites"]
