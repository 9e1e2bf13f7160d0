"""Write a batch of articles: one find of the stored documents, one unordered bulk write.

Per URL in a batch (:mod:`newscrawl.storage.plan` decides, from the stored document):

* not stored yet: insert the full document;
* stored with the same ``content_hash``: move ``last_seen_at`` forward and add
  any new ``seen_urls``, nothing else;
* stored with another hash: keep the stored content in the versions collection,
  then replace the content (the update is guarded by the hash that was read);
* stored from a later crawl (a replayed dead letter, say): keep the stored
  content, only merge ``seen_urls`` and ``first_seen_at``;
* only ``seen_urls`` to add: add them;
* stored but damaged (breaking the article schema): replace it with a repaired
  document; a write that cannot repair it is refused, alone.

A concurrent writer can insert or change a URL between the find and the bulk
write. The unique ``url`` index then fails the insert, or the guarded upsert,
with DuplicateKeyError (11000); those URLs are read again and written as
updates in another round. Everything else about a failing server is raised for
the caller to retry: the plan is recomputed from what is stored, so a retried
batch never writes twice.

A version is kept before the content it records is replaced, so that a crash
between the two loses nothing. When the replacement then fails for good (or
turns out to have been beaten by another writer's), the version written for it
is deleted: no version records a change that did not happen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pymongo import UpdateOne
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError

from newscrawl.storage.documents import ArticleWrite, merge_by_url, utc
from newscrawl.storage.plan import Plan, Version, plan_write
from newscrawl.storage.retry import is_transient
from newscrawl.storage.schema import describe_errors

DUPLICATE_KEY = 11000
#: Rounds of re-reading URLs that hit DuplicateKeyError before giving up on them.
CONFLICT_ROUNDS = 3
_ERROR_NAMES = {121: "DocumentValidationFailure", DUPLICATE_KEY: "DuplicateKey", 10334: "BSONObjectTooLarge"}


@dataclass(frozen=True)
class Rejection:
    """A write that could not be made, and why: ``reason`` names it (a stats key), ``detail`` explains."""

    write: ArticleWrite
    reason: str
    detail: str = ""


@dataclass
class WriteResult:
    #: URLs written per kind: inserted, updated (content changed, previous version kept),
    #: unchanged, stale (older than the stored version), merged (seen URLs only), repaired
    #: (a damaged stored document replaced); plus versions (previous versions stored) and
    #: conflicts (DuplicateKeyError, written again).
    counts: Counter[str] = field(default_factory=Counter)
    #: writes that could not be made for good (e.g. a validator rejection)
    rejected: list[Rejection] = field(default_factory=list)
    #: (url, what was wrong) of every damaged stored document repaired
    repaired: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _KeptVersion:
    """A version this writer stored, for a replacement not yet known to have happened."""

    id: Any
    replaced_by: str


class ArticleWriter:
    def __init__(self, articles: Collection[dict[str, Any]], versions: Collection[dict[str, Any]]):
        self.articles = articles
        self.versions = versions

    def write(self, writes: Sequence[ArticleWrite]) -> WriteResult:
        """Store a batch. Blocking: call it from a worker thread."""
        result = WriteResult()
        pending = merge_by_url(writes)
        unconfirmed: dict[str, _KeptVersion] = {}
        for _ in range(CONFLICT_ROUNDS):
            pending = self._write_round(pending, result, unconfirmed)
            if not pending:
                return result
            result.counts["conflicts"] += len(pending)
        result.rejected.extend(Rejection(write, "UnresolvedConflict") for write in pending)
        self._delete_versions([kept.id for kept in unconfirmed.values()])
        return result

    def _write_round(
        self, writes: list[ArticleWrite], result: WriteResult, unconfirmed: dict[str, _KeptVersion]
    ) -> list[ArticleWrite]:
        """Write what can be written; return the writes that hit DuplicateKeyError.

        *unconfirmed*: versions kept in the previous round for writes that conflicted, by URL; a
        version stays if its replacement happened meanwhile (by another writer), else it is deleted.
        Updated with this round's conflicts.
        """
        stored = self._stored(writes)
        happened = {url for url, kept in unconfirmed.items() if stored.get(url, {}).get("content_hash") == kept.replaced_by}
        self._delete_versions([kept.id for url, kept in unconfirmed.items() if url not in happened])
        self._count_versions(result, len(happened))
        unconfirmed.clear()
        now = utc(datetime.now(UTC))
        assert now is not None
        plans = [plan_write(write, stored.get(write.url), now) for write in writes]
        for plan in plans:
            if plan.refusal is not None:
                result.rejected.append(Rejection(plan.write, plan.refusal, describe_errors(plan.damage)))
        kept = self._keep_versions([plan.version for plan in plans if plan.version is not None], now)
        conflicts, refused = self._bulk_write(plans, result)
        self._delete_versions([kept.pop(url).id for url in refused if url in kept])
        unconfirmed.update({write.url: kept.pop(write.url) for write in conflicts if write.url in kept})
        self._count_versions(result, len(kept))
        return conflicts

    @staticmethod
    def _count_versions(result: WriteResult, count: int) -> None:
        if count:
            result.counts["versions"] += count

    def _stored(self, writes: list[ArticleWrite]) -> dict[str, dict[str, Any]]:
        """The stored documents of ``writes``, by URL: one query, read whole (they are checked before use)."""
        stored: dict[str, dict[str, Any]] = {}
        for document in self.articles.find({"url": {"$in": [write.url for write in writes]}}):
            stored[document["url"]] = document
        return stored

    def _keep_versions(self, versions: list[Version], now: datetime) -> dict[str, _KeptVersion]:
        """Store the content about to be replaced, idempotently; the versions this call inserted, by URL."""
        if not versions:
            return {}
        ops = [
            UpdateOne(
                {"url": version.url, "content_hash": version.content_hash, "replaced_by": version.replaced_by},
                {"$setOnInsert": {"replaced_at": now, "changed": version.changed}},
                upsert=True,
            )
            for version in versions
        ]
        try:
            upserted = self.versions.bulk_write(ops, ordered=False).upserted_ids or {}
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if is_transient(exc) or any(error["code"] != DUPLICATE_KEY for error in errors):
                raise
            # A concurrent writer stored the same transition: it is kept either way (and is not ours to delete).
            upserted = {entry["index"]: entry["_id"] for entry in exc.details.get("upserted", [])}
        return {
            versions[index].url: _KeptVersion(version_id, versions[index].replaced_by) for index, version_id in upserted.items()
        }

    def _delete_versions(self, ids: list[Any]) -> None:
        if ids:
            self.versions.delete_many({"_id": {"$in": ids}})

    def _bulk_write(self, plans: list[Plan], result: WriteResult) -> tuple[list[ArticleWrite], list[str]]:
        """Run the plans' operations unordered; return the writes that hit DuplicateKeyError, and the URLs refused."""
        plans = [plan for plan in plans if plan.operation is not None]
        failed: dict[int, int] = {}
        if plans:
            try:
                self.articles.bulk_write([plan.operation for plan in plans if plan.operation is not None], ordered=False)
            except BulkWriteError as exc:
                if is_transient(exc):
                    raise
                failed = {error["index"]: error["code"] for error in exc.details["writeErrors"]}
        conflicts, refused = [], []
        for index, plan in enumerate(plans):
            code = failed.get(index)
            if code is None:
                result.counts[plan.kind] += 1
                if plan.damage:
                    result.repaired.append((plan.write.url, describe_errors(plan.damage)))
            elif code == DUPLICATE_KEY:
                conflicts.append(plan.write)
            else:
                result.rejected.append(Rejection(plan.write, _ERROR_NAMES.get(code, f"WriteError{code}")))
                refused.append(plan.write.url)
        return conflicts, refused
