"""What a crawl already has: the stored articles of a site, read once at start.

A scheduled run should fetch only what is new or changed. The set of stored
articles (the key of each URL, with the time it was last modified or crawled)
is loaded in one query when the spider starts (and the damaged documents are
counted in another); every link is then checked in memory, never with a query
per link. About 100 bytes per stored article.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from pymongo.collection import Collection

from newscrawl.dates import parse_iso
from newscrawl.storage.schema import ARTICLE_SCHEMA
from newscrawl.urls import SiteUrls


class StoredArticles:
    """Keys of stored article URLs (:meth:`SiteUrls.key`), each with its last-modified (else last-crawled) time."""

    def __init__(self, stamps: dict[str, datetime | None] | None = None, unreadable: int = 0):
        self._stamps = stamps or {}
        #: stored documents of the site that could not be read: left out, so their articles are fetched again
        self.unreadable = unreadable

    @classmethod
    def load(cls, articles: Collection[dict[str, Any]], site: str, urls: SiteUrls) -> StoredArticles:
        """One query over the site's documents (projection: URLs and dates only), one count of the damaged ones.

        Only the documents last fetched from the origin *urls* crawls count (by
        their ``source_url``): what a crawl of a staging copy stored says nothing
        about what the live site holds. A document that breaks the article schema,
        or whose dates Python cannot read, is left out and counted as unreadable:
        its article is fetched again, and storing it repairs the document.
        """
        fields = {"_id": 0, "url": 1, "source_url": 1, "modified_at": 1, "crawled_at": 1}
        damaged = articles.count_documents({"site": site, "$nor": [{"$jsonSchema": ARTICLE_SCHEMA}]})
        return cls.from_documents(articles.find({"site": site, "$jsonSchema": ARTICLE_SCHEMA}, fields), urls, damaged)

    @classmethod
    def from_documents(cls, documents: Iterable[Mapping[str, Any]], urls: SiteUrls, unreadable: int = 0) -> StoredArticles:
        """The stored articles among *documents* (schema-valid ones) fetched from the origin *urls* crawls;
        *unreadable* documents left out already, plus those whose dates Python cannot read."""
        stamps: dict[str, datetime | None] = {}
        for doc in documents:
            stamp = doc.get("modified_at") or doc.get("crawled_at")
            if not isinstance(stamp, datetime):  # a date beyond Python's range (a DatetimeMS)
                unreadable += 1
            elif urls.is_crawled_origin(doc["source_url"]):
                stamps[urls.key(doc["url"])] = _aware(stamp)
        return cls(stamps, unreadable)

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


def _aware(value: datetime) -> datetime:
    """pymongo returns naive UTC datetimes unless the client is tz_aware."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
