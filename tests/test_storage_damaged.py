"""A store holding damaged documents (written before the validator, or past it) against the real server:
a crawl repairs them, a write that cannot is refused alone, and no version records a change that did not happen."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from bson import DatetimeMS, ObjectId
from pymongo import ReplaceOne
from pymongo.database import Database

from newscrawl.incremental import stamps_of
from newscrawl.items import ARTICLE_FIELDS
from newscrawl.storage import bootstrap
from newscrawl.storage.deadletter import DeadLetterFile
from newscrawl.storage.documents import ArticleWrite
from newscrawl.storage.embedded import EmbeddedServer
from newscrawl.storage.plan import DAMAGED, plan_write
from newscrawl.storage.schema import ARTICLE_SCHEMA, stored_document_errors
from newscrawl.storage.writer import ArticleWriter, Rejection
from newscrawl.urls import SiteUrls
from tests.conftest import PROJECT_ROOT
from tests.mongo import CRAWL_TIME, RECRAWL_TIME, STORED_FIELDS, WriteRace, article, crawl, emit, found, scraped
from tests.mongo import article_url as url

EARLIER = CRAWL_TIME - timedelta(days=3)


@pytest.fixture
def writer(mongo_db: Database[dict[str, Any]]) -> ArticleWriter:
    bootstrap.prepare(mongo_db, "articles", "article_versions")
    writer = ArticleWriter(mongo_db.articles, mongo_db.article_versions)
    assert writer.write([scraped(n, crawled_at=CRAWL_TIME) for n in range(6)]).counts == {"inserted": 6}
    return writer


def damage(database: Database[dict[str, Any]], n: int, update: dict[str, Any] | list[dict[str, Any]]) -> None:
    """Change a stored document past the validator, as an old release or another tool could have."""
    result = database.articles.update_one({"url": url(n)}, update, bypass_document_validation=True)
    assert result.modified_count == 1


def assert_well_typed(database: Database[dict[str, Any]]) -> None:
    assert database.articles.count_documents({"$nor": [{"$jsonSchema": ARTICLE_SCHEMA}]}) == 0
    for document in database.articles.find():
        assert stored_document_errors(document) == {}, document["url"]
        assert list(document) == STORED_FIELDS


def test_a_crawl_repairs_each_kind_of_damage_in_one_batch(writer: ArticleWriter, mongo_db: Database[dict[str, Any]]) -> None:
    damage(mongo_db, 0, {"$unset": {"content_hash": ""}})
    damage(mongo_db, 1, {"$unset": {"body": ""}})
    damage(mongo_db, 2, {"$set": {"crawled_at": "2025-07-16T12:00:00Z"}})
    damage(mongo_db, 3, {"$set": {"seen_urls": "https://example.org/article-3/old"}})
    damage(mongo_db, 4, {"$set": {"first_seen_at": "yesterday", "last_seen_at": None, "legacy_id": 17}})
    before = {doc["url"]: doc for doc in mongo_db.articles.find()}
    batch = [scraped(n) for n in range(6)] + [scraped(9)]
    result = writer.write(batch)
    assert result.counts == {"repaired": 5, "unchanged": 1, "inserted": 1}
    assert result.rejected == []
    assert sorted(result.repaired) == [
        (url(0), "content_hash: missing"),
        (url(1), "body: missing"),
        (url(2), "crawled_at: wrong type"),
        (url(3), "seen_urls: wrong type"),
        (url(4), "first_seen_at: wrong type; last_seen_at: wrong type; legacy_id: unexpected"),
    ]
    assert_well_typed(mongo_db)
    after = {doc["url"]: doc for doc in mongo_db.articles.find()}
    for n in range(5):
        document = after[url(n)]
        assert document["_id"] == before[url(n)]["_id"]
        assert {name: document[name] for name in ARTICLE_FIELDS} == batch[n].fields
        assert document["content_hash"] == batch[n].content_hash
        assert document["last_seen_at"] == RECRAWL_TIME
        # first_seen_at kept where valid; else the earliest date left (the stored crawled_at)
        assert document["first_seen_at"] == CRAWL_TIME
    assert after[url(2)]["crawled_at"] == RECRAWL_TIME
    assert after[url(3)]["seen_urls"] == ["https://example.org/article-3/?utm_source=x", "https://example.org/article-3/old"]
    assert "legacy_id" not in after[url(4)]
    # the content did not change: nothing to keep as a version
    assert mongo_db.article_versions.count_documents({}) == 0
    # and the repaired documents are healthy: the next crawl finds them unchanged
    assert writer.write([scraped(n) for n in range(6)]).counts == {"unchanged": 6}


@pytest.mark.parametrize("name", ["legacy.id", "$where", "$gt"])
def test_a_field_named_like_a_path_or_an_operator_is_repaired(
    writer: ArticleWriter, mongo_db: Database[dict[str, Any]], name: str
) -> None:
    """MongoDB 5+ stores such names; the repair's guard must read them as fields, not as a path or an operator."""
    set_field = {"$setField": {"field": {"$literal": name}, "input": "$$ROOT", "value": {"$literal": {"$in": [1]}}}}
    damage(mongo_db, 1, [{"$replaceWith": set_field}])  # an update pipeline
    damage(mongo_db, 2, {"$unset": {"content_hash": ""}})
    assert name in found(mongo_db.articles.find_one({"url": url(1)}))
    result = writer.write([scraped(1), scraped(2)])
    assert result.counts == {"repaired": 2}  # no conflict: nobody else wrote
    assert result.rejected == []
    assert result.repaired == [(url(1), f"{name}: unexpected"), (url(2), "content_hash: missing")]
    assert_well_typed(mongo_db)
    assert writer.write([scraped(1), scraped(2)]).counts == {"unchanged": 2}


