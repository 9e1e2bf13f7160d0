"""Pytest plugin for the storage tests: a real MongoDB wire-protocol server and synthetic crawls.

The server is an embedded secantus started once per session on a free port
with a temporary storage path; with ``TEST_MONGO_URI`` set the same tests run
against that server instead (a real mongod). Each test gets its own database.
Synthetic crawls yield articles from ``start()`` (no request), in this process
(:mod:`tests.harness`).
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import scrapy
from pymongo import MongoClient, monitoring
from pymongo.database import Database
from scrapy.crawler import Crawler

from newscrawl.items import ARTICLE_FIELDS, ArticleItem
from newscrawl.storage import bootstrap
from newscrawl.storage.documents import ArticleWrite, article_fields
from newscrawl.storage.embedded import EmbeddedServer
from newscrawl.storage.extension import Storage
from newscrawl.storage.writer import ArticleWriter, WriteResult
from tests.harness import crawl_many
from tests.spiders import ExampleSpider

Script = Callable[[scrapy.Spider], AsyncIterator[Any]]

CRAWL_TIME = datetime(2025, 7, 16, 12, 0, tzinfo=UTC)
#: a crawl a day later
RECRAWL_TIME = CRAWL_TIME + timedelta(days=1)
#: the fields of a stored document, in the order a crawl writes them
STORED_FIELDS = ["_id", *ARTICLE_FIELDS, "first_seen_at", "last_seen_at", "seen_urls", "content_hash", "updated_at"]


#: the made-up site of the synthetic articles (tests/spiders.py): its origin, and another of its domains
ORIGIN = ExampleSpider.origin
OTHER_DOMAIN = ExampleSpider.domains[1]


def article(n: int, **fields: Any) -> ArticleItem:
    """A synthetic article of a made-up site, distinct per ``n``; ``fields`` override any field."""
    values: dict[str, Any] = {
        "url": article_url(n),
        "site": ExampleSpider.name,
        "title": f"Ομογένεια: εκδήλωση {n}",
        "description": f"Standfirst {n}",
        "body": f"Πρώτη παράγραφος του άρθρου {n}.\n\nSecond paragraph of article {n}.",
        "authors": ["Κωστής Μπακογιάννης"],
        "published_at": datetime(2025, 7, 16, 13, 5, 41, 123456, tzinfo=UTC) - timedelta(hours=n),
        "modified_at": None,
        "language": "el",
        "categories": ["Ομογένεια"],
        "tags": ["Νέα Υόρκη", f"tag{n % 3}"],
        "image_url": f"{ORIGIN}/wp-content/uploads/{n}.jpg",
        "related_urls": [article_url(n + 1)],
        "source_url": f"https://{OTHER_DOMAIN}/article-{n}/?utm_source=x",
        "crawled_at": CRAWL_TIME,
        "extractor": "tagdiv-newspaper",
    }
    values.update(fields)
    return ArticleItem(**values)


def scraped(n: int, crawled_at: datetime = RECRAWL_TIME, **fields: Any) -> ArticleWrite:
    """What a crawl at *crawled_at* writes for ``article(n, **fields)``."""
    return ArticleWrite.scraped(article_fields(article(n, crawled_at=crawled_at, **fields), site="", received_at=crawled_at))


def article_url(n: int) -> str:
    """The canonical URL of ``article(n)``."""
    return f"{ORIGIN}/article-{n}/"


def emit(items: Iterable[Any]) -> Script:
    """A spider script that yields ``items``."""

    async def script(spider: scrapy.Spider) -> AsyncIterator[Any]:
        for item in items:
            yield item

    return script


class ScriptSpider(scrapy.Spider):
    """Yields whatever its ``script`` yields, from ``start()``; makes no request."""

    name = "synthetic"

    def __init__(self, script: Script, **kwargs: Any):
        super().__init__(**kwargs)
        self.script = script

    async def start(self) -> AsyncIterator[Any]:
        async for item in self.script(self):
            yield item


#: Storage on its own: no monitors or run records (tests/test_monitoring.py turns them on).
SYNTHETIC_SETTINGS = {"SPIDERMON_ENABLED": False}


def run_crawl_in_process(settings: dict[str, Any], *scripts: Script) -> list[Crawler]:
    """Run one synthetic crawl per script, at once; their crawlers. Raises what stopped the first that failed."""
    results = crawl_many([(ScriptSpider, {"script": script}) for script in scripts], {**SYNTHETIC_SETTINGS, **settings})
    for result in results:
        storage = result.crawler.get_extension(Storage)
        if failure := result.error or (storage.failure if storage is not None else None):
            raise failure
    return [result.crawler for result in results]


def crawl(settings: dict[str, Any], script: Script) -> dict[str, Any]:
    """Run one synthetic crawl; return its stats."""
    (crawler,) = run_crawl_in_process(settings, script)
    return crawler.stats.get_stats()


class SyntheticSpider(scrapy.Spider):
    """For ``scrapy crawl`` subprocesses (``-s SPIDER_MODULES=tests.mongo``): yields ``count`` articles."""

    name = "synthetic-articles"

    def __init__(self, count: str = "10", **kwargs: Any):
        super().__init__(**kwargs)
        self.count = int(count)

    async def start(self) -> AsyncIterator[ArticleItem]:
        for n in range(self.count):
            yield article(n)


class CommandLog(monitoring.CommandListener):
    """The commands pymongo clients send while recording, and the documents reads return (pymongo
    listeners are global)."""

    def __init__(self) -> None:
        self.recording = False
        #: command names, in order
        self.names: list[str] = []
        #: the commands, without the driver's own fields (session, cluster time, database)
        self.commands: list[dict[str, Any]] = []
        #: documents returned by finds and their getMores, by collection
        self.documents_read: Counter[str] = Counter()
        self._reads: dict[int, str] = {}

    def start(self) -> None:
        self.names.clear()
        self.commands.clear()
        self.documents_read.clear()
        self.recording = True

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if self.recording:
            self.names.append(event.command_name)
            self.commands.append({key: value for key, value in event.command.items() if not key.startswith(("$", "lsid"))})
            if event.command_name in ("find", "getMore"):
                collection = event.command["find" if event.command_name == "find" else "collection"]
                self._reads[event.request_id] = collection

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        if (collection := self._reads.pop(event.request_id, None)) is not None:
            cursor = event.reply.get("cursor", {})
            self.documents_read[collection] += len(cursor.get("firstBatch", cursor.get("nextBatch", [])))

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._reads.pop(event.request_id, None)


_COMMAND_LOG = CommandLog()
monitoring.register(_COMMAND_LOG)


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URI of the test server: TEST_MONGO_URI, else a session-wide embedded secantus."""
    if uri := os.environ.get("TEST_MONGO_URI"):
        yield uri
        return
    server = EmbeddedServer(tmp_path_factory.mktemp("secantus"))
    yield server.start()
    server.stop()


