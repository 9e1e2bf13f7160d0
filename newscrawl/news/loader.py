"""The article item loader: declarative input and output processors per field.

An article page object (:mod:`newscrawl.news.pages`) hands each field's values
to the loader in order of trust; the loader cleans them and keeps the first
good one (lists: every value, without repeats). Context the processors read
(passed as the loader's keyword arguments): ``site_urls``
(:class:`~newscrawl.urls.SiteUrls`), ``base_url`` (the URL
relative links on the page resolve against: its ``<base href>``, else its
own), ``timezone`` (the site's ``ZoneInfo``), ``now`` (the crawl time, for
relative dates) and ``date_problems`` (a list the date processor appends
unparseable, impossible or future dates to).

The processors are itemloaders' (``MapCompose``, ``TakeFirst``), declared as
for its ``ItemLoader``; the loader itself is a few lines of its own, because
``ItemLoader`` spends more per value on finding and wrapping processors than
the processors take (see ``bench/bench_extraction.py``), and an article page
hands it a hundred values.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from itemloaders import processors
from itemloaders.processors import TakeFirst
from itemloaders.utils import arg_to_iter, get_func_args

from newscrawl.dates import InvalidDate, parse_iso, parse_visible_date
from newscrawl.items import ARTICLE_FIELDS, LIST_FIELDS, ArticleItem
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


class MapCompose(processors.MapCompose):
    """itemloaders' ``MapCompose`` (each function over each value, ``None`` dropped, lists flattened),
    knowing from the start which functions take the loader context instead of finding it out and
    wrapping them on every call. Default contexts are not supported: the loader passes its own."""

    def __init__(self, *functions: Any):
        super().__init__(*functions)
        self.takes_context = tuple("loader_context" in get_func_args(function) for function in functions)

    def __call__(self, value: Any, loader_context: Any = None) -> list[Any]:
        values = value if isinstance(value, list) else arg_to_iter(value)
        for function, takes_context in zip(self.functions, self.takes_context, strict=True):
            results: list[Any] = []
            for each in values:
                result = function(each, loader_context=loader_context) if takes_context else function(each)
                # What processors return is mostly one string, or None: arg_to_iter's general case costs more.
                if isinstance(result, str):
                    results.append(result)
                elif result is not None:
                    results += arg_to_iter(result)
            values = results
        return list(values)


class ArticleLoader:
    """Collects each field's values through its input processor (``<field>_in``, else
    ``default_input_processor``); a field's value is its output processor's (``<field>_out``,
    else ``default_output_processor``) over what was collected."""

    default_input_processor = MapCompose(clean_text)
    default_output_processor = TakeFirst()

    url_in = MapCompose(canonical_url)
    body_in = MapCompose()  # paragraphs come clean (newscrawl.text.paragraphs)
    body_out = staticmethod(join_paragraphs)
    authors_out = staticmethod(unique)
    categories_out = staticmethod(unique)
    tags_out = staticmethod(unique)
    published_at_in = MapCompose(clean_text, parse_date)
    modified_at_in = MapCompose(clean_text, parse_date)
    language_in = MapCompose(detect_language)
    image_url_in = MapCompose(clean_text, asset_url)
    related_urls_in = MapCompose(clean_text, canonical_url)
    related_urls_out = staticmethod(unique)
    # Values the crawl itself sets, taken as they are.
    source_url_in = MapCompose()
    crawled_at_in = MapCompose()
    extractor_in = MapCompose()

    def __init__(self, **context: Any):
        self.context = context
        self._collected: dict[str, list[Any]] = {}

    def add_value(self, field: str, value: Any) -> None:
        """Process *value* (one, or a list of them) with the field's input processor and collect the results."""
        processor = getattr(self, f"{field}_in", self.default_input_processor)
        self._collected.setdefault(field, []).extend(processor(value, self.context))

    def get_collected_values(self, field: str) -> list[Any]:
        return self._collected.get(field, [])

    def get_output_value(self, field: str) -> Any:
        return getattr(self, f"{field}_out", self.default_output_processor)(self.get_collected_values(field))

    def load_item(self) -> ArticleItem:
        """The item with every schema field present: None for missing values, [] for lists."""
        item = ArticleItem()
        for field in ARTICLE_FIELDS:
            value = self.get_output_value(field)
            item[field] = value if value is not None else ([] if field in LIST_FIELDS else None)
        return item
