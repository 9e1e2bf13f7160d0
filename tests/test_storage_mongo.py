"""The storage pipeline and the writer against a real server: documents, indexes, validator, upserts, versions."""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import scrapy
from pymongo import MongoClient
from pymongo.database import Database
from pymongo.errors import WriteError

from newscrawl.storage.bootstrap import VALIDATOR_OPTIONS
from newscrawl.storage.deadletter import read_dead_letters
from newscrawl.storage.documents import ArticleWrite, article_fields, utc
from newscrawl.storage.embedded import EmbeddedServer
from newscrawl.storage.schema import ARTICLE_SCHEMA
from newscrawl.storage.writer import ArticleWriter
from tests.mongo import CRAWL_TIME, STORED_FIELDS, article, crawl, emit, found, wait_until

RECRAWL_TIME = CRAWL_TIME + timedelta(days=1)


def test_documents_have_the_schema_and_bson_types(storage_settings: dict[str, Any], mongo_db: Database[dict[str, Any]]) -> None:
    items = [article(1), article(2, modified_at=datetime(2025, 7, 17, 1, 2, 3, 987654), description=None)]
    started = utc(datetime.now(UTC))
    stats = crawl(storage_settings, emit(items))
    assert stats["newscrawl/mongo/inserted"] == 2
    fields = list(found(mongo_db.articles.find_one({"url": "https://www.example.com/article-2/"})))
    assert fields == STORED_FIELDS
    # the server's own names for the stored BSON types
    (types,) = mongo_db.articles.aggregate(
        [
            {"$match": {"url": "https://www.example.com/article-2/"}},
            {"$project": {name: {"$type": f"${name}"} for name in fields}},
        ]
    )
    assert types == {
        "_id": "objectId",
        **dict.fromkeys(("url", "site", "title", "body", "language", "image_url", "source_url", "extractor"), "string"),
        "description": "null",
        **dict.fromkeys(("authors", "categories", "tags", "related_urls", "seen_urls"), "array"),
        **dict.fromkeys(("published_at", "modified_at", "crawled_at", "first_seen_at", "last_seen_at"), "date"),
        "content_hash": "string",
        "updated_at": "date",
    }
    stored = found(mongo_db.articles.find_one({"url": "https://www.example.com/article-2/"}, {"_id": 0}))
    assert started <= stored.pop("updated_at") <= datetime.now(UTC)  # when it was written
    assert stored == {
        **article_fields(items[1], site="unused", received_at=RECRAWL_TIME),
        "published_at": datetime(2025, 7, 16, 11, 5, 41, 123000, tzinfo=UTC),
        "modified_at": datetime(2025, 7, 17, 1, 2, 3, 987000, tzinfo=UTC),  # naive taken as UTC
        "first_seen_at": CRAWL_TIME,
        "last_seen_at": CRAWL_TIME,
        "seen_urls": ["https://example.org/article-2/?utm_source=x"],
        "content_hash": ArticleWrite.scraped(article_fields(items[1], site="", received_at=CRAWL_TIME)).content_hash,
    }
    assert mongo_db.articles.count_documents({"published_at": {"$type": "date"}}) == 2


