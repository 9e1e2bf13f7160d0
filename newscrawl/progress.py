"""A progress line every ``LOGSTATS_INTERVAL`` seconds (60), in place of Scrapy's LogStats.

``Progress: 1200 pages (80/min), 410 articles found (30/min): 400 stored (360 new, 20 updated,
20 unchanged), 0 dead-lettered; 900 skipped as already stored`` — what an operator watching a
long crawl wants to know. The storage counts are the summary's (:class:`StorageCounts`): the
run's summary line at the end says the same of the whole run, in the same words, as its report does.
"""

from __future__ import annotations

import logging
from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from newscrawl.monitoring.summary import SKIPPED_STORED_STAT, StorageCounts

logger = logging.getLogger(__name__)


class Progress:
    def __init__(self, crawler: Crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.last = (0, 0)
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        interval = crawler.settings.getfloat("LOGSTATS_INTERVAL")
        if not interval:
            raise NotConfigured
        progress = cls(crawler, interval)
        crawler.signals.connect(progress.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(progress.spider_closed, signal=signals.spider_closed)
        return progress

    def spider_opened(self) -> None:
        self.loop = task.LoopingCall(self.log)
        self.loop.start(self.interval, now=False)

    def spider_closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()

    def line(self) -> str:
        """The progress so far, and the rates since the last line."""
        value = self.crawler.stats.get_value
        pages, found = value("response_received_count", 0), value("item_scraped_count", 0)
        per_minute = 60 / self.interval
        page_rate, found_rate = (pages - self.last[0]) * per_minute, (found - self.last[1]) * per_minute
        self.last = (pages, found)
        storage = StorageCounts.from_stats(self.crawler.stats.get_stats()).describe()
        skipped = value(SKIPPED_STORED_STAT, 0)
        return (
            f"Progress: {pages} pages ({page_rate:.0f}/min), {found} articles found ({found_rate:.0f}/min): "
            f"{storage}; {skipped} skipped as already stored"
        )

    def log(self) -> None:
        logger.info(self.line())
