"""Feed exports: ISO 8601 dates with their offset in every format, list fields in CSV joined by a separator."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from lxml import etree

from newscrawl.exporters import LIST_SEPARATOR
from tests.mongo import article, crawl, emit

PUBLISHED = "2025-07-16T12:05:41.123456+00:00"
CRAWLED = "2025-07-16T12:00:00+00:00"


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("feeds")
    formats = {"json": "articles.json", "jsonlines": "articles.jsonl", "csv": "articles.csv", "xml": "articles.xml"}
    feeds = {str(out / name): {"format": kind} for kind, name in formats.items()}
    item = article(1, authors=["Κωστής Μπακογιάννης", "Jane Doe, Jr."])
    crawl({"FEEDS": feeds, "NEWSCRAWL_STORAGE_ENABLED": False}, emit([item]))
    return out


def test_json_feeds_write_iso_dates(feeds: Path) -> None:
    (first,) = json.loads((feeds / "articles.json").read_text(encoding="utf-8"))
    (line,) = map(json.loads, (feeds / "articles.jsonl").read_text(encoding="utf-8").splitlines())
    for record in (first, line):
        assert (record["published_at"], record["modified_at"], record["crawled_at"]) == (PUBLISHED, None, CRAWLED)
        assert record["authors"] == ["Κωστής Μπακογιάννης", "Jane Doe, Jr."]


def test_csv_writes_iso_dates_and_joins_lists_with_the_separator(feeds: Path) -> None:
    with (feeds / "articles.csv").open(encoding="utf-8", newline="") as file:
        (row,) = csv.DictReader(file)
    assert (row["published_at"], row["modified_at"], row["crawled_at"]) == (PUBLISHED, "", CRAWLED)
    assert row["authors"] == LIST_SEPARATOR.join(["Κωστής Μπακογιάννης", "Jane Doe, Jr."])
    assert row["authors"].split(LIST_SEPARATOR) == ["Κωστής Μπακογιάννης", "Jane Doe, Jr."]
    assert list(row)[:3] == ["url", "site", "title"]  # the item's field order


def test_xml_writes_iso_dates(feeds: Path) -> None:
    (element,) = etree.parse(str(feeds / "articles.xml")).getroot()
    assert element.findtext("published_at") == PUBLISHED
    assert element.findtext("crawled_at") == CRAWLED
    assert [value.text for value in element.find("authors")] == ["Κωστής Μπακογιάννης", "Jane Doe, Jr."]