def test_indexes_and_validator_are_in_place(storage_settings: dict[str, Any], mongo_db: Database[dict[str, Any]]) -> None:
    crawl(storage_settings, emit([article(1)]))
    indexes = {name: (spec["key"], spec.get("unique", False)) for name, spec in mongo_db.articles.index_information().items()}
    assert indexes == {
        "_id_": ([("_id", 1)], False),
        "url_unique": ([("url", 1)], True),
        "published_at_desc": ([("published_at", -1)], False),
        "site_published_at": ([("site", 1), ("published_at", -1)], False),
        "language_published_at": ([("language", 1), ("published_at", -1)], False),
        "categories_published_at": ([("categories", 1), ("published_at", -1)], False),
        "tags": ([("tags", 1)], False),
        "updated_at": ([("updated_at", 1)], False),
        "site_updated_at": ([("site", 1), ("updated_at", 1)], False),
    }
    assert set(mongo_db.article_versions.index_information()) == {"_id_", "url_replaced_at", "transition_unique"}
    (info,) = mongo_db.list_collections(filter={"name": "articles"})
    assert info["options"]["validator"] == {"$jsonSchema": ARTICLE_SCHEMA}
    assert info["options"]["validationLevel"] == "strict"
    good = found(mongo_db.articles.find_one({}, {"_id": 0}))
    with pytest.raises(WriteError) as rejected:
        mongo_db.articles.insert_one({**good, "url": "https://www.example.com/other/", "published_at": "2025-07-16"})
    assert rejected.value.code == 121
    with pytest.raises(WriteError):
        mongo_db.articles.insert_one({**good, "url": "https://www.example.com/other/", "extra": 1})


def test_validator_is_added_to_an_existing_collection(
    storage_settings: dict[str, Any], mongo_db: Database[dict[str, Any]]
) -> None:
    mongo_db.create_collection("articles")
    mongo_db.articles.create_index("url", name="url_unique", unique=True)
    crawl(storage_settings, emit([article(1)]))
    (info,) = mongo_db.list_collections(filter={"name": "articles"})
    assert info["options"]["validator"] == VALIDATOR_OPTIONS["validator"]
    # and opening again changes nothing
    crawl(storage_settings, emit([]))
    assert mongo_db.articles.count_documents({}) == 1


def test_recrawl_is_idempotent_and_touches_only_last_seen_at(
    storage_settings: dict[str, Any], mongo_db: Database[dict[str, Any]]
) -> None:
    items = [article(n) for n in range(5)]
    crawl(storage_settings, emit(items))
    before = {doc["url"]: doc for doc in mongo_db.articles.find()}
    stats = crawl(storage_settings, emit([article(n, crawled_at=RECRAWL_TIME) for n in range(5)]))
    assert stats["newscrawl/mongo/unchanged"] == 5
    assert "newscrawl/mongo/inserted" not in stats and "newscrawl/mongo/updated" not in stats
    after = {doc["url"]: doc for doc in mongo_db.articles.find()}
    assert after.keys() == before.keys()
    for url, doc in after.items():
        assert doc == {**before[url], "last_seen_at": RECRAWL_TIME}
    assert mongo_db.article_versions.count_documents({}) == 0


def test_documents_stored_before_the_extractor_field_are_still_updated(
    storage_settings: dict[str, Any], mongo_db: Database[dict[str, Any]]
) -> None:
    """The validator checks updates too: a field items gained later must not make older documents unwritable."""
    crawl(storage_settings, emit([article(1), article(2)]))
    mongo_db.articles.update_many({}, {"$unset": {"extractor": ""}})  # as stored before the field existed
    changed = article(2, title="Άλλος τίτλος", crawled_at=RECRAWL_TIME, extractor="fallback")
    stats = crawl(storage_settings, emit([article(1, crawled_at=RECRAWL_TIME, extractor="fallback"), changed]))
    assert (stats["newscrawl/mongo/unchanged"], stats["newscrawl/mongo/updated"], stats["newscrawl/mongo/deadletter_count"]) == (
        1,
        1,
        0,
    )
    same, updated = mongo_db.articles.find().sort("url")
    # the same content read by another extractor is no new version, and keeps saying what read it
    assert "extractor" not in same and same["last_seen_at"] == RECRAWL_TIME
    assert updated["extractor"] == "fallback" and updated["title"] == "Άλλος τίτλος"
    assert mongo_db.article_versions.count_documents({}) == 1


