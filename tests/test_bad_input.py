"""Bad input: one crawl of the fixture site with a corpus of hostile and broken responses mixed in.

``fixtures/iproini/bad/`` is served over the good copy. Its ``responses.json``
makes the server misbehave (statuses, Retry-After, redirects, content types,
encodings, cut, trickling, oversized and compressed bodies) and ``/tag/bad-input/``
links every case, the way the theme links articles. Each case must leave the
crawl going, lose no good article, be counted under a readable reason and be
said in exactly one line.

Pages also point the crawler and its browser elsewhere: at another port of the
crawled host and at another loopback address, where canary servers listen
(``other-port.invalid`` and ``other-host.invalid`` in the corpus). Neither may
get as much as a connection.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from newscrawl.middlewares import (
    OffsiteRedirect,
    OffsiteRequest,
    SiteOriginMiddleware,
    SiteRedirectMiddleware,
    SiteRetryMiddleware,
    TooManyRedirects,
    retry_after,
)
from newscrawl.news.loader import parse_date
from newscrawl.news.pages import page_base_url
from newscrawl.text import repair_mojibake
from tests.canary import Canary, free_port
from tests.harness import crawl as run
from tests.harness import unstarted_spider
from tests.sites import CONTENT_FIELDS as FIELDS
from tests.sites import FixtureSite
from tests.spiders import ExampleSpider
from tools.fixture_server import FixtureServer, production_origins

IPROINI = FixtureSite("iproini")
BAD_ROOT = IPROINI.directory / "bad"
BAD_EXPECTED = {a["url"]: a for a in json.loads((BAD_ROOT / "expected.json").read_text(encoding="utf-8"))["articles"]}
PRODUCTION = "https://www.iproini.com"
PRODUCTION_ORIGIN = production_origins(IPROINI.spider.domains)
LOG_LINE = re.compile(r"^(?P<level>[A-Z]+) (?P<logger>[^:]+): (?P<message>.*)$", re.S)


@dataclass
class Crawl:
    items: dict[str, dict[str, Any]]
    stats: dict[str, Any]
    #: the log until the spider closed (what the storage says while shutting down is not the crawl's)
    log: str
    #: (logger, level, message) of its lines
    lines: list[tuple[str, str, str]]
    #: (time, path) of every request the server answered
    requests: list[tuple[float, str]]
    origin: str
    #: host:port of the canary on another port of the crawled host, and of the one on another address
    other_port: str
    other_host: str
    #: what each canary received: the first line of every connection
    leaks: dict[str, list[str]]


#: where the corpus's pages point off the crawled origin (see the module's documentation)
STARTS = (
    "/",
    "/sitemap_index.xml",
    "/feed/",
    "/tag/bad-input/",
    "/tag/link-flood/",
    "/tag/category-flood/",
    "/hostile-sitemap.xml",
    "/hostile-post-sitemap.xml",
    "/hostile-feed/",
)
#: seconds before a download times out: short, for the trickling page (production: a minute)
TIMEOUT = 4


@pytest.fixture(scope="module")
def crawl() -> Crawl:
    port = free_port("127.0.0.1")
    # The same port on another address, and another port of the same address: both someone else's.
    with Canary("127.0.0.1") as other_port, Canary("127.0.0.2", port) as other_host:
        hosts = {"other-port.invalid": other_port.netloc, "other-host.invalid": other_host.netloc}
        with FixtureServer("iproini", BAD_ROOT, IPROINI.root, port=port, hosts=hosts) as server:
            origin = server.url
            # Spidermon rightly fails a run this broken; its monitors have tests of their own.
            settings = {
                "RETRY_TIMES": 1,
                "DOWNLOAD_TIMEOUT": TIMEOUT,
                "SPIDERMON_ENABLED": False,
                "NEWSCRAWL_STORAGE_ENABLED": False,
                "LOG_LEVEL": "DEBUG",
            }
            result = run(IPROINI.spider, settings, base_url=origin, start_urls=",".join(origin + path for path in STARTS))
            requests = server.request_log
        leaks = {"other port": other_port.connections, "other host": other_host.connections}
    running = result.log[: next(i for i, line in enumerate(result.log) if "Closing spider" in line)]
    lines = [(m["logger"], m["level"], m["message"]) for m in map(LOG_LINE.match, running) if m]
    items = {item["url"]: item for item in result.items}
    return Crawl(items, result.stats, result.text, lines, requests, origin, other_port.netloc, other_host.netloc, leaks)


def served_size(path: str, origin: str) -> int:
    """Bytes the fixture server sends for a file of the bad corpus (production origins rewritten to *origin*)."""
    return len(PRODUCTION_ORIGIN.sub(origin.encode(), (BAD_ROOT / path).read_bytes()))


def mentions(message: str, url: str) -> bool:
    return re.search(re.escape(url) + r"(?![\w/-])", message) is not None


# path -> the one line (logger, level, message) the case gives; {o} is the server's origin, {p} and {h}
# the canaries' host:port on another port and on another host, {size} the bytes served (those of
# SIZES' file, else any number). Every warning of the crawl is one of these.
CASE_LINES = {
    # HTTP errors: 4xx at once, 429/500/503 after a retry; a Retry-After over the limit is not waited for.
    "/forbidden-article/": ("newscrawl.news.spider", "WARNING", "Request failed: {o}/forbidden-article/ (http_403)"),
    "/missing-article/": ("newscrawl.news.spider", "WARNING", "Request failed: {o}/missing-article/ (http_404)"),
    "/removed-article/": ("newscrawl.news.spider", "WARNING", "Request failed: {o}/removed-article/ (http_410)"),
    "/rate-limited-article/": (
        "newscrawl.news.spider",
        "WARNING",
        "Request failed: {o}/rate-limited-article/ (http_429: Retry-After 1, after 1 retry)",
    ),
    "/rate-limited-for-a-day/": (
        "newscrawl.news.spider",
        "WARNING",
        "Request failed: {o}/rate-limited-for-a-day/ (http_429: Retry-After 86400)",
    ),
    "/server-error-article/": (
        "newscrawl.news.spider",
        "WARNING",
        "Request failed: {o}/server-error-article/ (http_500, after 1 retry)",
    ),
    "/unavailable-article/": (
        "newscrawl.news.spider",
        "WARNING",
        "Request failed: {o}/unavailable-article/ (http_503, after 1 retry)",
    ),
    # Bodies that are not a whole page: retried, then given up.
    "/empty-article/": ("newscrawl.news.spider", "WARNING", "Request failed: {o}/empty-article/ (empty_response, after 1 retry)"),
    "/truncated-article/": (
        "newscrawl.news.spider",
        "WARNING",
        "Request failed: {o}/truncated-article/ (truncated: no </html> in {size} bytes, after 1 retry)",
    ),
    "/connection-cut-article/": (
        "newscrawl.news.spider",
        "WARNING",
        "Request failed: {o}/connection-cut-article/ (truncated: connection lost after 3000 of {size} bytes, after 1 retry)",
    ),
    # Redirects.
    "/redirect-loop/": (
        "newscrawl.news.spider",
        "WARNING",
        "Request failed: {o}/redirect-loop/ (redirect_loop: {o}/redirect-loop/ → {o}/redirect-loop-back/ → {o}/redirect-loop/)",
    ),
    "/moved-off-site/": (
        "newscrawl.news.spider",
        "WARNING",
        "Request failed: {o}/moved-off-site/ (offsite_redirect: {o}/moved-off-site/ → https://news.example.org/greek-shipping-registry/)",
    ),
    "/moved-to-another-port/": (
        "newscrawl.news.spider",
        "WARNING",
        "Request failed: {o}/moved-to-another-port/ "
        "(offsite_redirect: {o}/moved-to-another-port/ → http://{p}/greek-shipping-registry/)",
    ),
    "/meta-refresh-article/": (
        "newscrawl.news.spider",
        "WARNING",
        "Request failed: {o}/meta-refresh-article/ (offsite_request: http://{p}/refreshed/ is not on {o})",
    ),
    # Sitemaps elsewhere are not even requested, nor the entries of a sitemap or a feed.
    "/hostile-sitemap.xml": (
        "newscrawl.news.spider",
        "WARNING",
        "Ignored 2 sitemaps named by {o}/hostile-sitemap.xml: not on the site "
        "(http://{p}/post-sitemap.xml, http://{h}/post-sitemap2.xml)",
    ),
    "/hostile-post-sitemap.xml": (
        "newscrawl.news.spider",
        "WARNING",
        "Ignored 2 entries of {o}/hostile-post-sitemap.xml: not on the site "
        "(http://{p}/greek-shipping-registry/, http://{h}/greek-shipping-registry/)",
    ),
    "/hostile-feed/": (
        "newscrawl.news.spider",
        "WARNING",
        "Ignored 2 entries of {o}/hostile-feed/: not on the site "
        "(http://{p}/greek-shipping-registry/, http://{h}/greek-shipping-registry/)",
    ),
    # A page that never ends: the download times out, is retried once, and is given up.
    "/trickling-article/": (
        "newscrawl.news.spider",
        "WARNING",
        f"Request failed: {{o}}/trickling-article/ (timeout: no whole answer within {TIMEOUT} s, after 1 retry)",
    ),
    # Scrapy's downloader says it, with both sizes; the spider only counts it.
    "/oversized-article/": (
        "scrapy.core.downloader.handlers.http11",
        "WARNING",
        "Expected to receive {size} bytes which is larger than download max size (10485760) "
        "in request <GET {o}/oversized-article/>.",
    ),
    "/gzip-bomb-article/": (
        "scrapy.downloadermiddlewares.httpcompression",
        "WARNING",
        "Ignored response <200 {o}/gzip-bomb-article/> because its body ({size} B compressed, {size} B decompressed "
        "so far) exceeded DOWNLOAD_MAXSIZE (10485760 B) during decompression.",
    ),
    "/deflate-bomb-article/": (
        "scrapy.downloadermiddlewares.httpcompression",
        "WARNING",
        "Ignored response <200 {o}/deflate-bomb-article/> because its body ({size} B compressed, {size} B decompressed "
        "so far) exceeded DOWNLOAD_MAXSIZE (10485760 B) during decompression.",
    ),
    # Fetched, nothing to read.
    "/soft-404-article/": (
        "newscrawl.news.spider",
        "WARNING",
        "Skipped {o}/soft-404-article/: the site's 404 page, served with status 200",
    ),
    "/annual-report-2024/": (
        "newscrawl.news.spider",
        "WARNING",
        "Skipped {o}/annual-report-2024/: not an HTML or XML page (application/pdf)",
    ),
    "/photo-of-the-day/": (
        "newscrawl.news.spider",
        "WARNING",
        "Skipped {o}/photo-of-the-day/: not an HTML or XML page (image/png)",
    ),
    # Article pages dropped.
    "/no-title-article/": ("newscrawl.news.spider", "WARNING", "Dropped article page {o}/no-title-article/: no title"),
    "/short-body-article/": (
        "newscrawl.news.spider",
        "WARNING",
        "Dropped article page {o}/short-body-article/: short body (3 words, fewer than 10)",
    ),
    # Articles kept, with what was wrong on them.
    "/future-date-article/": (
        "newscrawl.news.spider",
        "WARNING",
        f"No publication date for {PRODUCTION}/future-date-article/: future date (2099-05-01T10:00:00+00:00)",
    ),
    "/tourkia-nees-diekdikiseis-sto-aigaio/": (  # in the good copy
        "newscrawl.news.spider",
        "WARNING",
        f"No publication date for {PRODUCTION}/tourkia-nees-diekdikiseis-sto-aigaio/: invalid date (31 Φεβρουαρίου 2025)",
    ),
    "/two-h1-article/": (
        "newscrawl.news.spider",
        "WARNING",
        "Problem on {o}/two-h1-article/: "
        "multiple h1 (2 <h1> elements, title 'Ferry strike leaves thousands stranded in Piraeus')",
    ),
    "/invalid-jsonld-article/": (
        "newscrawl.news.spider",
        "WARNING",
        "Problem on {o}/invalid-jsonld-article/: invalid jsonld "
        "(Expecting property name enclosed in double quotes: line 1 column 175 (char 174))",
    ),
    "/mojibake-article/": (
        "newscrawl.news.spider",
        "WARNING",
        "Problem on {o}/mojibake-article/: mojibake (103 double-encoded runs repaired)",
    ),
    "/invalid-utf8-article/": (
        "newscrawl.news.spider",
        "WARNING",
        "Problem on {o}/invalid-utf8-article/: undecodable (3 characters that are not utf-8 dropped)",
    ),
    "/deep-markup-article/": (
        "newscrawl.news.spider",
        "WARNING",
        "Problem on {o}/deep-markup-article/: deep markup ({size} tags nested deeper than 512 levels left out, their text kept)",
    ),
    "/deep-jsonld-article/": (
        "newscrawl.news.spider",
        "WARNING",
        "Problem on {o}/deep-jsonld-article/: invalid jsonld "
        "(maximum recursion depth exceeded while decoding a JSON array from a unicode string)",
    ),
    # 3,000 new article links on one page, or 3,000 new sections: the first NEWSCRAWL_MAX_LINKS_PER_PAGE are followed.
    "/tag/link-flood/": (
        "newscrawl.news.spider",
        "WARNING",
        "Capped links on {o}/tag/link-flood/: followed 500 new links, left out 2500 more (NEWSCRAWL_MAX_LINKS_PER_PAGE)",
    ),
    "/tag/category-flood/": (
        "newscrawl.news.spider",
        "WARNING",
        "Capped links on {o}/tag/category-flood/: followed 500 new links, left out 2500 more (NEWSCRAWL_MAX_LINKS_PER_PAGE)",
    ),
    # Links that lead nowhere, and 3,000 tracking-parameter forms of one article: one line per page.
    "/tag/bad-input/": (
        "newscrawl.news.spider",
        "DEBUG",
        "Ignored links on {o}/tag/bad-input/: 1 javascript, 1 mailto, 1 tel, 1 other_scheme, 1 fragment",
    ),
    "/tag/bad-input/page/2/": ("newscrawl.news.spider", "DEBUG", "Ignored links on {o}/tag/bad-input/page/2/: 2999 duplicate"),
}
SIZES = {"/truncated-article/": "truncated-article/index.html", "/connection-cut-article/": "connection-cut-article/index.html"}
# Read like any article, whatever their bytes: their encodings, <base href> and tracking links are handled
# silently, and so is a script that fills the body and tries to reach other origins.
READ_SILENTLY = (
    "/windows-1253-article/",
    "/iso-8859-7-article/",
    "/wrong-charset-article/",
    "/utf-16-article/",
    "/base-href-article/",
    "/base-href-root-article/",
    "/tracked-article/",
)


def expected_line(path: str, crawl: Crawl) -> tuple[str, str, re.Pattern[str]]:
    logger, level, message = CASE_LINES[path]
    size = str(served_size(SIZES[path], crawl.origin)) if path in SIZES else r"\d+"
    message = message.replace("{o}", crawl.origin).replace("{p}", crawl.other_port).replace("{h}", crawl.other_host)
    return logger, level, re.compile(re.escape(message).replace(re.escape("{size}"), size))


def test_the_crawl_goes_on_and_loses_no_good_article(crawl: Crawl) -> None:
    expected_articles = IPROINI.expected
    assert set(crawl.items) == set(expected_articles) | set(BAD_EXPECTED)
    for url, item in crawl.items.items():
        expected = expected_articles.get(url) or BAD_EXPECTED[url]
        assert {field: item[field] for field in FIELDS} == {field: expected[field] for field in FIELDS}, url
    assert "Traceback" not in crawl.log
    assert not [line for line in crawl.lines if line[1] in ("ERROR", "CRITICAL")]


@pytest.mark.parametrize("path", CASE_LINES)
def test_each_case_is_said_in_exactly_one_line(crawl: Crawl, path: str) -> None:
    logger, level, pattern = expected_line(path, crawl)
    urls = (crawl.origin + path, PRODUCTION + path)
    # At DEBUG, Scrapy mentions every URL ("Crawled (200) <GET ...>"): only the spider's lines count there.
    loggers = ("newscrawl",) if level == "DEBUG" else ("newscrawl", "scrapy")
    said = [
        line
        for line in crawl.lines
        if line[1] == level and line[0].startswith(loggers) and any(mentions(line[2], url) for url in urls)
    ]
    assert [(name, lvl) for name, lvl, _ in said] == [(logger, level)], said
    assert pattern.fullmatch(said[0][2]), said[0][2]


def test_no_other_warnings_and_silence_on_pages_read_as_usual(crawl: Crawl) -> None:
    patterns = [pattern for _, level, pattern in (expected_line(p, crawl) for p in CASE_LINES) if level == "WARNING"]
    warnings = [
        message for name, level, message in crawl.lines if level == "WARNING" and name.startswith(("newscrawl", "scrapy"))
    ]
    matched = sorted(next(i for i, pattern in enumerate(patterns) if pattern.fullmatch(m)) for m in warnings)
    assert matched == list(range(len(patterns)))
    for path in READ_SILENTLY:
        assert not [line for line in crawl.lines if line[1] != "DEBUG" and mentions(line[2], crawl.origin + path)]
    # A page a script fills in is rendered, and says why in one line at INFO, nothing more.
    hostile = crawl.origin + "/hostile-script-article/"
    assert [line for line in crawl.lines if line[1] != "DEBUG" and mentions(line[2], hostile)] == [
        ("newscrawl.news.spider", "INFO", f"Rendering {hostile} in the browser: no body text in the served page")
    ]


def test_each_case_is_counted_under_its_reason(crawl: Crawl) -> None:
    counted = {
        key.removeprefix("newscrawl/"): value
        for key, value in crawl.stats.items()
        if key.startswith(
            (
                "newscrawl/request_failed/",
                "newscrawl/skipped/",
                "newscrawl/dropped/",
                "newscrawl/problems/",
                "newscrawl/links/ignored/",
            )
        )
    }
    # Every page of the good copy links articles requested before: their count depends on it, not on the corpus.
    assert counted.pop("links/ignored/duplicate") >= 2999
    assert counted == {
        "request_failed/http_403": 1,
        "request_failed/http_404": 1,
        "request_failed/http_410": 1,
        "request_failed/http_429": 2,
        "request_failed/http_500": 1,
        "request_failed/http_503": 1,
        "request_failed/empty_response": 1,
        "request_failed/truncated": 2,
        "request_failed/timeout": 1,
        "request_failed/redirect_loop": 1,
        "request_failed/offsite_redirect": 2,
        "request_failed/offsite_request": 1,
        "request_failed/too_large": 3,
        "skipped/soft_404": 1,
        "skipped/not_html": 2,
        "dropped/no_title": 1,
        "dropped/short_body": 1,
        "problems/future_date": 1,
        "problems/invalid_date": 1,
        "problems/invalid_jsonld": 2,
        "problems/mojibake": 1,
        "problems/multiple_h1": 1,
        "problems/undecodable": 1,
        "problems/deep_markup": 1,
        # the tag page's five dead links, and an article module's javascript: and # titles
        "links/ignored/javascript": 2,
        "links/ignored/mailto": 1,
        "links/ignored/tel": 1,
        "links/ignored/other_scheme": 1,
        "links/ignored/fragment": 2,
        "links/ignored/offsite_sitemap": 2,
        "links/ignored/offsite": 4,
        "links/ignored/over_page_cap": 5000,
    }
    assert crawl.stats["newscrawl/date/missing_published_at"] == 2
    assert crawl.stats["retry/reason_count/empty_response"] == 1
    assert crawl.stats["retry/reason_count/truncated"] == 2
    assert crawl.stats["retry/reason_count/scrapy.exceptions.DownloadTimeoutError"] == 1


def test_transient_failures_are_retried_once_and_permanent_ones_not_at_all(crawl: Crawl) -> None:
    bad_paths = set(CASE_LINES) - {"/tourkia-nees-diekdikiseis-sto-aigaio/", "/tag/bad-input/", "/tag/bad-input/page/2/"}
    fetched = [path for _, path in crawl.requests]
    retried = {
        "/rate-limited-article/",
        "/server-error-article/",
        "/unavailable-article/",
        "/empty-article/",
        "/truncated-article/",
        "/connection-cut-article/",
        "/trickling-article/",
    }
    assert {path: fetched.count(path) for path in bad_paths} == {path: 2 if path in retried else 1 for path in bad_paths}
    assert fetched.count("/redirect-loop-back/") == 1  # the loop is caught on its first turn
    assert "/greek-shipping-registry/" not in fetched


def test_retry_after_is_waited_for_up_to_its_limit(crawl: Crawl) -> None:
    def gaps(path: str) -> list[float]:
        times = [when for when, fetched in crawl.requests if fetched == path]
        return [later - earlier for earlier, later in itertools.pairwise(times)]

    assert [gap >= 1.0 for gap in gaps("/rate-limited-article/")] == [True]
    # A good article rate limited once is fetched again after the wait, and kept (see the first test).
    assert [gap >= 1.0 for gap in gaps("/netanyahu-to-meet-president-trump-on-monday/")] == [True]
    assert gaps("/rate-limited-for-a-day/") == []


def test_thousands_of_tracking_variants_make_one_request(crawl: Crawl) -> None:
    assert [path for _, path in crawl.requests if path.startswith("/tracked-article")] == ["/tracked-article/"]
    assert [path for _, path in crawl.requests if "utm_" in path or "fbclid" in path or "gclid" in path] == []


def test_a_page_offering_thousands_of_new_links_is_capped(crawl: Crawl) -> None:
    flood = [path for _, path in crawl.requests if path.startswith("/flood-")]
    assert sorted(flood) == sorted(f"/flood-{n}/" for n in range(500))  # the first 500 on the page, once each
    sections = [path for _, path in crawl.requests if path.startswith("/category/flood-")]
    assert sorted(sections) == sorted(f"/category/flood-{n}/" for n in range(500))


def test_nothing_reaches_another_port_or_another_host(crawl: Crawl) -> None:
    assert crawl.leaks == {"other port": [], "other host": []}
    # ... although the pages asked for it: links, redirects, a meta refresh, sitemaps, a feed, and a
    # script that filled the body (the article is kept) then tried everything a browser can send,
    # WebRTC's STUN and TURN over UDP included (the canaries listen for UDP on their port too).
    assert crawl.items[f"{PRODUCTION}/hostile-script-article/"]["body"]
    assert crawl.stats["newscrawl/rendered/no_body"] == 1
    assert "/wp-json/proini/v1/track/" in [path for _, path in crawl.requests]  # the script ran to its end
    assert crawl.stats["newscrawl/rendered/blocked/websocket"] == 2
    assert crawl.stats["newscrawl/rendered/blocked/popup"] == 2
    # per origin a fetch, an XHR, a beacon, an event source, an iframe and a worker's fetch; in the page
    # itself a stylesheet, a script and an iframe; and the page sending its window away: 16 requests
    # (Chromium now and then asks for the refused stylesheet a second time)
    assert crawl.stats["newscrawl/rendered/blocked/off_site"] in (16, 17)


def test_no_item_holds_an_undecoded_character(crawl: Crawl) -> None:
    assert [url for url, item in crawl.items.items() if "\ufffd" in json.dumps(item, ensure_ascii=False)] == []


# --- the pieces, on their own -------------------------------------------------


def test_base_href_beyond_scrapys_first_4096_characters_is_honoured() -> None:
    body = (BAD_ROOT / "base-href-root-article/index.html").read_bytes()
    assert body.index(b"<base ") > 4096
    response = HtmlResponse("https://www.iproini.com/base-href-root-article/", body=body, encoding="utf-8")
    assert response.urljoin("x/") == "https://www.iproini.com/base-href-root-article/x/"  # Scrapy misses it
    assert page_base_url(response) == "https://www.iproini.com/"


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("Η Ελλάδα και η «Κύπρος» – Ώρα ΐ ύ Πρωινή", 10),  # one run per word: spaces are ASCII
        ("Ferry strike: “don’t travel” … café", 5),  # “ and ’ are two runs around "don"
    ],
)
def test_mojibake_is_repaired_and_clean_text_left_alone(text: str, runs: int) -> None:
    # UTF-8 read as Windows-1252, the bytes it leaves undefined (in ύ, Ώ, ΐ) kept as C1 controls.
    double_encoded = "".join(
        chr(b) if b < 0x80 or not bytes([b]).decode("cp1252", "ignore") else bytes([b]).decode("cp1252")
        for b in text.encode("utf-8")
    )
    assert repair_mojibake(double_encoded) == (text, runs)
    assert repair_mojibake(f"{text} {double_encoded}") == (f"{text} {text}", runs)
    assert repair_mojibake(text) == (text, 0)
    assert repair_mojibake("Ö» À« naïve déjà vu") == ("Ö» À« naïve déjà vu", 0)


def test_future_dates_beyond_a_day_are_refused() -> None:
    now = datetime(2025, 7, 16, 12, 0, tzinfo=UTC)
    problems: list[tuple[str, str]] = []
    context = {"timezone": ZoneInfo("America/New_York"), "now": now, "date_problems": problems}
    later = (now + timedelta(hours=23)).isoformat()
    assert parse_date(later, context) == now + timedelta(hours=23)  # a timezone written wrong, not the future
    assert parse_date("2025-07-18T12:00:00+00:00", context) is None
    assert parse_date("1 Ιανουαρίου 2099", context) is None
    assert problems == [("future_date", "2025-07-18T12:00:00+00:00"), ("future_date", "1 Ιανουαρίου 2099")]


@pytest.mark.parametrize(
    ("header", "seconds"),
    [(b"120", 120.0), (b"Wed, 21 Oct 2015 07:28:00 GMT", 0.0), (b"soon", None), (None, None)],
)
def test_retry_after_values(header: bytes | None, seconds: float | None) -> None:
    headers = {"Retry-After": header} if header else {}
    assert retry_after(Response("https://www.example.com/", status=429, headers=headers)) == seconds


def test_a_redirect_chain_longer_than_the_limit_fails_by_name() -> None:
    crawler = get_crawler(Spider, {"REDIRECT_MAX_TIMES": 5})
    middleware = SiteRedirectMiddleware.from_crawler(crawler)
    request = Request("https://www.example.com/hop-6/", meta={"redirect_times": 5, "redirect_ttl": 1})
    response = Response(request.url, status=301, headers={"Location": "/hop-7/"}, request=request)
    with pytest.raises(TooManyRedirects, match="more than 5"):
        middleware.process_response(request, response)


def copy_crawler(**settings: Any) -> Crawler:
    """A crawler of a made-up site's spider crawling a copy at http://127.0.0.1:8000, for middlewares on their own."""
    return unstarted_spider(ExampleSpider, settings, base_url="http://127.0.0.1:8000").crawler


