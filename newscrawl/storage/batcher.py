"""Articles written to MongoDB in batches, without losing any when the server fails."""

from __future__ import annotations

import asyncio
import logging
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pymongo.errors import PyMongoError
from scrapy.statscollectors import StatsCollector

from newscrawl.storage.config import MongoConfig
from newscrawl.storage.deadletter import DeadLetterFile
from newscrawl.storage.documents import ArticleWrite, article_fields
from newscrawl.storage.retry import RetryPolicy, describe
from newscrawl.storage.writer import ArticleWriter

logger = logging.getLogger(__name__)

STATS = "newscrawl/mongo"
#: what a batch does per URL, each counted under ``newscrawl/mongo/<kind>`` (see writer.py)
WRITE_KINDS = ("inserted", "updated", "unchanged", "repaired", "stale", "merged")
#: dead-letter reason of seen URLs whose kept article is itself in the dead-letter file
_KEPT_ARTICLE_DEAD_LETTERED = "KeptArticleDeadLettered"


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass
class _BatchOutcome:
    counts: Counter[str] = field(default_factory=Counter)
    retries: list[str] = field(default_factory=list)  # exception class names
    #: reason -> writes sent to the dead-letter file
    dead_lettered: dict[str, list[ArticleWrite]] = field(default_factory=dict)

    @property
    def dead_lettered_urls(self) -> list[str]:
        """URLs of the articles (not mere seen-URL additions) sent to the dead-letter file."""
        return [write.url for writes in self.dead_lettered.values() for write in writes if write.fields]


