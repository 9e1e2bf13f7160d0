"""Replay dead-letter files into MongoDB.

Replaying is idempotent: records go through the same writer as a crawl, which
compares content hashes with what is stored, so a file replayed twice (or a
record whose article was stored after all) writes nothing new. A file whose
every record is stored moves to ``replayed/`` beside it. Any other file stays
where it is, and the report says which records could not be written and why
(e.g. seen URLs for a stored article still damaged: replay again once a crawl
has repaired it), and which lines could not be read.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from itertools import groupby
from pathlib import Path

from newscrawl.storage import bootstrap
from newscrawl.storage.connection import MongoConnection
from newscrawl.storage.deadletter import DeadLetter, read_dead_letters
from newscrawl.storage.retry import RetryPolicy, describe
from newscrawl.storage.writer import ArticleWriter, Rejection

logger = logging.getLogger(__name__)


@dataclass
class FileReplay:
    path: Path
    records: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    #: records that could not be written again, with the reason
    rejected: list[Rejection] = field(default_factory=list)
    #: lines of the file that could not be read (``line N: error``)
    unreadable: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return not self.rejected and not self.unreadable


def _namespace(letter: DeadLetter) -> tuple[str, str]:
    return letter.database, letter.collection


def replay_file(connection: MongoConnection, path: Path, retry: RetryPolicy, batch_size: int) -> FileReplay:
    """Write every record of ``path``; move the file to ``replayed/`` when all are stored (and every line was read).

    A server that keeps failing raises after ``retry``'s attempts; the file then
    stays where it is, and replaying it again later is safe.
    """
    assert connection.client is not None, "open the connection first"
    report = FileReplay(path)
    letters = sorted(read_dead_letters(path, report.unreadable), key=_namespace)
    report.records = len(letters)
    for (database_name, collection), group in groupby(letters, key=_namespace):
        database = connection.client[database_name]
        bootstrap.prepare(database, collection, connection.config.versions_collection)
        writer = ArticleWriter(database[collection], database[connection.config.versions_collection])
        writes = [letter.write for letter in group]
        for start in range(0, len(writes), batch_size):
            batch = writes[start : start + batch_size]
            result = retry.run(partial(writer.write, batch), on_retry=_log_retry)
            report.counts += result.counts
            report.rejected += result.rejected
    if report.done:
        replayed = path.parent / "replayed"
        replayed.mkdir(exist_ok=True)
        path.rename(replayed / path.name)
    return report


def _log_retry(exc: BaseException, attempt: int, delay: float) -> None:
    logger.warning("Replay: MongoDB write failed (%s); retrying in %gs (attempt %d)", describe(exc), delay, attempt)
