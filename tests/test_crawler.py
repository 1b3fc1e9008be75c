"""The website crawler against a loopback HTTP server (127.0.0.1, no network), and the cache loader.

The server counts requests per path with their times and User-Agents, serves a robots.txt that
disallows /private/, and injects faults on the first request of some paths: 429 with Retry-After,
503, a response slower than the client's timeout, and a dropped connection.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from helpers import __version__
from helpers.collect import web
from helpers.core.errors import DataError

CONTACT = "https://example.org/roeptoeter-contact"
TOKEN = "tok-5ecret-PLANTED-7f3a9"
RETRY_AFTER = 1  # seconds the server asks for on its 429
MIN_INTERVAL = 0.15  # seconds between requests to one host in the rate-limit test

PAGES = {
    "/": """<html><body><main><h1>Gemeente Lus</h1>
        <ul><li><a href="/werk-en-inkomen">Werk en inkomen</a></li>
        <li><a href="/private/geheim">Intern</a></li>
        <li><a href="/afval">Afval</a></li>
        <li><a href="/drop">Nieuws</a></li></ul></main>
        <footer><a href="/flaky503">Schuldhulpverlening</a>
        <a href="mailto:info@lus.example">Mail</a> <a href="/folder.pdf">Folder</a></footer>
        </body></html>""",
    "/werk-en-inkomen": """<html><body><main><h1>Werk en inkomen</h1>
        <ul><li><a href="/werk-en-inkomen/bijstand">Bijstand</a></li>
        <li><a href="/flaky429">Participatiewet</a></li>
        <li><a href="/slow">Minimaregelingen</a></li>
        <li><a href="https://digid.nl/login?dienst=bijstand">Bijstand aanvragen met DigiD</a></li>
        </ul></main></body></html>""",
    "/werk-en-inkomen/bijstand": """<html><body><main><h1>Bijstand</h1>
        <p>U vraagt bijstand aan bij de gemeente; lees eerst de voorwaarden.</p></main></body></html>""",
    "/flaky429": "<html><body><main><p>De Participatiewet geldt vanaf 2015.</p></main></body></html>",
    "/flaky503": "<html><body><main><p>Schuldhulpverlening helpt bij schulden.</p></main></body></html>",
    "/slow": "<html><body><main><p>Onze minimaregelingen: kwijtschelding.</p></main></body></html>",
    "/drop": "<html><body><main><p>Nieuws uit de gemeente.</p></main></body></html>",
    "/afval": "<html><body><main><p>Afvalkalender.</p></main></body></html>",
    "/private/geheim": "<html><body>must never be fetched</body></html>",
}
ROBOTS = "User-agent: *\nDisallow: /private/\n"


class Log:
    """What the server saw: per path the times (monotonic s), User-Agents and all headers."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.hits: dict[str, list[float]] = defaultdict(list)
        self.agents: list[str] = []
        self.headers: list[str] = []

    def add(self, path: str, agent: str, headers: str) -> int:
        with self.lock:
            self.hits[path].append(time.monotonic())
            self.agents.append(agent)
            self.headers.append(headers)
            return len(self.hits[path])

    def starts(self) -> list[float]:
        return sorted(t for ts in self.hits.values() for t in ts)


def make_handler(log: Log) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def _send(self, status: int, body: str, ctype: str = "text/html; charset=utf-8",
                  extra: dict[str, str] | None = None) -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            path = self.path.split("?")[0]
            n = log.add(path, self.headers.get("User-Agent", ""), str(self.headers))
            try:
                if path == "/robots.txt":
                    return self._send(200, ROBOTS, "text/plain")
                if path == "/flaky429" and n == 1:
                    return self._send(429, "slow down", extra={"Retry-After": str(RETRY_AFTER)})
                if path == "/flaky503" and n == 1:
                    return self._send(503, "busy")
                if path == "/slow" and n == 1:
                    time.sleep(1.0)  # beyond the client's 0.3 s read timeout
                if path == "/drop" and n == 1:
                    self.close_connection = True  # drop: close without any response
                    return None
                if path in PAGES:
                    return self._send(200, PAGES[path])
                return self._send(404, "<html><body>niet gevonden</body></html>")
            except (BrokenPipeError, ConnectionResetError):
                return None

    return Handler


@pytest.fixture()
def server() -> Iterator[tuple[str, Log]]:
    log = Log()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(log))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", log
    finally:
        httpd.shutdown()
        httpd.server_close()


