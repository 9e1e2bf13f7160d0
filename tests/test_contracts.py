"""``scrapy check`` of a spider that declares no sample article: one line, the other spiders still checked."""

from __future__ import annotations

from newscrawl.themes import BLOCK_THEME
from newscrawl.wordpress.spider import WordPressSpider
from tests.conftest import run_scrapy
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
