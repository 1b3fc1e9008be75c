"""The pipeline: what runs the notebooks and keeps their results honest.

The batch runner (:mod:`.runner`), the warm-kernel notebook executor (:mod:`.executor`), the profile
renderer (:mod:`.render`), notebook parameters (:mod:`.params`, :mod:`.notebook_params`), the
provenance manifest (:mod:`.manifest`), the notebook's run context (:mod:`.context`), which inputs a
year reads (:mod:`.sources`) and the pre-flight check (:mod:`.preflight`).

Must not import: :mod:`helpers.cli` (the command line sits on top of everything).
"""

__all__ = ["context", "executor", "manifest", "notebook_params", "params", "preflight", "render",
           "runner", "sources"]
