"""``scrapy check`` and ``scrapy parse`` as typed: the contracts run, nothing is stored, and what goes
wrong is one line (a spider without a sample article, bad arguments, a copy that cannot be reached)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscrawl.commands import ExitStatus
from newscrawl.commands.check import exception_lines
from newscrawl.themes import BLOCK_THEME
from newscrawl.wordpress.spider import WordPressSpider
from tests.conftest import run_scrapy
from tests.console_checks import closed_port, one_line
from tools.fixture_server import FixtureServer


class UncheckedSpider(WordPressSpider):
    """A site declared as docs/adding-a-site.md declared one before it named ``check_article``."""

    name = "unchecked"
    origin = "https://www.unchecked.example"
    domains = ("unchecked.example",)
    timezone = "America/Chicago"
    theme = BLOCK_THEME


def test_a_spider_without_a_sample_article_is_one_line_and_the_others_are_checked() -> None:
    with FixtureServer("iproini") as site:
        check = run_scrapy(
            "check", "iproini", "unchecked", "-a", f"base_url={site.url}",
            "-s", "SPIDER_MODULES=spiders,tests.test_contracts",
            timeout=60,
        )  # fmt: skip
    assert check.returncode == 1
    lines = check.stderr.splitlines()
    assert lines[0] == "Cannot check unchecked: UncheckedSpider declares no check_article (the path of one of its articles)"
    assert "Ran 2 contracts" in check.stderr and lines[-1] == "OK"  # iproini's
    assert "Traceback" not in check.stderr and "AttributeError" not in check.stderr


@pytest.mark.parametrize(
    "command",
    [
        ("check", "iproini", "-a", "sinse=2025-01-01"),
        ("parse", "--spider", "iproini", "-a", "sinse=2025-01-01", "http://127.0.0.1:9/article/"),
    ],
    ids=["check", "parse"],
)
def test_check_and_parse_refuse_bad_arguments_in_one_line(tmp_path: Path, command: tuple[str, ...]) -> None:
    process = run_scrapy(*command, env={"NEWSCRAWL_DATA_DIR": str(tmp_path / "data")}, timeout=60)
    one_line(
        process, ExitStatus.BAD_CONFIGURATION, "ERROR: Bad argument for iproini: unknown argument 'sinse'; did you mean 'since'?"
    )
    assert "Ran 0 contracts" not in process.stderr and "No response downloaded" not in process.stderr


def test_check_runs_the_contracts_and_check_and_parse_store_nothing(tmp_path: Path) -> None:
    environment = {"NEWSCRAWL_DATA_DIR": str(tmp_path / "data")}
    with FixtureServer("iproini") as site:
        check = run_scrapy("check", "iproini", "-a", f"base_url={site.url}", env=environment, timeout=60)
        article = site.url + "/erdogan-expects-f-35-deliveries-during-trump-presidency-rejects-greek-concerns/"
        parse = run_scrapy("parse", "--spider", "iproini", "-a", f"base_url={site.url}", article, env=environment, timeout=60)
    assert check.returncode == 0, check.stderr
    assert "Ran 2 contracts" in check.stderr and check.stderr.rstrip().endswith("OK")
    assert parse.returncode == 0, parse.stderr
    assert "Erdogan expects F-35 deliveries during Trump presidency" in parse.stdout
    assert not (tmp_path / "data").exists()  # no store opened, no run recorded, no report


def test_check_fails_when_the_sample_article_is_not_one(tmp_path: Path) -> None:
    """The contract holds the sample article to the site's extraction: a copy of another site fails it."""
    with FixtureServer("iproini") as site:
        check = run_scrapy("check", "harborgazette", "-a", f"base_url={site.url}", timeout=60)
    assert check.returncode == 1
    assert "FAILED" in check.stderr


def test_check_against_an_unreachable_copy_says_so_in_one_line() -> None:
    origin = f"http://127.0.0.1:{closed_port()}"
    check = run_scrapy("check", "iproini", "-a", f"base_url={origin}", "-s", "AUTOTHROTTLE_ENABLED=False", timeout=60)
    assert check.returncode == 1
    report = check.stderr.splitlines()
    assert report[2:5] == [
        "ERROR: [iproini] parse (errback)",
        "-" * 70,
        "scrapy.exceptions.DownloadConnectionRefusedError: Connection was refused by other side: 111: Connection refused.",
    ]
    assert report[-1] == "FAILED (errors=1)"
    assert "Traceback" not in check.stderr


def test_check_cuts_each_failure_to_its_exception() -> None:
    report = "\n".join([
        "F", "=" * 70, "FAIL: [iproini] parse (@article)", "-" * 70,
        "Traceback (most recent call last):", '  File "x.py", line 1, in f', "    raise", "ValueError: inner", "",
        "The above exception was the direct cause of the following exception:", "",
        "Traceback (most recent call last):", '  File "y.py", line 2, in g', "AssertionError: title is empty", "",
        "-" * 70, "Ran 1 contract in 0.1s", "", "FAILED (failures=1)",
    ])  # fmt: skip
    assert exception_lines(report).splitlines() == [
        "F", "=" * 70, "FAIL: [iproini] parse (@article)", "-" * 70, "AssertionError: title is empty", "",
        "-" * 70, "Ran 1 contract in 0.1s", "", "FAILED (failures=1)",
    ]  # fmt: skip
