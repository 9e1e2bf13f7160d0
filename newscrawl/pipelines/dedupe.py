"""Drop articles already kept in this run: same URL, or same title and body under another URL."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawl.storage.extension import Storage
from newscrawl.urls import SiteUrls

_SPACE = re.compile(r"\s+")


class DuplicateItem(DropItem):
    """The item repeats an article kept earlier in the run."""

    def __init__(self, message: str):
        # Duplicates are expected on news sites (syndication, URL variants): not a warning.
        super().__init__(message, log_level="INFO")


class DuplicateUrl(DuplicateItem):
    """Same URL as a kept article (trailing slash aside)."""


class DuplicateContent(DuplicateItem):
    """Same normalised title and body as a kept article under another URL."""


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def content_fingerprint(title: str, body: str) -> bytes:
    """Fingerprint of title and body, blind to Unicode form, case and whitespace."""
    text = unicodedata.normalize("NFKC", f"{title}\n{body}").casefold()
    return _digest(_SPACE.sub(" ", text).strip())


class DedupePipeline:
    """Keeps the first article per URL and per content fingerprint; the URLs a dropped copy was
    found under are added to the kept article's ``seen_urls`` in storage.

    Memory per kept article: its URL under a 16-byte digest of its key and of its content
    fingerprint, never the item. Scrapy counts drops under
    ``item_dropped_reasons_count/DuplicateUrl`` and ``.../DuplicateContent``.
    """

    def __init__(self, storage: Storage | None = None):
        self.storage = storage
        self._urls: dict[bytes, str] = {}
        self._contents: dict[bytes, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.get_extension(Storage))

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        url = adapter["url"]
        source_url = adapter.get("source_url") or url
        url_key = _digest(SiteUrls.key(url))
        if (kept_url := self._urls.get(url_key)) is not None:
            self._seen(kept_url, [source_url])
            raise DuplicateUrl(f"already kept {kept_url}")
        fingerprint = content_fingerprint(adapter["title"], adapter["body"])
        kept_url = self._contents.get(fingerprint)
        if kept_url is not None:
            self._seen(kept_url, sorted({url, source_url}))
            raise DuplicateContent(f"same title and body as {kept_url}")
        self._urls[url_key] = url
        self._contents[fingerprint] = url
        return item

    def _seen(self, kept_url: str, seen_urls: list[str]) -> None:
        if self.storage is not None:
            self.storage.add_seen_urls(kept_url, seen_urls)