def test_first_seen_at_comes_from_the_earliest_valid_date(writer: ArticleWriter, mongo_db: Database[dict[str, Any]]) -> None:
    damage(mongo_db, 1, {"$set": {"first_seen_at": "2025-07-13", "last_seen_at": EARLIER, "crawled_at": 42}})
    assert writer.write([scraped(1)]).counts == {"repaired": 1}
    document = found(mongo_db.articles.find_one({"url": url(1)}))
    assert (document["first_seen_at"], document["last_seen_at"]) == (EARLIER, RECRAWL_TIME)


def test_changed_content_of_a_damaged_document_is_kept_as_a_version(
    writer: ArticleWriter, mongo_db: Database[dict[str, Any]]
) -> None:
    """Damage outside the content (here the old ``seen_urls`` as a string) leaves the old content a version."""
    damage(mongo_db, 1, {"$set": {"seen_urls": url(1)}})
    old = found(mongo_db.articles.find_one({"url": url(1)}))
    new = scraped(1, title="Διορθωμένος τίτλος")
    assert writer.write([new]).counts == {"repaired": 1, "versions": 1}
    (version,) = mongo_db.article_versions.find({}, {"_id": 0, "replaced_at": 0})
    assert version == {
        "url": url(1),
        "content_hash": old["content_hash"],
        "replaced_by": new.content_hash,
        "changed": {"title": old["title"]},
    }
    document = found(mongo_db.articles.find_one({"url": url(1)}))
    assert document["title"] == "Διορθωμένος τίτλος"
    assert document["seen_urls"] == ["https://example.org/article-1/?utm_source=x", url(1)]


def test_damaged_content_is_replaced_without_a_version(writer: ArticleWriter, mongo_db: Database[dict[str, Any]]) -> None:
    damage(mongo_db, 1, {"$set": {"title": ["not", "a", "string"]}})
    assert writer.write([scraped(1, title="Νέος τίτλος")]).counts == {"repaired": 1}
    assert mongo_db.article_versions.count_documents({}) == 0
    assert found(mongo_db.articles.find_one({"url": url(1)}))["title"] == "Νέος τίτλος"


def test_an_older_crawl_repairs_the_history_but_keeps_the_newer_content(
    writer: ArticleWriter, mongo_db: Database[dict[str, Any]]
) -> None:
    damage(mongo_db, 1, {"$set": {"seen_urls": "not a list"}})
    stored = found(mongo_db.articles.find_one({"url": url(1)}))
    older = scraped(1, crawled_at=EARLIER, title="Παλιός τίτλος", source_url="https://example.com/?p=1")
    assert writer.write([older]).counts == {"repaired": 1}
    document = found(mongo_db.articles.find_one({"url": url(1)}))
    assert {name: document[name] for name in (*ARTICLE_FIELDS, "content_hash")} == {
        name: stored[name] for name in (*ARTICLE_FIELDS, "content_hash")
    }
    assert (document["first_seen_at"], document["last_seen_at"]) == (EARLIER, CRAWL_TIME)
    assert document["seen_urls"] == ["https://example.com/?p=1", "https://example.org/article-1/?utm_source=x", "not a list"]


