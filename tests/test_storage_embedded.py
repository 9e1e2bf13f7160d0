"""Storage settings, the embedded default (no MONGO_URI) and the serve command."""

from __future__ import annotations

import logging
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient
from scrapy.settings import Settings

from newscrawl.default_settings import PROJECT_ROOT, SETTINGS, project_settings
from newscrawl.storage.__main__ import main as storage_main
from newscrawl.storage.config import MongoConfig
from newscrawl.storage.deadletter import DeadLetterFile
from newscrawl.storage.documents import ArticleWrite, article_fields
from newscrawl.storage.embedded import EmbeddedServer
from newscrawl.storage.errors import StorageUnavailable
from tests.mongo import CRAWL_TIME, article, crawl, emit

RECRAWL_TIME = CRAWL_TIME.replace(day=20)


def defaults(environ: dict[str, str] | None = None) -> Settings:
    """The project's settings as a crawl started with *environ* reads them."""
    return Settings(project_settings(environ or {}))


def test_defaults() -> None:
    config = MongoConfig.from_settings(defaults())
    assert config == MongoConfig(
        uri=None,
        uri_file=None,
        database="newscrawl",
        collection="articles",
        versions_collection="article_versions",
        batch_size=100,
        flush_interval=5.0,
        timeout=10.0,
        retry_attempts=3,
        retry_backoff=0.5,
        data_dir=PROJECT_ROOT / ".data",
    )
    assert (PROJECT_ROOT / "scrapy.cfg").exists()
    assert config.embedded_path == PROJECT_ROOT / ".data" / "mongo"
    assert config.deadletter_dir == PROJECT_ROOT / ".data" / "deadletter"


def test_deployment_settings_come_from_the_environment_and_the_command_line_wins(tmp_path: Path) -> None:
    environ = {
        "MONGO_URI": "mongodb://env-host/", "MONGO_DATABASE": "from_env", "MONGO_BATCH_SIZE": "7",
        "NEWSCRAWL_DATA_DIR": str(tmp_path), "NEWSCRAWL_MIN_BODY_WORDS": "99",  # not a deployment setting
    }  # fmt: skip
    settings = defaults(environ)
    assert settings.getint("NEWSCRAWL_MIN_BODY_WORDS") == 10
    settings.setdict({"MONGO_DATABASE": "from_command_line"}, priority="cmdline")
    config = MongoConfig.from_settings(settings)
    assert (config.uri, config.database, config.collection, config.batch_size) == (
        "mongodb://env-host/", "from_command_line", "articles", 7,
    )  # fmt: skip
    assert config.data_dir == tmp_path
    assert {setting.name for setting in SETTINGS if setting.from_env} == {
        "MONGO_URI", "MONGO_URI_FILE", "MONGO_DATABASE", "MONGO_COLLECTION", "MONGO_VERSIONS_COLLECTION", "MONGO_BATCH_SIZE",
        "MONGO_FLUSH_INTERVAL", "MONGO_TIMEOUT", "MONGO_RETRY_ATTEMPTS", "MONGO_RETRY_BACKOFF",
        "NEWSCRAWL_DATA_DIR", "NEWSCRAWL_CHROMIUM",
    }  # fmt: skip
    with pytest.raises(ValueError, match="at least 1"):
        MongoConfig.from_settings(defaults({"MONGO_BATCH_SIZE": "0"}))


