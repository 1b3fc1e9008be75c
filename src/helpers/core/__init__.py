"""The bottom layer: what every other layer shares, and nothing that decides or draws.

Errors (:mod:`.errors`), project paths (:mod:`.paths`), the year range (:mod:`.years`), the tidy
tables' schemas and their reading and writing (:mod:`.schemas`, :mod:`.io`, :mod:`.survey_table`), the
municipality register (:mod:`.register`), the observation window (:mod:`.window`) and what a year
folder holds (:mod:`.records`).

Must not import: any other ``helpers`` package (``make lint`` checks this with import-linter).
"""

__all__ = ["errors", "io", "paths", "records", "register", "schemas", "survey_table", "window", "years"]
