"""What an operator sees when a crawl cannot run: `scrapy crawl` as a subprocess, as typed.

Each failure ends within seconds with one line naming the cause and what to do, an exit status
from the table in newscrawl/commands/__init__.py (docs/operations.md), no traceback on the
console and never the password.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newscrawl.commands import ExitStatus
from newscrawl.commands.crawl import Command as CrawlCommand
from newscrawl.storage.copies import copy_database_name, use_copy_database
from tests.conftest import PROJECT_ROOT, run_scrapy
from tests.console_checks import PASSWORD, closed_port, one_line
from tests.harness import crawl as run
from tests.sites import FixtureSite


def crawl(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_scrapy(
        "crawl", "iproini", "-s", "AUTOTHROTTLE_ENABLED=False", *args,
        env={"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": ""}, timeout=60,
    )  # fmt: skip


def test_an_unreachable_site_is_one_line_and_status_2(tmp_path: Path) -> None:
    origin = f"http://127.0.0.1:{closed_port()}"
    process = crawl(tmp_path, "-a", f"base_url={origin}")
    one_line(
        process,
        ExitStatus.SITE_UNREACHABLE,
        f"ERROR: Cannot reach iproini at {origin}: all 3 entry points failed to connect (DownloadConnectionRefusedError: ",
    )
    assert "Check the network and that the site is up, or the host and port of base_url." in process.stderr
    assert "Closing spider (site_unreachable)" in process.stderr
    assert "[Spidermon]" not in process.stderr  # nothing to judge


def test_a_site_whose_name_does_not_resolve_is_unreachable_in_one_error_line() -> None:
    """In process: the exit status of the crawl, its one ERROR line, robots.txt's failure said once (a WARNING)."""
    result = run(FixtureSite("iproini").spider, {"NEWSCRAWL_STORAGE_ENABLED": False}, base_url="http://nonexistent.invalid")
    assert CrawlCommand.exit_status(result.crawler) == ExitStatus.SITE_UNREACHABLE
    (error,) = result.lines("ERROR")
    assert error.startswith(
        "ERROR newscrawl.news.spider: Cannot reach iproini at http://nonexistent.invalid: all 3 entry points failed to "
        "connect (CannotResolveHostError: "
    )
    assert result.stat("log_count/ERROR") == 1
    robots = [
        line for line in result.log if "nonexistent.invalid/robots.txt" in line or "<GET http://nonexistent.invalid/>" in line
    ]
    assert robots == [  # Scrapy's robots.txt middleware at DEBUG: in LOG_FILE, not on the console
        "DEBUG scrapy.downloadermiddlewares.robotstxt: Error downloading <GET http://nonexistent.invalid/>: "
        "DNS lookup failed: no results for hostname lookup: nonexistent.invalid.",
        "WARNING newscrawl.news.spider: Request failed: http://nonexistent.invalid/robots.txt "
        "(CannotResolveHostError, after 2 retries)",
    ]


def test_unavailable_storage_is_one_line_and_status_4(tmp_path: Path) -> None:
    uri = f"mongodb://crawler:{PASSWORD}@127.0.0.1:{closed_port()}/"
    process = crawl(tmp_path, "-s", f"MONGO_URI={uri}", "-s", "MONGO_TIMEOUT=0.5")
    one_line(process, ExitStatus.STORAGE_UNAVAILABLE, "ERROR: MongoDB storage unavailable, not crawling: cannot reach MongoDB at")
    assert "Closing spider (storage_unavailable)" in process.stderr
    assert "'downloader/request_count'" not in process.stderr


@pytest.mark.parametrize(
    ("uri", "cause"),
    [
        (f"mongodb//crawler:{PASSWORD}@db1/", "mongodb//crawler:***@db1/ (InvalidURI: Invalid URI scheme"),
        (f"mongodb://crawler:{PASSWORD}@db1:99999/", "mongodb://crawler:***@db1:99999/ (InvalidURI: Port must be an integer"),
    ],
    ids=["no-scheme", "port-out-of-range"],
)
def test_a_malformed_mongo_uri_names_mongo_uri_in_one_line_and_status_1(tmp_path: Path, uri: str, cause: str) -> None:
    process = crawl(tmp_path, "-s", f"MONGO_URI={uri}")
    one_line(
        process,
        ExitStatus.BAD_CONFIGURATION,
        f"ERROR: MongoDB storage misconfigured, not crawling: MONGO_URI is not a usable MongoDB connection string: {cause}",
    )


