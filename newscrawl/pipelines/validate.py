"""Drop items that cannot be stored; count the ones stored without a publication date."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector


class MissingRequiredField(DropItem):
    """The item lacks a field every stored article has. Scrapy counts it under
    ``item_dropped_reasons_count/MissingRequiredField``."""


class ValidatePipeline:
    """Drops items without ``url``, ``title`` or ``body`` (absent or blank).

    Stats: ``newscrawl/validate/missing_field/<field>`` per missing field, and
    ``newscrawl/validate/missing_published_at`` for articles kept without a date.
    """

    REQUIRED = ("url", "title", "body")

    def __init__(self, stats: StatsCollector):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        missing = [name for name in self.REQUIRED if not str(adapter.get(name) or "").strip()]
        if missing:
            for name in missing:
                self.stats.inc_value(f"newscrawl/validate/missing_field/{name}")
            raise MissingRequiredField(f"missing {', '.join(missing)}")
        if adapter.get("published_at") is None:
            # Counted, not logged: the spider has said why in its own line for the page.
            self.stats.inc_value("newscrawl/validate/missing_published_at")
        return item
