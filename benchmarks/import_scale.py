"""Import-scale benchmark: the Twitter importer against a json.loads loop and DuckDB on the demo's raw files.

For each scale (default 1, 10 and 100; scale 1 is about 81,000 tweets in 40 MB of twarc2 JSON
Lines, scale 100 about 8 million tweets in 4 GB) the demo dataset of 2014 (all 403 municipalities,
seed 42) is generated once with :func:`helpers.demo.generate` into a cache folder outside the
repository (``--cache``, default ``<tmp>/roeptoeter-import-scale``; reused while the generator is
unchanged). Then three readers go over the same ``twitter/*.jsonl`` files, each in its own
subprocess so that its peak memory is its own:

``importer``  :func:`helpers.collect.twitter.load` (the whole import: tidy ``posts`` and
              ``citizen_messages``, attribution, first replies, questions and themes);
``json``      a plain loop: ``json.loads`` of every line, counting the tweets of each page
              (parse only, nothing kept);
``duckdb``    ``read_json`` of the files and ``unnest(data)`` into a table of the fields the
              importer reads (id, author, times, conversation, reply user, references, text),
              with DuckDB's default threads.

Tweets per second = tweets in the files' ``data`` lists / wall time of the read (imports and
start-up not counted); the CPU seconds of all the reader's threads are printed beside it (the
figure to compare on a busy machine). Peak RSS is the child's ``ru_maxrss`` (from ``os.wait4``;
the driver imports nothing heavy, so a child's figure does not include the driver's). Then the
targets of issue 16:

- importer throughput >= 50% of DuckDB's at scale 10;
- importer peak RSS < 2 GB at scale 100;
- memory flat in the file size. Strictly flat is not possible for an importer that returns the
  tidy tables in memory: they alone take about 125 bytes per tweet (0.25 byte per byte of JSON).
  What streaming can promise is that no file, page or tweet is held whole beyond its line, so
  that memory grows only by the compact columns and the tables. The check: between the smallest
  and the largest scale measured, the importer's peak RSS grows by at most 0.5 byte per byte of
  JSON read (the importer that kept tweet dicts grew by about 3.9 bytes per byte). The growth per
  tweet is printed too.

Each is printed with its figure, and ``MISSED`` where it is missed.

Usage::

    .venv/bin/python benchmarks/import_scale.py                  # scales 1, 10 and 100
    .venv/bin/python benchmarks/import_scale.py --scales 1 10    # quicker
    .venv/bin/python benchmarks/import_scale.py --only importer  # one reader

``--importer-module`` names another module with the same ``load`` (e.g. an older copy of the
importer on ``PYTHONPATH``) to measure a before/after.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

YEAR, SEED = 2014, 42
READERS = ("importer", "json", "duckdb")
DUCKDB_SHARE = 0.5  # importer throughput / DuckDB's, at scale 10
PEAK_LIMIT_MIB = 2048  # importer peak at scale 100
FLAT_SLOPE = 0.5  # importer peak growth per byte of JSON (see the module docstring)


# --------------------------------------------------------------------------------------------------
# readers (each runs in a child process: --reader NAME --data FOLDER)
# --------------------------------------------------------------------------------------------------
def _files(folder: Path) -> list[Path]:
    return sorted((folder / "twitter").glob("*.jsonl"))


def importer(folder: Path, module: str):
    """The importer's run over ``folder`` (accounts and window read beforehand)."""
    import importlib

    import pandas as pd

    from helpers.collect import Issues, window_for
    from helpers.collect import accounts as accounts_mod
    from helpers.collect.http import window_bounds

    twitter = importlib.import_module(module)
    accounts = accounts_mod.load(folder / "accounts.csv", YEAR, Issues("error"))
    bounds = window_bounds(window_for(YEAR))

    def run() -> int:
        stats: dict[str, dict[str, int]] = {}
        posts, msgs, _ = twitter.load(folder / "twitter", accounts, bounds, Issues("skip"),
                                      stats=stats)
        assert isinstance(posts, pd.DataFrame) and len(posts) + len(msgs) > 0
        return sum(s["read"] for s in stats.values())

    return run


def read_json(folder: Path) -> int:
    n = 0
    for path in _files(folder):
        with open(path, "rb") as fh:
            for line in fh:
                if line.strip():
                    n += len(json.loads(line).get("data") or [])
    return n


def read_duckdb(folder: Path, con) -> int:
    files = [str(p) for p in _files(folder)]
    con.execute("""
        CREATE TABLE tweets AS
        SELECT t.id, t.author_id, t.created_at, t.conversation_id, t.in_reply_to_user_id,
               t.referenced_tweets, t.text
        FROM (SELECT unnest(data) AS t
              FROM read_json($files, format = 'newline_delimited',
                             maximum_object_size = 268435456))
    """, {"files": files})
    return int(con.execute("SELECT count(*) FROM tweets").fetchone()[0])


def child(reader: str, folder: Path, module: str, result: Path) -> None:
    """Run one reader; write its tweets, wall seconds and CPU seconds (all threads) as JSON."""
    if reader == "importer":
        run = importer(folder, module)  # imports are paid before the clock starts
    elif reader == "json":
        run = functools.partial(read_json, folder)
    else:
        import duckdb

        run = functools.partial(read_duckdb, folder, duckdb.connect())
    t0, c0 = time.perf_counter(), time.process_time()
    n = run()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    result.write_text(json.dumps({"tweets": n, "seconds": seconds, "cpu": cpu}))


