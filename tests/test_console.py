"""The console of the commands (one line per record, no traceback) and the progress line."""

from __future__ import annotations

import logging
import sys

from scrapy.extensions.logstats import LogStats
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from newscrawl.console import ConsoleFormatter, ConsoleHandler
from newscrawl.progress import Progress
from tests.harness import unstarted_spider
from tests.sites import FixtureSite


def record(message: str, exc_info: object = None) -> logging.LogRecord:
    return logging.LogRecord("scrapy.core.scraper", logging.ERROR, __file__, 1, message, None, exc_info)  # type: ignore[arg-type]


def test_an_exception_is_a_few_words_at_the_end_of_its_line() -> None:
    try:
        raise ConnectionRefusedError("Connection refused\nmore detail")
    except ConnectionRefusedError:
        line = ConsoleFormatter("%(levelname)s: %(message)s").format(record("Error downloading <GET http://x/>", sys.exc_info()))
    assert line == "ERROR: Error downloading <GET http://x/> (ConnectionRefusedError: Connection refused)"


def test_a_traceback_written_into_a_message_is_cut_off() -> None:
    message = (
        "Error while reading start items and requests: boom.\nTraceback (most recent call last):\n  File x\nValueError: boom"
    )
    assert ConsoleFormatter("%(message)s").format(record(message)) == "Error while reading start items and requests: boom."


def test_the_progress_line_sums_the_stats_and_gives_rates_per_minute() -> None:
    crawler = get_crawler(settings_dict={"LOGSTATS_INTERVAL": 30})
    crawler.stats = MemoryStatsCollector(crawler)
    values = {
        "response_received_count": 40, "item_scraped_count": 12, "newscrawl/mongo/inserted": 8, "newscrawl/mongo/updated": 2,
        "newscrawl/mongo/unchanged": 2, "newscrawl/incremental/skipped_stored": 30,
    }  # fmt: skip
    for key, value in values.items():
        crawler.stats.set_value(key, value)
    progress = Progress(crawler, 30)
    assert progress.line() == (
        "Progress: 40 pages (80/min), 12 articles found (24/min): "
        "12 stored (8 new, 2 updated, 2 unchanged), 0 dead-lettered; 30 skipped as already stored"
    )
    crawler.stats.inc_value("response_received_count", 5)
    assert progress.line().startswith("Progress: 45 pages (10/min), 12 articles found (0/min): ")


def test_scrapys_listings_reach_the_console_at_debug_only() -> None:
    def shown(level: int, name: str, message: str) -> bool:
        handler = ConsoleHandler(sys.stderr)
        handler.setLevel(level)
        return handler.filter(logging.LogRecord(name, logging.INFO, __file__, 1, message, None, None))

    listings = [
        ("scrapy.addons", "Enabled addons:\n%(addons)s"),
        ("scrapy.middleware", "Enabled %(componentname)ss:\n%(enabledlist)s"),
        ("scrapy.crawler", "Overridden settings:\n%(settings)r"),
        ("scrapy.statscollectors", "Dumping Scrapy stats:\n%(stats)s"),
        ("scrapy-playwright", "Closing download handler"),
    ]
    for name, message in listings:
        assert not shown(logging.INFO, name, message)
        assert shown(logging.DEBUG, name, message)
    assert shown(logging.INFO, "scrapy.core.engine", "Spider closed (%(reason)s)")
    assert shown(logging.INFO, "newscrawl.monitoring.actions", "Enabled monitors are all passing")  # another logger


def test_a_crawl_logs_progress_in_place_of_scrapys_log_stats() -> None:
    crawler = unstarted_spider(FixtureSite("iproini").spider, {"NEWSCRAWL_STORAGE_ENABLED": False}).crawler
    progress = crawler.get_extension(Progress)
    assert progress is not None and progress.interval == 60
    assert crawler.get_extension(LogStats) is None
