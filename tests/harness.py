"""In-process crawls: the project's own stack, a fraction of a subprocess's cost.

Every crawl runs on one Twisted reactor (the project's asyncio reactor) that
runs for the whole test session in a thread of its own, so a test can run as
many crawls as it needs, one after another or at once, each through the real
HTTP/1.1 download handler, scrapy-playwright and the project's settings. A test
reads ``crawler.stats`` and the scraped items directly, and the log lines the
crawl wrote (at its ``LOG_LEVEL``), never a log file.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar
from unittest.mock import patch

import scrapy
from scrapy import signals
from scrapy.core.engine import ExecutionEngine
from scrapy.crawler import Crawler, CrawlerRunner
from scrapy.settings import Settings
from scrapy.utils.log import LogCounterHandler
from scrapy.utils.reactor import install_reactor

from newscrawl import settings as project_settings
from newscrawl.pipelines.validate import json_form

SpiderT = TypeVar("SpiderT", bound=scrapy.Spider)

#: What every test crawl sets: no throttling (loopback servers), INFO logs.
TEST_SETTINGS: dict[str, Any] = {"AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "INFO"}

_reactor_lock = threading.Lock()
_reactor_thread: threading.Thread | None = None


def reactor() -> Any:
    """The session's reactor, installed and started in its own thread on first use."""
    global _reactor_thread
    with _reactor_lock:
        if _reactor_thread is None:
            install_reactor(project_settings.TWISTED_REACTOR)
            from twisted.internet import reactor as installed

            # Twisted types the global reactor with zope interfaces, whose methods mypy reads as taking no self.
            _reactor_thread = threading.Thread(
                target=installed.run,  # type: ignore[misc]
                kwargs={"installSignalHandlers": False},
                name="reactor",
                daemon=True,
            )
            _reactor_thread.start()
    from twisted.internet import reactor as running

    return running


def crawl_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """The project settings, as ``scrapy crawl`` reads them, with the test's on top."""
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.setdict({**TEST_SETTINGS, **(overrides or {})}, priority="cmdline")
    return settings


@dataclass
class Crawl:
    """One finished crawl: its crawler (stats, extensions), items and log."""

    crawler: Crawler
    #: scraped items in their JSON form (dates as ISO 8601 strings), in the order scraped
    items: list[dict[str, Any]] = field(default_factory=list)
    #: ``LEVEL logger: message`` of every record the crawl logged at its LOG_LEVEL or above
    log: list[str] = field(default_factory=list)
    #: what made the crawl fail to start or run, if anything did (e.g. StorageUnavailable)
    error: BaseException | None = None

    @property
    def stats(self) -> dict[str, Any]:
        return self.crawler.stats.get_stats()

    def stat(self, key: str, default: Any = 0) -> Any:
        return self.crawler.stats.get_value(key, default)

    @property
    def text(self) -> str:
        return "\n".join(self.log)

    def lines(self, level: str) -> list[str]:
        return [line for line in self.log if line.startswith(f"{level} ")]


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.log: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.log.append(f"{record.levelname} {record.name}: {record.getMessage()}")


@contextmanager
def _captured(level: str) -> Iterator[_Capture]:
    root = logging.getLogger()
    handler = _Capture()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(level)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
        # Each Crawler adds a log counter to the root logger and never removes it.
        for counter in [h for h in root.handlers if isinstance(h, LogCounterHandler)]:
            root.removeHandler(counter)


def crawl_many(
    runs: Sequence[tuple[type[scrapy.Spider], Mapping[str, Any]]], settings: Mapping[str, Any] | None = None
) -> list[Crawl]:
    """Run one crawl per ``(spider class, spider arguments)``, at once on the reactor; their results."""
    crawl_settings_ = crawl_settings(settings)

    def start() -> Any:
        runner = CrawlerRunner(crawl_settings_)
        deferreds = []
        for spidercls, arguments in runs:
            crawler = runner.create_crawler(spidercls)
            result = Crawl(crawler)
            crawler.signals.connect(_collector(result), signal=signals.item_scraped, weak=False)
            results.append(result)
            deferreds.append(runner.crawl(crawler, **arguments))
        return DeferredList(deferreds, consumeErrors=True)

    results: list[Crawl] = []
    running = reactor()
    from twisted.internet.defer import DeferredList
    from twisted.internet.threads import blockingCallFromThread

    # Items yielded by start() do not wake the engine when their processing ends, so it notices
    # that the spider is done on its next heartbeat (every 5 s). Beat faster in tests.
    with _captured(crawl_settings_["LOG_LEVEL"]) as capture, patch.object(ExecutionEngine, "_SLOT_HEARTBEAT_INTERVAL", 0.05):
        outcomes = blockingCallFromThread(running, start)
    for result, (succeeded, value) in zip(results, outcomes, strict=True):
        result.log = capture.log  # one log for crawls run together
        result.error = None if succeeded else value.value
    return results


def _collector(result: Crawl) -> Callable[..., None]:
    def collect(item: Any) -> None:
        result.items.append(json_form(item))

    return collect


def crawl(spidercls: type[scrapy.Spider], settings: Mapping[str, Any] | None = None, **arguments: Any) -> Crawl:
    """Run one crawl of *spidercls* with these spider *arguments*; its result."""
    (result,) = crawl_many([(spidercls, arguments)], settings)
    return result


def unstarted_spider(spidercls: type[SpiderT], settings: Mapping[str, Any] | None = None, **arguments: Any) -> SpiderT:
    """A spider made as ``scrapy crawl`` makes it (its from_crawler may still change the settings), with its
    crawler's settings then frozen and its stats and extensions built, but no crawl started: for
    testing a spider's or a middleware's methods on their own."""
    reactor()  # CrawlerRunner wants the project's reactor installed
    crawler = CrawlerRunner(crawl_settings(settings)).create_crawler(spidercls)
    spider = spidercls.from_crawler(crawler, **arguments)
    crawler.spider = spider
    crawler._apply_settings()
    return spider
