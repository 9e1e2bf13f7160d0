"""Passwords in connection strings never reach logs or stats."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from pymongo import MongoClient

from newscrawl.logredact import install_log_redaction, redact
from newscrawl.storage.embedded import EmbeddedServer

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Pa55-w0rd"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mongodb://crawler:secret@db1:27017/news", "mongodb://crawler:***@db1:27017/news"),
        (
            "mongodb+srv://crawler:s%40cr%3At@cluster0.example.net/?retryWrites=true",
            "mongodb+srv://crawler:***@cluster0.example.net/?retryWrites=true",
        ),
        ("mongodb://u:p@a@db1,db2:27018/", "mongodb://u:***@db1,db2:27018/"),  # an unescaped @ in the password
        (
            "{'MONGO_URI': 'mongodb://u:p@h/', 'X': 'http://a:b@proxy:8080'}",
            "{'MONGO_URI': 'mongodb://u:***@h/', 'X': 'http://a:***@proxy:8080'}",
        ),
        ("mongodb://crawler@db1/?authMechanism=MONGODB-X509", "mongodb://crawler@db1/?authMechanism=MONGODB-X509"),
        ("mongodb://db1:27017/?appname=a@b", "mongodb://db1:27017/?appname=a@b"),
        ("mail me at ops@example.com", "mail me at ops@example.com"),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_log_records_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    install_log_redaction()
    install_log_redaction()  # idempotent
    logger = logging.getLogger("tests.redaction")
    with caplog.at_level(logging.INFO, logger="tests.redaction"):
        logger.info("Overridden settings:\n%(settings)s", {"settings": {"MONGO_URI": f"mongodb://u:{PASSWORD}@h/"}})
        # once redacted, the message is not %-formatted a second time
        logger.info("at %s", f"100% of mongodb://u:{PASSWORD}@h/")
        try:
            raise ValueError(f"bad uri mongodb://u:{PASSWORD}@h/")
        except ValueError:
            logger.exception("failed")
    assert PASSWORD not in caplog.text
    assert "mongodb://u:***@h/" in caplog.text
    assert caplog.records[1].getMessage() == "at 100% of mongodb://u:***@h/"


@pytest.fixture
def server_with_user(own_server: EmbeddedServer) -> EmbeddedServer:
    MongoClient(own_server.uri).admin.command("createUser", "crawler", pwd=PASSWORD, roles=["root"])
    return own_server


def scrapy_crawl(uri: str, data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable, "-m", "scrapy", "crawl", "synthetic-articles", "-a", "count=5",
            "-s", "SPIDER_MODULES=tests.mongo",
            "-s", f"MONGO_URI={uri}",
            "-s", "MONGO_TIMEOUT=2",
            "-s", f"NEWSCRAWL_DATA_DIR={data_dir}",
            "-s", "LOG_LEVEL=DEBUG",
        ],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_scrapy_crawl_never_logs_the_password(server_with_user: EmbeddedServer, data_dir: Path) -> None:
    uri = f"mongodb://crawler:{PASSWORD}@127.0.0.1:{server_with_user.port}/"
    process = scrapy_crawl(uri, data_dir)
    assert process.returncode == 0, process.stderr[-3000:]
    output = process.stdout + process.stderr
    assert PASSWORD not in output
    masked = f"mongodb://crawler:***@127.0.0.1:{server_with_user.port}/"
    # Redaction is installed by an extension, before Scrapy logs its settings. (Scrapy 2.19's
    # "Overridden settings" line lists only Scrapy's own settings, so not MONGO_URI itself.)
    assert "'newscrawl.logredact.LogRedaction'" in process.stderr
    assert f"MongoDB storage: {masked} (database newscrawl, collection articles)" in process.stderr
    assert "'newscrawl/mongo/inserted': 5" in process.stderr
    assert MongoClient(uri).newscrawl.articles.count_documents({}) == 5


def test_rejected_credentials_stop_the_crawl_without_showing_them(server_with_user: EmbeddedServer, data_dir: Path) -> None:
    wrong = "Wr0ng-" + PASSWORD
    process = scrapy_crawl(f"mongodb://crawler:{wrong}@127.0.0.1:{server_with_user.port}/", data_dir)
    assert process.returncode == 4  # storage unavailable
    assert wrong not in process.stdout + process.stderr
    assert (
        "MongoDB storage unavailable, not crawling: MongoDB at "
        f"127.0.0.1:{server_with_user.port} rejected the credentials in MONGO_URI (AuthenticationFailed)"
    ) in process.stderr
