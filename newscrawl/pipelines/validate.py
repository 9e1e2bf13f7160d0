"""Validate every article against the storage schema, once, before anything else sees it.

The rules are :data:`newscrawl.storage.schema.ARTICLE_ITEM_SCHEMA`, derived from
the MongoDB validator's schema: one definition of what a stored article is.
Items carry Python datetimes, so an item's JSON form is validated (dates as ISO
8601 strings), with the ``date-time`` and ``uri`` formats enforced.

Which errors drop an article and which only flag it:

* **kept and flagged**: a value not in canonical form (a ``date-time`` without
  a UTC offset, a URL that is not a strict RFC 3986 URI), a missing field, an
  extra field. Storage copes with each (naive dates are taken as UTC, missing
  fields get their defaults, extra ones are not stored);
* **dropped** (:class:`InvalidArticle`): a wrong value (wrong type, an empty
  title or body, a ``url`` that is not http(s)), or no url, title or body at all. The MongoDB validator would
  refuse the document, and a dead-letter file would only keep replaying it.

Either way each error is counted per field (``newscrawl/validation/errors/<field>/<error>``),
logged in one line, and fails the run's schema monitor.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Self

from itemadapter import ItemAdapter
from jsonschema import Draft202012Validator, FormatChecker
from rfc3339_validator import validate_rfc3339
from rfc3986_validator import validate_rfc3986
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from newscrawl.storage.schema import ARTICLE_ITEM_SCHEMA, JSON_TYPES, QuickCheck, describe_errors, errors_by_field

logger = logging.getLogger(__name__)

#: stats of the validation: articles validated, and errors as ``<prefix><field>/<error>``
ITEMS_STAT = "newscrawl/validation/items"
INVALID_ITEMS_STAT = "newscrawl/validation/items_with_errors"
ERRORS_PREFIX = "newscrawl/validation/errors/"
#: errors that leave the article storable: it is kept, and flagged
KEPT_ERRORS = frozenset({"missing", "unexpected", "not_date_time", "not_uri"})
#: fields storage cannot fill in when missing (it defaults lists, nullable fields, site, source and
#: crawl time): those the schema wants non-empty or of a given form
REQUIRED_CONTENT = frozenset(
    name for name, rule in ARTICLE_ITEM_SCHEMA["properties"].items() if "minLength" in rule or "pattern" in rule
)

# The two formats the item schema uses, checked by the MIT-licensed validators.
FORMATS = FormatChecker(formats=())
FORMATS.checks("date-time")(lambda value: not isinstance(value, str) or validate_rfc3339(value))
FORMATS.checks("uri")(lambda value: not isinstance(value, str) or validate_rfc3986(value, rule="URI"))


class InvalidArticle(DropItem):
    """The article breaks the schema in a way storage cannot repair. Scrapy counts it under
    ``item_dropped_reasons_count/InvalidArticle``."""


def json_form(item: Any) -> dict[str, Any]:
    """The item's fields as feeds write them: datetimes as ISO 8601 strings with their offset."""
    return {name: value.isoformat() if isinstance(value, datetime) else value for name, value in ItemAdapter(item).items()}


class ArticleValidator:
    """The item schema's rules, as ``{field: [error, …]}`` for an item."""

    def __init__(self, schema: dict[str, Any] = ARTICLE_ITEM_SCHEMA):
        self._validator = Draft202012Validator(schema, format_checker=FORMATS)
        self._is_valid = QuickCheck(schema, JSON_TYPES, FORMATS)

    def errors(self, item: Any) -> dict[str, list[str]]:
        # jsonschema (600 µs an item) only for the rare item the quick check (30 µs) refuses
        form = json_form(item)
        return {} if self._is_valid(form) else errors_by_field(self._validator, form)


def _unstorable(name: str, kinds: list[str]) -> bool:
    return bool(set(kinds) - KEPT_ERRORS) or (name in REQUIRED_CONTENT and "missing" in kinds)


class ValidatePipeline:
    """Checks every article against the item schema; drops what storage cannot take.

    ``NEWSCRAWL_DROP_INVALID_ARTICLES = False`` keeps every article (errors are still counted).
    """

    def __init__(self, stats: StatsCollector, drop_invalid: bool):
        self.stats = stats
        self.drop_invalid = drop_invalid
        self.validator = ArticleValidator()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats, crawler.settings.getbool("NEWSCRAWL_DROP_INVALID_ARTICLES"))

    def process_item(self, item: Any) -> Any:
        self.stats.inc_value(ITEMS_STAT)
        errors = self.validator.errors(item)
        if not errors:
            return item
        self.stats.inc_value(INVALID_ITEMS_STAT)
        for name, kinds in errors.items():
            for kind in kinds:
                self.stats.inc_value(f"{ERRORS_PREFIX}{name}/{kind}")
        if self.drop_invalid and any(_unstorable(name, kinds) for name, kinds in errors.items()):
            raise InvalidArticle(describe_errors(errors))
        logger.warning("Kept %s with schema errors: %s", ItemAdapter(item).get("url"), describe_errors(errors))
        return item
