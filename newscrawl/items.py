"""The article item: the public schema every site spider emits."""

from __future__ import annotations

from datetime import datetime

import scrapy

#: Item fields in the order feeds write them. Documented in docs/downstream.md ("Feeds").
ARTICLE_FIELDS = (
    "url",
    "site",
    "title",
    "description",
    "body",
    "authors",
    "published_at",
    "modified_at",
    "language",
    "categories",
    "tags",
    "image_url",
    "related_urls",
    "source_url",
    "crawled_at",
    "extractor",
)
#: Fields holding lists (never None: an empty list when absent).
LIST_FIELDS = ("authors", "categories", "tags", "related_urls")
#: Fields holding timezone-aware datetimes.
DATE_FIELDS = ("published_at", "modified_at", "crawled_at")


def iso_8601(value: datetime | None) -> str | None:
    """Feeds write a date as ISO 8601 with its offset (``2025-07-16T13:05:41+00:00``), in every format."""
    return value.isoformat() if value is not None else None


class ArticleItem(scrapy.Item):
    """One news article. Datetimes are timezone-aware (UTC); list fields are never None."""

    url = scrapy.Field()  # canonical production URL
    site = scrapy.Field()  # the name of the spider (site) that crawled it
    title = scrapy.Field()
    description = scrapy.Field()  # standfirst or meta description, or None
    body = scrapy.Field()  # plain text, paragraphs separated by a blank line
    authors = scrapy.Field()  # list of names, possibly empty
    published_at = scrapy.Field(serializer=iso_8601)  # aware datetime or None
    modified_at = scrapy.Field(serializer=iso_8601)  # aware datetime or None
    language = scrapy.Field()  # "el" or "en", from the article's own text
    categories = scrapy.Field()
    tags = scrapy.Field()
    image_url = scrapy.Field()
    related_urls = scrapy.Field()  # canonical URLs of the "Related Articles" block
    source_url = scrapy.Field()  # the URL actually fetched
    crawled_at = scrapy.Field(serializer=iso_8601)  # aware datetime
    extractor = scrapy.Field()  # what read the page: the theme's name, or "fallback"
