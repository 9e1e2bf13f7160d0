"""DedupePipeline: one article per URL and per content; duplicates' URLs land in the kept article's
seen_urls (the crawl tests at the end, through the real storage)."""

from __future__ import annotations

import logging
import sys
from typing import Any

import pytest
from pymongo.database import Database

from newscrawl.pipelines import DedupePipeline, DuplicateContent, DuplicateUrl
from tests.mongo import article, crawl, emit, found


def test_same_url_is_a_duplicate() -> None:
    pipeline = DedupePipeline()
    pipeline.process_item(article(1))
    with pytest.raises(DuplicateUrl, match=r"^already kept https://www\.example\.com/article-1/$") as raised:
        pipeline.process_item(article(1, source_url="https://www.example.com/article-1/amp/", title="Other"))
    assert raised.value.log_level == "INFO"
    # the trailing slash is not part of a URL's identity
    with pytest.raises(DuplicateUrl, match=r"^already kept https://www\.example\.com/article-1/$"):
        pipeline.process_item(article(1, url="https://www.example.com/article-1", title="Other"))


def test_same_content_under_another_url_is_a_duplicate() -> None:
    pipeline = DedupePipeline()
    kept = article(1)
    pipeline.process_item(kept)
    copy = article(
        7,
        # differences in case, whitespace and Unicode form do not make another article
        title=kept["title"].upper() + "  ",
        body=kept["body"].replace("\n\n", " \n \n ").replace("ά", "α\u0301"),
        source_url="https://example.net/copy-7/",
    )
    with pytest.raises(DuplicateContent, match=r"^same title and body as https://www\.example\.com/article-1/$"):
        pipeline.process_item(copy)


def test_different_articles_pass() -> None:
    pipeline = DedupePipeline()
    items = [article(n) for n in range(3)] + [article(3, body=article(0)["body"])]  # same body, other title
    assert [pipeline.process_item(item) for item in items] == items


def test_memory_holds_digests_not_items() -> None:
    pipeline = DedupePipeline()
    for n in range(100):
        pipeline.process_item(article(n, body="x" * 10_000 + str(n)))
    assert len(pipeline._urls) == len(pipeline._contents) == 100
    assert all(isinstance(key, bytes) and len(key) == 16 for key in [*pipeline._urls, *pipeline._contents])
    retained = sum(map(sys.getsizeof, [*pipeline._urls, *pipeline._contents, *pipeline._contents.values()]))
    assert retained < 100 * 300  # the 10 kB bodies are not kept


@pytest.mark.parametrize("batch_size", [100, 1], ids=["kept-article-still-buffered", "kept-article-already-written"])
def test_duplicate_urls_are_added_to_the_kept_document(
    storage_settings: dict[str, Any], mongo_db: Database[dict[str, Any]], caplog: pytest.LogCaptureFixture, batch_size: int
) -> None:
    kept = article(1)
    items = [
        kept,
        article(2),
        article(9, title=kept["title"], body=kept["body"], source_url="https://example.net/copy-9/"),
        article(1, source_url="https://www.example.com/?p=1"),
    ]
    with caplog.at_level(logging.INFO):
        stats = crawl({**storage_settings, "MONGO_BATCH_SIZE": batch_size}, emit(items))
    assert stats["item_dropped_reasons_count/DuplicateContent"] == 1
    assert stats["item_dropped_reasons_count/DuplicateUrl"] == 1
    assert stats["newscrawl/mongo/inserted"] == 2
    # both duplicates are found before the next flush: one $addToSet carries their URLs
    assert stats.get("newscrawl/mongo/merged", 0) == (1 if batch_size == 1 else 0)
    assert mongo_db.articles.count_documents({}) == 2
    document = found(mongo_db.articles.find_one({"url": "https://www.example.com/article-1/"}))
    assert sorted(document["seen_urls"]) == [
        "https://example.net/copy-9/",
        "https://example.org/article-1/?utm_source=x",
        "https://www.example.com/?p=1",
        "https://www.example.com/article-9/",
    ]
    assert document["title"] == kept["title"]
    messages = [record.getMessage() for record in caplog.records if record.getMessage().startswith("Dropped ")]
    assert messages == [
        "Dropped https://www.example.com/article-9/: DuplicateContent: same title and body as https://www.example.com/article-1/",
        "Dropped https://www.example.com/article-1/: DuplicateUrl: already kept https://www.example.com/article-1/",
    ]