def test_changed_content_updates_and_keeps_the_previous_version(
    storage_settings: dict[str, Any], mongo_db: Database[dict[str, Any]]
) -> None:
    crawl(storage_settings, emit([article(n) for n in range(3)]))
    old = found(mongo_db.articles.find_one({"url": "https://www.example.com/article-1/"}))
    recrawl = [
        article(0, crawled_at=RECRAWL_TIME),
        article(
            1,
            crawled_at=RECRAWL_TIME,
            body="Διορθωμένο κείμενο.",
            tags=["Νέα Υόρκη"],
            source_url="https://www.example.com/article-1/",
        ),
        article(2, crawled_at=RECRAWL_TIME),
    ]
    stats = crawl(storage_settings, emit(recrawl))
    assert (
        stats["newscrawl/mongo/updated"],
        stats["newscrawl/mongo/unchanged"],
        stats["newscrawl/mongo/versions"],
    ) == (1, 2, 1)
    new = found(mongo_db.articles.find_one({"url": "https://www.example.com/article-1/"}))
    assert new["body"] == "Διορθωμένο κείμενο." and new["tags"] == ["Νέα Υόρκη"]
    assert new["_id"] == old["_id"]
    assert new["first_seen_at"] == CRAWL_TIME and new["last_seen_at"] == new["crawled_at"] == RECRAWL_TIME
    assert new["source_url"] == "https://www.example.com/article-1/"
    assert set(new["seen_urls"]) == {"https://example.org/article-1/?utm_source=x", "https://www.example.com/article-1/"}
    assert new["content_hash"] != old["content_hash"]
    (version,) = mongo_db.article_versions.find({}, {"_id": 0})
    assert version == {
        "url": "https://www.example.com/article-1/",
        "content_hash": old["content_hash"],
        "replaced_by": new["content_hash"],
        "replaced_at": version["replaced_at"],
        "changed": {"body": old["body"], "tags": old["tags"]},
    }
    assert abs(version["replaced_at"] - datetime.now(UTC)) < timedelta(minutes=1)
    # recrawling the new content again is a no-op
    stats = crawl(storage_settings, emit(recrawl))
    assert stats["newscrawl/mongo/unchanged"] == 3
    assert mongo_db.article_versions.count_documents({}) == 1


def test_an_older_crawl_does_not_overwrite_newer_content(mongo_db: Database[dict[str, Any]]) -> None:
    """A dead letter replayed after a later crawl stored newer content keeps the newer content."""
    writer = ArticleWriter(mongo_db.articles, mongo_db.article_versions)
    newer = ArticleWrite.scraped(
        article_fields(article(1, title="Νεότερος", crawled_at=RECRAWL_TIME), site="", received_at=RECRAWL_TIME)
    )
    older = ArticleWrite.scraped(article_fields(article(1, source_url="https://example.com/x"), site="", received_at=CRAWL_TIME))
    assert writer.write([newer]).counts == {"inserted": 1}
    assert writer.write([older]).counts == {"stale": 1}
    document = found(mongo_db.articles.find_one())
    assert document["title"] == "Νεότερος"
    assert document["first_seen_at"] == CRAWL_TIME and document["last_seen_at"] == RECRAWL_TIME
    assert "https://example.com/x" in document["seen_urls"]
    assert mongo_db.article_versions.count_documents({}) == 0


def test_writes_are_batched(
    storage_settings: dict[str, Any], mongo_db: Database[dict[str, Any]], mongo_commands: list[str]
) -> None:
    count, batch_size = 250, 100
    stats = crawl({**storage_settings, "MONGO_BATCH_SIZE": batch_size}, emit([article(n) for n in range(count)]))
    assert stats["newscrawl/mongo/inserted"] == count
    batches = math.ceil(count / batch_size)
    assert stats["newscrawl/mongo/batches"] == batches
    assert mongo_commands.count("insert") == batches  # one bulk write per batch, never one per item
    assert mongo_commands.count("update") == 0
    assert mongo_commands.count("find") == batches  # the stored hashes of a batch's URLs, in one query
    mongo_commands.clear()
    stats = crawl({**storage_settings, "MONGO_BATCH_SIZE": batch_size}, emit([article(n) for n in range(count)]))
    assert stats["newscrawl/mongo/unchanged"] == count
    assert (mongo_commands.count("update"), mongo_commands.count("find"), mongo_commands.count("insert")) == (
        batches,
        batches,
        0,
    )
    assert mongo_db.articles.count_documents({}) == count