@pytest.mark.parametrize(
    ("location", "followed"),
    [
        ("/elsewhere/", True),
        ("http://127.0.0.1:8000/elsewhere/", True),
        ("http://127.0.0.1:8001/elsewhere/", False),  # Scrapy's OffsiteMiddleware follows: same host name
        ("https://127.0.0.1:8000/elsewhere/", False),
        ("http://127.0.0.2:8000/elsewhere/", False),
        ("https://www.example.com/elsewhere/", False),  # the live site, from a copy
    ],
)
def test_a_redirect_is_followed_only_on_the_crawled_origin(location: str, followed: bool) -> None:
    middleware = SiteRedirectMiddleware.from_crawler(copy_crawler())
    request = Request("http://127.0.0.1:8000/moved/")
    response = Response(request.url, status=301, headers={"Location": location}, request=request)
    if followed:
        assert middleware.process_response(request, response).url == "http://127.0.0.1:8000/elsewhere/"
    else:
        with pytest.raises(OffsiteRedirect, match=re.escape(f"http://127.0.0.1:8000/moved/ → {location}")):
            middleware.process_response(request, response)


def test_no_request_leaves_the_crawled_origin_not_even_a_retry() -> None:
    middleware = SiteOriginMiddleware.from_crawler(copy_crawler())
    middleware.process_request(Request("http://127.0.0.1:8000/a/"))  # on the crawled origin: passes (typed -> None)
    for url in ("http://127.0.0.1:6379/", "https://127.0.0.1:8000/a/", "http://127.0.0.2:8000/a/"):
        with pytest.raises(OffsiteRequest, match=re.escape(f"{url} is not on http://127.0.0.1:8000")):
            middleware.process_request(Request(url, dont_filter=True, meta={"allow_offsite": True}))


def test_a_timeout_is_retried_once_whatever_retry_times() -> None:
    middleware = SiteRetryMiddleware.from_crawler(copy_crawler(RETRY_TIMES=2))
    request = Request("http://127.0.0.1:8000/slow/")
    retry = middleware.process_exception(request, DownloadTimeoutError("took longer than 60 seconds"))
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1
    assert middleware.process_exception(retry, DownloadTimeoutError("took longer than 60 seconds")) is None
    # A connection refused, or a 503, is retried RETRY_TIMES times as before.
    again = middleware.process_exception(retry, ConnectionRefusedError())
    assert isinstance(again, Request) and again.meta["retry_times"] == 2
