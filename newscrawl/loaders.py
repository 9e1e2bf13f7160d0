"""The article item loader: declarative input and output processors per field.

Context the processors read (passed as loader keyword arguments):
``site_urls`` (:class:`~newscrawl.urls.SiteUrls`), ``base_url`` (the page URL
relative links resolve against), ``timezone`` (the site's ``ZoneInfo``),
``now`` (the crawl time, for relative dates) and ``date_problems`` (a list
the date processor appends unparseable or impossible dates to).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from itemloaders.processors import Identity, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from newscrawl.dates import InvalidDate, parse_iso, parse_visible_date
from newscrawl.items import ArticleItem
from newscrawl.text import clean_text, detect_language


def unique(values: Iterable[Any]) -> list[Any]:
    """Output processor: the values in first-seen order, without repeats."""
    return list(dict.fromkeys(values))


def join_paragraphs(values: Iterable[str]) -> str | None:
    """Output processor: paragraphs separated by a blank line, None when there are none."""
    return "\n\n".join(values) or None


def parse_date(value: str, loader_context: dict[str, Any]) -> datetime | None:
    """Input processor: an ISO timestamp exactly, else a visible date in the site's timezone.

    Impossible or unrecognised dates give None and are recorded in the
    context's ``date_problems`` so the spider can count and log them.
    """
    parsed = parse_iso(value)
    if parsed is not None:
        return parsed
    try:
        parsed = parse_visible_date(value, loader_context["timezone"], loader_context["now"])
    except InvalidDate:
        loader_context["date_problems"].append(("invalid_date", value))
        return None
    if parsed is None:
        loader_context["date_problems"].append(("unparsed_date", value))
    return parsed


def canonical_url(value: str, loader_context: dict[str, Any]) -> str | None:
    """Input processor: an on-site link as its canonical production URL (None off-site)."""
    absolute = urljoin(loader_context["base_url"], value)
    return loader_context["site_urls"].canonical(absolute)


def asset_url(value: str, loader_context: dict[str, Any]) -> str:
    """Input processor: an absolute asset URL; on-site assets get the production origin."""
    absolute = urljoin(loader_context["base_url"], value)
    site_urls = loader_context["site_urls"]
    return site_urls.canonical(absolute) if site_urls.is_site_url(absolute) else absolute


_LIST_FIELDS = ("authors", "categories", "tags", "related_urls")


class ArticleLoader(ItemLoader):
    default_item_class = ArticleItem
    default_input_processor = MapCompose(clean_text)
    default_output_processor = TakeFirst()

    url_in = MapCompose(canonical_url)
    body_out = join_paragraphs
    authors_out = unique
    categories_out = unique
    tags_out = unique
    published_at_in = MapCompose(clean_text, parse_date)
    modified_at_in = MapCompose(clean_text, parse_date)
    language_in = MapCompose(detect_language)
    image_url_in = MapCompose(clean_text, asset_url)
    related_urls_in = MapCompose(clean_text, canonical_url)
    related_urls_out = unique
    source_url_in = Identity()
    crawled_at_in = Identity()

    def load_item(self) -> ArticleItem:
        """The item with every schema field present: None for missing values, [] for lists."""
        item = super().load_item()
        for field in item.fields:
            item.setdefault(field, [] if field in _LIST_FIELDS else None)
        return item