def test_a_slow_crawl_is_flushed_by_time(storage_settings: dict[str, Any], mongo_db: Database[dict[str, Any]]) -> None:
    stored_during_crawl = []

    async def script(spider: scrapy.Spider) -> AsyncIterator[Any]:
        for n in range(3):
            yield article(n)
        # nothing more comes for a while: the buffered articles must not wait for the close
        await wait_until(lambda: mongo_db.articles.count_documents({}) == 3, timeout=5)
        stored_during_crawl.append(mongo_db.articles.count_documents({}))

    stats = crawl({**storage_settings, "MONGO_FLUSH_INTERVAL": 0.2}, script)
    assert stored_during_crawl == [3]
    assert stats["newscrawl/mongo/inserted"] == 3


def test_dict_items_are_stored(storage_settings: dict[str, Any], mongo_db: Database[dict[str, Any]]) -> None:
    item = {"url": "https://www.example.com/plain/", "title": "Plain", "body": "Text.", "crawled_at": CRAWL_TIME}
    crawl(storage_settings, emit([item]))
    document = found(mongo_db.articles.find_one({}, {"_id": 0, "content_hash": 0}))
    assert document["site"] == "synthetic"  # the spider's name
    assert document["authors"] == [] and document["published_at"] is None
    assert document["seen_urls"] == ["https://www.example.com/plain/"]


def test_documents_the_server_refuses_go_to_the_dead_letter_file(
    storage_settings: dict[str, Any], mongo_db: Database[dict[str, Any]], data_dir: Any
) -> None:
    items = [article(1), article(2, url="urn:not-a-web-address"), article(3)]
    # kept by the validation pipeline (which would drop it), so that the server's validator refuses it
    stats = crawl({**storage_settings, "NEWSCRAWL_DROP_INVALID_ARTICLES": False}, emit(items))
    assert stats["newscrawl/mongo/inserted"] == 2
    assert stats["newscrawl/mongo/deadletter_count"] == 1
    assert stats["newscrawl/mongo/deadletter_reasons_count/DocumentValidationFailure"] == 1
    (path,) = (data_dir / "deadletter").glob("synthetic-*.jsonl")
    (letter,) = read_dead_letters(path)
    assert letter.write.url == "urn:not-a-web-address"
    assert letter.reason == "DocumentValidationFailure"
    assert letter.write.fields == article_fields(items[1], site="", received_at=CRAWL_TIME)


def test_a_server_refusing_validators_is_reported_and_storage_goes_on(
    own_server: EmbeddedServer, data_dir: Any, caplog: pytest.LogCaptureFixture
) -> None:
    admin: MongoClient[dict[str, Any]] = MongoClient(own_server.uri)
    admin.admin.command(
        "configureFailPoint",
        "failCommand",
        mode="alwaysOn",
        data={"failCommands": ["create", "collMod"], "errorCode": 59},  # CommandNotFound
    )
    with caplog.at_level(logging.WARNING, logger="newscrawl"):
        stats = crawl({"MONGO_URI": own_server.uri, "NEWSCRAWL_DATA_DIR": str(data_dir)}, emit([article(1)]))
    assert stats["newscrawl/mongo/validator"] is False
    assert stats["newscrawl/mongo/inserted"] == 1
    assert [record.getMessage() for record in caplog.records] == [
        "MongoDB storage: the server refused the $jsonSchema validator on newscrawl.articles "
        "(Failing command via 'failCommand' failpoint, code 59); "
        "documents are written without server-side validation"
    ]
    assert "url_unique" in admin.newscrawl.articles.index_information()
