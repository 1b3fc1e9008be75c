"""``roeptoeter profiles``: a profile page per municipality of a year, with its index, rendered by
:func:`helpers.pipeline.render.render_many` on warm kernels, skipped when up to date, with progress
from the first page.

Must not import the command line. The runner is imported lazily, for its outputs lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nbformat

from helpers.pipeline.render import Rendered, render_many
from helpers.present.report import profile_pages

PROFILE_NOTEBOOK = "profile.ipynb"
PROFILES_DIR = "profiles"


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, flush=True)


class PageProgress:
    """Progress of many pages on stderr, from the first page on; silent when ``quiet``.

    On a terminal a tqdm bar; otherwise (a log file, a pipe) one line ``<label>: <done>/<total>``
    at the first page, every ``every`` pages and the last. Thread-safe.
    """

    def __init__(self, total: int, label: str, *, quiet: bool = False, every: int = 25,
                 stream: Any = None) -> None:
        import sys

        self.total, self.label, self.quiet, self.every = total, label, quiet, max(1, every)
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self._lock = threading.Lock()
        self._bar = None
        if not quiet and getattr(self.stream, "isatty", lambda: False)():
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=label, unit="page", file=self.stream, mininterval=0.5)

    def update(self) -> None:
        """One more page done."""
        with self._lock:
            self.done += 1
            if self.quiet:
                return
            if self._bar is not None:
                self._bar.update(1)
            elif self.done == 1 or self.done % self.every == 0 or self.done == self.total:
                print(f"{self.label}: {self.done}/{self.total}", file=self.stream, flush=True)

    def close(self) -> None:
        """Close the bar (if any)."""
        if self._bar is not None:
            self._bar.close()


def profiles_key(root: Path, year_folder: Path, previous_folder: Path, codes: list[str],
                 lang: str = "en") -> str:
    """Up-to-date key of a year's profiles: notebook source, helpers source, the year's (and the
    previous year's) manifest, the municipalities rendered and the language."""
    import json

    from helpers.pipeline import manifest as mf
    from helpers.pipeline.runner import helpers_hashes

    parts = {
        "notebook": mf.notebook_source_hash(root / "notebooks" / PROFILE_NOTEBOOK),
        "helpers": helpers_hashes(),
        "year": mf.sha256_file(year_folder / "manifest.json"),
        "previous": (mf.sha256_file(previous_folder / "manifest.json")
                     if (previous_folder / "manifest.json").is_file() else None),
        "codes": sorted(codes),
        "lang": lang,
    }
    return mf.sha256_bytes(json.dumps(parts, sort_keys=True).encode())


def write_profiles_index(folder: Path, kf: Any, year: int, demo: bool, lang: str = "en") -> Path:
    """``profiles/index.html``: every municipality in a sortable table (click a header to sort)."""
    from helpers.core.io import atomic_path

    page = profile_pages.profiles_index_page(kf, year, demo, lang)
    path = folder / "index.html"
    with atomic_path(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return path


def render_profiles(
    year: int,
    gm_codes: Sequence[str] = (),
    *,
    jobs: int | None = None,
    force: bool = False,
    quiet: bool = False,
    lang: str = "en",
) -> int:
    """:func:`render_profiles_unlocked` holding the outputs lock of ``roeptoeter run``.

    A run and a profiles rendering at once would swap and read the same year folder; the second
    one is refused with one line (exit 2) instead of crashing with a traceback.

    Raises
    ------
    helpers.core.errors.ParameterError
        When a run (or another rendering) holds the lock.
    """
    from helpers.core.paths import outputs_dir
    from helpers.pipeline.runner import outputs_lock

    with outputs_lock(outputs_dir()):
        return render_profiles_unlocked(year, gm_codes, jobs=jobs, force=force, quiet=quiet,
                                        lang=lang)


def render_profiles_unlocked(
    year: int,
    gm_codes: Sequence[str] = (),
    *,
    jobs: int | None = None,
    force: bool = False,
    quiet: bool = False,
    lang: str = "en",
) -> int:
    """Render the profiles of every (or the named) municipality of ``year``; the ``profiles`` command.

    Writes ``outputs/<year>/profiles/<gm_code>.html`` and ``index.html`` atomically: pages go to a
    temporary sibling folder that replaces ``profiles/`` only when every page rendered. Skips the
    year when its profiles are up to date (same notebook, helpers, year results and municipalities).

    Returns
    -------
    int
        Exit code: 0 done or up to date, 1 a profile failed (earlier profiles kept), 2 bad input.
    """
    import json
    import os
    import shutil
    import sys

    from helpers.core import io
    from helpers.core.paths import outputs_dir, project_root
    from helpers.pipeline.runner import swap_into_place
    from helpers.present import profiles

    root, outputs = project_root(), outputs_dir()
    folder = outputs / str(year)
    if not io.table_path(folder, "municipalities").is_file():  # any subset of sources will do
        print(f"roeptoeter: error: no results for {year} in {folder}; run `roeptoeter run --year {year}` "
              "first", file=sys.stderr)
        return 2
    kf = profiles.key_figures(folder, year)
    known = set(kf["gm_code"])
    unknown = [c for c in gm_codes if c not in known]
    if unknown:
        from helpers.core.errors import shorten

        print(f"roeptoeter: error: not municipalities of {year}'s results: {shorten(unknown)} "
              "(use GM codes such as GM0344)", file=sys.stderr)
        return 2
    codes = list(gm_codes) or sorted(known)
    previous_folder = outputs / str(year - 1)
    target = folder / PROFILES_DIR
    key = profiles_key(root, folder, previous_folder, codes, lang)
    stamp = target / "manifest.json"
    if not force and stamp.is_file() and json.loads(stamp.read_text()).get("key") == key \
            and all((target / f"{c}.html").is_file() for c in codes):
        _say(quiet, f"{year} profiles up to date (skipped; --force to rerun)")
        return 0

    tmp = io.shared_tmp_dir(folder, prefix=f".{PROFILES_DIR}.tmp-")
    try:
        if gm_codes and target.is_dir():  # a subset: keep the other municipalities' pages
            shutil.copytree(target, tmp, dirs_exist_ok=True)
        kf.to_parquet(tmp / profiles.KEY_FIGURES, index=False)
        prev_path = ""
        if io.table_path(previous_folder, "posts").is_file():
            profiles.key_figures(previous_folder, year - 1).to_parquet(tmp / "previous_key_figures.parquet",
                                                                      index=False)
            prev_path = str(tmp / "previous_key_figures.parquet")
        base = {"year": int(year), "lang": lang, "key_figures": str(tmp / profiles.KEY_FIGURES),
                "previous_key_figures": prev_path}
        sets = [{**base, "gm_code": c} for c in codes]
        progress = PageProgress(len(sets), f"{year} profiles", quiet=quiet)
        failures: list[str] = []

        def write(res: Rendered) -> None:
            code = res.parameters["gm_code"]
            if res.error:
                failures.append(f"FAILED profile {year} {code}: {res.error}")
                nbformat.write(res.notebook, tmp / f"{code}.failed.ipynb")
            else:
                (tmp / f"{code}.html").write_text(res.html or "", encoding="utf-8")
            progress.update()

        t0 = time.perf_counter()
        try:
            render_many(root / "notebooks" / PROFILE_NOTEBOOK, sets, jobs=jobs or os.cpu_count() or 1,
                        cwd=root, on_done=write)
        finally:
            progress.close()
        if failures:
            for line in failures:
                print(line, file=sys.stderr)
            failed = tmp.with_name(f".{PROFILES_DIR}.failed-{os.urandom(3).hex()}")
            tmp.rename(failed)
            print(f"roeptoeter: {len(failures)} profile(s) failed; earlier profiles kept; see {failed}",
                  file=sys.stderr)
            return 1
        all_kf = kf if not gm_codes else kf[kf["gm_code"].isin(
            [p.stem for p in tmp.glob("GM*.html")])]
        demo = bool(json.loads((folder / "data" / "provenance.json").read_text()).get("demo", False))
        write_profiles_index(tmp, all_kf, year, demo, lang)
        (tmp / "manifest.json").write_text(json.dumps(
            {"key": key, "year": int(year), "profiles": len(codes),
             "seconds": round(time.perf_counter() - t0, 1)}, indent=1), encoding="utf-8")
        swap_into_place(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    try:
        from helpers.present.report import write_index

        write_index(outputs)
    except Exception as exc:  # the pages are in place; the index is a convenience
        print(f"roeptoeter: warning: could not update outputs/index.html: {exc}", file=sys.stderr)
    _say(quiet, f"{year} profiles: {len(codes)} rendered to {target}")
    return 0
