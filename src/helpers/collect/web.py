"""The ``web`` source of the collection: municipal websites, crawled into a cache and audited.

The parts, one concern each (this module gathers their public names, so ``helpers.collect.web``
stays the one place to call, and :func:`helpers.collect.collect` finds :func:`load` here):

- :mod:`.webcache` — the cache's file format (``web/sites.csv``, ``web/<gm_code>/index.jsonl``,
  the bodies as received); shared with the demo generator;
- :mod:`.fetch` — polite HTTP: User-Agent, per-host rate limit, size cap, the retry policy of
  :mod:`.retry`;
- :mod:`.crawler` — robots.txt and the crawl itself (:func:`crawl`);
- :mod:`helpers.core.webrules`, :mod:`.webpage`, :mod:`.webaudit` — the rule set, the page parser (lxml) and
  the audit that gives the ``website_audit`` table;
- :mod:`.webread` — the cache reader (:func:`load`), reading sites in parallel.

Example: crawl a year's sites, then audit the cache::

    report = web.crawl(pd.read_csv("sites.csv", dtype=str), Path("data/raw/2016"))
    audit, skips = web.load(Path("data/raw/2016"), 2016)

Must not import the analyses (:mod:`helpers.analysis.websites`).
"""

from __future__ import annotations

from helpers.collect.crawler import (
    SKIP_EXTENSIONS,
    CrawlReport,
    crawl,
    crawl_site,
    is_internal,
    write_sites,
)
from helpers.collect.fetch import (
    CONTACT_ENV,
    PROJECT_URL,
    FetchFailed,
    FetchPolicy,
    PageTooLarge,
    RateLimiter,
    default_session,
    fetch,
    user_agent,
    utc_now,
)
from helpers.collect.retry import RETRY_STATUS, retry_after_seconds
from helpers.collect.webread import (
    audit_cached_site,
    cached_file,
    load,
    read_index,
    read_sites,
    web_root,
)
from helpers.core.webcache import (
    INDEX_FIELDS,
    INDEX_FILE,
    MAX_PAGE_BYTES,
    SITES_FILE,
    append_index,
    decode_page,
    index_entry,
    page_key,
    site_dir,
    write_body,
)

__all__ = [
    "CONTACT_ENV", "INDEX_FIELDS", "INDEX_FILE", "MAX_PAGE_BYTES", "PROJECT_URL", "RETRY_STATUS",
    "SITES_FILE", "SKIP_EXTENSIONS", "CrawlReport", "FetchFailed", "FetchPolicy", "PageTooLarge",
    "RateLimiter", "append_index", "audit_cached_site", "cached_file", "crawl", "crawl_site",
    "decode_page", "default_session", "fetch", "index_entry", "is_internal", "load", "page_key",
    "read_index", "read_sites", "retry_after_seconds", "site_dir", "user_agent", "utc_now",
    "web_root", "write_body", "write_sites",
]
