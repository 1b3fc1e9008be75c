"""The website cache's file format: where pages are kept and how an index line looks.

Both the crawler (:mod:`helpers.collect.crawler`) and the demo generator (:mod:`helpers.demo.web`)
write this layout, and the cache reader (:mod:`helpers.collect.webread`) reads it. It lives in the
bottom layer so that the demo generator shares the format without depending on the collectors, and
imports nothing but the standard library.

Layout (under ``<folder>/web/``, normally ``data/raw/<year>/web/``)::

    web/sites.csv                  gm_code,url  (the sites to audit, one per municipality)
    web/<gm_code>/index.jsonl      one JSON object per URL fetched (see INDEX_FIELDS)
    web/<gm_code>/<key>.html       the body exactly as received (key = first 16 hex of sha1(url))
    web/<gm_code>/<key>.txt        robots.txt, as received

An index line: ``url`` (requested), ``final_url`` (after redirects), ``status`` (HTTP status),
``content_type`` (the Content-Type header), ``file`` (body file name in the same folder, or null when
the body was not kept: non-200 responses), ``depth`` (clicks from the home page, null for
robots.txt), ``kind`` (``page`` or ``robots``), ``fetched_at`` (ISO 8601, UTC).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

SITES_FILE = "sites.csv"
INDEX_FILE = "index.jsonl"
INDEX_FIELDS = ("url", "final_url", "status", "content_type", "file", "depth", "kind", "fetched_at")
#: Default per-page size cap in bytes (5 MB): a larger body is not downloaded by the crawler and
#: not audited by the loader (reported with the cap). A single 58 MB page once took 560 s and 4.5 GB.
MAX_PAGE_BYTES = 5_000_000


def page_key(url: str) -> str:
    """The cache file stem of ``url``: the first 16 hex digits of its SHA-1."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def site_dir(folder: Path, gm_code: str) -> Path:
    """``<folder>/web/<gm_code>/``."""
    return Path(folder) / "web" / gm_code


def index_entry(
    url: str, *, status: int, content_type: str, file: str | None, depth: int | None, kind: str,
    fetched_at: dt.datetime, final_url: str | None = None,
) -> dict[str, Any]:
    """One index line as a dict (fields in :data:`INDEX_FIELDS` order); ``fetched_at`` in UTC."""
    return {
        "url": url,
        "final_url": final_url or url,
        "status": int(status),
        "content_type": content_type,
        "file": file,
        "depth": depth,
        "kind": kind,
        "fetched_at": fetched_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
    }


def write_body(folder: Path, url: str, body: bytes, kind: str = "page") -> str:
    """Write a response body atomically into a site folder; returns the file name."""
    name = page_key(url) + (".txt" if kind == "robots" else ".html")
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{name}.tmp"
    tmp.write_bytes(body)
    os.replace(tmp, folder / name)
    return name


def append_index(folder: Path, entry: dict[str, Any]) -> None:
    """Append one line to ``index.jsonl`` and flush it to disk."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / INDEX_FILE, "a", encoding="utf-8", newline="\n") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def charset(content_type: str, body: bytes) -> str:
    """The character set of a cached body: its Content-Type's, else its ``<meta charset>`` (in the
    first 2,048 bytes), else ``utf-8``."""
    ct = content_type.lower()
    if "charset=" in ct:
        return ct.split("charset=", 1)[1].split(";")[0].strip().strip("\"'") or "utf-8"
    head = body[:2048].decode("ascii", errors="ignore").lower()
    pos = head.find("charset=")
    if pos >= 0:
        tail = head[pos + 8:].lstrip("\"' ")
        name = "".join(c for c in tail[:40] if c.isalnum() or c in "-_")
        if name:
            return name
    return "utf-8"


def decode_page(body: bytes, content_type: str = "", errors: str = "strict") -> str:
    """Decode a cached body with :func:`charset`.

    Raises
    ------
    UnicodeDecodeError
        With ``errors="strict"``, for bytes that are not valid in the charset.
    LookupError
        With ``errors="strict"``, for an unknown charset (otherwise UTF-8 is used).
    """
    name = charset(content_type or "", body)
    try:
        return body.decode(name, errors=errors)
    except LookupError:
        if errors != "strict":
            return body.decode("utf-8", errors=errors)
        raise
