"""Scheduled runs fetch only what is new or changed (MongoDB holds what is stored)."""

from __future__ import annotations

import json

import pytest
from pymongo.database import Database

from newscrawl.fixture_server import DEFAULT_ROOT, FixtureServer
from tests.conftest import run_crawl

DAY2 = DEFAULT_ROOT.parent / "day2"
EXPECTED_DAY2 = json.loads((DEFAULT_ROOT.parent / "expected-day2.json").read_text(encoding="utf-8"))
LISTINGS = {"/robots.txt", "/", "/sitemap_index.xml", "/post-sitemap.xml", "/feed/"}


def without_shortlinks(paths: list[str]) -> set[str]:
    """Paths fetched, less /?p=N lookups (made or not depending on the order pages arrive in)."""
    return {path for path in paths if not path.startswith("/?p=")}


@pytest.fixture
def crawl(mongo_uri: str, mongo_db: Database, tmp_path):
    """Run ``scrapy crawl iproini`` against a server into this test's database; return its log."""

    def run(server: FixtureServer, *args: str) -> str:
        process = run_crawl(
            "iproini", "-a", f"base_url={server.url}", "-a", "full=0", *args,  # a copy: incremental on request
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO",
            env={"MONGO_URI": mongo_uri, "MONGO_DATABASE": mongo_db.name, "NEWSCRAWL_DATA_DIR": str(tmp_path)},
        )  # fmt: skip
        assert process.returncode == 0, process.stderr[-3000:]
        return process.stderr

    return run


def test_a_second_run_with_nothing_new_reads_only_listing_pages(crawl, mongo_db, expected_articles):
    with FixtureServer() as server:
        crawl(server)
        first = list(server.requests)
        server.requests.clear()
        log = crawl(server)
        second = list(server.requests)
    assert mongo_db.articles.count_documents({}) == len(expected_articles)
    # Home, sitemaps, feed and the first page of each of the six sections: no article, no page 2.
    assert set(second) == LISTINGS | {f"/category/{s}/" for s in ("ellada", "kypros", "omogeneia", "world", "opinion", "english-edition")}
    assert len(second) == 11  # of 46 or 47 in the first run (shortlink lookups depend on crawl order)
    assert len(first) > 4 * len(second)
    assert f"Incremental crawl: {len(expected_articles)} stored articles of iproini will not be fetched again" in log
    assert "'newscrawl/incremental/pagination_stopped_stored': 6" in log
    assert "item_scraped_count" not in log.rsplit("Dumping Scrapy stats", 1)[1]


def test_the_next_day_stores_exactly_the_new_and_the_edited_articles(crawl, mongo_db, expected_articles):
    with FixtureServer() as server:
        crawl(server)
    before = {doc["url"]: doc for doc in mongo_db.articles.find()}
    # The same origin the next day: what a copy stored counts only for crawls of that copy.
    with FixtureServer(DAY2, DEFAULT_ROOT, port=int(server.url.rsplit(":", 1)[1])) as server:
        log = crawl(server)
        fetched = [path for path in server.requests if path not in LISTINGS and not path.startswith("/category/")]
    after = {doc["url"]: doc for doc in mongo_db.articles.find()}
    assert set(after) - set(before) == set(EXPECTED_DAY2["new"])
    [edited] = EXPECTED_DAY2["edited"]
    changed = {url for url in before if before[url]["content_hash"] != after[url]["content_hash"]}
    assert changed == {edited}
    assert after[edited]["title"] == next(a["title"] for a in EXPECTED_DAY2["articles"] if a["url"] == edited)
    assert mongo_db.article_versions.count_documents({"url": edited}) == 1
    # Fetched: the three new articles, the edited one (its sitemap lastmod is newer), one shortlink.
    assert len([p for p in fetched if not p.startswith("/?p=")]) == 4
    assert "'newscrawl/mongo/inserted': 3" in log and "'newscrawl/mongo/updated': 1" in log


def test_full_ignores_what_is_stored(crawl, mongo_db, expected_articles):
    with FixtureServer() as server:
        crawl(server)
        first = without_shortlinks(server.requests)
        server.requests.clear()
        log = crawl(server, "-a", "full=1")
        assert without_shortlinks(server.requests) == first
    assert mongo_db.articles.count_documents({}) == len(expected_articles)
    assert f"'item_scraped_count': {len(expected_articles)}" in log
    assert "Incremental crawl" not in log


def test_since_stops_at_archive_pages_older_than_the_date(crawl, mongo_db):
    with FixtureServer() as server:
        log = crawl(server, "-a", "full=1", "-a", "since=2025-07-10")
        requests = set(server.requests)
    # An archive page is read only while the page before it lists nothing older than 10 July.
    assert {path for path in requests if "/page/" in path} == {
        "/category/ellada/page/2/", "/category/world/page/2/",
        "/category/english-edition/page/2/", "/category/english-edition/page/3/",
    }
    assert "'newscrawl/incremental/pagination_stopped_since': 6" in log
    assert "'newscrawl/incremental/sitemap_skipped_since': 13" in log


def test_since_must_be_a_date(crawl, tmp_path, fixture_server):
    process = run_crawl("iproini", "-a", f"base_url={fixture_server.url}", "-a", "since=yesterday", env={"NEWSCRAWL_DATA_DIR": str(tmp_path)})
    assert process.returncode != 0
    assert "since must be a date like 2025-07-01, got 'yesterday'" in process.stderr
