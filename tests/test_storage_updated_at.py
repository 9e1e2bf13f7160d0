"""``updated_at``, what downstream consumers ask "what is new or changed since T" by: it moves exactly
when a document is inserted or its content changes, against the real server and its validator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.database import Database

from newscrawl.storage import bootstrap
from newscrawl.storage.documents import ArticleWrite, utc
from newscrawl.storage.writer import ArticleWriter
from tests.mongo import CRAWL_TIME, RECRAWL_TIME, scraped
from tests.mongo import article_url as url

#: when the stored documents were written, as the tests set it
EARLIER = CRAWL_TIME - timedelta(days=2)
OLDER_CRAWL = CRAWL_TIME - timedelta(days=1)


def updated_at(database: Database[dict[str, Any]]) -> dict[str, Any]:
    return {doc["url"]: doc.get("updated_at") for doc in database.articles.find()}


@pytest.fixture
def writer(mongo_db: Database[dict[str, Any]]) -> ArticleWriter:
    """A writer on a validated store holding articles 0 to 4, crawled at CRAWL_TIME and written at EARLIER."""
    bootstrap.prepare(mongo_db, "articles", "article_versions")
    writer = ArticleWriter(mongo_db.articles, mongo_db.article_versions)
    before = utc(datetime.now(UTC))
    assert writer.write([scraped(n, crawled_at=CRAWL_TIME) for n in range(5)]).counts == {"inserted": 5}
    stamps = updated_at(mongo_db)
    assert len(set(stamps.values())) == 1 and before <= stamps[url(0)] <= datetime.now(UTC)  # the time of the write
    mongo_db.articles.update_many({}, {"$set": {"updated_at": EARLIER}})
    return writer


def test_only_an_insert_or_a_content_change_moves_it(writer: ArticleWriter, mongo_db: Database[dict[str, Any]]) -> None:
    before = utc(datetime.now(UTC))
    result = writer.write(
        [
            scraped(0),  # the same content
            scraped(1, title="Διορθωμένος τίτλος"),  # edited
            scraped(2, crawled_at=OLDER_CRAWL, title="Παλιός τίτλος"),  # an older crawl, other content
            ArticleWrite(url(3), seen_urls={"https://example.org/copy-of-3/"}),  # a duplicate's URL
            scraped(9),  # new
        ]
    )
    assert result.counts == {"unchanged": 1, "updated": 1, "stale": 1, "merged": 1, "inserted": 1, "versions": 1}
    stamps = updated_at(mongo_db)
    assert {name for name, stamp in stamps.items() if stamp == EARLIER} == {url(0), url(2), url(3), url(4)}
    assert before <= stamps[url(1)] == stamps[url(9)] <= datetime.now(UTC)


def test_documents_stored_before_it_validate_and_get_it_on_their_next_write(
    writer: ArticleWriter, mongo_db: Database[dict[str, Any]]
) -> None:
    mongo_db.articles.update_many({}, {"$unset": {"updated_at": ""}})  # as stored before the field existed
    result = writer.write(
        [
            scraped(0),
            scraped(1, title="Διορθωμένος τίτλος"),
            scraped(2, crawled_at=OLDER_CRAWL, title="Παλιός τίτλος"),
            ArticleWrite(url(3), seen_urls={"https://example.org/copy-of-3/"}),
        ]
    )
    assert result.rejected == []  # the strict validator lets them be updated
    stamps = updated_at(mongo_db)
    # the content unchanged: when it was fetched; changed: the time of the write; not written: still none
    assert {name: stamps[name] for name in (url(0), url(2), url(3), url(4))} == {
        url(0): CRAWL_TIME,
        url(2): CRAWL_TIME,
        url(3): CRAWL_TIME,
        url(4): None,
    }
    assert stamps[url(1)] > RECRAWL_TIME


def test_a_repair_moves_it_only_when_the_content_changes(writer: ArticleWriter, mongo_db: Database[dict[str, Any]]) -> None:
    assert writer.write([scraped(n, crawled_at=CRAWL_TIME) for n in (5, 6)]).counts == {"inserted": 2}
    no_time: dict[str, Any] = {"$unset": {"updated_at": ""}, "$set": {"crawled_at": "2025-07-16", "first_seen_at": EARLIER}}
    damages: list[tuple[int, dict[str, Any]]] = [
        (0, {"$set": {"seen_urls": "https://example.org/article-0/"}}),  # the content intact
        (1, {"$unset": {"content_hash": ""}}),  # the content intact, its hash lost
        (2, {"$unset": {"body": ""}}),  # the content damaged
        (3, {"$set": {"updated_at": "2025-07-14"}}),  # the time itself damaged
        (5, no_time),  # no time, and when it was fetched lost: the last crawl that found it
        (6, {**no_time, "$set": {**no_time["$set"], "last_seen_at": "2025-07-16"}}),  # that lost too: this crawl
    ]
    for n, update in damages:
        mongo_db.articles.update_one({"url": url(n)}, update, bypass_document_validation=True)
    before = utc(datetime.now(UTC))
    result = writer.write([scraped(n) for n in (0, 1, 2, 3, 5, 6)] + [scraped(4, title="Διορθωμένος τίτλος")])
    assert result.counts == {"repaired": 6, "updated": 1, "versions": 1}
    stamps = updated_at(mongo_db)
    assert {name: stamps[name] for name in (url(0), url(1), url(3), url(5), url(6))} == {
        url(0): EARLIER,
        url(1): EARLIER,
        url(3): CRAWL_TIME,
        url(5): CRAWL_TIME,  # not first_seen_at (EARLIER): the article may have had other content then
        url(6): RECRAWL_TIME,
    }
    assert before <= stamps[url(2)] == stamps[url(4)] <= datetime.now(UTC)
