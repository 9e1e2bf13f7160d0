"""Nothing lost: an unreachable server stops the crawl before it starts; a failing one is retried,
then dead-lettered; dead letters replay idempotently."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import scrapy
from pymongo import MongoClient

from newscrawl.storage.config import MongoConfig
from newscrawl.storage.connection import MongoConnection
from newscrawl.storage.deadletter import read_dead_letters
from newscrawl.storage.embedded import EmbeddedServer
from newscrawl.storage.errors import StorageUnavailable
from newscrawl.storage.replay import replay_file
from newscrawl.storage.retry import RetryPolicy
from tests.conftest import run_scrapy
from tests.harness import crawl_settings
from tests.mongo import article, crawl, emit, found, in_thread, wait_until
from tools.fixture_server import FixtureServer

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def replay_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newscrawl.storage", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def dead_letter_records(data_dir: Path) -> list[Any]:
    return [letter for path in sorted((data_dir / "deadletter").glob("*.jsonl")) for letter in read_dead_letters(path)]


def test_unreachable_server_stops_the_crawl_before_it_starts(
    storage_settings: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    port = closed_port()
    started = []

    async def script(spider: scrapy.Spider) -> AsyncIterator[Any]:
        started.append(True)
        yield article(1)

    settings = {**storage_settings, "MONGO_URI": f"mongodb://crawler:s3cret@127.0.0.1:{port}/", "MONGO_TIMEOUT": 0.3}
    with caplog.at_level(logging.INFO), pytest.raises(StorageUnavailable):
        crawl(settings, script)
    assert started == []
    errors = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors[0].startswith(
        f"MongoDB storage unavailable, not crawling: cannot reach MongoDB at 127.0.0.1:{port} within 0.3s ("
    )
    assert "\n" not in errors[0]
    assert "s3cret" not in caplog.text


def test_unreachable_server_makes_scrapy_crawl_exit_non_zero_without_a_request(tmp_path: Path) -> None:
    port = closed_port()
    with FixtureServer("iproini") as site:
        process = run_scrapy(
            "crawl", "iproini", "-a", f"base_url={site.url}",
            "-s", f"MONGO_URI=mongodb://crawler:pa55word@127.0.0.1:{port}/",
            "-s", "MONGO_TIMEOUT=0.3",
            env={"NEWSCRAWL_DATA_DIR": str(tmp_path)},
        )  # fmt: skip
        assert site.requests == []
    assert process.returncode == 4  # storage unavailable (docs/operations.md, "Exit codes")
    storage_lines = [line for line in process.stderr.splitlines() if "MongoDB storage unavailable" in line]
    assert len(storage_lines) == 1
    assert storage_lines[0].endswith(
        "[newscrawl.storage.extension] ERROR: MongoDB storage unavailable, not crawling: "
        f"cannot reach MongoDB at 127.0.0.1:{port} within 0.3s "
        f"(ServerSelectionTimeoutError: 127.0.0.1:{port}: [Errno 111] Connection refused (configured timeouts: "
        "socketTimeoutMS: 300.0ms, connectTimeoutMS: 300.0ms))"
    )
    assert "pa55word" not in process.stderr + process.stdout


@pytest.mark.parametrize(
    ("failure", "reason"),
    [({"errorCode": 10107}, "NotPrimaryError"), ({"closeConnection": True}, "AutoReconnect")],
    ids=["primary-step-down", "connection-lost"],
)
def test_transient_failures_are_retried(
    own_server: EmbeddedServer, data_dir: Path, failure: dict[str, Any], reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    # A quick heartbeat so the driver notices the "new primary" within the test's short timeouts.
    uri = own_server.uri + "?heartbeatFrequencyMS=500"
    settings = {
        "MONGO_URI": uri,
        "NEWSCRAWL_DATA_DIR": str(data_dir),
        "MONGO_TIMEOUT": 2.0,
        "MONGO_RETRY_ATTEMPTS": 3,
        "MONGO_RETRY_BACKOFF": 0.05,
    }
    admin: MongoClient[dict[str, Any]] = MongoClient(own_server.uri)
    # twice: once for the driver's own retryable-write retry, once for the pipeline's first attempt
    admin.admin.command("configureFailPoint", "failCommand", mode={"times": 2}, data={"failCommands": ["insert"], **failure})
    with caplog.at_level(logging.WARNING):
        stats = crawl(settings, emit([article(n) for n in range(5)]))
    assert stats["newscrawl/mongo/inserted"] == 5
    assert stats["newscrawl/mongo/retry_count"] == 1
    assert stats[f"newscrawl/mongo/retry_reasons_count/{reason}"] == 1
    assert stats["newscrawl/mongo/deadletter_count"] == 0
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("newscrawl")]
    assert warning.startswith(f"MongoDB write of 5 articles failed ({reason}: ")
    assert warning.endswith("); retrying in 0.05s (attempt 2 of 3)")
    assert admin.newscrawl.articles.count_documents({}) == 5


def test_a_persistent_failure_is_dead_lettered_then_replayed(
    own_server: EmbeddedServer, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = {
        "MONGO_URI": own_server.uri + "?heartbeatFrequencyMS=500",
        "MONGO_DATABASE": "outage",
        "NEWSCRAWL_DATA_DIR": str(data_dir),
        "MONGO_TIMEOUT": 2.0,
        "MONGO_RETRY_ATTEMPTS": 2,
        "MONGO_RETRY_BACKOFF": 0.05,
        "MONGO_BATCH_SIZE": 4,
    }
    admin: MongoClient[dict[str, Any]] = MongoClient(own_server.uri)
    crawl(settings, emit([article(n) for n in range(4)]))  # stored: the recrawl below finds them unchanged
    admin.admin.command(
        "configureFailPoint",
        "failCommand",
        mode="alwaysOn",
        data={"failCommands": ["insert", "update"], "errorCode": 91},
    )
    items = [article(n) for n in range(2, 10)] + [article(20, title=article(3)["title"], body=article(3)["body"])]
    caplog.clear()
    with caplog.at_level(logging.INFO):
        stats = crawl(settings, emit(items))
    admin.admin.command("configureFailPoint", "failCommand", mode="off")
    assert stats["item_scraped_count"] == 8
    assert stats["newscrawl/mongo/deadletter_count"] == 8
    assert stats["newscrawl/mongo/deadletter_reasons_count/NotPrimaryError"] == 8
    assert admin.outage.articles.count_documents({}) == 4
    (summary,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("MongoDB storage closed")]
    (path,) = (data_dir / "deadletter").glob("*.jsonl")
    assert summary == (
        f"MongoDB storage closed: nothing written; 8 articles in the dead-letter file {path}: "
        "replay them with `python -m newscrawl.storage replay`"
    )
    letters = dead_letter_records(data_dir)
    assert sorted(letter.write.url for letter in letters if letter.write.fields) == sorted(i["url"] for i in items[:8])
    # the duplicate's URL is kept too, on a record of its own or on its kept article's
    assert any("https://www.example.com/article-20/" in letter.write.seen_urls for letter in letters)

    process = replay_command("--data-dir", str(data_dir), "replay", "--uri", own_server.uri)
    assert process.returncode == 0, process.stderr
    assert process.stdout.splitlines()[-1].startswith(f"{path}: {len(letters)} records replayed (")
    assert admin.outage.articles.count_documents({}) == 10
    document = found(admin.outage.articles.find_one({"url": "https://www.example.com/article-3/"}))
    assert "https://www.example.com/article-20/" in document["seen_urls"]
    assert not path.exists() and (path.parent / "replayed" / path.name).exists()
    assert replay_command("--data-dir", str(data_dir), "replay", "--uri", own_server.uri).stdout == (
        f"No dead-letter files in {data_dir / 'deadletter'}\n"
    )


def test_outage_mid_crawl_loses_nothing(own_server: EmbeddedServer, data_dir: Path) -> None:
    """Kill the server mid-crawl and start it again: emitted = stored + dead-lettered; replay stores all."""
    settings = {
        "MONGO_URI": own_server.uri,
        "MONGO_DATABASE": "outage",
        "NEWSCRAWL_DATA_DIR": str(data_dir),
        "MONGO_TIMEOUT": 0.5,
        "MONGO_RETRY_ATTEMPTS": 2,
        "MONGO_RETRY_BACKOFF": 0.05,
        "MONGO_BATCH_SIZE": 10,
    }
    emitted: list[str] = []

    async def script(spider: scrapy.Spider) -> AsyncIterator[Any]:
        stats = spider.crawler.stats

        def produce(numbers: range) -> list[Any]:
            items = [article(n) for n in numbers]
            emitted.extend(item["url"] for item in items)
            return items

        for item in produce(range(30)):
            yield item
        await wait_until(lambda: stats.get_value("newscrawl/mongo/inserted") == 30)
        await in_thread(own_server.stop)
        for item in produce(range(30, 50)):
            yield item
        await wait_until(lambda: stats.get_value("newscrawl/mongo/deadletter_count") == 20, timeout=20)
        await in_thread(own_server.start)
        for item in produce(range(50, 75)):
            yield item

    stats = crawl(settings, script)
    admin: MongoClient[dict[str, Any]] = MongoClient(own_server.uri)
    stored = {doc["url"] for doc in admin.outage.articles.find({}, {"url": 1})}
    letters = dead_letter_records(data_dir)
    dead_lettered = [letter.write.url for letter in letters if letter.write.fields]
    assert len(emitted) == 75
    assert len(stored) + len(dead_lettered) == len(emitted)
    assert stored.isdisjoint(dead_lettered) and stored | set(dead_lettered) == set(emitted)
    assert dead_lettered == [f"https://www.example.com/article-{n}/" for n in range(30, 50)]
    assert stats["newscrawl/mongo/deadletter_count"] == 20
    assert stats["newscrawl/mongo/inserted"] == 55
    assert stats["newscrawl/mongo/retry_count"] == 2

    config = MongoConfig.from_settings(crawl_settings(settings))
    with MongoConnection(config) as connection:
        (path,) = (data_dir / "deadletter").glob("*.jsonl")
        copy = shutil.copy(path, data_dir / "copy.jsonl")
        report = replay_file(connection, path, RetryPolicy(1, 0), batch_size=7)
        assert report.done and report.records == 20 and report.counts == {"inserted": 20}
        # replaying the same records again writes nothing new
        again = replay_file(connection, Path(copy), RetryPolicy(1, 0), batch_size=7)
        assert again.counts == {"unchanged": 20}
    assert {doc["url"] for doc in admin.outage.articles.find()} == set(emitted)
    assert admin.outage.articles.count_documents({}) == 75
