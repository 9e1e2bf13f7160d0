"""Write a batch of articles: one find of the stored hashes, one unordered bulk write.

Per URL in a batch:

* not stored yet: insert the full document;
* stored with the same ``content_hash``: move ``last_seen_at`` forward and add
  any new ``seen_urls``, nothing else;
* stored with another hash: keep the stored content in the versions collection,
  then replace the content (the update is guarded by the hash that was read);
* stored from a later crawl (a replayed dead letter, say): keep the stored
  content, only merge ``seen_urls`` and ``first_seen_at``;
* only ``seen_urls`` to add: add them.

A concurrent writer can insert or change a URL between the find and the bulk
write. The unique ``url`` index then fails the insert, or the guarded upsert,
with DuplicateKeyError (11000); those URLs are read again and written as
updates in another round. Everything else about a failing server is raised for
the caller to retry: the plan is recomputed from what is stored, so a retried
batch never writes twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pymongo import InsertOne, UpdateOne
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError

from newscrawl.items import ARTICLE_FIELDS
from newscrawl.storage.documents import ArticleWrite, merge_by_url, utc
from newscrawl.storage.retry import is_transient
from newscrawl.storage.schema import CONTENT_FIELDS

DUPLICATE_KEY = 11000
#: Rounds of re-reading URLs that hit DuplicateKeyError before giving up on them.
CONFLICT_ROUNDS = 3
#: a write of the bulk: a new document, or an update of a stored one
Operation = InsertOne[dict[str, Any]] | UpdateOne
_ERROR_NAMES = {121: "DocumentValidationFailure", DUPLICATE_KEY: "DuplicateKey", 10334: "BSONObjectTooLarge"}


@dataclass
class WriteResult:
    #: URLs written per kind: inserted, updated (content changed, previous version kept),
    #: unchanged, stale (older than the stored version), merged (seen URLs only); plus
    #: versions (previous versions stored) and conflicts (DuplicateKeyError, written again).
    counts: Counter[str] = field(default_factory=Counter)
    #: writes the server refused for good, with the reason (e.g. DocumentValidationFailure)
    rejected: list[tuple[ArticleWrite, str]] = field(default_factory=list)


class ArticleWriter:
    def __init__(self, articles: Collection[dict[str, Any]], versions: Collection[dict[str, Any]]):
        self.articles = articles
        self.versions = versions

    def write(self, writes: Sequence[ArticleWrite]) -> WriteResult:
        """Store a batch. Blocking: call it from a worker thread."""
        result = WriteResult()
        pending = merge_by_url(writes)
        for _ in range(CONFLICT_ROUNDS):
            pending = self._write_round(pending, result)
            if not pending:
                return result
            result.counts["conflicts"] += len(pending)
        result.rejected.extend((write, "UnresolvedConflict") for write in pending)
        return result

    def _write_round(self, writes: list[ArticleWrite], result: WriteResult) -> list[ArticleWrite]:
        """Write what can be written; return the writes that hit DuplicateKeyError."""
        stored = self._stored(writes)
        kinds = [self._kind(write, stored.get(write.url)) for write in writes]
        changed = [
            (write, stored[write.url]["content_hash"]) for write, kind in zip(writes, kinds, strict=True) if kind == "updated"
        ]
        if changed:
            result.counts["versions"] += self._keep_versions(changed)
        ops = [self._operation(kind, write, stored.get(write.url)) for write, kind in zip(writes, kinds, strict=True)]
        return self._bulk_write(writes, ops, kinds, result)

    def _stored(self, writes: list[ArticleWrite]) -> dict[str, dict[str, Any]]:
        """Hash and crawl time of the stored articles among ``writes``, by URL: one query."""
        urls = [write.url for write in writes if write.fields is not None]
        if not urls:
            return {}
        projection = {"_id": 0, "url": 1, "content_hash": 1, "crawled_at": 1}
        return {doc["url"]: doc for doc in self.articles.find({"url": {"$in": urls}}, projection)}

    @staticmethod
    def _kind(write: ArticleWrite, stored: dict[str, Any] | None) -> str:
        if write.fields is None:
            return "merged"
        if stored is None:
            return "inserted"
        if stored["content_hash"] == write.content_hash:
            return "unchanged"
        if write.fields["crawled_at"] < stored["crawled_at"]:
            return "stale"
        return "updated"

    @staticmethod
    def _operation(kind: str, write: ArticleWrite, stored: dict[str, Any] | None) -> Operation:
        add_seen = {"$addToSet": {"seen_urls": {"$each": sorted(write.seen_urls)}}}
        if kind == "merged":
            return UpdateOne({"url": write.url}, add_seen)
        if kind == "inserted":
            return InsertOne(write.document())
        assert write.fields is not None and stored is not None
        seen_at = write.fields["crawled_at"]
        if kind == "unchanged":
            return UpdateOne({"url": write.url}, {"$max": {"last_seen_at": seen_at}, **add_seen})
        if kind == "stale":
            return UpdateOne({"url": write.url}, {"$min": {"first_seen_at": seen_at}, **add_seen})
        content = {name: write.fields[name] for name in ARTICLE_FIELDS if name != "url"}
        # Guarded by the hash that was read: if another writer changed the article meanwhile, the
        # filter matches nothing and the upsert fails on the unique url index, so the URL is re-read.
        return UpdateOne(
            {"url": write.url, "content_hash": stored["content_hash"]},
            {
                "$set": {**content, "content_hash": write.content_hash},
                "$max": {"last_seen_at": seen_at},
                "$min": {"first_seen_at": seen_at},
                **add_seen,
            },
            upsert=True,
        )

    def _keep_versions(self, changed: list[tuple[ArticleWrite, str]]) -> int:
        """Store the content being replaced. Runs before the replacement, and is idempotent."""
        now = utc(datetime.now(UTC))
        previous = {
            doc["url"]: doc
            for doc in self.articles.find(
                {"url": {"$in": [write.url for write, _ in changed]}},
                {"_id": 0, "url": 1, "content_hash": 1, **dict.fromkeys(CONTENT_FIELDS, 1)},
            )
        }
        ops = []
        for write, old_hash in changed:
            assert write.fields is not None
            old = previous.get(write.url)
            if old is None or old["content_hash"] != old_hash:
                continue  # changed by another writer since: the guarded update conflicts and is re-planned
            changed_fields = {name: old[name] for name in CONTENT_FIELDS if old[name] != write.fields[name]}
            ops.append(
                UpdateOne(
                    {"url": write.url, "content_hash": old_hash, "replaced_by": write.content_hash},
                    {"$setOnInsert": {"replaced_at": now, "changed": changed_fields}},
                    upsert=True,
                )
            )
        if not ops:
            return 0
        try:
            return self.versions.bulk_write(ops, ordered=False).upserted_count
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if is_transient(exc) or any(error["code"] != DUPLICATE_KEY for error in errors):
                raise
            # A concurrent writer stored the same transition: it is kept either way.
            return exc.details.get("nUpserted", 0)

    def _bulk_write(
        self, writes: list[ArticleWrite], ops: list[Operation], kinds: list[str], result: WriteResult
    ) -> list[ArticleWrite]:
        """Run the batch's operations unordered; return the writes that hit DuplicateKeyError."""
        failed: dict[int, int] = {}
        try:
            self.articles.bulk_write(ops, ordered=False)
        except BulkWriteError as exc:
            if is_transient(exc):
                raise
            failed = {error["index"]: error["code"] for error in exc.details["writeErrors"]}
        conflicts = []
        for index, (write, kind) in enumerate(zip(writes, kinds, strict=True)):
            code = failed.get(index)
            if code is None:
                result.counts[kind] += 1
            elif code == DUPLICATE_KEY:
                conflicts.append(write)
            else:
                result.rejected.append((write, _ERROR_NAMES.get(code, f"WriteError{code}")))
        return conflicts
