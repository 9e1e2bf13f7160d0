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
import os
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any

from bson import json_util
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.collection import Collection
from pymongo.errors import PyMongoError
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawl.items import ARTICLE_FIELDS
from newscrawl.monitoring.summary import RunSummary, crawl_kind
from newscrawl.storage.deadletter import EXTENDED_JSON
from newscrawl.storage.extension import Storage
from newscrawl.storage.retry import describe

logger = logging.getLogger(__name__)

RUNS_INDEX = IndexModel([("spider", ASCENDING), ("kind", ASCENDING), ("finished_at", DESCENDING)], name="spider_kind_finished_at")


class RunHistory:
    """Extension: reads the spider's previous runs when it opens; records this run when asked at close.

    Both go through the crawl's storage (:class:`~newscrawl.storage.extension.Storage`),
    open from before the first request until the engine stops, after the close
    monitors. A crawl without storage has no history: nothing is read or recorded.
    A run that cannot be recorded (MongoDB went away during the run) is kept as a
    JSON file in ``NEWSCRAWL_DATA_DIR/runs/``, and recorded by the next run when it opens.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        #: the crawl's storage, looked up when the spider opens (extensions are being built before)
        self.storage: Storage | None = None
        self.collection: str = crawler.settings["NEWSCRAWL_RUNS_COLLECTION"]
        self.limit = crawler.settings.getint("NEWSCRAWL_MONITOR_HISTORY_RUNS")
        #: run records waiting to be written
        self.pending = Path(crawler.settings["NEWSCRAWL_DATA_DIR"]) / "runs"
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
        """Whether runs are compared and recorded: the crawl has a store."""
        return self.storage is not None and self.storage.is_open

    def _runs(self, database: str | None = None, collection: str | None = None) -> Collection[dict[str, Any]]:
        assert self.storage is not None and self.storage.connection.client is not None
        return self.storage.connection.client[database or self.storage.config.database][collection or self.collection]

    async def spider_opened(self, spider: Spider) -> None:
        self.storage = self.crawler.get_extension(Storage)
        if not self.enabled:
            logger.info("No MongoDB storage in this crawl: runs are neither compared nor recorded")
            return
        try:
            await asyncio.to_thread(self._record_pending)
            self.previous = await asyncio.to_thread(self._read, spider.name, crawl_kind(spider))
        except PyMongoError as exc:
            self.error = describe(exc)
            logger.warning("Could not read the previous runs of %s: %s", spider.name, self.error)

    def _read(self, spider: str, kind: str) -> list[RunSummary]:
        """The previous runs; a record that is not one (damaged, or written by other code) is skipped."""
        cursor = self._runs().find({"spider": spider, "kind": kind}, {"_id": 0}).sort("finished_at", DESCENDING)
        runs, unreadable = [], 0
        for document in cursor.limit(self.limit):
            try:
                runs.append(RunSummary.from_document(document))
            except (KeyError, TypeError, ValueError):
                unreadable += 1
        if unreadable:
            logger.warning("Skipped %d unreadable records of previous runs of %s (%s)", unreadable, spider, kind)
        return runs

    def record(self, summary: RunSummary) -> None:
        """Store *summary*; when MongoDB cannot take it, keep it on disk for the next run. Blocking."""
        document = summary.document()
        try:
            self._insert(self._runs(), document)
        except PyMongoError as exc:
            # insert_one gave the document its _id before sending it: writing it again is idempotent.
            name = f"{summary.spider}-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{os.getpid()}.json"
            record = {"database": self._runs().database.name, "collection": self.collection, "run": document}
            self.pending.mkdir(parents=True, exist_ok=True)
            (self.pending / name).write_text(
                json_util.dumps(record, json_options=EXTENDED_JSON, ensure_ascii=False), encoding="utf-8"
            )
            logger.warning(
                "Could not record the run in MongoDB (%s); kept in %s, for the next run to record",
                describe(exc),
                self.pending / name,
            )

    @staticmethod
    def _insert(runs: Collection[dict[str, Any]], document: dict[str, Any]) -> None:
        runs.create_indexes([RUNS_INDEX])
        if "_id" in document:
            runs.replace_one({"_id": document["_id"]}, document, upsert=True)
        else:
            runs.insert_one(document)

    def _record_pending(self) -> None:
        """Record the runs earlier crawls kept on disk, oldest first; an unreadable file stays, logged."""
        for path in sorted(self.pending.glob("*.json")):
            try:
                record = json_util.loads(path.read_text(encoding="utf-8"), json_options=EXTENDED_JSON)
                runs = self._runs(record["database"], record["collection"])
                RunSummary.from_document(record["run"])
            except (OSError, ValueError, KeyError, TypeError) as exc:
                logger.warning("Cannot record the run kept in %s (%s: %s); left there", path, type(exc).__name__, exc)
                continue
            self._insert(runs, record["run"])
            path.unlink()
            logger.info("Recorded the run an earlier crawl kept in %s", path)


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
