"""JavaScript rendering through scrapy-playwright, with the real headless Chromium, on loopback only.

The pages are in ``fixtures/iproini/js-site/``, served over the ordinary fixture site: two articles
whose body a script inserts after ``load`` (one from inline data after a delay, one from the REST
API), two server-rendered ones, and a category archive whose later items come from "Load more".
Chromium is launched through a wrapper that records each launch, so tests see real processes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrapy.settings import Settings

from newscrawl.default_settings import BY_NAME
from newscrawl.render_requests import RenderRule
from newscrawl.rendering import BLOCKED_FILES, chromium_path, origin_guard
from newscrawl.urls import SiteUrls, normalize_path
from spiders.iproini import IproiniSpider
from tests.harness import crawl as run
from tests.sites import CONTENT_FIELDS, FixtureSite
from tools.fixture_server import FixtureServer

IPROINI = FixtureSite("iproini")
JS_ROOT = IPROINI.directory / "js-site"
JS_EXPECTED = {a["url"]: a for a in json.loads((IPROINI.directory / "expected-js.json").read_text("utf-8"))["articles"]}
ORIGIN = "https://www.iproini.com"
# Server HTML has title but no body text: a script fills it in.
INLINE_JS = f"{ORIGIN}/omogeneia-psifiaki-ekthesi-fotografias-astoria/"
REST_JS = f"{ORIGIN}/drone-footage-shows-wildfire-front-near-athens/"
# Server-rendered, linked only from the archive's second and third "Load more" answers.
PLAIN = ORIGIN + normalize_path("/νέα-γραμμή-λεωφορείου-λευκωσία-αεροδρόμιο/")
LAST = f"{ORIGIN}/diaspora-leaders-meet-in-new-york-ahead-of-un-general-assembly/"
ARCHIVE_PATH = "/category/multimedia/"
ITEM_FIELDS = tuple(field for field in CONTENT_FIELDS if field != "site")  # a test spider of its own names its items

#: a crawl's items and stats, the paths the fixture server was asked for, and the browser's launch log
JsCrawl = tuple[list[dict[str, Any]], dict[str, int], list[str], Path]


class LoadMoreSpider(IproiniSpider):
    """Proini with the fixture archive declared as a page type that needs the browser.

    The live site needs no such declaration (its archives paginate with numbered pages too), so
    this spider exists for the test only.
    """

    name = "iproini_load_more"
    render_paths = (RenderRule(rf"^{ARCHIVE_PATH}$", load_more="a.td_ajax_load_more"),)


def chromium_spy(directory: Path) -> tuple[Path, Path]:
    """An executable that appends a line to a log file on each launch, then runs the real Chromium."""
    real = chromium_path(Settings())
    if real is None:
        pytest.fail("No Chromium: `apt-get install -y chromium`, or set NEWSCRAWL_CHROMIUM")
    launches = directory / "launches.log"
    spy = directory / "chromium"
    spy.write_text(f'#!/bin/sh\necho launched >> "{launches}"\nexec "{real}" "$@"\n')
    spy.chmod(0o755)
    return spy, launches


def crawl(
    server: FixtureServer, out: Path, chromium: Path | str, spider: type[IproiniSpider] = IproiniSpider, **arguments: str
) -> tuple[list[dict[str, Any]], dict[str, int], str]:
    """Items, stats and log of one crawl against *server*, with *chromium* as the browser."""
    settings = {"NEWSCRAWL_CHROMIUM": str(chromium), "NEWSCRAWL_DATA_DIR": str(out / "data")}
    result = run(spider, settings, base_url=server.url, **arguments)
    return result.items, result.stats, result.text


def start_urls(server: FixtureServer, *urls: str) -> str:
    return ",".join(url.replace(ORIGIN, server.url) for url in urls)


def assert_exact(item: dict[str, Any]) -> None:
    expected = JS_EXPECTED[item["url"]]
    assert {field: item[field] for field in ITEM_FIELDS} == {field: expected[field] for field in ITEM_FIELDS}


@pytest.fixture(scope="module")
def js_crawl(tmp_path_factory: pytest.TempPathFactory) -> JsCrawl:
    """One crawl starting at the two script-filled articles (each links the other)."""
    out = tmp_path_factory.mktemp("js")
    spy, launches = chromium_spy(out)
    with FixtureServer("iproini", JS_ROOT, IPROINI.root) as server:
        items, stats, _ = crawl(server, out, spy, start_urls=start_urls(server, INLINE_JS, REST_JS))
        requests = list(server.requests)
    return items, stats, requests, launches


def test_script_filled_articles_are_rendered_once_and_extracted_exactly(js_crawl: JsCrawl) -> None:
    items, stats, requests, launches = js_crawl
    assert sorted(item["url"] for item in items) == sorted([INLINE_JS, REST_JS])
    for item in items:
        assert_exact(item)
    assert stats["newscrawl/rendered/no_body"] == 2
    assert "newscrawl/dropped/no_body" not in stats
    assert launches.read_text().splitlines() == ["launched"]  # one browser for the crawl
    # Each page: once by Scrapy (no body), once by the browser, never a third time.
    assert requests.count(urlsplit(INLINE_JS).path) == requests.count(urlsplit(REST_JS).path) == 2


def test_the_browser_fetches_only_what_the_text_needs_from_the_site(js_crawl: JsCrawl) -> None:
    _, stats, requests, _ = js_crawl
    # Same-origin scripts and the REST call that delivers a body go through ...
    assert "/wp-json/wp/v2/posts/990102?_fields=id,link,content" in requests
    assert "/wp-content/themes/Newspaper/js/tagdiv_theme.min.js?ver=12.6.8" in requests
    # ... images (featured, ads, favicon), web fonts and video never reach the server ...
    assert [path for path in requests if BLOCKED_FILES.search(urlsplit(path).path)] == []
    assert stats["newscrawl/rendered/blocked/image"] >= 2
    assert stats["newscrawl/rendered/blocked/font"] >= 2
    assert stats["newscrawl/rendered/blocked/media"] == 1
    # ... and third-party scripts (analytics, ads: two per page) are not requested at all (at least
    # those four are blocked: the pages' own scripts may ask again for one that failed to load).
    assert stats["newscrawl/rendered/blocked/off_site"] >= 4


def test_a_declared_load_more_archive_is_rendered_and_clicked_until_exhausted(tmp_path: Path) -> None:
    archive_html = (JS_ROOT / "category/multimedia/index.html").read_text("utf-8")
    assert PLAIN not in archive_html and LAST not in archive_html  # reachable only by "Load more"
    spy, _ = chromium_spy(tmp_path)
    with FixtureServer("iproini", JS_ROOT, IPROINI.root) as server:
        items, stats, _ = crawl(server, tmp_path, spy, LoadMoreSpider, start_urls=start_urls(server, ORIGIN + ARCHIVE_PATH))
        requests = list(server.requests)
    assert sorted(item["url"] for item in items) == sorted([INLINE_JS, REST_JS, PLAIN, LAST])
    for item in items:
        assert_exact(item)
    # Straight to the browser (no plain fetch first); both "Load more" answers fetched, then no more.
    assert requests.count(ARCHIVE_PATH) == 1
    assert stats["newscrawl/rendered/declared"] == 1
    ajax = [path for path in requests if path.startswith("/wp-content/cache/td-ajax/")]
    assert ajax == ["/wp-content/cache/td-ajax/tdi_77/page-2.json", "/wp-content/cache/td-ajax/tdi_77/page-3.json"]
    # Articles the archive reveals are fetched as usual: only the script-filled ones are rendered.
    assert stats["newscrawl/rendered/no_body"] == 2


def test_a_crawl_of_the_ordinary_site_starts_no_browser(tmp_path: Path) -> None:
    expected_articles = IPROINI.expected
    spy, launches = chromium_spy(tmp_path)
    with FixtureServer("iproini") as server:
        items, stats, log = crawl(server, tmp_path, spy)
    assert {item["url"] for item in items} == set(expected_articles)
    assert not launches.exists()
    assert [key for key in stats if key.startswith(("playwright/", "newscrawl/rendered/"))] == []
    assert "Starting download handler" not in log  # not even Playwright's driver


def test_without_a_browser_the_pages_that_need_one_fail_and_the_crawl_goes_on(tmp_path: Path) -> None:
    with FixtureServer("iproini", JS_ROOT, IPROINI.root) as server:
        # the crawl goes on, and its monitors fail it (exit status 3 from `scrapy crawl`)
        items, stats, log = crawl(
            server, tmp_path, "/nonexistent/chromium", start_urls=start_urls(server, INLINE_JS, REST_JS, PLAIN)
        )
    assert [item["url"] for item in items] == [PLAIN]
    assert_exact(items[0])
    assert stats["newscrawl/rendered/failed/browser_unavailable"] == 2
    assert stats["newscrawl/request_failed/BrowserUnavailable"] == 2
    assert log.count("Launching browser") == 1  # tried once, not per page
    (error,) = [line for line in log.splitlines() if line.startswith("ERROR newscrawl.rendering: No browser")]  # said once
    assert "/nonexistent/chromium" in error
    assert "Run of iproini FAILED 2 of 13 monitors (Error Count Monitor, Rendering)" in log
    assert stats["newscrawl/monitors/failed"] == 2


def test_chromium_comes_from_the_setting_else_the_system(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert BY_NAME["NEWSCRAWL_CHROMIUM"].from_env  # so the environment's value arrives as the setting
    assert chromium_path(Settings({"NEWSCRAWL_CHROMIUM": "/opt/setting/chromium"})) == "/opt/setting/chromium"
    system = tmp_path / "chromium"
    monkeypatch.setattr("newscrawl.rendering.SYSTEM_CHROMIUM", str(system))
    assert chromium_path(Settings()) is None  # Playwright's own browser, if `playwright install` fetched one
    system.touch()
    assert chromium_path(Settings()) == str(system)


def test_the_browser_connects_to_the_crawled_origins_only() -> None:
    """Everything else goes to a proxy where nothing listens (the crawl of tests/test_bad_input.py checks it
    with canary servers); loopback too, ahead of the origins."""
    site, domains = "https://www.example.com", ("example.com",)
    copy = SiteUrls(site, domains, "http://127.0.0.1:8000")
    assert origin_guard(copy, "127.0.0.1:9") == [
        "--proxy-server=http://127.0.0.1:9",
        # localhost and 127.0.0.1 are one host: a copy given under either name is crawled under both
        "--proxy-bypass-list=<-loopback>;http://127.0.0.1:8000;http://localhost:8000",
    ]
    assert origin_guard(SiteUrls(site, domains, "http://[::1]:8000"), "127.0.0.1:9")[1].endswith(";http://[::1]:8000")
    live = SiteUrls(site, domains)
    assert origin_guard(live, "127.0.0.1:9")[1] == (
        "--proxy-bypass-list=<-loopback>;"
        "http://example.com:80;http://www.example.com:80;https://example.com:443;https://www.example.com:443"
    )
