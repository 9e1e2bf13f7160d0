"""Drop articles already kept in this run: same canonical URL, or same title and body under another URL."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

_SPACE = re.compile(r"\s+")


class DuplicateItem(DropItem):
    """The item repeats an article kept earlier in the run.

    ``kept_url`` is that article's URL and ``seen_urls`` the URLs this copy
    was found under; the storage pipeline adds them to the kept article's
    ``seen_urls`` when it sees the ``item_dropped`` signal.
    """

    def __init__(self, message: str, *, kept_url: str, seen_urls: list[str]):
        # Duplicates are expected on news sites (syndication, URL variants): not a warning.
        super().__init__(message, log_level="INFO")
        self.kept_url = kept_url
        self.seen_urls = seen_urls


class DuplicateUrl(DuplicateItem):
    """Same canonical URL as a kept article."""


class DuplicateContent(DuplicateItem):
    """Same normalised title and body as a kept article under another URL."""


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def content_fingerprint(title: str, body: str) -> bytes:
    """Fingerprint of title and body, blind to Unicode form, case and whitespace."""
    text = unicodedata.normalize("NFKC", f"{title}\n{body}").casefold()
    return _digest(_SPACE.sub(" ", text).strip())


class DedupePipeline:
    """Keeps the first article per canonical URL and per content fingerprint.

    Memory per kept article: a 16-byte URL digest and a 16-byte content
    fingerprint pointing at its URL, never the item. Scrapy counts drops
    under ``item_dropped_reasons_count/DuplicateUrl`` and ``.../DuplicateContent``.
    """

    def __init__(self) -> None:
        self._urls: set[bytes] = set()
        self._contents: dict[bytes, str] = {}

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        url = adapter["url"]
        source_url = adapter.get("source_url") or url
        url_key = _digest(url)
        if url_key in self._urls:
            raise DuplicateUrl(f"already kept {url}", kept_url=url, seen_urls=[source_url])
        fingerprint = content_fingerprint(adapter["title"], adapter["body"])
        kept_url = self._contents.get(fingerprint)
        if kept_url is not None:
            raise DuplicateContent(
                f"same title and body as {kept_url}", kept_url=kept_url, seen_urls=sorted({url, source_url})
            )
        self._urls.add(url_key)
        self._contents[fingerprint] = url
        return item
