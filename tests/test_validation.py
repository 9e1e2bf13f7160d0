"""Validation against the one storage schema: derived from the MongoDB validator's, run once per article."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pymongo.database import Database
from scrapy.utils.test import get_crawler

from newscrawl.items import ARTICLE_FIELDS
from newscrawl.pipelines import InvalidArticle, ValidatePipeline
from newscrawl.pipelines.validate import FORMATS, ArticleValidator, json_form
from newscrawl.storage.schema import ARTICLE_ITEM_SCHEMA, ARTICLE_SCHEMA
from tests.mongo import article, crawl, emit


def test_the_item_schema_is_the_validator_schema_in_json_types() -> None:
    Draft202012Validator.check_schema(ARTICLE_ITEM_SCHEMA)
    properties = ARTICLE_ITEM_SCHEMA["properties"]
    assert list(properties) == list(ARTICLE_FIELDS) == ARTICLE_ITEM_SCHEMA["required"]
    assert ARTICLE_ITEM_SCHEMA["additionalProperties"] is False
    assert properties["published_at"] == {
        "type": ["string", "null"],
        "format": "date-time",
        "description": ARTICLE_SCHEMA["properties"]["published_at"]["description"],
    }
    assert properties["crawled_at"]["type"] == "string" and properties["crawled_at"]["format"] == "date-time"
    # MongoDB's rules come along; URLs are checked as URIs, which MongoDB cannot do
    assert properties["url"] == {
        "type": "string",
        "pattern": "^https?://",
        "format": "uri",
        "description": ARTICLE_SCHEMA["properties"]["url"]["description"],
    }
    assert properties["title"]["minLength"] == properties["body"]["minLength"] == 1
    assert properties["related_urls"]["items"] == {"type": "string", "format": "uri"}
    assert properties["authors"]["items"] == {"type": "string"}
    assert properties["image_url"]["type"] == ["string", "null"] and properties["image_url"]["format"] == "uri"


def test_a_scraped_article_is_valid_in_its_json_form() -> None:
    item = article(1)
    assert json_form(item)["published_at"] == "2025-07-16T12:05:41.123456+00:00"
    assert ArticleValidator().errors(item) == {}


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"modified_at": datetime(2025, 7, 16, 12, 0)}, {"modified_at": ["not_date_time"]}),
        ({"image_url": "https://www.example.com/wp-content/uploads/a b.jpg"}, {"image_url": ["not_uri"]}),
        (
            {"related_urls": ["https://www.example.com/ok/", "https://www.example.com/νέα/", "//x"]},
            {"related_urls": ["not_uri"]},  # once per field, however many elements
        ),
        ({"url": "ftp://www.example.com/x/"}, {"url": ["no_match"]}),
        ({"url": None}, {"url": ["wrong_type"]}),
        ({"title": ["Two", "titles"]}, {"title": ["wrong_type"]}),
        ({"title": ""}, {"title": ["too_short"]}),
        ({"title": None, "body": ""}, {"title": ["wrong_type"], "body": ["too_short"]}),
        ({"authors": "Κωστής Μπακογιάννης"}, {"authors": ["wrong_type"]}),
        ({"description": 5, "published_at": "yesterday"}, {"description": ["wrong_type"], "published_at": ["not_date_time"]}),
    ],
)
def test_errors_are_named_after_their_field_without_the_value(fields: dict[str, Any], errors: dict[str, list[str]]) -> None:
    assert ArticleValidator().errors(article(1, **fields)) == errors


def test_missing_and_extra_fields_of_plain_dict_items() -> None:
    item = {**json_form(article(1)), "_validation": {}}
    del item["site"], item["language"]
    assert ArticleValidator().errors(item) == {"site": ["missing"], "language": ["missing"], "_validation": ["unexpected"]}


#: a value of every kind an item's field could hold in its JSON form, well-formed or not
ANY_JSON_VALUES = [
    None, "", "x", "https://www.example.com/a/", "https://www.example.com/a b/", "ftp://x/", "//x",
    "2025-07-16T12:05:41+00:00", "2025-07-16T12:05:41", "2025-07-16", 1, 1.5, True, [], ["x"], [1], [None],
    ["https://www.example.com/a/"], ["https://www.example.com/a b/"], {}, {"x": 1},
]  # fmt: skip


def test_the_quick_check_of_items_says_what_the_schema_says() -> None:
    """Each article is validated by a quick check, and by jsonschema only when it refuses: the check must
    accept exactly what the schema (with its formats) accepts: every field given every kind of value,
    left out, or added."""
    healthy = json_form(article(1))
    variants: list[dict[str, Any]] = [healthy, {**healthy, "_validation": {}}]
    variants += [{key: value for key, value in healthy.items() if key != name} for name in healthy]
    variants += [{**healthy, name: value} for name in healthy for value in ANY_JSON_VALUES]
    validator = ArticleValidator()
    schema = Draft202012Validator(ARTICLE_ITEM_SCHEMA, format_checker=FORMATS)
    verdicts = [(validator.errors(item) == {}, schema.is_valid(item)) for item in variants]
    assert [quick for quick, _ in verdicts] == [full for _, full in verdicts]
    assert (sum(valid for valid, _ in verdicts), len(verdicts)) == (81, 354)  # both kinds, many of each


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (article(1, url=None), "url: wrong type"),
        (article(1, title=""), "title: too short"),
        (article(1, title=None, body=""), "body: too short; title: wrong type"),
        ({"url": "https://www.example.com/x/"}, "body: missing; categories: missing"),
    ],
)
def test_what_storage_cannot_take_is_dropped_with_its_fields(item: Any, reason: str) -> None:
    pipeline = ValidatePipeline.from_crawler(get_crawler(settings_dict={"NEWSCRAWL_DROP_INVALID_ARTICLES": True}))
    with pytest.raises(InvalidArticle) as raised:
        pipeline.process_item(item)
    assert reason in str(raised.value)


def test_in_a_crawl_each_article_is_validated_once_and_drops_are_one_line(
    storage_settings: dict[str, Any], mongo_db: Database[dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    items = [
        article(1),
        article(2, title=""),  # cannot be stored: dropped
        article(3, modified_at=datetime(2025, 7, 16, 12, 0)),  # no offset: kept, flagged
        article(4, published_at=None),  # no date: fine
    ]
    with caplog.at_level(logging.INFO):
        stats = crawl(storage_settings, emit(items))
    assert stats["newscrawl/validation/items"] == 4
    assert (stats["item_scraped_count"], stats["item_dropped_reasons_count/InvalidArticle"]) == (3, 1)
    assert {key: n for key, n in stats.items() if key.startswith("newscrawl/validation/errors/")} == {
        "newscrawl/validation/errors/title/too_short": 1,
        "newscrawl/validation/errors/modified_at/not_date_time": 1,
    }
    said = [
        (r.levelname, r.getMessage()) for r in caplog.records if "article-2/" in r.getMessage() or "article-3/" in r.getMessage()
    ]
    assert said == [
        ("WARNING", "Dropped https://www.example.com/article-2/: InvalidArticle: title: too short"),
        ("WARNING", "Kept https://www.example.com/article-3/ with schema errors: modified_at: not date time"),
    ]
    assert sorted(doc["url"] for doc in mongo_db.articles.find()) == [f"https://www.example.com/article-{n}/" for n in (1, 3, 4)]
