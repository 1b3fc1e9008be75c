"""The bottom layer: what every other layer shares, and nothing that decides or draws.

Errors (:mod:`.errors`), project paths (:mod:`.paths`), the year range (:mod:`.years`), the tidy
tables' schemas and their reading and writing (:mod:`.schemas`, :mod:`.io`, :mod:`.survey_table`), the
municipality register (:mod:`.register`), the observation window (:mod:`.window`), what a year
folder holds (:mod:`.records`), the formats and rules both collectors and the demo or the analyses
share (:mod:`.webcache`, :mod:`.webrules`) and progress bars and lines (:mod:`.progress`).

Must not import: any other ``helpers`` package (``make lint`` checks this with import-linter).
"""

__all__ = ["errors", "io", "paths", "progress", "records", "register", "schemas", "survey_table", "webcache",
           "webrules", "window", "years"]
