"""Benchmark: the web audit of a demo year (the cached sites read into ``website_audit``).

    python benchmarks/web_audit.py [--year 2014] [--seed 1] [--workers 1 2] [--repeat 3]

Generates the demo inputs if needed (``data/raw/demo/<year>-s<seed>``), then prints, best of
``--repeat``: the seconds of :func:`helpers.collect.web.load` over all sites for each worker count,
and the seconds of parsing every cached page with BeautifulSoup's ``html.parser`` (the parser
before lxml) against :func:`helpers.collect.webpage.parse_page` (lxml). The load average is
printed: on a shared machine the figures vary a lot. Issue 16's target is ``01_collect`` of a demo
year in at most 10 s; the web audit is one part of it.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from helpers import demo
from helpers.collect import web, webpage
from helpers.core import paths, webcache, webrules


def best(fn, repeat: int) -> float:
    """The shortest wall time of ``repeat`` calls of ``fn``, in seconds."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def cached_pages(folder: Path) -> list[tuple[str, str, int]]:
    """Every cached HTML page of a year: (final URL, decoded text, depth)."""
    pages = []
    for index in sorted((folder / "web").glob("*/index.jsonl")):
        for line in index.read_text(encoding="utf-8").splitlines():
            e = json.loads(line)
            if e["kind"] == "page" and e["file"]:
                body = (index.parent / e["file"]).read_bytes()
                pages.append((e["final_url"], webcache.decode_page(body, e["content_type"]),
                              int(e["depth"] or 0)))
    return pages


def bs4_parse(html: str) -> None:
    """The expensive part of the old parser: building the BeautifulSoup tree."""
    from bs4 import BeautifulSoup

    BeautifulSoup(html, "html.parser").get_text(" ", strip=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--year", type=int, default=2014)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, webread_default()])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    folder = demo.generate(args.year, args.seed, paths.demo_raw_dir(args.year, args.seed, 0, 1.0),
                           sample=0, scale=1.0)
    print(f"cores: {os.cpu_count()}; load average: {os.getloadavg()[0]:.2f}")
    audit, _ = web.load(folder, args.year, progress=False)  # warm: imports, pandera backends
    for workers in args.workers:
        s = best(lambda w=workers: web.load(folder, args.year, workers=w, progress=False),
                 args.repeat)
        print(f"web audit, {len(audit)} sites, workers={workers}: {s:.2f} s")
    pages = cached_pages(folder)
    rules = webrules.load_rules()
    old = best(lambda: [bs4_parse(h) for _, h, _ in pages], 1)
    new = best(lambda: [webpage.parse_page(u, h, rules, d) for u, h, d in pages], args.repeat)
    print(f"parsing {len(pages)} pages: BeautifulSoup html.parser (tree only) {old:.2f} s, "
          f"lxml parse_page {new:.2f} s")


def webread_default() -> int:
    from helpers.collect.webread import default_workers

    return default_workers()


if __name__ == "__main__":
    main()