def fixed_now() -> dt.datetime:
    return dt.datetime(2014, 9, 15, 10, 0, tzinfo=dt.UTC)


def run_crawl(home: str, dest: Path, **kw) -> web.CrawlReport:
    opts = dict(max_pages=20, max_depth=3, min_interval=0.05, timeout=0.3, max_retries=3,
                backoff=0.05, max_backoff=0.5, max_retry_after=3.0, now=fixed_now, progress=False)
    opts.update(kw)
    return web.crawl([("GM0344", home)], dest, **opts)


def index_of(dest: Path) -> list[dict]:
    path = dest / "web" / "GM0344" / web.INDEX_FILE
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_crawl_faults_robots_rate_cache_and_secrets(server, tmp_path, monkeypatch):
    home, log = server
    monkeypatch.setenv(web.CONTACT_ENV, CONTACT)
    monkeypatch.setenv("ROEPTOETER_TEST_TOKEN", TOKEN)
    dest = tmp_path / "raw" / "2014"
    report = run_crawl(home, dest, min_interval=MIN_INTERVAL)

    # every fault was retried and nothing was lost
    assert report.failures == []
    entries = index_of(dest)
    got = {e["url"].replace(home, "/"): e["status"] for e in entries if e["kind"] == "page"}
    want = {"/", "/werk-en-inkomen", "/werk-en-inkomen/bijstand", "/flaky429", "/flaky503",
            "/slow", "/drop", "/afval"}
    assert got == dict.fromkeys(want, 200)
    for e in entries:  # bodies stored as received
        path = dest / "web" / "GM0344" / e["file"]
        if e["kind"] == "page":
            assert path.read_text(encoding="utf-8") == PAGES[e["url"].replace(home, "/")]
        assert e["fetched_at"] == "2014-09-15T10:00:00+00:00"
    assert {p: len(t) for p, t in log.hits.items() if len(t) > 1} == {
        "/flaky429": 2, "/flaky503": 2, "/slow": 2, "/drop": 2}

    # robots.txt honoured: the disallowed path was never requested
    assert "/private/geheim" not in log.hits
    assert report.robots_skipped == 1
    # the priority rule visits work & income first (after the home page)
    order = [e["url"].replace(home, "/") for e in entries if e["kind"] == "page"]
    assert order[:3] == ["/", "/werk-en-inkomen", "/werk-en-inkomen/bijstand"]

    # rate limit: request arrivals at least min_interval apart on the server's clock (less a
    # jitter allowance of 50 ms for a loaded machine); Retry-After honoured
    starts = log.starts()
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert min(gaps) >= MIN_INTERVAL - 0.05
    assert sum(gaps) >= (len(starts) - 1) * MIN_INTERVAL * 0.95
    t429 = log.hits["/flaky429"]
    assert t429[1] - t429[0] >= RETRY_AFTER - 0.05

    # identifies itself
    assert set(log.agents) == {f"roeptoeter/{__version__} (+{CONTACT})"}

    # a second run fetches nothing: everything comes from the cache
    before = sum(len(t) for t in log.hits.values())
    again = run_crawl(home, dest)
    assert again.fetched == 0 and again.cached == 9  # robots.txt + 8 pages
    assert sum(len(t) for t in log.hits.values()) == before

    # the planted secret is in no cached file and was never sent
    for f in (dest).rglob("*"):
        if f.is_file():
            assert TOKEN.encode() not in f.read_bytes(), f
    assert not any(TOKEN in h for h in log.headers)

    # the cache loads into the audit table
    audit, skips = web.load(dest, 2014)
    assert skips.empty and len(audit) == 1
    row = audit.iloc[0]
    assert row["website"] == home and row["checked_on"] == pd.Timestamp("2014-09-15")
    assert row["bijstand"] and row["bijstand_url"] == home + "werk-en-inkomen/bijstand"
    assert row["participatiewet"] and row["schuldhulp"] and row["minimaregelingen"]
    assert not row["werkgevers"] and not row["reintegratie"]
    assert row["eservice_bijstand_aanvragen"]
    assert row["eservice_bijstand_aanvragen_url"] == home + "werk-en-inkomen"
    assert (row["info_score"], bool(row["info_in_order"]), row["eservice_score"]) == (4, False, 1)
    # helpers.collect.collect passes the web/ folder itself: same result
    pd.testing.assert_frame_equal(web.load(dest / "web", 2014)[0], audit)


