"""What an incremental crawl asks the store, against the real server: the articles its links lead to,
under either form of the trailing slash, each document read once, damaged ones fetched again; and
what it does when the store stops answering."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import scrapy
from pymongo import MongoClient
from pymongo.database import Database

from newscrawl.incremental import LOOKUP_BATCH, StoredArticles, url_forms
from newscrawl.storage.documents import ArticleWrite, article_fields
from newscrawl.storage.embedded import EmbeddedServer
from newscrawl.storage.extension import Storage
from newscrawl.urls import SiteUrls
from tests.mongo import CRAWL_TIME, CommandLog, article, crawl

LIVE = SiteUrls("https://www.example.com", ["example.com", "example.org"])


def stored(n: int, **fields: Any) -> dict[str, Any]:
    values = {"url": f"https://www.example.com/article-{n}/", "source_url": f"https://www.example.com/article-{n}/", **fields}
    return ArticleWrite.scraped(article_fields(article(n, **values), site="", received_at=CRAWL_TIME)).document(CRAWL_TIME)


def key(n: int) -> str:
    return LIVE.key(f"https://www.example.com/article-{n}/")


def test_url_forms() -> None:
    assert url_forms("https://www.example.com/a") == ["https://www.example.com/a", "https://www.example.com/a/"]
    assert url_forms("https://www.example.com?p=5") == ["https://www.example.com/?p=5"]
    assert url_forms("https://www.example.com/a?x=1") == ["https://www.example.com/a?x=1", "https://www.example.com/a/?x=1"]


def test_links_are_looked_up_as_they_are_keyed(mongo_db: Database[dict[str, Any]], mongo_log: CommandLog) -> None:
    mongo_db.articles.insert_many(
        [
            stored(1),
            stored(2, url="https://www.example.com/article-2"),  # stored without the trailing slash
            stored(3, source_url="http://127.0.0.1:8000/article-3/"),  # fetched from a copy of the site
            {**stored(4), "body": ""},  # damaged
            stored(5, site="other"),  # another site's
            *(stored(n) for n in range(100, 200)),  # stored, never linked
        ]
    )
    counts: Counter[str] = Counter()

    async def find(urls: list[str]) -> list[dict[str, Any]]:
        query = {"site": "example", "url": {"$in": urls}}
        return await asyncio.to_thread(lambda: list(mongo_db.articles.find(query)))

    articles = StoredArticles(LIVE, find, lambda name, value: counts.update({name: value}))
    linked = [key(n) for n in range(1, 7)] + [key(n) for n in range(1000, 1000 + LOOKUP_BATCH)]

    async def pages() -> None:
        # two pages at once, one linking what the other does: each document is read once
        await asyncio.gather(articles.look_up(linked), articles.look_up(reversed(linked)))
        await articles.look_up([key(4)])

    asyncio.run(pages())
    assert [n for n in range(1, 7) if key(n) in articles] == [1, 2]
    assert articles.is_current(key(1)) and articles.is_current(key(2), "2025-07-16T12:00:00+00:00")
    assert not articles.is_current(key(1), "2025-07-16T12:00:01+00:00")  # modified since it was crawled
    assert counts == {"incremental/stored_lookups": 2, "incremental/unreadable_stored": 1}
    assert mongo_log.documents_read["articles"] == 4  # 1, 2, 3 and 4: never the unlinked ones


def test_a_store_that_stops_answering_leaves_the_rest_of_the_run_fetching_everything(
    own_server: EmbeddedServer, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    admin: MongoClient[dict[str, Any]] = MongoClient(own_server.uri)
    found: list[bool] = []

    async def script(spider: scrapy.Spider) -> AsyncIterator[Any]:
        storage = spider.crawler.get_extension(Storage)
        assert storage is not None

        def count(name: str, value: int) -> None:
            spider.crawler.stats.inc_value(f"newscrawl/{name}", value)

        articles = storage.stored_articles("example", LIVE, count)
        admin.admin.command(
            "configureFailPoint",
            "failCommand",
            mode="alwaysOn",
            data={"failCommands": ["find"], "appName": "newscrawl", "closeConnection": True},
        )
        try:
            await articles.look_up([key(1), key(2)])
            await articles.look_up([key(3)])  # not asked: the store did not answer
        finally:
            admin.admin.command("configureFailPoint", "failCommand", mode="off")
        found.extend(key(n) in articles for n in (1, 2, 3))
        items: list[Any] = []  # none: the script only looks the articles up
        for item in items:
            yield item

    settings = {"MONGO_URI": own_server.uri, "NEWSCRAWL_DATA_DIR": str(data_dir), "MONGO_TIMEOUT": 1.0}
    settings |= {"MONGO_RETRY_ATTEMPTS": 2, "MONGO_RETRY_BACKOFF": 0.05}
    admin.newscrawl.articles.insert_one(stored(1))
    with caplog.at_level(logging.WARNING):
        stats = crawl(settings, script)
    assert found == [False, False, False]
    assert (stats["newscrawl/incremental/stored_lookups"], stats["newscrawl/incremental/lookup_failed"]) == (1, 1)
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("newscrawl")]
    assert warning.startswith("Incremental crawl: the store did not answer (AutoReconnect: ")
    assert warning.endswith("); the rest of this run fetches every article it finds")
