"""What one write does to the document stored for its URL, decided from one read of that document.

The stored document is never trusted: it is checked against the article schema
first. A healthy document is updated in place (see :mod:`newscrawl.storage.writer`).
A damaged one (a field missing, of the wrong type, or unknown: written before the
validator, or past it) is *repaired* by a crawl of its article: it is replaced
whole, with

* the content of the crawl (or, when the stored content is intact and newer,
  the stored content);
* ``first_seen_at`` kept when it is a date, otherwise the earliest date the
  document still holds (``crawled_at``, ``last_seen_at``) or the crawl's time;
* ``last_seen_at`` the latest of those dates;
* ``seen_urls`` rebuilt from whatever strings it held, the stored
  ``source_url`` and the crawl's URLs;
* ``updated_at`` the time of the write if the content changed, else kept;
  when it is not a date, the first date that says when this content was
  there: the stored ``crawled_at`` (when it was fetched), else the stored
  ``last_seen_at`` (the last crawl that found it), else the crawl's own
  ``crawled_at``. Never ``first_seen_at``: the article may have had other
  content then.

``updated_at`` moves exactly when a document is inserted or its content
changes. A document stored before the field existed gets it on its next write:
its ``crawled_at`` (when its content was fetched) if the write leaves the
content as it is.

A write that only adds seen URLs cannot repair a damaged document (it has no
content to put in it): it is refused as :data:`DAMAGED`, to be replayed once a
crawl has repaired the document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pymongo import InsertOne, ReplaceOne, UpdateOne

from newscrawl.items import ARTICLE_FIELDS
from newscrawl.storage.documents import ArticleWrite, content_hash, utc
from newscrawl.storage.schema import CONTENT_FIELDS, stored_document_errors

#: a write of the bulk: a new document, an update or a repair of a stored one
Operation = InsertOne[dict[str, Any]] | UpdateOne | ReplaceOne[dict[str, Any]]
#: refusal reason of a write that only adds seen URLs to a damaged stored document
DAMAGED = "DamagedStoredArticle"
_CONTENT_FIELDS = frozenset(CONTENT_FIELDS)
#: fields whose damage leaves nothing of the stored version worth keeping as a version
_VERSION_FIELDS = frozenset({*CONTENT_FIELDS, "content_hash"})
#: fields whose damage leaves nothing of the stored article worth keeping over a crawl
_ARTICLE_FIELDS = frozenset({*ARTICLE_FIELDS, "content_hash"})


@dataclass(frozen=True)
class Version:
    """The stored content a write replaces: kept in the versions collection before the replacement."""

    url: str
    content_hash: str
    replaced_by: str
    #: the stored value of every content field the write changes
    changed: dict[str, Any]


@dataclass
class Plan:
    """What to do for one URL of a batch."""

    write: ArticleWrite
    #: inserted, updated, unchanged, stale (older than stored), merged (seen URLs only) or repaired
    kind: str
    #: None when nothing can be written: see ``refusal``
    operation: Operation | None = None
    version: Version | None = None
    #: what was wrong with the stored document, by field: ``{field: [error, …]}``
    damage: dict[str, list[str]] = field(default_factory=dict)
    #: why the write cannot be made (it goes to the dead-letter file)
    refusal: str | None = None


def plan_write(write: ArticleWrite, stored: Mapping[str, Any] | None, written_at: datetime) -> Plan:
    """The plan for *write*, given the document stored for its URL (None: not stored), written at *written_at*."""
    add_seen = {"$addToSet": {"seen_urls": {"$each": sorted(write.seen_urls)}}}
    damage = stored_document_errors(stored) if stored is not None else {}
    if write.fields is None:
        if damage:
            return Plan(write, "merged", damage=damage, refusal=DAMAGED)
        return Plan(write, "merged", UpdateOne({"url": write.url}, _content_kept(add_seen, stored)))
    if stored is None:
        return Plan(write, "inserted", InsertOne(write.document(written_at)))
    if damage:
        return _repair(write, stored, damage, written_at)
    seen_at = write.fields["crawled_at"]
    if stored["content_hash"] == write.content_hash:
        update = _content_kept({"$max": {"last_seen_at": seen_at}, **add_seen}, stored)
        return Plan(write, "unchanged", UpdateOne({"url": write.url}, update))
    if seen_at < utc(stored["crawled_at"]):
        update = _content_kept({"$min": {"first_seen_at": seen_at}, **add_seen}, stored)
        return Plan(write, "stale", UpdateOne({"url": write.url}, update))
    content = {name: write.fields[name] for name in ARTICLE_FIELDS if name != "url"}
    # Guarded by the hash that was read: if another writer changed the article meanwhile, the
    # filter matches nothing and the upsert fails on the unique url index, so the URL is re-read.
    replace_content = UpdateOne(
        {"url": write.url, "content_hash": stored["content_hash"]},
        {
            "$set": {**content, "content_hash": write.content_hash, "updated_at": written_at},
            "$max": {"last_seen_at": seen_at},
            "$min": {"first_seen_at": seen_at},
            **add_seen,
        },
        upsert=True,
    )
    return Plan(write, "updated", replace_content, _version(write, stored))


def _content_kept(update: dict[str, Any], stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """*update*, of a write that leaves the content as it is, setting ``updated_at`` on a document stored
    without it: when its content was fetched. By ``$max``: a concurrent writer that changed the content
    meanwhile set a later time, which stays."""
    if stored is not None and "updated_at" not in stored:
        update.setdefault("$max", {})["updated_at"] = stored["crawled_at"]
    return update


def _version(write: ArticleWrite, stored: Mapping[str, Any]) -> Version:
    assert write.fields is not None and write.content_hash is not None
    changed = {name: stored[name] for name in CONTENT_FIELDS if stored[name] != write.fields[name]}
    return Version(write.url, stored["content_hash"], write.content_hash, changed)


def _repair(write: ArticleWrite, stored: Mapping[str, Any], damage: dict[str, list[str]], written_at: datetime) -> Plan:
    """Replace a damaged stored document with a whole, valid one."""
    assert write.fields is not None
    seen_at = write.fields["crawled_at"]
    stored_at = _date(stored, "crawled_at")
    keep_stored = not damage.keys() & _ARTICLE_FIELDS and stored_at is not None and stored_at > seen_at
    version = None
    source = stored if keep_stored else {**write.fields, "content_hash": write.content_hash}
    if not keep_stored and not damage.keys() & _VERSION_FIELDS and stored["content_hash"] != write.content_hash:
        version = _version(write, stored)
    seen = [date for name in ("crawled_at", "last_seen_at") if (date := _date(stored, name)) is not None]
    first_seen = _date(stored, "first_seen_at")
    earliest = [first_seen] if first_seen is not None else seen
    # in the order of a document inserted new (ArticleWrite.document)
    document = {
        **{name: source[name] for name in ARTICLE_FIELDS},
        "first_seen_at": min([*earliest, seen_at]),
        "last_seen_at": max([*seen, seen_at]),
        "seen_urls": sorted(_seen_urls(stored) | write.seen_urls),
        "content_hash": source["content_hash"],
    }
    unchanged = not damage.keys() & _CONTENT_FIELDS and content_hash(stored) == document["content_hash"]
    if unchanged:
        dated = (_date(stored, name) for name in ("updated_at", "crawled_at", "last_seen_at"))
        document["updated_at"] = next((date for date in dated if date is not None), seen_at)
    else:
        document["updated_at"] = written_at
    # Guarded by what was read of the damaged fields: if another writer repaired the document
    # meanwhile, the filter matches nothing and the upsert fails on the _id index, so it is re-read.
    guard = _as_read(stored, ["content_hash", *damage])
    return Plan(write, "repaired", ReplaceOne(guard, document, upsert=True), version, damage)


def _date(document: Mapping[str, Any], name: str) -> datetime | None:
    value = document.get(name)
    return utc(value) if isinstance(value, datetime) else None


def _seen_urls(stored: Mapping[str, Any]) -> set[str]:
    """Every URL string a (possibly damaged) stored document holds in ``seen_urls`` and ``source_url``."""
    seen = stored.get("seen_urls")
    values = seen if isinstance(seen, list) else [seen]
    return {value for value in (*values, stored.get("source_url")) if isinstance(value, str)}


def _as_read(document: Mapping[str, Any], names: list[str]) -> dict[str, Any]:
    """A filter matching *document* by ``_id`` while the fields *names* hold what was read.

    A field read is compared by ``$getField``: its name, which anything may have
    stored (``a.b``, ``$where``), is a field's, never a path or an operator; and its
    value is ``$literal``, never an expression. A field missing when read is a field
    of the schema (no other can be missed), whose name a query may hold as it is.
    """
    read = [
        {"$eq": [{"$getField": {"field": {"$literal": name}, "input": "$$ROOT"}}, {"$literal": document[name]}]}
        for name in dict.fromkeys(names)
        if name in document
    ]
    missing = {name: {"$exists": False} for name in names if name not in document}
    return {"_id": {"$eq": document["_id"]}, **missing, **({"$expr": {"$and": read}} if read else {})}
