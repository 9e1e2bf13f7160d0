"""The article item schema: derived from the MongoDB validator's, and what its validator reports."""

from __future__ import annotations

from datetime import datetime

import pytest
from jsonschema import Draft202012Validator

from newscrawl.items import ARTICLE_FIELDS
from newscrawl.monitoring.validation import ArticleSchemaValidator, json_form
from newscrawl.storage.schema import ARTICLE_ITEM_SCHEMA, ARTICLE_SCHEMA
from tests.mongo import article


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
    assert {name for name, rule in properties.items() if "format" not in rule and "items" not in rule} == {
        "site", "title", "description", "body", "language",
    }  # fmt: skip


def test_a_scraped_article_is_valid_in_its_json_form() -> None:
    item = article(1)
    assert json_form(item)["published_at"] == "2025-07-16T12:05:41.123456+00:00"
    assert ArticleSchemaValidator(ARTICLE_ITEM_SCHEMA).validate(item) == (True, {})


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"modified_at": datetime(2025, 7, 16, 12, 0)}, {"modified_at": ["Invalid datetime"]}),
        ({"image_url": "https://www.iproini.com/wp-content/uploads/a b.jpg"}, {"image_url": ["Invalid URI"]}),
        (
            {"related_urls": ["https://www.iproini.com/ok/", "https://www.iproini.com/νέα/", "//x"]},
            {"related_urls": ["Invalid URI"]},  # once per field, however many elements
        ),
        ({"url": "ftp://www.iproini.com/x/"}, {"url": ["Regex not matched"]}),
        ({"title": ["Two", "titles"]}, {"title": ["Invalid string"]}),
        ({"title": ""}, {"title": ["Field too short"]}),
        ({"authors": "Κωστής Μπακογιάννης"}, {"authors": ["Invalid array"]}),
        (
            {"description": 5, "published_at": "yesterday"},
            {"description": ["Invalid string"], "published_at": ["Invalid datetime"]},
        ),
    ],
)
def test_errors_are_named_after_their_field_without_the_value(fields: dict, errors: dict) -> None:
    assert ArticleSchemaValidator(ARTICLE_ITEM_SCHEMA).validate(article(1, **fields)) == (False, errors)


def test_missing_and_extra_fields_of_plain_dict_items() -> None:
    item = {**json_form(article(1)), "_validation": {}}
    del item["site"], item["language"]
    ok, errors = ArticleSchemaValidator(ARTICLE_ITEM_SCHEMA).validate(item)
    assert not ok
    assert errors == {
        "site": ["Missing required field"],
        "language": ["Missing required field"],
        "_validation": ["Unexpected field"],
    }
