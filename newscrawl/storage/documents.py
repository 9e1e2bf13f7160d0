"""From a scraped item to what is written for its URL."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from itemadapter import ItemAdapter

from newscrawl.items import ARTICLE_FIELDS, DATE_FIELDS, LIST_FIELDS
from newscrawl.storage.schema import CONTENT_FIELDS


def utc(value: datetime | str | None) -> datetime | None:
    """An aware UTC datetime at BSON's millisecond precision.

    Truncating here, before hashing, makes a value read back from MongoDB (or a
    dead-letter file) hash exactly like the one that was written. Naive values
    are taken as UTC, as pymongo does; strings must be ISO 8601.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def article_fields(item: Any, *, site: str, received_at: datetime) -> dict[str, Any]:
    """Every item field, normalised to the stored types.

    Items from other code (plain dicts) may lack fields: lists default to empty,
    ``site`` to the spider name, ``source_url`` to ``url`` and ``crawled_at`` to
    the time the pipeline received the item.
    """
    adapter = ItemAdapter(item)
    fields: dict[str, Any] = {}
    for name in ARTICLE_FIELDS:
        value = adapter.get(name)
        if name in DATE_FIELDS:
            value = utc(value)
        elif name in LIST_FIELDS:
            value = [str(element) for element in value or ()]
        fields[name] = value
    fields["site"] = fields["site"] or site
    fields["source_url"] = fields["source_url"] or fields["url"]
    fields["crawled_at"] = fields["crawled_at"] or utc(received_at)
    return fields


def _json_default(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot hash a {type(value).__name__}")


def content_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the content fields in a canonical JSON form."""
    content = {name: fields[name] for name in CONTENT_FIELDS}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, default=_json_default)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class ArticleWrite:
    """What one batch writes for one URL: a scraped article and/or URLs to add to its ``seen_urls``.

    ``fields`` is None when the article itself was stored earlier and only
    URLs it was seen under (duplicates dropped later in the run) remain to add.
    """

    url: str
    fields: dict[str, Any] | None = None
    seen_urls: set[str] = field(default_factory=set)
    content_hash: str | None = None

    @classmethod
    def scraped(cls, fields: dict[str, Any]) -> ArticleWrite:
        return cls(fields["url"], fields, {fields["source_url"]}, content_hash(fields))

    def merge(self, other: ArticleWrite) -> None:
        """Fold a later write for the same URL into this one; the most recently crawled article wins."""
        self.seen_urls |= other.seen_urls
        if other.fields is not None and (self.fields is None or other.fields["crawled_at"] >= self.fields["crawled_at"]):
            self.fields, self.content_hash = other.fields, other.content_hash

    def document(self, written_at: datetime) -> dict[str, Any]:
        """The full document inserted when the URL is new, at *written_at*."""
        assert self.fields is not None
        seen_at = self.fields["crawled_at"]
        return {
            **self.fields,
            "first_seen_at": seen_at,
            "last_seen_at": seen_at,
            "seen_urls": sorted(self.seen_urls),
            "content_hash": self.content_hash,
            "updated_at": written_at,
        }


def merge_by_url(writes: Iterable[ArticleWrite]) -> list[ArticleWrite]:
    """One write per URL, in first-seen order."""
    merged: dict[str, ArticleWrite] = {}
    for write in writes:
        if write.url in merged:
            merged[write.url].merge(write)
        else:
            merged[write.url] = ArticleWrite(write.url, write.fields, set(write.seen_urls), write.content_hash)
    return list(merged.values())
