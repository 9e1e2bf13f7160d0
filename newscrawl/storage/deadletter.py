"""Dead-letter files: writes MongoDB did not take, kept as JSON lines until replayed.

One record per URL, in MongoDB Extended JSON (relaxed), so dates come back as
dates::

    {"database": "newscrawl", "collection": "articles", "url": "https://…/",
     "article": {…item fields…} | null, "seen_urls": ["…"],
     "reason": "AutoReconnect: …", "failed_at": {"$date": "…"}}

``article`` is null for a record that only adds ``seen_urls`` to an article.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bson import json_util
from bson.json_util import JSONMode, JSONOptions

from newscrawl.storage.documents import ArticleWrite

#: MongoDB Extended JSON (relaxed), read back with aware UTC dates: the form of every record kept on disk
EXTENDED_JSON = JSONOptions(json_mode=JSONMode.RELAXED, tz_aware=True, tzinfo=UTC)


@dataclass(frozen=True)
class DeadLetter:
    database: str
    collection: str
    write: ArticleWrite
    reason: str


class DeadLetterFile:
    """Appends failed writes to one file, created on first use. Thread-safe."""

    def __init__(self, path: Path, database: str, collection: str):
        self.path = path
        self.database = database
        self.collection = collection
        self._lock = threading.Lock()

    def append(self, writes: Sequence[ArticleWrite], reason: str) -> None:
        """Append one record per write."""
        failed_at = datetime.now(UTC)
        lines = [
            json_util.dumps(
                {
                    "database": self.database,
                    "collection": self.collection,
                    "url": write.url,
                    "article": write.fields,
                    "seen_urls": sorted(write.seen_urls),
                    "reason": reason,
                    "failed_at": failed_at,
                },
                json_options=EXTENDED_JSON,
                ensure_ascii=False,
            )
            for write in writes
        ]
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as file:
                file.writelines(line + "\n" for line in lines)


def read_dead_letters(path: Path, unreadable: list[str] | None = None) -> Iterator[DeadLetter]:
    """The records of a dead-letter file, in order.

    A line that cannot be read (cut short by a crash, edited by hand) is skipped,
    and described in *unreadable* (``line N: error``) when it is given.
    """
    with path.open(encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            try:
                record = json_util.loads(line, json_options=EXTENDED_JSON)
                fields = record["article"]
                write = ArticleWrite.scraped(fields) if fields is not None else ArticleWrite(record["url"])
                write.seen_urls |= set(record["seen_urls"])
                letter = DeadLetter(record["database"], record["collection"], write, record["reason"])
            except (ValueError, KeyError, TypeError) as exc:
                if unreadable is None:
                    raise
                unreadable.append(f"line {number}: {type(exc).__name__}: {str(exc)[:100]}")
                continue
            yield letter


def dead_letter_files(directory: Path) -> list[Path]:
    """Files waiting for replay, oldest first (replayed files are moved to ``replayed/``)."""
    return sorted(directory.glob("*.jsonl"), key=lambda path: (path.stat().st_mtime, path.name))
