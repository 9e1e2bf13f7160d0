"""Previous runs of a spider, kept in MongoDB, and what counts as a sharp drop against them.

Scrapyd keeps no job history to compare with (Scrapy Cloud's job comparison
has no equivalent there), so every run stores its summary in the ``runs``
collection of the articles' database, and the next run of the same spider and
kind compares itself with the previous ones that passed their monitors.
Comparing only with passing runs keeps a broken run from becoming the
baseline; looking back only ``NEWSCRAWL_MONITOR_HISTORY_RUNS`` runs lets a
lasting change become the new normal once that many runs in a row failed.
"""

from __future__ import annotations

import asyncio
import logging
from statistics import median
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.collection import Collection
from pymongo.errors import PyMongoError
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawl.items import ARTICLE_FIELDS
from newscrawl.monitoring.summary import RunSummary, crawl_kind
from newscrawl.storage.extension import Storage
from newscrawl.storage.retry import describe

logger = logging.getLogger(__name__)

RUNS_INDEX = IndexModel([("spider", ASCENDING), ("kind", ASCENDING), ("finished_at", DESCENDING)], name="spider_kind_finished_at")


class RunHistory:
    """Extension: reads the spider's previous runs when it opens; records this run when asked at close.

    Both go through the crawl's storage (:class:`~newscrawl.storage.extension.Storage`),
    open from before the first request until the engine stops, after the close
    monitors. A crawl without storage has no history: nothing is read or recorded.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        #: the crawl's storage, looked up when the spider opens (extensions are being built before)
        self.storage: Storage | None = None
        self.collection: str = crawler.settings["NEWSCRAWL_RUNS_COLLECTION"]
        self.limit = crawler.settings.getint("NEWSCRAWL_MONITOR_HISTORY_RUNS")
        #: previous runs of the same spider and kind, newest first; None when not read
        self.previous: list[RunSummary] | None = None
        #: why the previous runs could not be read
        self.error: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunHistory:
        if not crawler.settings.getbool("SPIDERMON_ENABLED"):  # it serves the monitors only
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        return extension

    @property
    def enabled(self) -> bool:
        return self.previous is not None

    def _runs(self) -> Collection[dict[str, Any]]:
        assert self.storage is not None
        return self.storage.database[self.collection]

    async def spider_opened(self, spider: Spider) -> None:
        self.storage = self.crawler.get_extension(Storage)
        if self.storage is None or not self.storage.is_open:
            logger.info("No MongoDB storage in this crawl: runs are neither compared nor recorded")
            return
        try:
            self.previous = await asyncio.to_thread(self._read, spider.name, crawl_kind(spider))
        except PyMongoError as exc:
            self.error = describe(exc)
            logger.warning("Could not read the previous runs of %s: %s", spider.name, self.error)

    def _read(self, spider: str, kind: str) -> list[RunSummary]:
        cursor = self._runs().find({"spider": spider, "kind": kind}, {"_id": 0}).sort("finished_at", DESCENDING)
        return [RunSummary.from_document(document) for document in cursor.limit(self.limit)]

    def record(self, summary: RunSummary) -> None:
        """Store *summary*. Blocking; raises PyMongoError when it cannot."""
        runs = self._runs()
        runs.create_indexes([RUNS_INDEX])
        runs.insert_one(summary.document())


def sharp_drops(
    current: RunSummary,
    baseline: list[RunSummary],
    *,
    max_article_drop: float,
    max_coverage_drop: float,
    min_articles: int,
) -> list[str]:
    """What fell sharply in *current* against the median of *baseline*, one phrase each.

    Articles seen may fall by at most the share *max_article_drop*; each
    field's coverage by at most *max_coverage_drop* (a difference of shares,
    0.2 = 20 points), judged only between runs that found *min_articles*.
    """
    drops = []
    before = median(run.seen for run in baseline)
    if current.seen < before * (1 - max_article_drop):
        drops.append(f"articles seen {current.seen}, previously {before:g} ({current.seen / before - 1:+.0%})")
    if current.found < min_articles:
        return drops
    for name in ARTICLE_FIELDS:
        now = current.coverage[name].ratio
        earlier = [
            ratio
            for run in baseline
            # a field added to the item since an old run was recorded has no coverage there
            if run.found >= min_articles and name in run.coverage and (ratio := run.coverage[name].ratio) is not None
        ]
        if now is None or not earlier:
            continue
        if median(earlier) - now > max_coverage_drop:
            drops.append(f"{name} coverage {now:.1%}, previously {median(earlier):.1%}")
    return drops
