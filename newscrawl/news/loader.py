"""The article item loader: declarative input and output processors per field.

An article page object (:mod:`newscrawl.news.pages`) hands each field's values
to the loader in order of trust; the loader cleans them and keeps the first
good one (lists: every value, without repeats). Context the processors read
(passed as loader keyword arguments): ``site_urls``
(:class:`~newscrawl.urls.SiteUrls`), ``base_url`` (the URL
relative links on the page resolve against: its ``<base href>``, else its
own), ``timezone`` (the site's ``ZoneInfo``), ``now`` (the crawl time, for
relative dates) and ``date_problems`` (a list the date processor appends
unparseable, impossible or future dates to).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from itemloaders.processors import Identity, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from newscrawl.dates import InvalidDate, parse_iso, parse_visible_date
from newscrawl.items import LIST_FIELDS, ArticleItem
from newscrawl.text import clean_text, detect_language
from newscrawl.urls import join_url

#: How far past the crawl time a date may lie: a timezone written wrong moves it by at most 14 hours,
#: anything later is a placeholder or an event's date, not when the article appeared.
FUTURE_TOLERANCE = timedelta(days=1)


def unique(values: Iterable[Any]) -> list[Any]:
    """Output processor: the values in first-seen order, without repeats."""
    return list(dict.fromkeys(values))


def join_paragraphs(values: Iterable[str]) -> str | None:
    """Output processor: paragraphs separated by a blank line, None when there are none."""
    return "\n\n".join(values) or None


def parse_date(value: str, loader_context: dict[str, Any]) -> datetime | None:
    """Input processor: an ISO timestamp exactly, else a visible date in the site's timezone.

    Impossible, unrecognised and future dates (more than :data:`FUTURE_TOLERANCE`
    after the crawl time) give None, so the next source in order of trust is used,
    and are recorded in the context's ``date_problems`` so the spider can count
    and log them.
    """
    parsed = parse_iso(value)
    if parsed is None:
        try:
            parsed = parse_visible_date(value, loader_context["timezone"], loader_context["now"])
        except InvalidDate:
            loader_context["date_problems"].append(("invalid_date", value))
            return None
    if parsed is None:
        loader_context["date_problems"].append(("unparsed_date", value))
    elif parsed > loader_context["now"] + FUTURE_TOLERANCE:
        loader_context["date_problems"].append(("future_date", value))
        return None
    return parsed


def canonical_url(value: str, loader_context: dict[str, Any]) -> str | None:
    """Input processor: an on-site link as its canonical production URL (None off-site).

    A fragment-only link (``#respond``) points into the page itself, never to another article.
    """
    if value.startswith("#"):
        return None
    absolute = join_url(loader_context["base_url"], value)
    return loader_context["site_urls"].canonical(absolute) if absolute else None


def asset_url(value: str, loader_context: dict[str, Any]) -> str | None:
    """Input processor: an absolute asset URL; on-site assets get the production origin."""
    absolute = join_url(loader_context["base_url"], value)
    if absolute is None:
        return None
    site_urls = loader_context["site_urls"]
    return site_urls.canonical(absolute) if site_urls.is_site_url(absolute) else absolute


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
    extractor_in = Identity()

    def load_item(self) -> ArticleItem:
        """The item with every schema field present: None for missing values, [] for lists."""
        item = super().load_item()
        for field in item.fields:
            item.setdefault(field, [] if field in LIST_FIELDS else None)
        return item
