"""The monitor suite run when a spider closes (``SPIDERMON_SPIDER_CLOSE_MONITORS``)."""

from __future__ import annotations

from typing import Any, ClassVar

from scrapy.crawler import Crawler
from scrapy.utils.misc import load_object
from spidermon.contrib.scrapy.monitors import (
    CriticalCountMonitor,
    DownloaderExceptionMonitor,
    ErrorCountMonitor,
    FinishReasonMonitor,
    RetryCountMonitor,
    SpiderCloseMonitorSuite,
    UnwantedHTTPCodesMonitor,
)
from spidermon.results.monitor import MonitorResult

from newscrawl.monitoring.actions import FileReport, LogSummary, RecordRun
from newscrawl.monitoring.monitors import (
    ArticleCountMonitor,
    DeadLetterMonitor,
    FallbackShareMonitor,
    FieldCoverageMonitor,
    PreviousRunsMonitor,
    RenderFailuresMonitor,
    SchemaErrorsMonitor,
)

#: Stats the suite sets: monitors that passed (skipped ones included) and failed. ``scrapy crawl``
#: exits with a status of its own when the latter is not zero (newscrawl.commands.crawl).
PASSED_STAT = "newscrawl/monitors/passed"
FAILED_STAT = "newscrawl/monitors/failed"


class CloseMonitorSuite(SpiderCloseMonitorSuite):
    """Every check of a finished run, then its record for the next runs, its report and its summary line.

    Spidermon's close suite with the project's monitors, so its ``SPIDERMON_MONITOR_SKIPPING_RULES``
    apply. Notifications on failure (Spidermon's Slack, e-mail, Sentry... actions) are listed in
    ``NEWSCRAWL_MONITOR_FAILED_ACTIONS``.
    """

    monitors: ClassVar[list[type]] = [
        FinishReasonMonitor,
        ErrorCountMonitor,
        CriticalCountMonitor,
        ArticleCountMonitor,
        FieldCoverageMonitor,
        FallbackShareMonitor,
        SchemaErrorsMonitor,
        UnwantedHTTPCodesMonitor,
        RetryCountMonitor,
        DownloaderExceptionMonitor,
        RenderFailuresMonitor,
        DeadLetterMonitor,
        PreviousRunsMonitor,
    ]
    # In this order: the log line names the report's path.
    monitors_finished_actions: ClassVar[list[type]] = [RecordRun, FileReport, LogSummary]

    def __init__(self, *args: Any, crawler: Crawler, **kwargs: Any):
        failed_actions = [load_object(path) for path in crawler.settings.getlist("NEWSCRAWL_MONITOR_FAILED_ACTIONS")]
        super().__init__(*args, monitors_failed_actions=failed_actions, crawler=crawler, **kwargs)

    def on_monitors_finished(self, result: MonitorResult) -> None:
        stats = self._crawler.stats
        stats.set_value(PASSED_STAT, len(result.monitors_passed_results))
        stats.set_value(FAILED_STAT, len(result.monitors_failed_results))
