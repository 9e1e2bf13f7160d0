"""Spidermon's extension, with a console that stays quiet and no verdict on crawls that never crawled.

Spidermon logs every monitor's result and, for each failure, a block holding the
assertion's traceback. Here each monitor's result goes to DEBUG and each failure
is one WARNING line (``[Spidermon] FAIL Field coverage: …``); the run's summary
line (:class:`~newscrawl.monitoring.actions.LogSummary`) and its report say the rest.

A crawl that stopped before it could crawl (the site or the storage could not be
reached, or a component failed while the spider opened) has nothing to judge: its close monitors are not run, so it is neither
reported nor recorded in the run history; its one line and ``scrapy crawl``'s exit
status say what happened.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from spidermon.contrib.scrapy.extensions import Spidermon
from spidermon.contrib.scrapy.runners import SpiderMonitorResult, SpiderMonitorRunner

from newscrawl.news.reach import UNREACHABLE
from newscrawl.storage.errors import StorageMisconfigured, StorageUnavailable

logger = logging.getLogger(__name__)

#: finish reasons of crawls that stopped before their first request could be answered
NOT_CRAWLED = frozenset({UNREACHABLE, StorageUnavailable.reason, StorageMisconfigured.reason})


class QuietMonitorResult(SpiderMonitorResult):
    """Spidermon's result log: details at DEBUG, one WARNING line per failed monitor or action."""

    def log_info(self, msg: str) -> None:
        self.log(msg, level=logging.DEBUG)

    def write_errors(self) -> None:
        for status in self.step.error_statuses:
            for item in self.step.items_for_status(status):
                lines = [line for line in str(item.error).splitlines() if line.strip()]
                reason = lines[-1].removeprefix("AssertionError: ") if lines else ""
                name = getattr(item.item, "monitor_name", item.item.name)
                self.log(f"{item.status} {name}: {reason}", level=logging.WARNING)

    def log(self, msg: str, level: int = logging.DEBUG) -> None:
        logger.log(level, "[Spidermon] %s", msg)


class QuietMonitorRunner(SpiderMonitorRunner):
    def create_result(self) -> QuietMonitorResult:
        return QuietMonitorResult(self.spider)


class Monitoring(Spidermon):
    """``spidermon.contrib.scrapy.extensions.Spidermon`` with :class:`QuietMonitorResult`."""

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if spider not in self.periodic_tasks:  # a component failed while the spider opened
            logger.info("Monitors not run: the crawl never opened (%s)", reason)
            return
        if reason not in NOT_CRAWLED:
            super().spider_closed(spider)
            return
        logger.info("Monitors not run: the crawl stopped before crawling (%s)", reason)
        for task in self.periodic_tasks.get(spider, []):
            task.stop()

    def _run_suites(self, spider: Spider, suites: list[Any]) -> None:
        data = self._generate_data_for_spider(spider)
        for suite in suites:
            QuietMonitorRunner(spider=spider).run(suite, **data)
