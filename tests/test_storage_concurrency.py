"""Two crawls writing the same articles at once end with one document per URL."""

from __future__ import annotations

from typing import Any

from pymongo.database import Database

from newscrawl.storage.documents import ArticleWrite, article_fields
from newscrawl.storage.embedded import EmbeddedServer
from tests.mongo import CRAWL_TIME, WriteRace, article, emit, run_crawl_in_process


def test_concurrent_crawls_store_each_article_once(storage_settings: dict[str, Any], mongo_db: Database[dict[str, Any]]) -> None:
    count = 300
    items = [article(n) for n in range(count)]
    first, second = run_crawl_in_process({**storage_settings, "MONGO_BATCH_SIZE": 20}, emit(items), emit(items))
    stats = [first.stats.get_stats(), second.stats.get_stats()]
    assert mongo_db.articles.count_documents({}) == count
    duplicates = list(mongo_db.articles.aggregate([{"$group": {"_id": "$url", "n": {"$sum": 1}}}, {"$match": {"n": {"$gt": 1}}}]))
    assert duplicates == []
    # every URL was inserted by one crawl and found unchanged by the other
    assert sum(s.get("newscrawl/mongo/inserted", 0) for s in stats) == count
    assert sum(s.get("newscrawl/mongo/unchanged", 0) for s in stats) == count
    assert all(s["newscrawl/mongo/deadletter_count"] == 0 for s in stats)


def test_an_insert_that_loses_the_race_is_written_as_an_update(own_server: EmbeddedServer) -> None:
    """Writer A reads before writer B inserts, and inserts after: DuplicateKeyError, retried as updates."""
    writes = [ArticleWrite.scraped(article_fields(article(n), site="", received_at=CRAWL_TIME)) for n in range(5)]
    race = WriteRace(own_server, command="insert")  # the slow writer's first insert waits, after its find saw nothing
    slow, fast = race.run(writes, writes)
    assert fast.counts == {"inserted": 5}
    assert slow.counts == {"conflicts": 5, "unchanged": 5}
    assert slow.rejected == []
    assert race.database.articles.count_documents({}) == 5