def test_crawl_without_mongo_uri_stores_into_the_embedded_store(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = {"NEWSCRAWL_DATA_DIR": str(tmp_path)}
    with caplog.at_level(logging.INFO):
        stats = crawl(settings, emit([article(n) for n in range(4)]))
    assert stats["newscrawl/mongo/inserted"] == 4
    (line,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("MongoDB storage: ")]
    assert line == (
        f"MongoDB storage: embedded store {tmp_path / 'mongo'} (database newscrawl, collection articles); "
        "to query it after the crawl, run `python -m newscrawl.storage serve`, which prints its address"
    )
    # the data is kept across runs
    stats = crawl(settings, emit([article(n, crawled_at=RECRAWL_TIME) for n in range(5)]))
    assert (stats["newscrawl/mongo/unchanged"], stats["newscrawl/mongo/inserted"]) == (4, 1)
    server = EmbeddedServer(tmp_path / "mongo")
    client: MongoClient[dict[str, Any]] = MongoClient(server.start(), tz_aware=True)
    try:
        documents = list(client.newscrawl.articles.find({}, {"first_seen_at": 1, "last_seen_at": 1}))
        assert len(documents) == 5
        assert sorted(doc["first_seen_at"] for doc in documents) == [CRAWL_TIME] * 4 + [RECRAWL_TIME]
        assert {doc["last_seen_at"] for doc in documents} == {RECRAWL_TIME}
    finally:
        client.close()
        server.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_on_a_busy_port_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert storage_main(["--data-dir", str(tmp_path), "serve", "--port", str(port)]) == 1
    assert capsys.readouterr() == (
        "",
        f"MongoDB storage unavailable: cannot listen on 127.0.0.1:{port} (Address already in use); "
        "choose another port (0: any free one)\n",
    )


@pytest.mark.parametrize("port", ["99999", "-1", "abc"])
def test_serve_on_a_port_out_of_range_is_one_line(tmp_path: Path, port: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        storage_main(["--data-dir", str(tmp_path), "serve", "--port", port])
    assert exited.value.code == 1
    assert capsys.readouterr() == (
        "",
        f"Bad command line: argument --port: {port!r} is not a port: 0 (any free one) to 65535\n",
    )
    assert not (tmp_path / "mongo").exists()


def test_serve_command_shares_the_store(tmp_path: Path) -> None:
    crawl({"NEWSCRAWL_DATA_DIR": str(tmp_path)}, emit([article(n) for n in range(3)]))
    port = free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "newscrawl.storage", "--data-dir", str(tmp_path), "serve", "--port", str(port)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert serve.stdout is not None
        assert serve.stdout.readline() == (
            f"Serving the embedded store {tmp_path / 'mongo'} on mongodb://127.0.0.1:{port}/ until Ctrl-C. "
            f"Query it with: mongosh mongodb://127.0.0.1:{port}/newscrawl\n"
        )
        client: MongoClient[dict[str, Any]] = MongoClient(f"mongodb://127.0.0.1:{port}/")
        assert client.newscrawl.articles.count_documents({"language": "el"}) == 3
        client.close()
        # while it is served, a crawl cannot open the store itself and says what to do
        with pytest.raises(StorageUnavailable, match=r"another process .* has it open; set MONGO_URI"):
            crawl({"NEWSCRAWL_DATA_DIR": str(tmp_path)}, emit([article(9)]))
        # ...and storing through the served port works
        stats = crawl({"NEWSCRAWL_DATA_DIR": str(tmp_path), "MONGO_URI": f"mongodb://127.0.0.1:{port}/"}, emit([article(9)]))
        assert stats["newscrawl/mongo/inserted"] == 1
    finally:
        serve.send_signal(signal.SIGINT)
        assert serve.wait(timeout=10) == 0
    server = EmbeddedServer(tmp_path / "mongo")
    client = MongoClient(server.start())
    assert client.newscrawl.articles.count_documents({}) == 4
    client.close()
    server.stop()


def test_replay_into_the_embedded_store_keeps_what_is_refused_again(tmp_path: Path) -> None:
    letters = DeadLetterFile(tmp_path / "deadletter" / "synthetic-1.jsonl", "newscrawl", "articles")
    good = [ArticleWrite.scraped(article_fields(article(n), site="", received_at=CRAWL_TIME)) for n in range(3)]
    bad = ArticleWrite.scraped(article_fields(article(9, url="urn:x"), site="", received_at=CRAWL_TIME))
    letters.append([*good, bad], "AutoReconnect")
    command = [sys.executable, "-m", "newscrawl.storage", "--data-dir", str(tmp_path), "replay"]
    process = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert process.returncode == 1
    assert process.stdout == (
        f"Replaying 1 dead-letter file(s) into embedded store {tmp_path / 'mongo'} (database newscrawl, collection articles)\n"
    )
    assert process.stderr == (
        f"{letters.path}: 1 of 4 records not written; file kept (3 inserted)\n  urn:x: DocumentValidationFailure\n"
    )
    assert letters.path.exists()
    server = EmbeddedServer(tmp_path / "mongo")
    client: MongoClient[dict[str, Any]] = MongoClient(server.start())
    assert sorted(doc["url"] for doc in client.newscrawl.articles.find()) == [write.url for write in good]
    client.close()
    server.stop()