def test_resume_after_interruption(server, tmp_path):
    home, log = server
    dest = tmp_path / "raw"
    first = run_crawl(home, dest, max_pages=2)
    assert first.fetched == 3  # robots.txt, home, werk-en-inkomen
    # simulate a kill in the middle of writing an index line
    index = dest / "web" / "GM0344" / web.INDEX_FILE
    with open(index, "a", encoding="utf-8") as fh:
        fh.write('{"url": "http://half')
    second = run_crawl(home, dest)
    assert second.failures == []
    assert len(log.hits["/"]) == 1 and len(log.hits["/werk-en-inkomen"]) == 1
    assert len(log.hits["/robots.txt"]) == 1
    assert len([e for e in index_of(dest) if e["kind"] == "page"]) == 8


def test_fetch_gives_up_and_does_not_cache(server, tmp_path):
    home, log = server
    dest = tmp_path / "raw"
    report = run_crawl(home + "drop", dest, max_pages=1, max_retries=0)
    # the home page here is /drop, whose first request is dropped; with no retries it fails
    assert len(report.failures) == 1 and "/drop" in report.failures[0][1]
    assert [e["kind"] for e in index_of(dest)] == ["robots"]
    again = run_crawl(home + "drop", dest, max_pages=1, max_retries=0)
    assert again.failures == [] and again.fetched == 1  # tried again on the rerun


def test_rate_limiter_with_fake_clock():
    now = [100.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    lim = web.RateLimiter(1.0, clock=lambda: now[0], sleep=sleep)
    assert lim.wait("a.nl") == 0.0
    assert lim.wait("b.nl") == 0.0  # per host
    now[0] += 0.25
    assert lim.wait("a.nl") == pytest.approx(0.75)
    now[0] += 5
    assert lim.wait("a.nl") == 0.0
    assert slept == [pytest.approx(0.75)]
    # a slow answer: the interval counts from its end, not from the request's start
    now[0] += 3.0  # the request to a.nl took 3 s
    lim.done("a.nl")
    now[0] += 0.5
    assert lim.wait("a.nl") == pytest.approx(0.5)


def test_retry_after_parsing():
    now = dt.datetime(2014, 9, 15, 10, 0, tzinfo=dt.UTC)
    assert web.retry_after_seconds("7", now) == 7.0
    assert web.retry_after_seconds("Mon, 15 Sep 2014 10:00:30 GMT", now) == 30.0
    assert web.retry_after_seconds("garbage", now) is None
    assert web.retry_after_seconds(None, now) is None


def test_user_agent_default(monkeypatch):
    monkeypatch.delenv(web.CONTACT_ENV, raising=False)
    assert web.user_agent() == f"roeptoeter/{__version__} (+{web.PROJECT_URL})"


# --- loader: bad input ----------------------------------------------------------------------
def small_cache(root: Path, gm: str = "GM0344", body: bytes | None = None,
                ctype: str = "text/html; charset=utf-8") -> Path:
    url = "https://www.lus.example/"
    folder = web.site_dir(root, gm)
    name = web.write_body(folder, url, body if body is not None else
                          b"<html><body><main><p>Bijstand aanvragen: voorwaarden.</p></main></body></html>")
    web.append_index(folder, web.index_entry(url, status=200, content_type=ctype, file=name,
                                             depth=0, kind="page", fetched_at=fixed_now()))
    (root / "web" / web.SITES_FILE).write_text(f"gm_code,url\n{gm},{url}\n", encoding="utf-8")
    return folder


def test_load_unknown_code(tmp_path):
    small_cache(tmp_path, gm="GM9999")
    with pytest.raises(DataError) as exc:
        web.load(tmp_path, 2014)
    assert exc.value.row == 1 and exc.value.column == "gm_code"
    assert exc.value.file.endswith("sites.csv") and "unknown code" in exc.value.rule
    audit, skips = web.load(tmp_path, 2014, on_bad="skip")
    assert audit.empty and skips["column"].tolist() == ["gm_code"]


def test_load_expired_code_names_successor(tmp_path):
    small_cache(tmp_path, gm="GM0568")  # Bernisse, part of Nissewaard (GM1930) from 2015
    with pytest.raises(DataError, match="GM1930"):
        web.load(tmp_path, 2015)


def test_load_missing_page_file(tmp_path):
    folder = small_cache(tmp_path)
    for f in folder.glob("*.html"):
        f.unlink()
    with pytest.raises(DataError) as exc:
        web.load(tmp_path, 2014)
    assert exc.value.column == "file" and exc.value.row == 1
    assert exc.value.file.endswith(web.INDEX_FILE)


def test_load_undecodable_page(tmp_path):
    small_cache(tmp_path, body=b"<html><body>caf\xe9 bijstand</body></html>")  # latin-1 byte
    with pytest.raises(DataError, match="cannot be decoded as utf-8"):
        web.load(tmp_path, 2014)
    audit, skips = web.load(tmp_path, 2014, on_bad="skip")
    assert audit.empty  # the only page was skipped, so the site too
    assert len(skips) == 2 and skips["file"].iloc[0].endswith(".html")


def test_load_truncated_index_line(tmp_path):
    folder = small_cache(tmp_path)
    with open(folder / web.INDEX_FILE, "a", encoding="utf-8") as fh:
        fh.write('{"url": "https://www.lus.example/x", "sta\n')
    with pytest.raises(DataError) as exc:
        web.load(tmp_path, 2014)
    assert exc.value.row == 2 and "truncated" in exc.value.rule
    audit, skips = web.load(tmp_path, 2014, on_bad="skip")
    assert len(audit) == 1 and skips["row"].tolist() == [2]


def test_load_latin1_page_with_declared_charset(tmp_path):
    small_cache(tmp_path, body="<html><body><main><p>Bijstand aanvragen: voorwaarden, café."
                "</p></main></body></html>".encode("latin-1"), ctype="text/html; charset=iso-8859-1")
    audit, _ = web.load(tmp_path, 2014)
    assert bool(audit["bijstand"].iloc[0])


def test_load_bad_sites_file(tmp_path):
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / web.SITES_FILE).write_text("code,url\nGM0344,https://x.nl/\n")
    with pytest.raises(DataError) as exc:
        web.load(tmp_path, 2014)
    assert exc.value.column == "gm_code"
    (tmp_path / "web" / web.SITES_FILE).write_text(
        "gm_code,url\nGM0344,https://x.nl/\nGM0344,https://y.nl/\n")
    with pytest.raises(DataError, match="duplicate"):
        web.load(tmp_path, 2014)


