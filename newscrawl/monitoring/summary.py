"""What a run produced, read from its stats: articles found, stored and dropped, and field coverage.

Coverage is measured against the articles the crawl *found*, not only those it
stored: an article page dropped because its body (or title) could not be read
counts as an article without a body. Otherwise a theme change that hides the
text would leave body coverage at 100% while the articles silently vanish.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from typing import Any

from scrapy import Spider

from newscrawl.items import ARTICLE_FIELDS, ArticleItem

#: Per-field counts of scraped items that have a value (Spidermon's SPIDERMON_ADD_FIELD_COVERAGE).
PRESENT_STAT = f"spidermon_item_scraped_count/{ArticleItem.__name__}/{{field}}"
#: Article pages dropped because a field was missing (``no_title``, ``no_body``).
MISSING_STATS = ("newscrawl/dropped/no_{field}",)
#: One count per article page dropped as incomplete (a page can miss several fields).
INCOMPLETE_STATS = (
    "newscrawl/dropped/no_title",
    "newscrawl/dropped/no_body",
    "newscrawl/dropped/short_body",
)
#: Articles dropped for schema errors (newscrawl.pipelines.validate.InvalidArticle).
INVALID_STAT = "item_dropped_reasons_count/InvalidArticle"
#: Links to already stored articles that an incremental crawl did not fetch again.
SKIPPED_STORED_STAT = "newscrawl/incremental/skipped_stored"
#: Pages the browser failed to render, by reason (newscrawl.rendering).
RENDER_FAILED_PREFIX = "newscrawl/rendered/failed/"
#: Articles sent to the dead-letter file (newscrawl.storage.batcher), and per reason.
DEAD_LETTER_STAT = "newscrawl/mongo/deadletter_count"
DEAD_LETTER_REASONS_PREFIX = "newscrawl/mongo/deadletter_reasons_count/"
#: What storage did with each article, counted by newscrawl.storage.batcher.
STORAGE_STAT = "newscrawl/mongo/{kind}"


def counts_under(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    """The stats named *prefix* + something, by that something."""
    return {key.removeprefix(prefix): value for key, value in stats.items() if key.startswith(prefix)}


@dataclass(frozen=True)
class FieldCoverage:
    """How many of the articles found have a field."""

    present: int
    found: int

    @property
    def ratio(self) -> float | None:
        return self.present / self.found if self.found else None


def crawl_kind(spider: Spider) -> str:
    """Which earlier runs this one compares with: ``full`` (``-a full=1``), ``since`` (``-a since=DATE``)
    or ``incremental`` (the default, fetching only what is new), whose article counts differ by design;
    ``partial`` when it started from ``-a start_urls``; and, for a copy of the site crawled at
    ``-a base_url`` (a staging mirror, the fixtures), that origin: it is not the live site's baseline."""
    if getattr(spider, "custom_start", False):
        kind = "partial"
    elif getattr(spider, "since", None):
        kind = "since"
    else:
        kind = "full" if getattr(spider, "full", False) else "incremental"
    site_urls = getattr(spider, "site_urls", None)
    if site_urls is not None and site_urls.base_url != site_urls.canonical_origin:
        kind += f" of {site_urls.base_url}"
    return kind


