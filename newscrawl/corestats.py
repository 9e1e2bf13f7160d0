"""Scrapy's core stats, for a crawl that may close without having opened."""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy import Spider
from scrapy.extensions.corestats import CoreStats as ScrapyCoreStats


class CoreStats(ScrapyCoreStats):
    """``scrapy.extensions.corestats.CoreStats``, closing a crawl that never opened without an error.

    When a component fails while the spider opens, Scrapy closes the crawl without
    having sent ``spider_opened``; Scrapy's extension then fails on the missing start
    time, adding an error to the one line that says what went wrong.
    """

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.start_time is not None:
            super().spider_closed(spider, reason)
            return
        self.stats.set_value("finish_time", datetime.now(tz=UTC))
        self.stats.set_value("finish_reason", reason)