@pytest.fixture(scope="session")
def mongo_client(mongo_uri: str) -> Iterator[MongoClient[dict[str, Any]]]:
    client: MongoClient[dict[str, Any]] = MongoClient(mongo_uri, tz_aware=True, serverSelectionTimeoutMS=5000)
    yield client
    client.close()


@contextmanager
def fresh_database(client: MongoClient[dict[str, Any]]) -> Iterator[Database[dict[str, Any]]]:
    """A database of its own, dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    try:
        yield client[name]
    finally:
        client.drop_database(name)


@pytest.fixture
def mongo_db(mongo_client: MongoClient[dict[str, Any]]) -> Iterator[Database[dict[str, Any]]]:
    """A fresh database for one test, dropped afterwards."""
    with fresh_database(mongo_client) as database:
        yield database


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def storage_settings(mongo_uri: str, mongo_db: Database[dict[str, Any]], data_dir: Path) -> dict[str, Any]:
    """Crawl settings storing into this test's database, with quick timeouts and retries."""
    return {
        "MONGO_URI": mongo_uri,
        "MONGO_DATABASE": mongo_db.name,
        "NEWSCRAWL_DATA_DIR": str(data_dir),
        "MONGO_TIMEOUT": 1.0,
        "MONGO_RETRY_ATTEMPTS": 2,
        "MONGO_RETRY_BACKOFF": 0.05,
    }


def found(document: dict[str, Any] | None) -> dict[str, Any]:
    """The document a ``find_one`` the test expects to match returned."""
    assert document is not None, "no stored document matches"
    return document


def plan_indexes(plan: Any) -> Iterator[str]:
    """The index of every stage of an explained plan that reads one; "COLLSCAN" for a collection scan."""
    stack = [plan]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("stage") == "COLLSCAN":
                yield "COLLSCAN"
            if "indexName" in node:
                yield node["indexName"]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


@pytest.fixture
def mongo_log() -> Iterator[CommandLog]:
    """The commands MongoDB clients send during the test (a client created before it too)."""
    _COMMAND_LOG.start()
    yield _COMMAND_LOG
    _COMMAND_LOG.recording = False


@pytest.fixture
def mongo_commands(mongo_log: CommandLog) -> list[str]:
    """Names of the commands MongoDB clients send during the test."""
    return mongo_log.names


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    """A secantus server of this test's own, to stop, restart or inject failures into.

    Always secantus, even with TEST_MONGO_URI: ``stop()`` then ``start()`` keeps the port and the data.
    """
    server = EmbeddedServer(tmp_path / "own-server", test_commands=True)
    server.start()
    yield server
    server.stop()


async def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll ``condition`` from a spider script without blocking the event loop."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


def in_thread(function: Callable[[], Any]) -> Awaitable[Any]:
    """Run blocking test code (stopping a server, say) from a spider script."""
    return asyncio.to_thread(function)


@dataclass
class WriteRace:
    """Two writers on one server: the slow one's first *command* waits at the server, after its find,
    while the fast one writes. The fast writer's client is ``database``'s."""

    server: EmbeddedServer
    #: the command the slow writer waits at: "insert", or "update" (its versions or its updates)
    command: str = "update"

    def __post_init__(self) -> None:
        self.slow: MongoClient[dict[str, Any]] = MongoClient(self.server.uri, appname="slow-writer", tz_aware=True)
        self.fast: MongoClient[dict[str, Any]] = MongoClient(self.server.uri, appname="fast-writer", tz_aware=True)
        self.database = self.fast.db
        bootstrap.prepare(self.database, "articles", "versions")  # the unique url index decides the race

    def writer(self, client: MongoClient[dict[str, Any]]) -> ArticleWriter:
        return ArticleWriter(client.db.articles, client.db.versions)

    def run(self, slow: list[ArticleWrite], fast: list[ArticleWrite]) -> tuple[WriteResult, WriteResult]:
        """The slow writer's result, and the fast one's."""
        self.slow.admin.command(
            "configureFailPoint",
            "failCommand",
            mode={"times": 1},
            data={"failCommands": [self.command], "appName": "slow-writer", "blockConnection": True, "blockTimeMS": 400},
        )
        results: dict[str, WriteResult] = {}
        thread = threading.Thread(target=lambda: results.update(slow=self.writer(self.slow).write(slow)))
        thread.start()
        time.sleep(0.1)
        results["fast"] = self.writer(self.fast).write(fast)
        thread.join()
        return results["slow"], results["fast"]
