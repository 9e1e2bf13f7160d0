"""End to end: a fixture site's copy, stored once, then damaged in the store as an old release or
another tool could leave it; one incremental crawl later every article is stored and well-typed.

Any site would do: the Harbor Gazette's copy is the smallest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pymongo.database import Database

from newscrawl.storage.schema import ARTICLE_SCHEMA, stored_document_errors
from tests.harness import Crawl
from tests.harness import crawl as run
from tests.mongo import STORED_FIELDS
from tests.sites import FixtureSite, as_json
from tools.fixture_server import FixtureServer

SITE = FixtureSite("harborgazette")
#: how each damaged article's document is changed, past the validator
DAMAGE: list[dict[str, Any]] = [
    {"$unset": {"content_hash": ""}},
    {"$unset": {"body": ""}},
    {"$set": {"crawled_at": "2025-07-16T12:00:00+00:00"}},
    {"$set": {"seen_urls": f"{SITE.spider.origin}/?p=1"}},
    {"$set": {"first_seen_at": "2025-07-01"}},
    {"$set": {"last_seen_at": None, "authors": "Κωστής Μπακογιάννης", "legacy": True}},
]
#: articles whose documents are deleted: new again, written in the same batches as the repairs
DELETED = 3


def crawl(server: FixtureServer, mongo_uri: str, database: Database[dict[str, Any]], data_dir: Path) -> Crawl:
    settings = {"MONGO_URI": mongo_uri, "MONGO_DATABASE": database.name, "NEWSCRAWL_DATA_DIR": str(data_dir)}
    result = run(SITE.spider, settings, base_url=server.url, full="0")
    assert result.error is None and result.stat("finish_reason", None) == "finished"
    return result


def test_one_crawl_repairs_a_damaged_store(mongo_uri: str, mongo_db: Database[dict[str, Any]], tmp_path: Path) -> None:
    expected = SITE.expected
    urls = sorted(expected)
    damaged, deleted = urls[: len(DAMAGE)], urls[len(DAMAGE) : len(DAMAGE) + DELETED]
    with FixtureServer(SITE.name) as server:
        crawl(server, mongo_uri, mongo_db, tmp_path)
        before = {doc["url"]: doc for doc in mongo_db.articles.find()}
        for url, update in zip(damaged, DAMAGE, strict=True):
            mongo_db.articles.update_one({"url": url}, update, bypass_document_validation=True)
        mongo_db.articles.delete_many({"url": {"$in": deleted}})
        result = crawl(server, mongo_uri, mongo_db, tmp_path)

    # the incremental crawl started, left the damaged documents out and fetched their articles again
    assert result.stat("newscrawl/incremental/unreadable_stored") == len(DAMAGE)
    assert (
        f"WARNING newscrawl.incremental: Incremental crawl: {len(DAMAGE)} stored articles of {SITE.name} cannot be read "
        "(they break the article schema); they were fetched again, and storing them repairs them"
    ) in result.log
    assert sorted(item["url"] for item in result.items) == sorted(damaged + deleted)
    assert (result.stat("newscrawl/mongo/repaired"), result.stat("newscrawl/mongo/inserted")) == (len(DAMAGE), DELETED)
    for kind in ("updated", "unchanged", "stale", "versions"):
        assert result.stat(f"newscrawl/mongo/{kind}") == 0, kind
    assert result.stat("newscrawl/mongo/deadletter_count") == 0
    assert not (tmp_path / "deadletter").exists()
    assert result.stat("newscrawl/monitors/failed") == 0

    # every article stored once, well-typed, with its content
    assert mongo_db.articles.count_documents({"$nor": [{"$jsonSchema": ARTICLE_SCHEMA}]}) == 0
    after = {doc["url"]: doc for doc in mongo_db.articles.find()}
    assert sorted(after) == urls
    for url, document in after.items():
        assert stored_document_errors(document) == {}, url
        assert list(document) == STORED_FIELDS
        for name in ("title", "body", "authors", "categories", "tags", "published_at"):
            assert as_json(document[name]) == expected[url][name], (url, name)
    for url in damaged:
        first, now = before[url], after[url]
        assert now["_id"] == first["_id"]
        assert now["content_hash"] == first["content_hash"]  # same page, same content
        assert now["first_seen_at"] == first["first_seen_at"]  # kept, or taken from the first crawl's dates
        assert now["last_seen_at"] == now["crawled_at"] > first["crawled_at"]
        assert set(first["seen_urls"]) <= set(now["seen_urls"])
    assert f"{SITE.spider.origin}/?p=1" in after[damaged[3]]["seen_urls"]
    assert "legacy" not in after[damaged[5]]
    assert mongo_db.article_versions.count_documents({}) == 0

    # the run's record counts them apart
    (record,) = mongo_db.runs.find({"articles.repaired": len(DAMAGE)})
    assert {name: record["articles"][name] for name in ("scraped", "stored", "new", "repaired", "dead_lettered")} == {
        "scraped": len(DAMAGE) + DELETED,
        "stored": len(DAMAGE) + DELETED,
        "new": DELETED,
        "repaired": len(DAMAGE),
        "dead_lettered": 0,
    }