class ArticleBatcher:
    """Buffers articles per URL and writes them with :class:`~newscrawl.storage.writer.ArticleWriter`.

    A batch is written when ``MONGO_BATCH_SIZE`` URLs are buffered, every
    ``MONGO_FLUSH_INTERVAL`` seconds, and at close; one batch at a time, in a
    worker thread so the event loop keeps crawling. A batch that keeps failing
    after ``MONGO_RETRY_ATTEMPTS`` goes to a dead-letter file, as do the writes
    the server refuses (e.g. a validator rejection).
    """

    def __init__(self, writer: ArticleWriter, config: MongoConfig, stats: StatsCollector, spider_name: str):
        self.config = config
        self.stats = stats
        #: ``site`` of items that lack one
        self.spider_name = spider_name
        self.retry = RetryPolicy(config.retry_attempts, config.retry_backoff)
        self._writer = writer
        self._buffer: dict[str, ArticleWrite] = {}
        self._dead_letters = DeadLetterFile(
            config.deadletter_dir / f"{spider_name}-{_timestamp()}-{os.getpid()}.jsonl",
            config.database,
            config.collection,
        )
        #: kept URLs whose article went to the dead-letter file: their seen URLs must follow it there
        self._dead_lettered_urls: set[str] = set()
        self._write_lock = asyncio.Lock()
        self._closing = asyncio.Event()
        self._flusher = asyncio.create_task(self._flush_periodically())

    async def add(self, item: Any) -> None:
        """Buffer an article; waits for a batch to be written when the buffer is full (backpressure)."""
        fields = article_fields(item, site=self.spider_name, received_at=datetime.now(UTC))
        self._buffer_write(ArticleWrite.scraped(fields))
        if len(self._buffer) >= self.config.batch_size:
            await self._flush(full_batches_only=True)

    def add_seen_urls(self, kept_url: str, seen_urls: list[str]) -> None:
        """Record URLs a dropped duplicate was found under on the article that was kept."""
        write = ArticleWrite(kept_url, seen_urls=set(seen_urls))
        if write.url in self._dead_lettered_urls:
            self._dead_letter(_KEPT_ARTICLE_DEAD_LETTERED, [write])
        else:
            self._buffer_write(write)

    def _buffer_write(self, write: ArticleWrite) -> None:
        if write.url in self._buffer:
            self._buffer[write.url].merge(write)
        else:
            self._buffer[write.url] = write

    async def _flush_periodically(self) -> None:
        while not self._closing.is_set():
            try:
                await asyncio.wait_for(self._closing.wait(), timeout=self.config.flush_interval)
            except TimeoutError:
                await self._flush()

    async def _flush(self, *, full_batches_only: bool = False) -> None:
        async with self._write_lock:
            while self._buffer and (not full_batches_only or len(self._buffer) >= self.config.batch_size):
                urls = list(self._buffer)[: self.config.batch_size]
                batch = [self._buffer.pop(url) for url in urls]
                outcome = await asyncio.to_thread(self._store, batch)
                self._record(outcome)

    def _store(self, batch: list[ArticleWrite]) -> _BatchOutcome:
        """Write one batch with retries, dead-lettering what cannot be written. Runs in a worker thread."""
        outcome = _BatchOutcome()

        def on_retry(exc: BaseException, attempt: int, delay: float) -> None:
            outcome.retries.append(type(exc).__name__)
            logger.warning(
                "MongoDB write of %d articles failed (%s); retrying in %gs (attempt %d of %d)",
                len(batch),
                describe(exc),
                delay,
                attempt + 1,
                self.retry.attempts,
            )

        try:
            result = self.retry.run(lambda: self._writer.write(batch), on_retry)
        except Exception as exc:  # whatever the failure, the batch must not be lost
            logger.error(
                "MongoDB write of %d articles failed for good (%s); sending them to the dead-letter file %s",
                len(batch),
                describe(exc),
                self._dead_letters.path,
                exc_info=not isinstance(exc, PyMongoError),  # a bug, not the server: keep the traceback
            )
            outcome.dead_lettered[type(exc).__name__] = batch
        else:
            outcome.counts = result.counts
            for url, damage in result.repaired:
                logger.warning("Repaired the damaged stored article %s with this crawl (it had %s)", url, damage)
            for rejection in result.rejected:
                logger.error(
                    "MongoDB could not store %s (%s%s); sending it to the dead-letter file",
                    rejection.write.url,
                    rejection.reason,
                    f": {rejection.detail}" if rejection.detail else "",
                )
                outcome.dead_lettered.setdefault(rejection.reason, []).append(rejection.write)
        for reason, writes in outcome.dead_lettered.items():
            self._dead_letters.append(writes, reason)
        return outcome

    def _dead_letter(self, reason: str, writes: list[ArticleWrite]) -> None:
        """Append to the dead-letter file from the event loop, and count."""
        self._dead_letters.append(writes, reason)
        self._count_dead_letters(reason, writes)

    def _count_dead_letters(self, reason: str, writes: list[ArticleWrite]) -> None:
        articles = sum(write.fields is not None for write in writes)
        if articles:
            self.stats.inc_value(f"{STATS}/deadletter_count", articles)
            self.stats.inc_value(f"{STATS}/deadletter_reasons_count/{reason}", articles)
        if seen_only := len(writes) - articles:
            self.stats.inc_value(f"{STATS}/deadletter_seen_urls_count", seen_only)
            self.stats.inc_value(f"{STATS}/deadletter_seen_urls_reasons_count/{reason}", seen_only)

    def _record(self, outcome: _BatchOutcome) -> None:
        """Count a written batch; runs on the event loop, like every stats update."""
        self.stats.inc_value(f"{STATS}/batches")
        for kind, count in outcome.counts.items():
            self.stats.inc_value(f"{STATS}/{kind}", count)
        for reason in outcome.retries:
            self.stats.inc_value(f"{STATS}/retry_count")
            self.stats.inc_value(f"{STATS}/retry_reasons_count/{reason}")
        for reason, writes in outcome.dead_lettered.items():
            self._count_dead_letters(reason, writes)
        self._dead_lettered_urls.update(outcome.dead_lettered_urls)
        # Seen URLs buffered meanwhile for an article that went to the dead-letter file follow it there.
        orphans = [
            self._buffer.pop(url)
            for url in outcome.dead_lettered_urls
            if url in self._buffer and self._buffer[url].fields is None
        ]
        if orphans:
            self._dead_letter(_KEPT_ARTICLE_DEAD_LETTERED, orphans)

    async def close(self) -> None:
        """Write everything buffered, stop the periodic flush, and log what was stored in one line."""
        self._closing.set()
        await self._flusher
        await self._flush()
        self._log_summary()

    def _log_summary(self) -> None:
        counts = {kind: self.stats.get_value(f"{STATS}/{kind}", 0) for kind in WRITE_KINDS}
        stored = ", ".join(f"{count} {kind}" for kind, count in counts.items() if count) or "nothing written"
        lost = self.stats.get_value(f"{STATS}/deadletter_count", 0)
        self.stats.set_value(f"{STATS}/deadletter_count", lost)
        if not self._dead_letters.path.exists():
            logger.info("MongoDB storage closed: %s; no dead letters", stored)
        else:
            logger.warning(
                "MongoDB storage closed: %s; %d articles in the dead-letter file %s: "
                "replay them with `python -m newscrawl.storage replay`",
                stored,
                lost,
                self._dead_letters.path,
            )
