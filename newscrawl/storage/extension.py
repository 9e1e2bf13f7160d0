"""The crawl's MongoDB storage, as a crawler component: ``crawler.get_extension(Storage)``.

One connection per crawl, owned here from the moment the storage pipeline
opens it (before the first request) until the engine stops (after the close
monitors have recorded the run). Everything that reads or writes the store
during a crawl goes through this extension: the item pipelines (articles, and
the URLs of dropped duplicates), the spider (what is already stored, for an
incremental crawl) and the run history.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import partial
from typing import Any, Self

from pymongo.database import Database
from pymongo.errors import PyMongoError
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawl.incremental import StoredArticles
from newscrawl.storage.batcher import STATS, ArticleBatcher
from newscrawl.storage.config import MongoConfig
from newscrawl.storage.connection import MongoConnection
from newscrawl.storage.errors import StorageMisconfigured, StorageUnavailable
from newscrawl.storage.retry import RetryPolicy, describe
from newscrawl.storage.writer import ArticleWriter
from newscrawl.urls import SiteUrls

logger = logging.getLogger(__name__)


class Storage:
    """Extension holding the crawl's MongoDB connection and its article batches.

    Disabled with ``NEWSCRAWL_STORAGE_ENABLED = False``; ``crawler.get_extension(Storage)``
    is then None, and a crawl writes nothing (feeds only).
    """

    def __init__(self, crawler: Crawler, config: MongoConfig):
        self.crawler = crawler
        self.config = config
        self.connection = MongoConnection(config)
        self._batcher: ArticleBatcher | None = None
        self._open_lock = asyncio.Lock()
        #: why the storage could not be opened, if it could not
        self.failure: StorageUnavailable | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSCRAWL_STORAGE_ENABLED"):
            raise NotConfigured
        # At DEBUG pymongo would log every command (article bodies included), the embedded server every connection.
        for noisy in ("pymongo", "secantus"):
            logging.getLogger(noisy).setLevel(logging.INFO)
        storage = cls(crawler, MongoConfig.from_settings(crawler.settings))
        crawler.signals.connect(storage.engine_stopped, signal=signals.engine_stopped)
        return storage

    @property
    def is_open(self) -> bool:
        return self._batcher is not None

    @property
    def database(self) -> Database[dict[str, Any]]:
        return self.connection.database

    async def open(self) -> None:
        """Connect and prepare the collections, once; raises :class:`StorageUnavailable` (one line, no secret)."""
        async with self._open_lock:
            if self.is_open:
                return
            try:
                await asyncio.to_thread(self.connection.open)
            except StorageUnavailable as exc:
                self.failure = exc
                what = "misconfigured" if isinstance(exc, StorageMisconfigured) else "unavailable"
                logger.error("MongoDB storage %s, not crawling: %s", what, exc)
                raise
            writer = ArticleWriter(self.connection.articles, self.connection.versions)
            spider = self.crawler.spidercls.name
            self._batcher = ArticleBatcher(writer, self.config, self.crawler.stats, spider)
        self.crawler.stats.set_value(f"{STATS}/validator", self.connection.validated)
        if self.connection.embedded is not None:
            logger.info(
                "MongoDB storage: %s; to query it after the crawl, run `python -m newscrawl.storage serve`, "
                "which prints its address",
                self.connection.where,
            )
        else:
            logger.info("MongoDB storage: %s", self.connection.where)

    async def save(self, item: Any) -> None:
        """Store a scraped article (buffered; written in the next batch)."""
        assert self._batcher is not None, "open() first"
        await self._batcher.add(item)

    def add_seen_urls(self, kept_url: str, seen_urls: list[str]) -> None:
        """Add URLs to a stored (or buffered) article's ``seen_urls``: where a dropped duplicate was found."""
        if self._batcher is not None:
            self._batcher.add_seen_urls(kept_url, seen_urls)

    async def flush(self) -> None:
        """Write every buffered article; the end of the crawl's writes."""
        if self._batcher is not None:
            await self._batcher.close()

    def stored_articles(self, site: str, urls: SiteUrls, count: Callable[[str, int], None]) -> StoredArticles:
        """The stored articles of *site* fetched from the origin *urls* crawls, keyed as *urls* keys them,
        asked for as the crawl meets them; *count* counts stats under ``newscrawl/``."""
        assert self.is_open, "open() first"
        return StoredArticles(urls, partial(self.find_articles, site), count)

    async def find_articles(self, site: str, urls: list[str]) -> list[dict[str, Any]]:
        """The stored documents of *site* at *urls*, whole; transient failures retried as for a batch
        (``MONGO_RETRY_ATTEMPTS``). Raises :class:`StorageUnavailable` (one line, no secret)."""
        # By URL alone: with the site in the filter too, a planner may take a site index (secantus
        # scans the collection), and a URL is one article's whatever its site.
        query = {"url": {"$in": urls}}
        retry = RetryPolicy(self.config.retry_attempts, self.config.retry_backoff)
        try:
            found = await asyncio.to_thread(retry.run, lambda: list(self.connection.articles.find(query)), _quietly)
        except PyMongoError as exc:
            raise StorageUnavailable(describe(exc)) from None
        return [document for document in found if document.get("site") == site]

    async def engine_stopped(self) -> None:
        if self.connection.is_open:
            await asyncio.to_thread(self.connection.close)


def _quietly(exc: BaseException, attempt: int, delay: float) -> None:
    """A lookup retried: said only if it fails for good."""