def test_crawl_killed_with_sigkill_resumes_and_loses_nothing(server, tmp_path):
    """Fault injection: the crawler process is SIGKILLed mid-crawl; the next run completes the cache
    without refetching what was stored, and the stored pages are left as they were."""
    import hashlib
    import os
    import signal
    import subprocess
    import sys

    home, log = server
    dest = tmp_path / "raw"
    child = (
        "from pathlib import Path\nfrom helpers.collect import web\n"
        f"web.crawl([('GM0344', {home!r})], Path({str(dest)!r}), max_pages=20, max_depth=3, "
        "min_interval=0.4, timeout=0.3, max_retries=3, backoff=0.05, max_backoff=0.5, "
        "max_retry_after=3.0, progress=False)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", child])
    index = dest / "web" / "GM0344" / web.INDEX_FILE
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            lines = index.read_text(encoding="utf-8").splitlines() if index.is_file() else []
            if sum('"kind": "page"' in line for line in lines) >= 3:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the crawler never cached three pages")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    cached = {e["url"]: e["file"] for e in index_of(dest) if e["kind"] == "page"}
    assert 3 <= len(cached) < 8, "killed mid-crawl"
    site = dest / "web" / "GM0344"
    before = {f: hashlib.sha256((site / f).read_bytes()).hexdigest() for f in cached.values()}
    hits_before = {p: len(ts) for p, ts in log.hits.items()}

    report = run_crawl(home, dest)
    assert report.failures == []
    pages = {e["url"].replace(home, "/") for e in index_of(dest) if e["kind"] == "page"}
    assert pages == {"/", "/werk-en-inkomen", "/werk-en-inkomen/bijstand", "/flaky429", "/flaky503",
                     "/slow", "/drop", "/afval"}
    for url in cached:  # stored pages were not requested again, and their files are untouched
        path = url.replace(home, "/")
        assert len(log.hits[path]) == hits_before[path], path
    assert {f: hashlib.sha256((site / f).read_bytes()).hexdigest() for f in cached.values()} == before
