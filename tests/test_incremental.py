"""Scheduled runs fetch only what is new or changed (MongoDB holds what is stored)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pymongo.database import Database

from bench import storegen
from newscrawl.incremental import LOOKUP_BATCH
from tests.harness import Crawl
from tests.harness import crawl as run
from tests.mongo import CommandLog, plan_indexes
from tests.sites import FixtureSite
from tools.fixture_server import FixtureServer

IPROINI = FixtureSite("iproini")
DAY2 = IPROINI.directory / "day2"
EXPECTED_DAY2 = json.loads((IPROINI.directory / "expected-day2.json").read_text(encoding="utf-8"))
LISTINGS = {"/robots.txt", "/", "/sitemap_index.xml", "/post-sitemap.xml", "/feed/"}
SECTIONS = {f"/category/{s}/" for s in ("ellada", "kypros", "omogeneia", "world", "opinion", "english-edition")}
#: stored articles of the site no page of the copy links to
ARCHIVE = 2000

Crawler = Callable[..., Crawl]


def without_shortlinks(paths: list[str]) -> set[str]:
    """Paths fetched, less /?p=N lookups (made or not depending on the order pages arrive in)."""
    return {path for path in paths if not path.startswith("/?p=")}


@pytest.fixture
def crawl(mongo_uri: str, mongo_db: Database[dict[str, Any]], tmp_path: Path) -> Crawler:
    """Crawl a served copy incrementally (a copy is crawled in full unless asked) into this test's database."""

    def crawl(server: FixtureServer, **arguments: str) -> Crawl:
        settings = {"MONGO_URI": mongo_uri, "MONGO_DATABASE": mongo_db.name, "NEWSCRAWL_DATA_DIR": str(tmp_path)}
        result = run(IPROINI.spider, settings, base_url=server.url, **{"full": "0", **arguments})
        assert result.error is None and result.stat("finish_reason", None) == "finished"
        return result

    return crawl


def test_a_second_run_with_nothing_new_reads_only_listing_pages(crawl: Crawler, mongo_db: Database[dict[str, Any]]) -> None:
    with FixtureServer("iproini") as server:
        crawl(server)
        first = list(server.requests)
        server.requests.clear()
        second_run = crawl(server)
        second = list(server.requests)
    assert mongo_db.articles.count_documents({}) == len(IPROINI.expected)
    # Home, robots.txt (twice), sitemaps, feed and the first page of each of the six sections: no article, no page 2.
    assert set(second) == LISTINGS | SECTIONS
    assert len(second) == 12  # of 47 or 48 in the first run (shortlink lookups depend on crawl order)
    assert len(first) > 3 * len(second)
    assert f"Incremental crawl: {len(IPROINI.expected)} stored articles of iproini were not fetched again" in second_run.text
    assert second_run.stat("newscrawl/incremental/pagination_stopped_stored") == 6
    assert second_run.stat("item_scraped_count") == 0


def test_a_run_reads_only_the_stored_articles_it_links_to(
    crawl: Crawler, mongo_db: Database[dict[str, Any]], mongo_log: CommandLog
) -> None:
    """However large the archive, a run asks the store about the articles its pages link to, a batch at a
    time, and reads each of their documents once: start-up and memory do not grow with the archive."""
    with FixtureServer("iproini") as server:
        crawl(server)
        mongo_db.articles.insert_many(list(storegen.documents(ARCHIVE)))  # older articles no page links to
        server.requests.clear()
        mongo_log.start()
        result = crawl(server)
        requests = set(server.requests)
    assert requests == LISTINGS | SECTIONS  # as with nothing else stored
    lookups = [command for command in mongo_log.commands if command.get("find") == "articles"]
    assert len(lookups) == result.stat("newscrawl/incremental/stored_lookups") > 0
    for command in lookups:  # by the url index, however large the archive
        assert list(command["filter"]) == ["url"] and len(command["filter"]["url"]["$in"]) <= 2 * LOOKUP_BATCH
        plan = mongo_db.command({"explain": command, "verbosity": "queryPlanner"})
        assert set(plan_indexes(plan)) == {"url_unique"}
    assert mongo_log.documents_read["articles"] == len(IPROINI.expected)
    assert mongo_db.articles.count_documents({}) == len(IPROINI.expected) + ARCHIVE


def test_the_next_day_stores_exactly_the_new_and_the_edited_articles(crawl: Crawler, mongo_db: Database[dict[str, Any]]) -> None:
    with FixtureServer("iproini") as server:
        crawl(server)
    before = {doc["url"]: doc for doc in mongo_db.articles.find()}
    # The same origin the next day: what a copy stored counts only for crawls of that copy.
    with FixtureServer("iproini", DAY2, IPROINI.root, port=int(server.url.rsplit(":", 1)[1])) as server:
        result = crawl(server)
        fetched = [path for path in server.requests if path not in LISTINGS and not path.startswith("/category/")]
    after = {doc["url"]: doc for doc in mongo_db.articles.find()}
    assert set(after) - set(before) == set(EXPECTED_DAY2["new"])
    [edited] = EXPECTED_DAY2["edited"]
    changed = {url for url in before if before[url]["content_hash"] != after[url]["content_hash"]}
    assert changed == {edited}
    # what downstream asks "what is new or changed since" by
    assert {url for url in after if url not in before or after[url]["updated_at"] != before[url]["updated_at"]} == {
        edited,
        *EXPECTED_DAY2["new"],
    }
    assert after[edited]["title"] == next(a["title"] for a in EXPECTED_DAY2["articles"] if a["url"] == edited)
    assert mongo_db.article_versions.count_documents({"url": edited}) == 1
    # Fetched: the three new articles, the edited one (its sitemap lastmod is newer), one shortlink.
    assert len([p for p in fetched if not p.startswith("/?p=")]) == 4
    assert result.stat("newscrawl/mongo/inserted") == 3 and result.stat("newscrawl/mongo/updated") == 1


def test_full_ignores_what_is_stored(crawl: Crawler, mongo_db: Database[dict[str, Any]]) -> None:
    with FixtureServer("iproini") as server:
        crawl(server)
        first = without_shortlinks(server.requests)
        server.requests.clear()
        result = crawl(server, full="1")
        assert without_shortlinks(server.requests) == first
    assert mongo_db.articles.count_documents({}) == len(IPROINI.expected)
    assert result.stat("item_scraped_count") == len(IPROINI.expected)
    assert "Incremental crawl" not in result.text


def test_since_stops_at_archive_pages_older_than_the_date(crawl: Crawler) -> None:
    with FixtureServer("iproini") as server:
        result = crawl(server, full="1", since="2025-07-10")
        requests = set(server.requests)
    # An archive page is read only while the page before it lists nothing older than 10 July.
    assert {path for path in requests if "/page/" in path} == {
        "/category/ellada/page/2/", "/category/world/page/2/",
        "/category/english-edition/page/2/", "/category/english-edition/page/3/",
    }  # fmt: skip
    assert result.stat("newscrawl/incremental/pagination_stopped_since") == 6
    assert result.stat("newscrawl/incremental/sitemap_skipped_since") == 13
