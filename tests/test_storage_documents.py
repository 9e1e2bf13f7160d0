"""Item to document: normalised fields, content hash, merging writes, and the schema's single definition."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from bson import DatetimeMS, ObjectId

from newscrawl.default_settings import SETTINGS
from newscrawl.items import ARTICLE_FIELDS
from newscrawl.storage.documents import ArticleWrite, article_fields, content_hash, merge_by_url, utc
from newscrawl.storage.schema import (
    ADDED_FIELDS,
    ARTICLE_INDEXES,
    ARTICLE_SCHEMA,
    CONTENT_FIELDS,
    STORED_DOCUMENT,
    is_valid_stored_document,
)
from tests.mongo import CRAWL_TIME, article

#: the downstream contract: the generated schema and settings pages, and the page for downstream teams
PAGES = ("reference/schema.md", "reference/settings.md", "downstream.md")
DOCS = [Path(__file__).resolve().parent.parent / "docs" / page for page in PAGES]
RECEIVED = datetime(2025, 7, 17, 8, 30, tzinfo=UTC)


def fields_of(item: object) -> dict[str, Any]:
    return article_fields(item, site="example", received_at=RECEIVED)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        # another offset becomes UTC; microseconds are cut to BSON's milliseconds
        (
            datetime(2025, 7, 16, 9, 5, 41, 123456, tzinfo=timezone(timedelta(hours=-4))),
            datetime(2025, 7, 16, 13, 5, 41, 123000, tzinfo=UTC),
        ),
        (datetime(2025, 7, 16, 13, 5, 41), datetime(2025, 7, 16, 13, 5, 41, tzinfo=UTC)),
        ("2025-07-16T13:05:41+00:00", datetime(2025, 7, 16, 13, 5, 41, tzinfo=UTC)),
        ("2025-07-16T16:05:41.999999+03:00", datetime(2025, 7, 16, 13, 5, 41, 999000, tzinfo=UTC)),
    ],
)
def test_utc(value: object, expected: datetime | None) -> None:
    result = utc(value)  # type: ignore[arg-type]
    assert result == expected
    if result is not None:
        assert result.utcoffset() == timedelta(0)


def test_article_fields_keeps_every_item_field_in_order() -> None:
    item = article(1)
    fields = fields_of(item)
    assert tuple(fields) == ARTICLE_FIELDS
    assert fields["published_at"] == datetime(2025, 7, 16, 12, 5, 41, 123000, tzinfo=UTC)
    assert fields["crawled_at"] == CRAWL_TIME
    assert fields["authors"] == ["Κωστής Μπακογιάννης"]
    assert fields["source_url"] == "https://example.org/article-1/?utm_source=x"


def test_article_fields_of_a_sparse_dict_item() -> None:
    fields = fields_of({"url": "https://www.example.com/a/", "title": "T", "body": "B", "tags": ("x", 2)})
    assert fields == {
        "url": "https://www.example.com/a/",
        "site": "example",
        "title": "T",
        "description": None,
        "body": "B",
        "authors": [],
        "published_at": None,
        "modified_at": None,
        "language": None,
        "categories": [],
        "tags": ["x", "2"],
        "image_url": None,
        "related_urls": [],
        "source_url": "https://www.example.com/a/",
        "crawled_at": RECEIVED,
        "extractor": None,
    }


def test_content_hash_covers_content_fields_only() -> None:
    base = fields_of(article(1))
    assert re.fullmatch(r"[0-9a-f]{64}", content_hash(base))
    same_content = fields_of(article(1, source_url="https://www.example.com/article-1/", crawled_at=RECEIVED))
    assert content_hash(same_content) == content_hash(base)
    for name, value in [("body", "Άλλο κείμενο."), ("tags", []), ("modified_at", RECEIVED), ("description", None)]:
        assert content_hash(fields_of(article(1, **{name: value}))) != content_hash(base), name
    # the same instant written with another offset is the same content
    local = base["published_at"].astimezone(timezone(timedelta(hours=-4)))
    assert content_hash(fields_of(article(1, published_at=local))) == content_hash(base)


def test_merge_keeps_the_latest_crawl_and_every_seen_url() -> None:
    older = ArticleWrite.scraped(fields_of(article(1, title="old")))
    newer = ArticleWrite.scraped(
        fields_of(article(1, title="new", source_url="http://example.com/article-1", crawled_at=RECEIVED))
    )
    seen_only = ArticleWrite(older.url, seen_urls={"https://www.example.com/copy/"})
    merged = merge_by_url([seen_only, newer, older])
    assert len(merged) == 1
    (write,) = merged
    assert write.fields is not None and write.fields["title"] == "new"
    assert write.content_hash == newer.content_hash
    assert write.seen_urls == {
        "https://www.example.com/copy/",
        "http://example.com/article-1",
        "https://example.org/article-1/?utm_source=x",
    }
    # merging copies: the writes passed in are left alone
    assert seen_only.fields is None and seen_only.seen_urls == {"https://www.example.com/copy/"}


def test_document_adds_bookkeeping_fields() -> None:
    write = ArticleWrite.scraped(fields_of(article(1)))
    write.seen_urls.add("https://www.example.com/copy/")
    document = write.document(RECEIVED)
    assert set(document) == {*ARTICLE_SCHEMA["required"], *ADDED_FIELDS}
    assert document["first_seen_at"] == document["last_seen_at"] == CRAWL_TIME
    assert document["updated_at"] == RECEIVED
    assert document["seen_urls"] == ["https://example.org/article-1/?utm_source=x", "https://www.example.com/copy/"]
    assert document["content_hash"] == write.content_hash


def test_schema_describes_every_item_field() -> None:
    properties = ARTICLE_SCHEMA["properties"]
    assert set(properties) == {"_id", *ARTICLE_FIELDS, "first_seen_at", "last_seen_at", "seen_urls", "content_hash", "updated_at"}
    # fields added later are optional in storage: documents stored before them lack them
    assert set(ARTICLE_SCHEMA["required"]) == set(properties) - {"_id", *ADDED_FIELDS}
    assert set(CONTENT_FIELDS) < set(ARTICLE_FIELDS)
    nullable = [name for name, prop in properties.items() if "null" in prop["bsonType"]]
    assert nullable == ["description", "published_at", "modified_at", "language", "image_url", "extractor"]
    assert all(prop.get("description") for prop in properties.values())


#: a value of every kind a stored field could hold, well-typed or not
ANY_VALUES = [
    None, "", "x", "https://www.example.com/a/", "f" * 64, 1, 1.5, True, [], ["x"], [1], [None], {}, {"x": 1},
    CRAWL_TIME, DatetimeMS(2**62), ObjectId(),
]  # fmt: skip


def test_the_quick_check_of_stored_documents_says_what_the_schema_says() -> None:
    """:func:`is_valid_stored_document` spares reading a stored document with jsonschema (80 µs); it must
    accept exactly what the schema accepts: every field given every kind of value, left out, or added."""
    healthy = {"_id": ObjectId(), **ArticleWrite.scraped(fields_of(article(1))).document(RECEIVED)}
    variants: list[object] = [healthy, {**healthy, "legacy": 1}, [healthy], "document"]
    variants += [{key: value for key, value in healthy.items() if key != name} for name in healthy]
    variants += [{**healthy, name: value} for name in healthy for value in ANY_VALUES]
    verdicts = [(is_valid_stored_document(doc), STORED_DOCUMENT.is_valid(doc)) for doc in variants]
    assert [quick for quick, _ in verdicts] == [schema for _, schema in verdicts]
    assert (sum(valid for valid, _ in verdicts), len(verdicts)) == (59, 400)  # both kinds, many of each


def test_docs_cover_schema_indexes_and_settings() -> None:
    """The docs are the downstream contract: they must name what the code defines."""
    text = "".join(page.read_text(encoding="utf-8") for page in DOCS)
    for name in ARTICLE_SCHEMA["properties"]:
        assert f"`{name}`" in text, name
    for index in ARTICLE_INDEXES:
        assert f"`{index.document['name']}`" in text, index.document["name"]
    for setting in SETTINGS:
        if setting.group == "Storage" and setting.name != "NEWSCRAWL_STORAGE_ENABLED":
            assert f"`{setting.name}`" in text, setting.name
    assert "language_override" in text and 'default_language: "none"' in text
