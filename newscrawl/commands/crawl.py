"""``scrapy crawl`` with checked arguments, a one-line console and an exit status per outcome.

Before the crawl starts, the settings are checked (:mod:`newscrawl.setting_checks`)
and the spider's arguments against its parameter model (:mod:`newscrawl.news.arguments`):
a bad one ends the command with one line and status 1. After the crawl, the finish reason and the close
monitors give the status (the table in :mod:`newscrawl.commands`). Scrapyd runs
jobs through this same command: the status shows in Scrapyd's log
(``Process died: exitstatus=3``), though Scrapyd lists the job as finished.
"""

from __future__ import annotations

import argparse
import asyncio
import logging

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler

from newscrawl.commands import (
    BY_FINISH_REASON,
    BadConfiguration,
    ExitStatus,
    check_arguments,
    check_settings,
    fail,
    load_spider,
    one_line_parser_errors,
    usage_errors_in_one_line,
)
from newscrawl.console import install_console, keep_scrapy_off_the_console
from newscrawl.monitoring.suites import FAILED_STAT
from newscrawl.storage.errors import StorageUnavailable

logger = logging.getLogger(__name__)


class Command(ScrapyCrawlCommand):
    def __init__(self) -> None:
        super().__init__()
        self.crawler: Crawler | None = None
        #: the error that kept the crawl from starting, if one did
        self.failure: BaseException | None = None

    def long_desc(self) -> str:
        statuses = ", ".join(f"{status.value} {status.name.lower().replace('_', ' ')}" for status in ExitStatus)
        return f"{self.short_desc()}. Exit status: {statuses} (docs/operations.md)."

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        one_line_parser_errors(parser)

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        with usage_errors_in_one_line():
            super().process_options(args, opts)
        assert self.settings is not None
        keep_scrapy_off_the_console(self.settings)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None and self.crawler_process is not None
        install_console(self.settings)
        if len(args) != 1:
            fail("Bad command line: name one spider: `scrapy crawl <name>` (`scrapy list` shows them)")
        try:
            check_settings(self.settings)
            spidercls = load_spider(self.crawler_process.spider_loader, args[0])
            check_arguments(spidercls, opts.spargs)
        except BadConfiguration as exc:
            fail(str(exc))
        self.crawler = self._create_crawler(spidercls)
        crawl = self.crawler_process.crawl(self.crawler, **opts.spargs)
        if isinstance(crawl, asyncio.Future):  # the asyncio reactor's (settings.py); a Deferred otherwise
            crawl.add_done_callback(self.say_why_it_failed)
        self.crawler_process.start()
        if isinstance(self.failure, StorageUnavailable):
            self.exitcode = ExitStatus.STORAGE_UNAVAILABLE
        elif self.failure is not None or self.crawler_process.bootstrap_failed:
            self.exitcode = ExitStatus.BAD_CONFIGURATION
        elif self.crawler is not None:
            self.exitcode = self.exit_status(self.crawler)

    def say_why_it_failed(self, crawl: asyncio.Future[None]) -> None:
        """Say in one line why a crawl failed to start, instead of asyncio's "Task exception was never retrieved"."""
        if crawl.cancelled() or (error := crawl.exception()) is None:
            return
        self.failure = error
        name = self.crawler.spidercls.name if self.crawler is not None else "the spider"
        cause = f"{type(error).__name__}: {error}".splitlines()[0]
        logger.error("Cannot start the crawl of %s: %s (-s LOG_FILE=… keeps the traceback)", name, cause, exc_info=error)

    @staticmethod
    def exit_status(crawler: Crawler) -> ExitStatus:
        """The status of a crawl that ran: by its finish reason, then by its monitors."""
        stats = crawler.stats
        if status := BY_FINISH_REASON.get(stats.get_value("finish_reason")):
            return status
        return ExitStatus.MONITORS_FAILED if stats.get_value(FAILED_STAT) else ExitStatus.OK
