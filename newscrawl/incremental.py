"""What a crawl already has: the stored articles of a site, asked for page by page.

A scheduled run should fetch only what is new or changed. Before the links of a
page become requests, the articles they lead to that this run has not asked
about yet are looked up in the store, in one query per :data:`LOOKUP_BATCH`
of them, and the answers are kept for the rest of the run. So the crawl never
reads the whole archive: it starts at once and holds only what its own pages
link to, however many articles are stored (``bench/bench_scale.py`` measures it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from newscrawl.dates import parse_iso
from newscrawl.storage.errors import StorageUnavailable
from newscrawl.storage.schema import is_valid_stored_document
from newscrawl.urls import SiteUrls

logger = logging.getLogger(__name__)

#: Articles asked about in one query. The server looks up each URL in the ``url`` index (two per
#: article: with and without the trailing slash); secantus's ``$in`` costs grow faster than its
#: values beyond a hundred or so, and a page rarely links more new articles than this.
LOOKUP_BATCH = 50

#: The stored documents of a site at some URLs (whole: they are checked before use); raises
#: :class:`StorageUnavailable` when the store cannot answer.
FindStored = Callable[[list[str]], Awaitable[list[dict[str, Any]]]]


def url_forms(key: str) -> list[str]:
    """The URLs a document stored for the article of *key* can have: :meth:`SiteUrls.key` leaves the trailing slash out."""
    path, separator, query = key.partition("?")
    if path.count("/") < 3:  # an origin: its path is "/" either way
        return [f"{path}/{separator}{query}"]
    return [key, f"{path}/{separator}{query}"]


def stamps_of(documents: Iterable[Mapping[str, Any]], urls: SiteUrls) -> tuple[dict[str, datetime | None], list[str]]:
    """Of stored *documents*: the key of each article fetched from the origin *urls* crawls, with the time it was
    last modified (else crawled); and the URLs of those that break the article schema (they are left out)."""
    stamps: dict[str, datetime | None] = {}
    unreadable = []
    for doc in documents:
        if not is_valid_stored_document(doc):
            unreadable.append(str(doc.get("url")))
        elif urls.is_crawled_origin(doc["source_url"]):
            stamps[urls.key(doc["url"])] = _aware(doc["modified_at"] or doc["crawled_at"])
    return stamps, unreadable


class StoredArticles:
    """The stored articles this run's links lead to, by key (:meth:`SiteUrls.key`), each with its
    last-modified (else last-crawled) time; asked for with :meth:`look_up`, then known for the run.

    Only the documents last fetched from the origin *urls* crawls count (by their ``source_url``):
    what a crawl of a staging copy stored says nothing about what the live site holds. A document
    that breaks the article schema is left out and counted as unreadable: its article is fetched
    again, and storing it repairs the document. Without *find* (a full crawl) nothing is stored.
    When the store cannot answer, the rest of the run fetches every article it finds (storing
    them again changes nothing stored).

    :param count: counts a stat under ``newscrawl/``: ``incremental/stored_lookups`` (queries),
        ``incremental/unreadable_stored`` (damaged documents met), ``incremental/lookup_failed``
    """

    def __init__(self, urls: SiteUrls, find: FindStored | None = None, count: Callable[[str, int], None] | None = None):
        self.urls = urls
        self._find = find
        #: whether the store still answers (this run stops asking when it does not)
        self._asking = find is not None
        self._count = count or (lambda key, value: None)
        self._stamps: dict[str, datetime | None] = {}
        #: keys asked about that no readable document of the crawled origin answers
        self._absent: set[str] = set()
        #: URLs of the damaged documents met
        self._unreadable: set[str] = set()
        #: keys being asked about, each with what answers when the answer is in
        self._pending: dict[str, asyncio.Future[None]] = {}

    @property
    def enabled(self) -> bool:
        """Whether this crawl asks the store (an incremental crawl with storage)."""
        return self._find is not None

    @property
    def unreadable(self) -> int:
        """Damaged stored documents met."""
        return len(self._unreadable)

    async def look_up(self, keys: Iterable[str]) -> None:
        """Ask the store about the *keys* this run has not asked about, in batches. Keys another page is
        asking about are waited for, not asked again: a run reads each stored document once."""
        if not self._asking:
            return
        unknown, waiting = [], set()
        for key in dict.fromkeys(keys):
            if key in self._pending:
                waiting.add(self._pending[key])
            elif key not in self._stamps and key not in self._absent:
                unknown.append(key)
        if unknown:
            asked = asyncio.get_running_loop().create_future()
            self._pending.update(dict.fromkeys(unknown, asked))
            try:
                for start in range(0, len(unknown), LOOKUP_BATCH):
                    if self._asking:
                        await self._ask(unknown[start : start + LOOKUP_BATCH])
            finally:
                for key in unknown:
                    del self._pending[key]
                asked.set_result(None)
        if waiting:
            await asyncio.gather(*waiting)

    async def _ask(self, keys: list[str]) -> None:
        assert self._find is not None
        self._count("incremental/stored_lookups", 1)
        try:
            documents = await self._find([url for key in keys for url in url_forms(key)])
        except StorageUnavailable as exc:
            self._give_up(exc)
            return
        stamps, unreadable = stamps_of(documents, self.urls)
        self._stamps.update(stamps)
        self._absent.update(key for key in keys if key not in stamps)
        if new := set(unreadable) - self._unreadable:
            self._unreadable |= new
            self._count("incremental/unreadable_stored", len(new))

    def _give_up(self, exc: StorageUnavailable) -> None:
        if self._asking:  # once, though lookups waiting meanwhile fail too
            self._asking = False
            self._count("incremental/lookup_failed", 1)
            logger.warning(
                "Incremental crawl: the store did not answer (%s); the rest of this run fetches every article it finds",
                exc,
            )

    def __contains__(self, key: object) -> bool:
        return key in self._stamps

    def is_current(self, key: str, lastmod: str | datetime | None = None) -> bool:
        """Whether the article of *key* is stored and not modified since (per a sitemap ``lastmod``)."""
        if key not in self._stamps:
            return False
        changed = parse_iso(lastmod) if isinstance(lastmod, str) else lastmod
        stamp = self._stamps[key]
        return changed is None or stamp is None or changed <= stamp

    def report_unreadable(self, site: str) -> None:
        """Say in one line how many damaged documents this run met (and fetched again), if any."""
        if self._unreadable:
            logger.warning(
                "Incremental crawl: %d stored articles of %s cannot be read (they break the article schema); "
                "they were fetched again, and storing them repairs them",
                self.unreadable,
                site,
            )


def _aware(value: datetime) -> datetime:
    """pymongo returns naive UTC datetimes unless the client is tz_aware."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