def test_seen_urls_alone_cannot_repair_a_document_and_go_alone_to_dead_letters(
    writer: ArticleWriter, mongo_db: Database[dict[str, Any]]
) -> None:
    damage(mongo_db, 1, {"$unset": {"body": ""}})
    seen_only = ArticleWrite(url(1), seen_urls={"https://example.org/copy-of-1/"})
    result = writer.write([seen_only, scraped(2), ArticleWrite(url(3), seen_urls={"https://example.org/copy-of-3/"})])
    assert result.counts == {"unchanged": 1, "merged": 1}
    assert result.rejected == [Rejection(seen_only, DAMAGED, "body: missing")]
    assert "https://example.org/copy-of-3/" in found(mongo_db.articles.find_one({"url": url(3)}))["seen_urls"]
    # once a crawl has repaired the document, the same write goes through
    assert writer.write([scraped(1)]).counts == {"repaired": 1}
    assert writer.write([seen_only]).counts == {"merged": 1}
    assert "https://example.org/copy-of-1/" in found(mongo_db.articles.find_one({"url": url(1)}))["seen_urls"]


def test_no_version_is_kept_for_a_replacement_the_server_refuses(
    writer: ArticleWriter, mongo_db: Database[dict[str, Any]]
) -> None:
    refused = scraped(1, title="")  # the validator wants a title: the update fails after its version was kept
    result = writer.write([refused, scraped(2, title="Άλλος τίτλος")])
    assert result.counts == {"updated": 1, "versions": 1}
    assert result.rejected == [Rejection(refused, "DocumentValidationFailure")]
    assert [version["url"] for version in mongo_db.article_versions.find()] == [url(2)]
    assert found(mongo_db.articles.find_one({"url": url(1)}))["title"] == article(1)["title"]


def test_no_version_is_kept_for_a_replacement_another_writer_beat(own_server: EmbeddedServer) -> None:
    """Writer A reads A's content, then B replaces it with C before A's guarded update: A's version of
    the change A→B never happened and is deleted; A writes its content again over C, keeping C."""
    race = WriteRace(own_server)  # the slow writer's versions write waits
    race.writer(race.fast).write([scraped(1, crawled_at=CRAWL_TIME)])
    first = found(race.database.articles.find_one())["content_hash"]
    mine, theirs = scraped(1, title="Τίτλος Β"), scraped(1, title="Τίτλος Γ")
    slow, fast = race.run([mine], [theirs])
    assert fast.counts == {"updated": 1, "versions": 1}
    assert slow.counts == {"conflicts": 1, "updated": 1, "versions": 1}
    transitions = {(v["content_hash"], v["replaced_by"]) for v in race.database.versions.find()}
    assert transitions == {(first, theirs.content_hash), (theirs.content_hash, mine.content_hash)}
    assert found(race.database.articles.find_one())["content_hash"] == mine.content_hash


def test_a_repair_beaten_by_another_writer_is_planned_again(own_server: EmbeddedServer) -> None:
    race = WriteRace(own_server)  # the slow writer's repair waits
    race.writer(race.fast).write([scraped(1, crawled_at=CRAWL_TIME)])
    race.database.articles.update_one({"url": url(1)}, {"$unset": {"content_hash": ""}}, bypass_document_validation=True)
    slow, fast = race.run([scraped(1)], [scraped(1, title="Τίτλος Γ")])
    assert fast.counts == {"repaired": 1}
    # the slow writer's repair found the document repaired meanwhile: it is written as an update of that
    assert slow.counts == {"conflicts": 1, "updated": 1, "versions": 1}
    assert found(race.database.articles.find_one())["title"] == article(1)["title"]
    assert race.database.articles.count_documents({}) == 1


