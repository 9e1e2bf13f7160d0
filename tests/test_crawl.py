"""End to end: each fixture site crawled whole, in process, against its copy served on loopback."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from pymongo import MongoClient

from newscrawl.monitoring.summary import counts_under
from newscrawl.news.extraction import ArticleExtractor
from newscrawl.urls import normalize_path
from tests.conftest import run_scrapy
from tests.harness import Crawl, crawl
from tests.mongo import fresh_database
from tests.sites import CONTENT_FIELDS, SITES, FixtureSite
from tests.spiders import ExampleSpider
from tools.fixture_server import FixtureServer

IPROINI, HARBOR = SITES[0], SITES[1]


class SiteCrawl:
    """A whole crawl of one fixture site into a database of its own, and the paths its server was asked for."""

    def __init__(self, site: FixtureSite, result: Crawl, requests: list[str], origin: str, documents: list[dict[str, Any]]):
        self.site = site
        self.result = result
        self.requests = requests
        self.origin = origin
        self.documents = documents


@pytest.fixture(scope="module", params=SITES, ids=lambda site: site.name)
def site_crawl(
    request: pytest.FixtureRequest,
    mongo_client: MongoClient[dict[str, Any]],
    mongo_uri: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SiteCrawl]:
    site: FixtureSite = request.param
    with fresh_database(mongo_client) as database, FixtureServer(site.name) as server:
        settings = {
            "MONGO_URI": mongo_uri,
            "MONGO_DATABASE": database.name,
            "NEWSCRAWL_DATA_DIR": str(tmp_path_factory.mktemp("data")),
        }
        result = crawl(site.spider, settings, base_url=server.url)
        yield SiteCrawl(site, result, list(server.requests), server.url, list(database.articles.find({}, {"_id": 0})))


def test_every_article_is_emitted_and_stored_exactly_once(site_crawl: SiteCrawl) -> None:
    urls = [item["url"] for item in site_crawl.result.items]
    assert sorted(urls) == sorted(site_crawl.site.expected)
    assert sorted(doc["url"] for doc in site_crawl.documents) == sorted(site_crawl.site.expected)
    assert site_crawl.result.stat("newscrawl/mongo/inserted") == len(site_crawl.site.expected)


def test_items_carry_production_urls_and_exact_fields(site_crawl: SiteCrawl) -> None:
    production = site_crawl.site.spider.origin
    for item in site_crawl.result.items:
        expected = site_crawl.site.expected[item["url"]]
        assert {field: item[field] for field in CONTENT_FIELDS} == {field: expected[field] for field in CONTENT_FIELDS}
        assert item["source_url"] == site_crawl.origin + item["url"].removeprefix(production)
        assert item["crawled_at"].endswith("+00:00")


def page_path(site: FixtureSite, file: str) -> str:
    """The URL path the crawl requests a page of the copy under."""
    url = site.spider.origin + normalize_path("/" + file.removesuffix("index.html"))
    return quote(url.removeprefix(site.spider.origin), safe="/%")


def test_each_article_page_is_fetched_once_and_nothing_else_twice(site_crawl: SiteCrawl) -> None:
    """A post split into pages: each of its pages once. A page a script fills in: once more, by the browser."""
    site = site_crawl.site
    fetched = Counter(site_crawl.requests)
    rendered = {}
    for article in site.article_pages:
        path = page_path(site, article["path"])
        assert fetched[path] == (2 if article.get("rendered") else 1), path
        rendered.update({path: 2} if article.get("rendered") else {})
        for later in article.get("pages", [])[1:]:
            assert fetched[page_path(site, later)] == 1, later
    # robots.txt: once for the robots middleware, once for the sitemaps it names; what the browser
    # loads along with a page (the theme's scripts and styles) aside
    pages = {path: n for path, n in fetched.items() if not path.startswith(("/wp-content/", "/wp-includes/", "/wp-json/"))}
    assert {path: n for path, n in pages.items() if n > 1} == {"/robots.txt": 2, **rendered}
    assert not [path for path in fetched if path.endswith("/amp/")]


def test_the_browser_renders_the_pages_a_script_fills_in_and_only_those(site_crawl: SiteCrawl) -> None:
    expected = Counter(article["rendered"] for article in site_crawl.site.article_pages if article.get("rendered"))
    result = site_crawl.result
    renders = {key: n for key, n in counts_under(result.stats, "newscrawl/rendered/").items() if "/" not in key}
    assert renders == dict(expected)
    stubs = [article for article in site_crawl.site.article_pages if article.get("stub")]
    assert result.stat("newscrawl/dropped/no_body", 0) == len(stubs)
    for article in site_crawl.site.article_pages:
        if article.get("rendered"):
            served = site_crawl.origin + page_path(site_crawl.site, article["path"])
            assert f"INFO newscrawl.news.spider: Rendering {served} in the browser: the body shows a loading placeholder" in (
                "\n".join(result.log)
            )


def test_posts_the_theme_layout_does_not_match_are_read_by_the_fallback_and_counted(site_crawl: SiteCrawl) -> None:
    site = site_crawl.site
    by_extractor = Counter(
        site.expected[item["url"]].get("extractor", site.spider.theme.name) for item in site_crawl.result.items
    )
    assert Counter(item["extractor"] for item in site_crawl.result.items) == by_extractor
    assert counts_under(site_crawl.result.stats, "newscrawl/extractor/") == dict(by_extractor)
    assert Counter(doc["extractor"] for doc in site_crawl.documents) == by_extractor
    theme = site.spider.theme.name
    said = [line for line in site_crawl.result.lines("INFO") if "with the fallback extractor" in line]
    assert sorted(said) == sorted(
        f"INFO newscrawl.news.spider: Read {url} with the fallback extractor: the {theme} layout does not match it"
        for url, article in site.expected.items()
        if article.get("extractor") == "fallback"
    )


def test_each_further_page_of_a_post_split_into_pages_is_counted(site_crawl: SiteCrawl) -> None:
    further = sum(len(article.get("pages", [])[1:]) for article in site_crawl.site.article_pages)
    assert site_crawl.result.stat("newscrawl/pages/post_page") == further
    assert site_crawl.result.stat("newscrawl/problems/missing_page") == 0


def test_the_crawl_passes_its_monitors_and_logs_no_error(site_crawl: SiteCrawl) -> None:
    result = site_crawl.result
    assert result.stat("newscrawl/monitors/failed") == 0
    assert result.lines("ERROR") == []
    assert result.stat("finish_reason", None) == "finished"


def test_iproini_problems_are_counted_and_logged_once() -> None:
    with FixtureServer("iproini") as server:
        result = crawl(IPROINI.spider, {"NEWSCRAWL_STORAGE_ENABLED": False, "SPIDERMON_ENABLED": False}, base_url=server.url)
    assert result.stat("newscrawl/problems/invalid_date") == 1
    assert result.stat("newscrawl/date/missing_published_at") == 1
    assert sum("No publication date for https://www.iproini.com/" in line for line in result.log) == 1


@pytest.mark.parametrize("site", SITES, ids=lambda site: site.name)
def test_start_urls_replace_the_entry_points(site: FixtureSite, serve_site: Callable[[str], FixtureServer]) -> None:
    server = serve_site(site.name)
    some = sorted(site.expected)[0]
    start = some.replace(site.spider.origin, server.url)
    result = crawl(
        site.spider,
        {"NEWSCRAWL_STORAGE_ENABLED": False, "SPIDERMON_ENABLED": False},
        base_url=server.url,
        start_urls=start,
    )
    assert result.items[0]["url"] == some  # then what its related articles lead to
    assert server.requests[:2] == ["/robots.txt", start.removeprefix(server.url)]
    assert not {"/", "/sitemap_index.xml", "/feed/"} & set(server.requests)


@pytest.mark.parametrize(
    ("arguments", "full"),
    [
        ({}, False),
        ({"base_url": "http://127.0.0.1:8000"}, True),
        ({"base_url": "http://127.0.0.1:8000", "full": "0"}, False),
        ({"full": "1"}, True),
    ],
)
def test_a_copy_of_the_site_is_crawled_in_full_unless_asked(arguments: dict[str, str], full: bool) -> None:
    assert ExampleSpider(**arguments).full is full


def test_crawling_a_copy_again_emits_every_article_again(
    serve_site: Callable[[str], FixtureServer],
    mongo_uri: str,
    mongo_client: MongoClient[dict[str, Any]],
    tmp_path: Path,
) -> None:
    """What is stored describes the live site: a copy's feed is whole on every run (any site: the
    smallest copy)."""
    site = HARBOR
    server = serve_site(site.name)
    with fresh_database(mongo_client) as database:
        settings = {"MONGO_URI": mongo_uri, "MONGO_DATABASE": database.name, "NEWSCRAWL_DATA_DIR": str(tmp_path)}
        for _ in ("first", "second"):
            result = crawl(site.spider, settings, base_url=server.url)
            assert sorted(item["url"] for item in result.items) == sorted(site.expected)


def test_scrapy_crawl_runs_the_main_job_from_the_command_line(serve_site: Callable[[str], FixtureServer], tmp_path: Path) -> None:
    """The command operators type, as a process: it crawls, writes a feed and exits 0."""
    process = run_scrapy(
        "crawl", "iproini", "-a", f"base_url={serve_site('iproini').url}", "-O", str(tmp_path / "items.jsonl"),
        "-s", "AUTOTHROTTLE_ENABLED=False", env={"NEWSCRAWL_DATA_DIR": str(tmp_path / "data"), "MONGO_URI": ""},
    )  # fmt: skip
    assert process.returncode == 0, process.stderr[-3000:]
    assert len((tmp_path / "items.jsonl").read_text(encoding="utf-8").splitlines()) == len(IPROINI.expected)


NEASELIDA = SITES[2]


def test_a_later_page_leads_to_the_first_and_a_further_page_gone_is_a_missing_page() -> None:
    """Started on page 2 of a post in three pages whose page 3 is gone (404): the post is read from its
    first page, with pages 1 and 2, and the missing page is counted and said."""
    post = next(article for article in NEASELIDA.article_pages if article["path"].startswith("multipage-td10"))
    spider = NEASELIDA.spider()
    reader = ArticleExtractor(spider.site, spider.theme, min_body_words=10, fallback=spider.fallback_page)
    third = reader.continuation(NEASELIDA.response(post["pages"][2], post["url"] + "3/"), datetime.now(UTC))
    with FixtureServer("neaselida", NEASELIDA.directory / "missing-page", NEASELIDA.root) as server:
        first = post["url"].replace(NEASELIDA.spider.origin, server.url)
        settings = {"NEWSCRAWL_STORAGE_ENABLED": False, "SPIDERMON_ENABLED": False, "DEPTH_LIMIT": 1}
        result = crawl(NEASELIDA.spider, settings, base_url=server.url, start_urls=first + "2/")
    (item,) = [item for item in result.items if item["url"] == post["url"]]
    assert item["body"] == post["body"].removesuffix("\n\n" + "\n\n".join(third.paragraphs))
    assert len(item["body"]) < len(post["body"])
    assert result.stat("newscrawl/skipped/later_page") == 1
    assert result.stat("newscrawl/pages/post_page") == 1
    assert result.stat("newscrawl/problems/missing_page") == 1
    said = f"WARNING newscrawl.news.spider: Problem on {first}: missing page ({post['url']}3/: HTTP 404)"
    assert [line for line in result.log if "Problem on" in line] == [said]
