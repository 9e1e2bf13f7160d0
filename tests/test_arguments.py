"""Spider arguments: declared once (newscrawl/news/arguments.py), typed, checked, and `localhost` as 127.0.0.1."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import BaseModel

from newscrawl.news.arguments import BadArguments, NewsSiteArguments, arguments_model, parse_arguments
from tests.harness import crawl
from tests.sites import FixtureSite
from tests.spiders import ExampleSpider
from tools.fixture_server import FixtureServer


def test_the_spider_declares_its_model_once() -> None:
    assert arguments_model(ExampleSpider) is NewsSiteArguments
    assert arguments_model(BaseModel) is None
    assert list(ExampleSpider.get_param_schema()["properties"]) == ["base_url", "start_urls", "full", "since", "_job"]


def test_arguments_arrive_typed() -> None:
    spider = ExampleSpider(
        base_url="HTTP://LOCALHOST:8000/",
        start_urls=" https://example.org/a ,, http://localhost:8000/b/",
        full="yes",
        since="2025-07-01",
        _job="j1",
    )
    assert spider.site_urls.base_url == "http://localhost:8000"
    assert spider.start_urls == ["http://localhost:8000/a/", "http://localhost:8000/b/"]
    assert (spider.full, spider.since, spider.args.job) == (True, datetime(2025, 7, 1, tzinfo=UTC), "j1")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"sinse": "2025-01-01"}, "unknown argument 'sinse'; did you mean 'since'?"),
        ({"base": "x"}, "unknown argument 'base'; did you mean 'base_url'?"),
        ({"zzz": "1"}, "unknown argument 'zzz'; the arguments are base_url, start_urls, full, since"),
        ({"since": "01/07/2025"}, "since='01/07/2025' must be a date like 2025-07-01"),
        ({"base_url": "127.0.0.1:8000"}, "base_url='127.0.0.1:8000' must be an origin such as http://127.0.0.1:8000"),
        ({"base_url": "http://127.0.0.1:99999"}, "base_url='http://127.0.0.1:99999' has a port out of range (1-65535)"),
        (
            {"sinse": "x", "full": "2"},
            "full='2' must be 1 or 0 (or true/false, yes/no); unknown argument 'sinse'; did you mean 'since'?",
        ),
    ],
)
def test_bad_arguments_are_named_in_one_line(arguments: dict[str, str], message: str) -> None:
    with pytest.raises(BadArguments) as raised:
        parse_arguments(NewsSiteArguments, arguments)
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_localhost_and_127_0_0_1_are_one_origin() -> None:
    """The fixture server writes its links with 127.0.0.1; a crawl of http://localhost:PORT follows them
    (any site: the smallest copy)."""
    site = FixtureSite("harborgazette")
    with FixtureServer(site.name) as server:
        port = server.url.rsplit(":", 1)[1]
        result = crawl(site.spider, {"NEWSCRAWL_STORAGE_ENABLED": False}, base_url=f"http://localhost:{port}")
    assert sorted(item["url"] for item in result.items) == sorted(site.expected)
