"""A crawl of a fixture site stores one document per fixture article, with the schema's types,
into a MONGO_URI server (twice: the second run changes nothing) and into the embedded default.

Any site would do: the Harbor Gazette's copy is the smallest."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from pymongo import MongoClient
from pymongo.database import Database

from newscrawl.items import ARTICLE_FIELDS
from newscrawl.storage.copies import copy_database_name
from newscrawl.storage.embedded import EmbeddedServer
from newscrawl.storage.schema import ARTICLE_SCHEMA
from tests.harness import Crawl, crawl
from tests.sites import FixtureSite
from tools.fixture_server import FixtureServer

SITE = FixtureSite("harborgazette")

TYPES = {"string": str, "array": list, "date": datetime, "null": type(None)}


def crawl_fixture_site(server: FixtureServer, data_dir: Path, **settings: str) -> Crawl:
    result = crawl(SITE.spider, {"NEWSCRAWL_DATA_DIR": str(data_dir), "MONGO_URI": None, **settings}, base_url=server.url)
    assert result.error is None
    return result


def assert_documents_match(documents: list[dict[str, Any]], expected: dict[str, dict[str, Any]]) -> None:
    assert len(documents) == len(expected)
    assert {doc["url"] for doc in documents} == set(expected)
    for doc in documents:
        for name, rule in ARTICLE_SCHEMA["properties"].items():
            allowed = rule["bsonType"] if isinstance(rule["bsonType"], list) else [rule["bsonType"]]
            if name != "_id":
                assert isinstance(doc[name], tuple(TYPES[kind] for kind in allowed)), (doc["url"], name)
        want = expected[doc["url"]]
        for name in ARTICLE_FIELDS:
            if name in ("published_at", "modified_at") and want[name] is not None:
                assert doc[name] == datetime.fromisoformat(want[name]), (doc["url"], name)
            elif name in want:
                assert doc[name] == want[name], (doc["url"], name)
        assert doc["source_url"] in doc["seen_urls"]


def test_fixture_crawl_into_mongo_uri_twice(mongo_uri: str, mongo_db: Database[dict[str, Any]], tmp_path: Path) -> None:
    expected_articles = SITE.expected
    with FixtureServer(SITE.name) as server:
        result = crawl_fixture_site(server, tmp_path, MONGO_URI=mongo_uri, MONGO_DATABASE=mongo_db.name)
        assert result.stat("newscrawl/mongo/inserted") == len(expected_articles)
        first = {doc["url"]: doc for doc in mongo_db.articles.find()}
        assert_documents_match(list(first.values()), expected_articles)
        result = crawl_fixture_site(server, tmp_path, MONGO_URI=mongo_uri, MONGO_DATABASE=mongo_db.name)
    assert result.stat("newscrawl/mongo/inserted") == 0
    assert result.stat("newscrawl/mongo/unchanged") == len(expected_articles)
    second = {doc["url"]: doc for doc in mongo_db.articles.find()}
    assert second.keys() == first.keys()
    for url, doc in second.items():
        assert doc["first_seen_at"] == first[url]["first_seen_at"]
        assert doc["content_hash"] == first[url]["content_hash"]
    assert mongo_db.article_versions.count_documents({}) == 0


def test_fixture_crawl_into_the_embedded_default(tmp_path: Path) -> None:
    expected_articles = SITE.expected
    with FixtureServer(SITE.name) as server:
        result = crawl_fixture_site(server, tmp_path)
    # a copy of the site: stored in a database of its own, not the live one
    database = copy_database_name("newscrawl", server.url)
    assert f"MongoDB storage: embedded store {tmp_path / 'mongo'} (database {database}," in result.text
    store = EmbeddedServer(tmp_path / "mongo")
    client: MongoClient[dict[str, Any]] = MongoClient(store.start(), tz_aware=True)
    try:
        assert_documents_match(list(client[database].articles.find()), expected_articles)
        assert "newscrawl" not in client.list_database_names()
    finally:
        client.close()
        store.stop()
