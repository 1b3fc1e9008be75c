"""The parallel cache reader: the same table, skips and first error whatever the number of workers
and whatever order the workers finish in."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.collect import web, webread
from helpers.core import register
from helpers.core.errors import DataError
from helpers.demo import rng_for
from helpers.demo import web as dweb

N_SITES = 40  # above webread.MIN_PARALLEL_SITES, so a pool is used


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """A demo cache of 40 sites whose sites.csv is in reverse gm_code order."""
    dest = tmp_path_factory.mktemp("webread")
    munis = register.municipalities(2014).head(N_SITES)
    dweb.write_raw(munis, 2014, rng_for(7, 2014, "web"), dest, 1.0)
    sites = dest / "web" / web.SITES_FILE
    frame = pd.read_csv(sites, dtype=str)
    frame.iloc[::-1].to_csv(sites, index=False, lineterminator="\n")
    return dest


def test_more_sites_than_the_pool_threshold():
    assert N_SITES >= webread.MIN_PARALLEL_SITES


def test_same_table_with_one_or_more_workers(cache):
    one, skips_one = web.load(cache, 2014, workers=1, progress=False)
    assert len(one) == N_SITES and skips_one.empty
    assert one["gm_code"].is_monotonic_increasing  # sorted by gm_code, not by sites.csv
    for workers in (2, 3):
        many, skips_many = web.load(cache, 2014, workers=workers, progress=False)
        pd.testing.assert_frame_equal(many, one)
        pd.testing.assert_frame_equal(skips_many, skips_one)


@pytest.fixture()
def broken(cache, tmp_path) -> tuple[Path, list[str]]:
    """A copy of the cache in which two sites' index files end in a truncated line."""
    import shutil

    dest = tmp_path / "broken"
    shutil.copytree(cache, dest)
    order = pd.read_csv(dest / "web" / web.SITES_FILE, dtype=str)["gm_code"].tolist()
    bad = [order[3], order[-2]]  # one in the first chunk, one in the last
    for gm in bad:
        with open(web.site_dir(dest, gm) / web.INDEX_FILE, "a", encoding="utf-8") as fh:
            fh.write('{"url": "https://x.example/", "sta\n')
    return dest, bad


def test_first_error_in_sites_order_whatever_the_workers(broken):
    dest, bad = broken
    for workers in (1, 2, 3):
        with pytest.raises(DataError) as exc:
            web.load(dest, 2014, workers=workers, progress=False)
        assert f"/{bad[0]}/" in exc.value.file and "truncated" in exc.value.rule


def test_skips_in_sites_order_whatever_the_workers(broken):
    dest, bad = broken
    audit, skips = web.load(dest, 2014, on_bad="skip", workers=1, progress=False)
    assert len(audit) == N_SITES  # the truncated lines are left out, the sites are audited
    assert [Path(f).parent.name for f in skips["file"]] == bad
    for workers in (2, 3):
        audit_n, skips_n = web.load(dest, 2014, on_bad="skip", workers=workers, progress=False)
        pd.testing.assert_frame_equal(audit_n, audit)
        pd.testing.assert_frame_equal(skips_n, skips)


def test_a_page_the_parser_cannot_read_is_reported(tmp_path):
    url = "https://www.lus.example/"
    folder = web.site_dir(tmp_path, "GM0344")
    for k, body in enumerate([b"<body><p>Bijstand aanvragen: voorwaarden.</p></body>",
                              b"<body>" + b"<div>" * 3000 + b"</body>"]):
        page = f"{url}p{k}"
        web.append_index(folder, web.index_entry(
            page, status=200, content_type="text/html", file=web.write_body(folder, page, body),
            depth=k, kind="page", fetched_at=pd.Timestamp("2014-09-15T10:00Z").to_pydatetime()))
    (tmp_path / "web" / web.SITES_FILE).write_text(f"gm_code,url\nGM0344,{url}\n")
    with pytest.raises(DataError) as exc:
        web.load(tmp_path, 2014, progress=False)
    assert (exc.value.row, exc.value.column) == (2, "file")
    assert "stopped reading the page" in exc.value.rule and exc.value.file.endswith(".html")
    audit, skips = web.load(tmp_path, 2014, on_bad="skip", progress=False)
    assert audit["pages_checked"].tolist() == [1] and skips["row"].tolist() == [2]
