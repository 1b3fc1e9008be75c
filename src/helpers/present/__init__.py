"""Presentation: figures (:mod:`.viz`), the year's report (:mod:`.report`), the municipality profiles
(:mod:`.profiles`) and the finding sentences computed from the statistics (:mod:`.findings`).

Must not import: :mod:`helpers.pipeline` or :mod:`helpers.cli` (what a run folder holds is read
through :mod:`helpers.core.records`).
"""

__all__ = ["findings", "profiles", "report", "viz"]
