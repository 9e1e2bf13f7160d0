"""ValidatePipeline: drops what cannot be stored, with a reason in the stats and one log line."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from pymongo.database import Database
from scrapy.utils.test import get_crawler

from newscrawl.pipelines import MissingRequiredField, ValidatePipeline
from tests.mongo import article, crawl, emit


@pytest.fixture
def pipeline() -> ValidatePipeline:
    return ValidatePipeline.from_crawler(get_crawler())


@pytest.mark.parametrize(
    ("item", "missing"),
    [
        (article(1, url=None), ["url"]),
        (article(1, title="  "), ["title"]),
        (article(1, title=None, body=""), ["title", "body"]),
        ({"url": "https://www.iproini.com/x/"}, ["title", "body"]),
    ],
)
def test_drops_items_missing_required_fields(pipeline: ValidatePipeline, item: Any, missing: list[str]) -> None:
    with pytest.raises(MissingRequiredField, match=f"^missing {', '.join(missing)}$"):
        pipeline.process_item(item)
    assert pipeline.stats.get_stats() == {f"newscrawl/validate/missing_field/{name}": 1 for name in missing}


def test_keeps_and_counts_articles_without_publication_date(
    pipeline: ValidatePipeline, caplog: pytest.LogCaptureFixture
) -> None:
    item = article(1, published_at=None)
    with caplog.at_level(logging.INFO, logger="newscrawl.pipelines.validate"):
        assert pipeline.process_item(item) is item
        assert pipeline.process_item(article(2)) is not None
    assert pipeline.stats.get_stats() == {"newscrawl/validate/missing_published_at": 1}
    assert caplog.records == []  # the spider says why in its line for the page: one line, not two


def test_in_a_crawl_drops_are_counted_by_scrapy_and_logged_in_one_line(
    storage_settings: dict, mongo_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    items = [article(1), article(2, title=""), article(3, body=None), article(4, published_at=None)]
    with caplog.at_level(logging.INFO):
        stats = crawl(storage_settings, emit(items))
    assert stats["item_scraped_count"] == 2
    assert stats["item_dropped_count"] == 2
    assert stats["item_dropped_reasons_count/MissingRequiredField"] == 2
    assert stats["newscrawl/validate/missing_field/title"] == 1
    assert stats["newscrawl/validate/missing_field/body"] == 1
    assert stats["newscrawl/validate/missing_published_at"] == 1
    dropped = [record for record in caplog.records if record.getMessage().startswith("Dropped ")]
    assert [(record.levelname, record.getMessage()) for record in dropped] == [
        ("WARNING", "Dropped https://www.iproini.com/article-2/: MissingRequiredField: missing title"),
        ("WARNING", "Dropped https://www.iproini.com/article-3/: MissingRequiredField: missing body"),
    ]
    assert sorted(doc["url"] for doc in mongo_db.articles.find()) == [
        "https://www.iproini.com/article-1/",
        "https://www.iproini.com/article-4/",
    ]