@dataclass(frozen=True)
class StorageCounts:
    """What storage did with the articles handed to it; each article counts once."""

    #: not stored before: inserted
    new: int = 0
    #: stored with other content: replaced, the previous content kept as a version
    updated: int = 0
    #: stored with the same content: only ``last_seen_at`` and ``seen_urls`` changed
    unchanged: int = 0
    #: stored as a damaged document: replaced by a whole one (docs/storage-failures.md)
    repaired: int = 0
    #: stored from a later crawl: the stored content kept
    stale: int = 0
    #: not stored: in the dead-letter file, to replay
    dead_lettered: int = 0

    @property
    def stored(self) -> int:
        """Articles in the store after the run."""
        return self.new + self.updated + self.unchanged + self.repaired + self.stale

    @classmethod
    def from_stats(cls, stats: Mapping[str, Any]) -> StorageCounts:
        kinds = {"new": "inserted", "updated": "updated", "unchanged": "unchanged", "repaired": "repaired", "stale": "stale"}
        counts = {name: stats.get(STORAGE_STAT.format(kind=kind), 0) for name, kind in kinds.items()}
        return cls(**counts, dead_lettered=stats.get(DEAD_LETTER_STAT, 0))

    def describe(self) -> str:
        """``8 stored (5 new, 1 updated, 1 unchanged, 1 repaired), 2 dead-lettered``: repaired and older
        than stored appear only when not zero."""
        kinds = [f"{self.new} new", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        kinds += [
            f"{count} {label}" for count, label in ((self.repaired, "repaired"), (self.stale, "older than stored")) if count
        ]
        return f"{self.stored} stored ({', '.join(kinds)}), {self.dead_lettered} dead-lettered"


@dataclass(frozen=True)
class RunSummary:
    """One run in numbers: what the report shows, the monitors judge and the runs collection keeps."""

    spider: str
    kind: str
    started_at: datetime | None
    finished_at: datetime | None
    finish_reason: str | None
    #: articles that went through every pipeline: handed to storage
    scraped: int
    #: article pages dropped for a missing title or body
    incomplete: int
    #: articles dropped for schema errors
    invalid: int
    #: links to stored articles an incremental crawl skipped (an article linked twice counts twice)
    skipped_stored: int
    coverage: Mapping[str, FieldCoverage]
    storage: StorageCounts = StorageCounts()
    #: whether every monitor passed; None until they have run
    passed: bool | None = None
    failed_monitors: tuple[str, ...] = ()

    @property
    def found(self) -> int:
        """Article pages read: kept or dropped (duplicates aside)."""
        return self.scraped + self.incomplete + self.invalid

    @property
    def seen(self) -> int:
        """Articles found plus links to stored ones: what shows that navigation still finds articles,
        in a full crawl and in an incremental one that has nothing new to fetch."""
        return self.found + self.skipped_stored

    @classmethod
    def from_stats(cls, stats: Mapping[str, Any], spider: Spider) -> RunSummary:
        scraped = stats.get("item_scraped_count", 0)
        coverage = {}
        for name in ARTICLE_FIELDS:
            missing = sum(stats.get(key.format(field=name), 0) for key in MISSING_STATS)
            coverage[name] = FieldCoverage(stats.get(PRESENT_STAT.format(field=name), 0), scraped + missing)
        return cls(
            spider=spider.name,
            kind=crawl_kind(spider),
            started_at=stats.get("start_time"),
            finished_at=stats.get("finish_time"),
            finish_reason=stats.get("finish_reason"),
            scraped=scraped,
            incomplete=sum(stats.get(key, 0) for key in INCOMPLETE_STATS),
            invalid=stats.get(INVALID_STAT, 0),
            skipped_stored=stats.get(SKIPPED_STORED_STAT, 0),
            coverage=coverage,
            storage=StorageCounts.from_stats(stats),
        )

    def with_outcome(self, failed_monitors: list[str]) -> RunSummary:
        return replace(self, passed=not failed_monitors, failed_monitors=tuple(failed_monitors))

    def document(self) -> dict[str, Any]:
        """The run as stored in the runs collection."""
        return {
            "spider": self.spider,
            "kind": self.kind,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "finish_reason": self.finish_reason,
            "articles": {
                "found": self.found,
                "seen": self.seen,
                "scraped": self.scraped,
                "incomplete": self.incomplete,
                "invalid": self.invalid,
                "skipped_stored": self.skipped_stored,
                "stored": self.storage.stored,
                **asdict(self.storage),
            },
            "coverage": {
                name: {"present": value.present, "found": value.found, "ratio": value.ratio}
                for name, value in self.coverage.items()
            },
            "passed": self.passed,
            "failed_monitors": list(self.failed_monitors),
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> RunSummary:
        """A stored run. Raises KeyError, TypeError or ValueError for a document that is not one.

        Runs recorded before storage was counted apart have no storage counts, and
        their ``stored`` meant what ``scraped`` means now.
        """
        articles = _mapping(document["articles"])
        scraped = articles["scraped"] if "scraped" in articles else articles["stored"]
        storage = {field.name: _count(articles.get(field.name, 0)) for field in fields(StorageCounts)}
        return cls(
            spider=_text(document["spider"]),
            kind=_text(document["kind"]),
            started_at=document.get("started_at"),
            finished_at=document.get("finished_at"),
            finish_reason=document.get("finish_reason"),
            scraped=_count(scraped),
            incomplete=_count(articles["incomplete"]),
            invalid=_count(articles["invalid"]),
            skipped_stored=_count(articles["skipped_stored"]),
            coverage={
                _text(name): FieldCoverage(_count(value["present"]), _count(value["found"]))
                for name, value in _mapping(document["coverage"]).items()
            },
            storage=StorageCounts(**storage),
            passed=document.get("passed"),
            failed_monitors=tuple(_text(name) for name in document.get("failed_monitors", ())),
        )


def _mapping(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(f"not a document: {type(value).__name__}")
    return value


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TypeError(f"not a count: {value!r:.40}")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"not a string: {type(value).__name__}")
    return value
