"""What a crawl already has: the stored articles of a site, read once at start.

A scheduled run should fetch only what is new or changed. The set of stored
canonical URLs (with the time each was last modified or crawled) is loaded in
one query when the spider starts; every link is then checked in memory, never
with a query per link. About 100 bytes per stored article.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timezone

from pymongo.collection import Collection
from scrapy.crawler import Crawler

from newscrawl.dates import parse_iso
from newscrawl.storage.connection import MongoConnection

logger = logging.getLogger(__name__)


class StoredArticles:
    """Canonical URLs already stored, each with its last-modified (else last-crawled) time."""

    def __init__(self, stamps: dict[str, datetime | None] | None = None):
        self._stamps = stamps or {}

    @classmethod
    def load(cls, articles: Collection, site: str, fetched_here: Callable[[str], bool]) -> StoredArticles:
        """One indexed query over the site's documents (projection: URLs and dates only).

        Only the documents last fetched from the origin this crawl fetches from
        count (*fetched_here* tells by their ``source_url``): what a crawl of a
        staging copy stored says nothing about what the live site holds.
        """
        fields = {"_id": 0, "url": 1, "source_url": 1, "modified_at": 1, "crawled_at": 1}
        return cls(
            {
                doc["url"]: _aware(doc.get("modified_at") or doc.get("crawled_at"))
                for doc in articles.find({"site": site}, fields)
                if fetched_here(doc.get("source_url") or doc["url"])
            }
        )

    def __len__(self) -> int:
        return len(self._stamps)

    def __contains__(self, url: object) -> bool:
        return url in self._stamps

    def is_current(self, url: str, lastmod: str | datetime | None = None) -> bool:
        """Whether *url* is stored and not modified since (per a sitemap ``lastmod``)."""
        if url not in self._stamps:
            return False
        changed = parse_iso(lastmod) if isinstance(lastmod, str) else lastmod
        stamp = self._stamps[url]
        return changed is None or stamp is None or changed <= stamp


def _aware(value: datetime | None) -> datetime | None:
    """pymongo returns naive UTC datetimes unless the client is tz_aware."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


async def load_stored_articles(crawler: Crawler, site: str, fetched_here: Callable[[str], bool]) -> StoredArticles:
    """The stored articles of *site* fetched from this crawl's origin, from the storage the crawl
    writes to (empty without one)."""
    connection = MongoConnection.of(crawler)
    if not connection.is_open:
        logger.info("No MongoDB storage in this crawl: every article found is fetched")
        return StoredArticles()
    return await asyncio.to_thread(StoredArticles.load, connection.articles, site, fetched_here)