# --------------------------------------------------------------------------------------------------
# driver (stays small: no pandas, so that the children's ru_maxrss is their own)
# --------------------------------------------------------------------------------------------------
def _run(args: list[str]) -> int:
    """Run a child to its end; its peak RSS in KiB."""
    proc = subprocess.Popen([sys.executable, __file__, *args])
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"benchmark child {args[:2]} failed with exit code {proc.returncode}")
    return usage.ru_maxrss


def dataset(cache: Path, scale: float) -> Path:
    """The demo folder at ``scale`` (generated in a child the first time; reused after)."""
    folder = cache / f"demo-{YEAR}-seed{SEED}-scale{scale:g}"
    t0 = time.perf_counter()
    _run(["--generate", "--scale", str(scale), "--data", str(folder)])
    took = time.perf_counter() - t0
    if took > 5:
        print(f"  scale-{scale:g} demo generated or checked in {took:.0f} s: {folder}", flush=True)
    return folder


def measure(folder: Path, reader: str, module: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="import-scale-") as tmp:
        result = Path(tmp) / "result.json"
        peak_kib = _run(["--reader", reader, "--data", str(folder), "--module", module,
                         "--result", str(result)])
        out = json.loads(result.read_text())
    out["peak_mib"] = peak_kib / 1024
    out["per_second"] = out["tweets"] / out["seconds"] if out["seconds"] else float("nan")
    return out


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(rows: dict[float, dict[str, dict]], sizes: dict[float, int]) -> None:
    print()
    print(f"{'scale':>6} {'JSON MB':>8} {'reader':<9} {'tweets':>10} {'seconds':>8} "
          f"{'CPU s':>7} {'tweets/s':>10} {'peak RSS MiB':>13}")
    for scale, by in rows.items():
        for name, r in by.items():
            print(f"{scale:>6g} {sizes[scale] / 1e6:>8.0f} {name:<9} {r['tweets']:>10,} "
                  f"{r['seconds']:>8.2f} {r['cpu']:>7.2f} {r['per_second']:>10,.0f} "
                  f"{r['peak_mib']:>13.0f}")
    print()
    ten = rows.get(10.0, {})
    if "importer" in ten and "duckdb" in ten:
        share = ten["importer"]["per_second"] / ten["duckdb"]["per_second"]
        print(f"importer / DuckDB throughput at scale 10: {share:.0%} (target >= "
              f"{DUCKDB_SHARE:.0%}): {verdict(share >= DUCKDB_SHARE)}")
    else:
        print("importer / DuckDB throughput at scale 10: not measured (needs scale 10, both readers)")
    hundred = rows.get(100.0, {})
    if "importer" in hundred:
        peak = hundred["importer"]["peak_mib"]
        print(f"importer peak RSS at scale 100: {peak:.0f} MiB (target < {PEAK_LIMIT_MIB} MiB): "
              f"{verdict(peak < PEAK_LIMIT_MIB)}")
    else:
        print("importer peak RSS at scale 100: not measured (run with scale 100)")
    measured = [s for s in rows if "importer" in rows[s]]
    if len(measured) >= 2:
        lo, hi = min(measured), max(measured)
        grew = (rows[hi]["importer"]["peak_mib"] - rows[lo]["importer"]["peak_mib"]) * 2**20
        slope = grew / (sizes[hi] - sizes[lo])
        per_tweet = grew / (rows[hi]["importer"]["tweets"] - rows[lo]["importer"]["tweets"])
        print(f"importer memory vs file size, scale {lo:g} -> {hi:g}: {slope:.3f} byte of peak RSS "
              f"per byte of JSON ({per_tweet:.0f} bytes per tweet; target <= {FLAT_SLOPE}): "
              f"{verdict(slope <= FLAT_SLOPE)}")
    else:
        print("importer memory vs file size: not measured (needs two scales)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0, 100.0])
    ap.add_argument("--only", choices=READERS, nargs="+", default=list(READERS),
                    help="readers to run (default all three)")
    ap.add_argument("--cache", type=Path,
                    default=Path(tempfile.gettempdir()) / "roeptoeter-import-scale",
                    help="folder for the generated demo files (kept and reused)")
    ap.add_argument("--importer-module", default="helpers.collect.twitter",
                    help="module whose load() is the importer measured")
    ap.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--scale", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--reader", choices=READERS, help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--module", help=argparse.SUPPRESS)
    ap.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.generate:
        from helpers.demo import generate

        args.data.parent.mkdir(parents=True, exist_ok=True)
        generate(YEAR, SEED, args.data, scale=args.scale)
        return 0
    if args.reader:
        child(args.reader, args.data, args.module, args.result)
        return 0
    print(f"import scale benchmark: {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}, importer {args.importer_module}",
          flush=True)
    rows: dict[float, dict[str, dict]] = {}
    sizes: dict[float, int] = {}
    for scale in sorted(args.scales):
        folder = dataset(args.cache, scale)
        sizes[scale] = sum(p.stat().st_size for p in _files(folder))
        rows[scale] = {}
        for name in args.only:
            rows[scale][name] = r = measure(folder, name, args.importer_module)
            print(f"  scale {scale:g} {name}: {r['tweets']:,} tweets in {r['seconds']:.2f} s, "
                  f"peak {r['peak_mib']:.0f} MiB", flush=True)
    report(rows, sizes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
