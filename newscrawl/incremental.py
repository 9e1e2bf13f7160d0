"""What a crawl already has: the stored articles of a site, read once at start.

A scheduled run should fetch only what is new or changed. The set of stored
articles (the key of each URL, with the time it was last modified or crawled)
is loaded in one query when the spider starts; every link is then checked in
memory, never with a query per link. About 100 bytes per stored article.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pymongo.collection import Collection

from newscrawl.dates import parse_iso
from newscrawl.urls import SiteUrls


class StoredArticles:
    """Keys of stored article URLs (:meth:`SiteUrls.key`), each with its last-modified (else last-crawled) time."""

    def __init__(self, stamps: dict[str, datetime | None] | None = None):
        self._stamps = stamps or {}

    @classmethod
    def load(cls, articles: Collection[dict[str, Any]], site: str, urls: SiteUrls) -> StoredArticles:
        """One indexed query over the site's documents (projection: URLs and dates only).

        Only the documents last fetched from the origin *urls* crawls count (by
        their ``source_url``): what a crawl of a staging copy stored says nothing
        about what the live site holds.
        """
        fields = {"_id": 0, "url": 1, "source_url": 1, "modified_at": 1, "crawled_at": 1}
        return cls(
            {
                urls.key(doc["url"]): _aware(doc.get("modified_at") or doc.get("crawled_at"))
                for doc in articles.find({"site": site}, fields)
                if urls.is_crawled_origin(doc.get("source_url") or doc["url"])
            }
        )

    def __len__(self) -> int:
        return len(self._stamps)

    def __contains__(self, key: object) -> bool:
        return key in self._stamps

    def is_current(self, key: str, lastmod: str | datetime | None = None) -> bool:
        """Whether the article of *key* is stored and not modified since (per a sitemap ``lastmod``)."""
        if key not in self._stamps:
            return False
        changed = parse_iso(lastmod) if isinstance(lastmod, str) else lastmod
        stamp = self._stamps[key]
        return changed is None or stamp is None or changed <= stamp


def _aware(value: datetime | None) -> datetime | None:
    """pymongo returns naive UTC datetimes unless the client is tz_aware."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
