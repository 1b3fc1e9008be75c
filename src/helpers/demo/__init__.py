"""The embedded demo dataset: synthetic, deterministic from (year, seed), calibrated to the published figures.

No real data can be downloaded for the default run, so :func:`generate` writes *raw files in the real
formats* (Twitter API v2 JSON Lines as twarc2 writes them, a Facebook CSV export, an SPSS survey
export, cached website pages) that the collection then imports through the same code path as real
inputs. Every file carries a synthetic marker. Years with published figures (2013-2015) are calibrated
to them (see ``data/reference/published.yaml``); other years are a plausible continuation, labelled
extrapolated.

Each source has its own module (:mod:`.social`, :mod:`.survey`, :mod:`.web`) with
``write_raw(munis, year, rng, dest, scale) -> list[Path]``; each gets its own random stream, so
changing one source's generator leaves the others' files byte-identical. :mod:`.social` writes, up to
:data:`LAST_TWITTER_YEAR`, Twitter (:mod:`.twitter`) and Facebook (:mod:`.facebook`) after the
calibration in :mod:`.calibration`; for later years Facebook, Mastodon (:mod:`.mastodon`) and Bluesky
(:mod:`.bluesky`) after the stated assumptions in :mod:`.current`. :func:`sources_for` says which
sources a year's demo holds.

The demo imports nothing from :mod:`helpers.collect` (it writes the real formats from their
documentation), the analyses, the presentation or the pipeline. This package's ``__init__`` imports
numpy and pandas only inside its functions, so that the runner can ask :func:`sources_for` without
them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from helpers.demo.common import (  # noqa: F401  (the demo's public names)
    ANCHORS,
    CALIBRATED_YEARS,
    LAST_TWITTER_YEAR,
    MARKER,
    STREAMS,
    rng_for,
    sources_for,
)

if TYPE_CHECKING:
    import pandas as pd


def generator_version() -> str:
    """A hash of the generators' source, so a changed generator never serves stale demo files."""
    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def select_municipalities(year: int, seed: int, sample: int = 0) -> pd.DataFrame:
    """The municipalities the demo covers: all of ``year``'s register, or a sample of ``sample``.

    A sample always contains the anchors that exist that year (Utrecht, Goeree-Overflakkee, Veere),
    then a seeded random draw of the rest; it is sorted by code.
    """
    import numpy as np
    import pandas as pd

    from helpers.core import register

    munis = register.municipalities(year)
    if not sample or sample >= len(munis):
        return munis
    anchors = munis[munis["gm_code"].isin(ANCHORS)]
    rest = munis[~munis["gm_code"].isin(ANCHORS)]
    take = max(int(sample) - len(anchors), 0)
    idx = rng_for(seed, year, "sample").choice(len(rest), size=take, replace=False)
    chosen = pd.concat([anchors, rest.iloc[np.sort(idx)]])
    return chosen.sort_values("gm_code").reset_index(drop=True)


def generate(year: int, seed: int, dest: Path, *, sample: int = 0, scale: float = 1.0) -> Path:
    """Write the demo dataset's raw files for ``year`` into ``dest`` (atomically) and return ``dest``.

    If ``dest`` already holds a complete dataset for the same arguments it is left as it is (raw
    files are never rewritten). The folder gets ``SYNTHETIC.txt`` and ``demo.json`` (the arguments).
    """
    from helpers.core.io import shared_tmp_dir
    from helpers.demo import social, survey, web

    meta = {"year": int(year), "seed": int(seed), "sample": int(sample), "scale": float(scale),
            "synthetic": True, "calibrated": int(year) in CALIBRATED_YEARS,
            "generator": generator_version()}
    munis = select_municipalities(year, seed, sample)
    if sample:
        # A sample names its municipalities, so the collection can limit the register to them
        # without importing the demo package (collect and demo are independent layers).
        meta["municipalities"] = munis["gm_code"].tolist()
    done = dest / "demo.json"
    if done.is_file() and json.loads(done.read_text()) == meta:
        return dest
    tmp = shared_tmp_dir(dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    try:
        (tmp / "SYNTHETIC.txt").write_text(MARKER + "\n", encoding="utf-8")
        social.write_raw(munis, year, rng_for(seed, year, "social"), tmp, scale)
        survey.write_raw(munis, year, rng_for(seed, year, "survey"), tmp, scale)
        web.write_raw(munis, year, rng_for(seed, year, "web"), tmp, scale)
        (tmp / "demo.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(tmp, dest)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return dest