def test_a_data_dir_that_is_a_file_is_one_line_and_status_4(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a directory")
    process = crawl(tmp_path)
    one_line(
        process,
        ExitStatus.STORAGE_UNAVAILABLE,
        f"ERROR: MongoDB storage unavailable, not crawling: cannot create the embedded store's directory "
        f"{tmp_path / 'data' / 'mongo'} (Not a directory); set NEWSCRAWL_DATA_DIR to a directory the crawl can write",
    )
    assert "[Spidermon]" not in process.stderr


def test_a_component_that_fails_to_start_is_one_line_and_status_1(tmp_path: Path) -> None:
    process = crawl(tmp_path, "-s", 'ITEM_PIPELINES={"no_such_module.Pipeline": 1}')
    one_line(
        process,
        ExitStatus.BAD_CONFIGURATION,
        "ERROR: Cannot start the crawl of iproini: ModuleNotFoundError: No module named 'no_such_module' "
        "(-s LOG_FILE=… keeps the traceback)",
    )


class FailsToOpen:
    def open_spider(self) -> None:
        raise RuntimeError("cannot open")


def test_closing_a_crawl_that_never_opened_raises_nothing_more() -> None:
    """A component failing while the spider opens: Scrapy closes a crawl that sent no spider_opened."""
    pipelines = {f"{__name__}.FailsToOpen": 1}
    result = run(FixtureSite("iproini").spider, {"NEWSCRAWL_STORAGE_ENABLED": False, "ITEM_PIPELINES": pipelines})
    assert isinstance(result.error, RuntimeError) and str(result.error) == "cannot open"
    assert result.lines("ERROR") == []
    assert "INFO newscrawl.monitoring.extension: Monitors not run: the crawl never opened (shutdown)" in result.log
    assert not any("[Spidermon]" in line for line in result.log)
    assert result.stat("finish_reason") == "shutdown" and result.stat("finish_time")


def test_a_busy_embedded_store_is_one_line_and_status_4(tmp_path: Path) -> None:
    serve = subprocess.Popen(
        [sys.executable, "-m", "newscrawl.storage", "serve", "--data-dir", str(tmp_path / "data")],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert serve.stdout is not None and serve.stdout.readline().startswith("Serving the embedded store")
        process = crawl(tmp_path)
    finally:
        serve.terminate()
        serve.wait(timeout=10)
    one_line(
        process,
        ExitStatus.STORAGE_UNAVAILABLE,
        "another process (a crawl, or `python -m newscrawl.storage serve`) has it open; set MONGO_URI to that server instead",
    )


@pytest.mark.parametrize(
    ("option", "value", "line"),
    [
        ("-a", "sinse=2025-01-01", "ERROR: Bad argument for iproini: unknown argument 'sinse'; did you mean 'since'?"),
        ("-a", "since=notadate", "ERROR: Bad argument for iproini: since='notadate' must be a date like 2025-07-01"),
        ("-a", "nothing", "Bad command line: Invalid -a value, use -a NAME=VALUE"),
        ("-s", "MONGO_TIMEOUT=abc", "ERROR: Bad setting MONGO_TIMEOUT='abc': must be a number"),
    ],
)
def test_bad_arguments_and_settings_are_refused_before_the_crawl_in_one_line(
    tmp_path: Path, option: str, value: str, line: str
) -> None:
    """As typed, one case of each path (the messages of every argument and setting: test_arguments.py,
    test_setting_checks.py, in process)."""
    process = crawl(tmp_path, option, value)
    one_line(process, ExitStatus.BAD_CONFIGURATION, line)
    assert "Spider opened" not in process.stderr
    assert not (tmp_path / "data").exists()


def test_an_unknown_spider_is_one_line(tmp_path: Path) -> None:
    process = run_scrapy("crawl", "iproin", timeout=60)
    one_line(process, ExitStatus.BAD_CONFIGURATION, "Unknown spider 'iproin'; the spiders are harborgazette, iproini")


def test_a_copy_gets_a_database_of_its_own_unless_the_command_line_names_one() -> None:
    assert copy_database_name("newscrawl", "http://localhost:8089") == "newscrawl_copy_127_0_0_1_8089"
    assert copy_database_name("news", "https://staging.example.com") == "news_copy_staging_example_com"
    settings = Settings({"NEWSCRAWL_STORAGE_ENABLED": True, "MONGO_DATABASE": "newscrawl"}, priority="project")
    use_copy_database(settings, "iproini", "http://127.0.0.1:8089")
    assert settings["MONGO_DATABASE"] == "newscrawl_copy_127_0_0_1_8089"
    settings = Settings({"NEWSCRAWL_STORAGE_ENABLED": True, "NEWSCRAWL_COPY_DATABASE": "staging"}, priority="project")
    settings.set("MONGO_DATABASE", "newscrawl", priority="project")
    use_copy_database(settings, "iproini", "http://127.0.0.1:8089")
    assert settings["MONGO_DATABASE"] == "staging"
    settings = Settings({"NEWSCRAWL_STORAGE_ENABLED": True}, priority="project")
    settings.set("MONGO_DATABASE", "newscrawl", priority="cmdline")  # -s MONGO_DATABASE=newscrawl
    use_copy_database(settings, "iproini", "http://127.0.0.1:8089")
    assert settings["MONGO_DATABASE"] == "newscrawl"
