"""Presentation: figures (:mod:`.viz`), the year's report (:mod:`.report`), the municipality profiles
(:mod:`.profiles`), the finding sentences computed from the statistics (:mod:`.findings`), the
cross-platform figure, finding and trends (:mod:`.platform_figures`, :mod:`.platform_findings`,
:mod:`.platform_trends`) and the Jinja2 environment of every HTML page (:mod:`.templating`).

Must not import: :mod:`helpers.pipeline` or :mod:`helpers.cli` (what a run folder holds is read
through :mod:`helpers.core.records`).
"""

__all__ = ["findings", "platform_figures", "platform_findings", "platform_trends", "profiles", "report",
           "templating", "viz"]