def test_a_crawl_stores_every_article_when_the_store_holds_damaged_documents(
    storage_settings: dict[str, Any], mongo_db: Database[dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    crawl(storage_settings, emit([article(n) for n in range(6)]))
    damage(mongo_db, 0, {"$unset": {"content_hash": ""}})
    damage(mongo_db, 1, {"$set": {"crawled_at": "2025-07-16"}})
    damage(mongo_db, 2, {"$set": {"seen_urls": url(2)}})
    damage(mongo_db, 3, {"$set": {"first_seen_at": 1752667200000}})
    with caplog.at_level(logging.INFO, logger="newscrawl"):
        stats = crawl({**storage_settings, "MONGO_BATCH_SIZE": 4}, emit([article(n, crawled_at=RECRAWL_TIME) for n in range(8)]))
    assert (stats["newscrawl/mongo/repaired"], stats["newscrawl/mongo/unchanged"], stats["newscrawl/mongo/inserted"]) == (4, 2, 2)
    assert stats["newscrawl/mongo/deadletter_count"] == 0
    assert "newscrawl/mongo/updated" not in stats and "newscrawl/mongo/versions" not in stats
    assert_well_typed(mongo_db)
    assert found(mongo_db.articles.find_one({"url": url(3)}))["first_seen_at"] == CRAWL_TIME
    repaired = sorted(r.getMessage() for r in caplog.records if r.getMessage().startswith("Repaired"))
    assert repaired == [
        f"Repaired the damaged stored article {url(0)} with this crawl (it had content_hash: missing)",
        f"Repaired the damaged stored article {url(1)} with this crawl (it had crawled_at: wrong type)",
        f"Repaired the damaged stored article {url(2)} with this crawl (it had seen_urls: wrong type)",
        f"Repaired the damaged stored article {url(3)} with this crawl (it had first_seen_at: wrong type)",
    ]
    assert "MongoDB storage closed: 2 inserted, 2 unchanged, 4 repaired; no dead letters" in caplog.text


def replay(data_dir: Path, uri: str, database: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newscrawl.storage", "--data-dir", str(data_dir), "replay", "--uri", uri],
        cwd=PROJECT_ROOT,
        env={**os.environ, "MONGO_DATABASE": database},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_replay_says_what_it_could_not_write_and_clears_it_once_the_store_is_repaired(
    storage_settings: dict[str, Any], mongo_uri: str, mongo_db: Database[dict[str, Any]], data_dir: Path
) -> None:
    crawl(storage_settings, emit([article(1), article(2)]))
    damage(mongo_db, 1, {"$unset": {"body": ""}})
    letters = DeadLetterFile(data_dir / "deadletter" / "synthetic-1.jsonl", mongo_db.name, "articles")
    letters.append([ArticleWrite(url(1), seen_urls={"https://example.org/copy-of-1/"})], DAMAGED)
    letters.append([scraped(2, title="Νέος τίτλος")], "NotPrimaryError")
    with letters.path.open("a", encoding="utf-8") as file:
        file.write('{"database": "cut short by a cra\n')

    process = replay(data_dir, mongo_uri, mongo_db.name)
    assert process.returncode == 1
    assert process.stderr.splitlines() == [
        f"{letters.path}: 1 of 2 records not written, 1 unreadable line; file kept (1 updated, 1 versions)",
        f"  {url(1)}: DamagedStoredArticle: body: missing",
        "  line 3: JSONDecodeError: Invalid control character at: line 1 column 33 (char 32)",
    ]
    assert letters.path.exists()

    # a crawl repairs the document; the cut line is removed by hand; the replay then clears the file
    crawl(storage_settings, emit([article(1)]))
    letters.path.write_text("".join(letters.path.read_text(encoding="utf-8").splitlines(keepends=True)[:2]), encoding="utf-8")
    process = replay(data_dir, mongo_uri, mongo_db.name)
    assert process.returncode == 0, process.stderr
    assert process.stdout.splitlines()[-1] == f"{letters.path}: 2 records replayed (1 merged, 1 unchanged); moved to replayed/"
    assert "https://example.org/copy-of-1/" in found(mongo_db.articles.find_one({"url": url(1)}))["seen_urls"]
    assert_well_typed(mongo_db)


def test_a_date_python_cannot_read_is_damage() -> None:
    """A real MongoDB can hold dates beyond Python's range (secantus cannot): pymongo returns them as
    DatetimeMS (``datetime_conversion="datetime_auto"``), and they count as damage, not a failed read."""
    healthy = {"_id": ObjectId(), **scraped(1, crawled_at=CRAWL_TIME).document(CRAWL_TIME)}
    stored = {**healthy, "first_seen_at": DatetimeMS(2**62)}
    plan = plan_write(scraped(1), stored, RECRAWL_TIME)
    assert (plan.kind, plan.damage) == ("repaired", {"first_seen_at": ["wrong_type"]})
    assert isinstance(plan.operation, ReplaceOne)
    assert plan.operation._doc["first_seen_at"] == CRAWL_TIME
    assert plan.operation._doc["updated_at"] == CRAWL_TIME  # the same content: not an update
    site = SiteUrls("https://www.example.com", ["www.example.com", "example.org"])
    documents = [healthy, {**healthy, "url": url(2), "crawled_at": DatetimeMS(2**62)}]
    assert stamps_of(documents, site) == ({site.key(url(1)): CRAWL_TIME}, [url(2)])
