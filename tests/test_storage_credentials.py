"""Passwords in connection strings never reach logs or stats."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

from newscrawl.logredact import install_log_redaction, redact, redact_uri, uri_password
from newscrawl.storage.__main__ import main as storage_command
from newscrawl.storage.embedded import EmbeddedServer
from newscrawl.storage.errors import StorageMisconfigured, StorageUnavailable
from tests.conftest import run_scrapy
from tests.mongo import article, crawl, emit

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


@pytest.mark.parametrize(
    ("uri", "password"),
    [
        ("mongodb://crawler:secret@db1/", "secret"),
        ("mongodb//crawler:secret@db1/", "secret"),
        ("crawler:se:cret@db1", "se:cret"),
        ("mongodb://crawler:s%40cret@db1/?appname=a@b", "s%40cret"),
        ("mongodb://crawler@db1/", None),
        ("mongodb://db1/?appname=a:b@c", None),
        ("mongodb://crawler:secret/db1", "secret"),  # the "@" forgotten: the password stands where a port would
        ("mongodb://db1:27017,crawler:secret/db1", "secret"),
        ("mongodb://db1:27017,db2:27018/db1", None),
        ("mongodb://[::1]/db1", None),
        ("mongodb://[::1]:27017/db1", None),
    ],
)
def test_uri_password(uri: str, password: str | None) -> None:
    assert uri_password(uri) == password


def test_redact_uri_masks_the_password_also_decoded() -> None:
    uri = "mongodb//crawler:s%40cret@db1/"
    assert (
        redact_uri(f"bad {uri}: user crawler, password s@cret", uri)
        == "bad mongodb//crawler:***@db1/: user crawler, password ***"
    )


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


def test_a_record_no_handler_emits_is_never_formatted() -> None:
    install_log_redaction()
    logger = logging.getLogger("tests.redaction.quiet")
    logger.propagate, logger.level = False, logging.DEBUG
    handler = logging.StreamHandler(io.StringIO())
    handler.setLevel(logging.INFO)  # as the console drops DEBUG records
    logger.addHandler(handler)
    formatted = []

    class Item:
        def __str__(self) -> str:
            formatted.append(self)
            return f"mongodb://u:{PASSWORD}@h/"

    try:
        logger.debug("Scraped %s", Item())
        assert formatted == []
        logger.info("Stored %s", Item())
    finally:
        logger.removeHandler(handler)
    assert len(formatted) == 1
    assert handler.stream.getvalue() == "Stored mongodb://u:***@h/\n"


@pytest.fixture
def server_with_user(own_server: EmbeddedServer) -> EmbeddedServer:
    MongoClient(own_server.uri).admin.command("createUser", "crawler", pwd=PASSWORD, roles=["root"])
    return own_server


def scrapy_crawl(uri: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
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
    # What was stored, from the store (the run's record keeps its counts), not from the stats the console prints.
    client: MongoClient[dict[str, Any]] = MongoClient(uri)
    store = client.newscrawl
    assert store.articles.count_documents({}) == 5
    (run,) = store.runs.find()
    assert (run["articles"]["new"], run["articles"]["stored"]) == (5, 5)


def test_rejected_credentials_stop_the_crawl_without_showing_them(server_with_user: EmbeddedServer, data_dir: Path) -> None:
    wrong = "Wr0ng-" + PASSWORD
    process = scrapy_crawl(f"mongodb://crawler:{wrong}@127.0.0.1:{server_with_user.port}/", data_dir)
    assert process.returncode == 4  # storage unavailable
    assert wrong not in process.stdout + process.stderr
    assert (
        "MongoDB storage unavailable, not crawling: MongoDB at "
        f"127.0.0.1:{server_with_user.port} rejected the credentials in MONGO_URI (AuthenticationFailed)"
    ) in process.stderr


def unusable(shown: str, cause: str) -> str:
    """The one line for a MONGO_URI no MongoDB client accepts: *shown* is the URI with its password masked."""
    return (
        f"MONGO_URI is not a usable MongoDB connection string: {shown} ({cause}); write it like mongodb://db1.example.com:27017/"
    )


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        (
            f"mongodb//crawler:{PASSWORD}@127.0.0.1/",
            unusable(
                "mongodb//crawler:***@127.0.0.1/",
                "InvalidURI: Invalid URI scheme: URI must begin with 'mongodb://' or 'mongodb+srv://'",
            ),
        ),
        (
            f"mongodb://crawler:{PASSWORD}@127.0.0.1:99999/",
            unusable("mongodb://crawler:***@127.0.0.1:99999/", "InvalidURI: Port must be an integer between 0 and 65535"),
        ),
        (
            f"crawler:{PASSWORD}@127.0.0.1",
            unusable(
                "crawler:***@127.0.0.1",
                "InvalidURI: Port contains non-digit characters. "
                "Hint: username and password must be escaped according to RFC 3986, use urllib.parse.quote_plus",
            ),
        ),
        (
            "mongodb:/crawler:Pa55%2Dw0rd@127.0.0.1/",
            unusable(
                "mongodb:***@127.0.0.1/", "InvalidURI: Invalid URI scheme: URI must begin with 'mongodb://' or 'mongodb+srv://'"
            ),
        ),
        (
            f"mongodb://crawler:{PASSWORD}:x@127.0.0.1/",
            unusable(
                "mongodb://crawler:***@127.0.0.1/",
                "InvalidURI: Username and password must be escaped according to RFC 3986, use urllib.parse.quote_plus",
            ),
        ),
        (
            f"mongodb://crawler:{PASSWORD}/db1",
            unusable(
                "mongodb://crawler:***/db1",
                "InvalidURI: Port contains non-digit characters. "
                "Hint: username and password must be escaped according to RFC 3986, use urllib.parse.quote_plus",
            ),
        ),
    ],
    ids=["no-colon-after-scheme", "port-out-of-range", "no-scheme", "one-slash-encoded", "unescaped-colon", "no-at"],
)
def test_a_malformed_uri_never_shows_its_password(
    uri: str, expected: str, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG), pytest.raises(StorageMisconfigured) as raised:
        crawl({"MONGO_URI": uri, "NEWSCRAWL_DATA_DIR": str(data_dir)}, emit([article(1)]))
    assert str(raised.value) == expected
    assert f"ERROR newscrawl.storage.extension: MongoDB storage misconfigured, not crawling: {expected}" in [
        f"{r.levelname} {r.name}: {r.getMessage()}" for r in caplog.records
    ]
    assert PASSWORD not in caplog.text and "Pa55%2Dw0rd" not in caplog.text


def test_scrapy_crawl_with_a_malformed_uri_shows_no_password(data_dir: Path) -> None:
    process = run_scrapy(
        "crawl", "synthetic-articles", "-s", "SPIDER_MODULES=tests.mongo", "-s", "LOG_LEVEL=DEBUG",
        env={"MONGO_URI": f"mongodb//crawler:{PASSWORD}@127.0.0.1/", "NEWSCRAWL_DATA_DIR": str(data_dir)},
    )  # fmt: skip
    assert process.returncode == 1
    assert (
        "MongoDB storage misconfigured, not crawling: MONGO_URI is not a usable MongoDB connection string: "
        "mongodb//crawler:***@127.0.0.1/ (InvalidURI: Invalid URI scheme"
    ) in process.stderr
    assert PASSWORD not in process.stdout + process.stderr


def uri_file(directory: Path, uri: str, mode: int = 0o600) -> Path:
    path = directory / "mongo-uri"
    path.write_text(uri + "\n", encoding="utf-8")
    path.chmod(mode)
    return path


def test_the_uri_can_come_from_a_file_only_its_owner_reads(
    server_with_user: EmbeddedServer, data_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    uri = f"mongodb://crawler:{PASSWORD}@127.0.0.1:{server_with_user.port}/"
    settings = {"MONGO_URI_FILE": str(uri_file(tmp_path, uri)), "NEWSCRAWL_DATA_DIR": str(data_dir)}
    with caplog.at_level(logging.INFO):
        stats = crawl(settings, emit([article(n) for n in range(3)]))
    assert stats["newscrawl/mongo/inserted"] == 3
    assert MongoClient(uri).newscrawl.articles.count_documents({}) == 3
    masked = f"mongodb://crawler:***@127.0.0.1:{server_with_user.port}/"
    assert f"MongoDB storage: {masked} (database newscrawl, collection articles)" in caplog.text
    assert PASSWORD not in caplog.text
    # MONGO_URI, when set, wins over the file
    other = {**settings, "MONGO_URI": server_with_user.uri, "MONGO_DATABASE": "other"}
    crawl(other, emit([article(1)]))
    assert MongoClient(uri).other.articles.count_documents({}) == 1


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: uri_file(d, "mongodb://u:p@h/", 0o640), "can be read by other users (mode 0640): "
         "make it readable by the service user only (chmod 600)"),
        (lambda d: uri_file(d, "  \n"), "is empty"),
        (lambda d: d / "mongo-uri", None),
        (lambda d: d, "is not a file"),
    ],
    ids=["group-readable", "empty", "missing", "directory"],
)  # fmt: skip
def test_a_uri_file_that_cannot_be_used_stops_the_crawl(
    make: Callable[[Path], Path], message: str | None, data_dir: Path, tmp_path: Path
) -> None:
    path = make(tmp_path)
    with pytest.raises(StorageUnavailable) as raised:
        crawl({"MONGO_URI_FILE": str(path), "NEWSCRAWL_DATA_DIR": str(data_dir)}, emit([article(1)]))
    expected = f"MONGO_URI_FILE {path} {message}" if message else f"cannot read MONGO_URI_FILE {path} (No such file or directory)"
    assert str(raised.value) == expected
    assert not (data_dir / "mongo").exists()  # no fallback to the embedded store


@pytest.mark.parametrize("command", [["replay"], ["drop", "copy_db"]], ids=["replay", "drop"])
def test_storage_commands_refuse_a_password_on_the_command_line(
    command: list[str], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uri = f"mongodb://crawler:{PASSWORD}@127.0.0.1:9/"
    assert storage_command(["--data-dir", str(data_dir), *command, "--uri", uri]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == (
        "",
        "Not using --uri: it holds a password, which a command line shows to every user of this machine "
        "and leaves in shell history. Name a file holding the URI in MONGO_URI_FILE, or set MONGO_URI "
        "in the environment (see docs/credentials.md).\n",
    )
    assert not data_dir.exists() or not any(data_dir.iterdir())  # nothing opened, not even the embedded store
