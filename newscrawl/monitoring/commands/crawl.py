"""``scrapy crawl`` that exits non-zero when the run's monitors failed, for cron and Scrapyd to notice.

Scrapy's exit status only says whether the crawl could start. The close
monitor suite counts failed monitors in the stats (``newscrawl/monitors/failed``);
after the crawl, this command turns a non-zero count into exit status
:data:`MONITORS_FAILED`. A crawl that could not start keeps Scrapy's 1.
Scrapyd runs jobs through this same command: the status shows in Scrapyd's
log (``Process died: exitstatus=3``), though Scrapyd lists the job as finished.
"""

from __future__ import annotations

import argparse

from scrapy import Spider
from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.crawler import Crawler

from newscrawl.monitoring.suites import FAILED_STAT

#: Exit status of a crawl that ran to its end but failed its monitors (1 and 2 are Scrapy's).
MONITORS_FAILED = 3


class Command(ScrapyCrawlCommand):
    def __init__(self) -> None:
        super().__init__()
        self.crawler: Crawler | None = None

    def long_desc(self) -> str:
        return (
            f"{self.short_desc()}. Exits with status {MONITORS_FAILED} when the run's monitors failed "
            "(README.md, 'Data quality'), 1 when the crawl could not start."
        )

    def _create_crawler(self, spidercls: type[Spider] | str) -> Crawler:
        self.crawler = super()._create_crawler(spidercls)
        return self.crawler

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        super().run(args, opts)
        if self.exitcode == 0 and self.crawler is not None and self.crawler.stats.get_value(FAILED_STAT):
            self.exitcode = MONITORS_FAILED
