"""Navigation shared by every news site spider.

A site module subclasses :class:`NewsSiteSpider` and declares only what is
specific to the site: its name, production origin, domains, timezone, page
layout and entry points. This class discovers articles from listing pages
(home, section archives and their pagination), sitemaps and feeds, follows
"Related Articles" links, fetches every article once under its canonical URL
and hands pages to :class:`~newscrawl.extraction.ArticleExtractor`.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any, ClassVar, Self
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadCancelledError
from scrapy.http import HtmlResponse, Request, Response, TextResponse, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from newscrawl.dates import parse_iso
from newscrawl.extraction import ArticleExtractor, page_base_url
from newscrawl.incremental import StoredArticles, load_stored_articles
from newscrawl.items import ArticleItem
from newscrawl.middlewares import BadResponse
from newscrawl.rendering import RenderRule, browser_request
from newscrawl.themes import PageLayout
from newscrawl.urls import SiteUrls, join_url

logger = logging.getLogger(__name__)

_POST_ID_CLASS = re.compile(r"\bpostid-(\d+)\b")
#: URL schemes of links that lead to no page, counted by name; any other non-web scheme is "other_scheme"
_NAMED_SCHEMES = frozenset({"javascript", "mailto", "tel"})


class NewsSiteSpider(scrapy.Spider):
    """Crawls one news site. Arguments: ``base_url`` (crawl a copy served there) and ``start_urls``."""

    #: production origin; items carry URLs on it
    canonical_origin: ClassVar[str]
    #: every registered domain the site answers on (``www.`` variants are implied)
    domains: ClassVar[tuple[str, ...]]
    #: IANA timezone visible dates are written in
    site_timezone: ClassVar[str]
    layout: ClassVar[PageLayout]
    #: where a crawl starts, as paths on the crawled origin
    entry_paths: ClassVar[tuple[str, ...]] = ("/", "/sitemap_index.xml", "/feed/")
    #: sitemaps of a sitemap index worth reading (posts, not pages or categories)
    sitemap_follow: ClassVar[re.Pattern[str]] = re.compile(r"post-sitemap\d*\.xml$")
    #: first path segments that are never posts
    non_post_sections: ClassVar[frozenset[str]] = frozenset(
        "amp author category comments feed page search tag wp-admin wp-content wp-includes wp-json".split()
    )
    #: path of a section archive's first page
    section_path: ClassVar[re.Pattern[str]] = re.compile(r"^/category/[^/]+/(?:[^/]+/)*$")
    #: the site's "page not found" page, whatever its status (WordPress's body class for its 404 template)
    not_found_page: ClassVar[str] = "body.error404"
    #: page types that only work in a browser (e.g. an archive paginated by "Load more"): always rendered
    render_paths: ClassVar[tuple[RenderRule, ...]] = ()
    #: articles with fewer words are stubs (a placeholder, a video's caption): dropped, to be picked up
    #: once filled in, as they were never stored. NEWSCRAWL_MIN_BODY_WORDS, read by from_crawler.
    min_body_words: int

    def __init__(
        self,
        *args: Any,
        base_url: str | None = None,
        start_urls: str | None = None,
        full: str | None = None,
        since: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        #: do not follow archive pages (or sitemap entries) older than this
        self.since = _parse_since(since)
        self.stored = StoredArticles()
        self.site_urls = SiteUrls(self.canonical_origin, self.domains, base_url)
        #: recrawl everything, ignoring what is stored: by default for a copy of the site (base_url),
        #: whose content is not the live site's, unless full=0 asks for an incremental crawl of it
        is_copy = self.site_urls.base_url != self.site_urls.canonical_origin
        self.full = (full or "").lower() in ("1", "true", "yes") if full is not None else is_copy
        self.allowed_domains = self.site_urls.allowed_domains
        #: started from -a start_urls: a partial crawl
        self.custom_start = bool(start_urls)
        if start_urls:
            self.start_urls = [self._crawl_url(url.strip()) for url in start_urls.split(",") if url.strip()]
        else:
            self.start_urls = [self.site_urls.base_url + path for path in self.entry_paths]
        self.extractor = ArticleExtractor(self.name, self.site_urls, self.layout, ZoneInfo(self.site_timezone))
        self._emitted: set[str] = set()
        #: canonical URLs of the articles requested, so that their other forms are not even turned into requests
        self._requested: set[str] = set()
        #: WordPress post id -> canonical URL, to resolve ``?p=N`` shortlinks without a request
        self._post_urls: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.min_body_words = crawler.settings.getint("NEWSCRAWL_MIN_BODY_WORDS", 10)
        return spider

    def _crawl_url(self, url: str) -> str:
        canonical = self.site_urls.canonical(url)
        return self.site_urls.to_crawl(canonical) if canonical else url

    def _stat(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"newscrawl/{key}", count)

    async def start(self) -> AsyncIterator[Request]:
        if not self.full:
            self.stored = await load_stored_articles(self.crawler, self.name, self.site_urls.is_crawled_origin)
            logger.info("Incremental crawl: %d stored articles of %s will not be fetched again", len(self.stored), self.name)
        for url in self.start_urls:
            yield self.page_request(url)

    # --- navigation ----------------------------------------------------------

    def is_post_url(self, canonical: str) -> bool:
        """Whether a canonical URL can be a post: ``/slug/`` or a ``/?p=N`` shortlink."""
        parts = urlsplit(canonical)
        if parts.query:
            return parts.path == "/" and list(parse_qs(parts.query)) == ["p"]
        segments = parts.path.strip("/").split("/")
        return len(segments) == 1 and bool(segments[0]) and segments[0] not in self.non_post_sections

    def article_request(
        self, href: str, base: str, lastmod: str | None = None, ignored: Counter[str] | None = None
    ) -> Request | None:
        """A request for a link that may be a post, under its canonical URL.

        None when the link cannot be a post, leads to no page (``javascript:``,
        ``mailto:``, a fragment) or to an article already requested under another
        form (a tracking parameter, another domain), or when the article is stored
        and unchanged since (per *lastmod*, a sitemap's) in an incremental crawl.
        The second and third kinds are counted under ``links/ignored/<why>``, and in
        *ignored* for the caller's summary.
        """
        canonical = self._link(href, base, ignored)
        if canonical is None or not self.is_post_url(canonical):
            return None
        if (post_id := _shortlink_id(canonical)) and post_id in self._post_urls:
            canonical = self._post_urls[post_id]  # a shortlink already resolved: its post, maybe stored
        if canonical in self._requested:
            self._ignore("duplicate", ignored)
            return None
        if not self.full and self.stored.is_current(canonical, lastmod):
            self._stat("incremental/skipped_stored")
            return None
        self._requested.add(canonical)
        return self.page_request(self.site_urls.to_crawl(canonical))

    def _link(self, href: str, base: str, ignored: Counter[str] | None) -> str | None:
        """The canonical URL *href* leads to; None off the site, and (counted) for links to no page."""
        href = href.strip()
        if why := _dead_link(href):
            self._ignore(why, ignored)
            return None
        if (absolute := join_url(base, href)) is None:
            self._ignore("malformed", ignored)
            return None
        return self.site_urls.canonical(absolute)

    def _ignore(self, why: str, ignored: Counter[str] | None) -> None:
        self._stat(f"links/ignored/{why}")
        if ignored is not None:
            ignored[why] += 1

    def page_request(self, url: str, **meta: Any) -> Request:
        """A request for a page of the site, through the browser when a ``render_paths`` rule matches it."""
        for rule in self.render_paths:
            if rule.matches(url):
                return browser_request(
                    url,
                    callback=self.parse,
                    errback=self.on_error,
                    wait_for=rule.wait_for,
                    load_more=rule.load_more,
                    max_clicks=rule.max_clicks,
                    reason="declared",
                    dont_filter=False,
                    **meta,
                )
        return Request(url, callback=self.parse, errback=self.on_error, meta=meta)

    def render_request(self, url: str) -> Request:
        """A second request for *url*, through the headless browser, waiting for a paragraph of the body."""
        body_paragraph = ", ".join(f"{css} p" for css in self.layout.body)
        return browser_request(url, callback=self.parse, errback=self.on_error, wait_for=body_paragraph)

    def listing_request(self, href: str, base: str, ignored: Counter[str] | None = None) -> Request | None:
        canonical = self._link(href, base, ignored)
        if canonical is None or urlsplit(canonical).query:
            return None
        return self.page_request(self.site_urls.to_crawl(canonical))

    async def parse(self, response: Response) -> AsyncIterator[Request | ArticleItem]:
        """Dispatch on what the response is: sitemap, feed, article or listing page."""
        # By class, which Scrapy picks from the Content-Type, not by TextResponse: Scrapy
        # sniffs a body it has no class for (application/pdf) and may call it text.
        if not isinstance(response, (HtmlResponse, XmlResponse)):
            self._stat("skipped/not_html")
            content_type = (response.headers.get("Content-Type") or b"no Content-Type").decode("latin-1")
            logger.warning("Skipped %s: not an HTML or XML page (%s)", response.url, content_type)
            return
        root = response.xpath("local-name(/*)").get()
        if root in ("sitemapindex", "urlset"):
            for request in self.parse_sitemap(response):
                yield request
        elif root in ("rss", "feed", "RDF"):
            for request in self.parse_feed(response):
                yield request
        else:
            async for result in self.parse_page(response):
                yield result

    def parse_sitemap(self, response: TextResponse) -> Iterator[Request]:
        self._stat("pages/sitemap")
        sitemap = Sitemap(response.body)
        for entry in sitemap:
            loc = entry.get("loc", "")
            if sitemap.type == "sitemapindex":
                if self.sitemap_follow.search(urlsplit(loc).path):
                    yield Request(self._crawl_url(loc), callback=self.parse, errback=self.on_error)
            elif not self._is_recent(entry.get("lastmod")):
                self._stat("incremental/sitemap_skipped_since")
            elif request := self.article_request(loc, response.url, entry.get("lastmod")):
                yield request

    def parse_feed(self, response: TextResponse) -> Iterator[Request]:
        self._stat("pages/feed")
        # RSS 2.0, RSS 1.0 (namespaced items) and Atom
        links = response.xpath(
            "//*[local-name()='item']/*[local-name()='link']/text()"
            " | //*[local-name()='entry']/*[local-name()='link']/@href"
        ).getall()
        for link in links:
            if request := self.article_request(link.strip(), response.url):
                yield request

    async def parse_page(self, response: TextResponse) -> AsyncIterator[Request | ArticleItem]:
        """An article page gives its item (and related links), a listing page its links.

        Everything wrong with an article page is said in one line: why it is
        dropped, or that it has no publication date, with the problems met on it.
        """
        extraction = self.extractor.extract(response, datetime.now(timezone.utc))
        if extraction.skipped == "amp_copy":
            self._stat("skipped/amp_copy")
            if extraction.canonical_url and (request := self.article_request(extraction.canonical_url, response.url)):
                yield request
            return
        if extraction.skipped == "not_article":
            if response.css(self.not_found_page):
                self._stat("skipped/soft_404")
                logger.warning("Skipped %s: the site's 404 page, served with status %d", response.url, response.status)
                return
            self._stat("pages/listing")
            for request in self.follow_listing(response, extraction.base_url):
                yield request
            return
        item = extraction.item
        if extraction.skipped == "no_body" and not response.meta.get("playwright"):
            # The server sent a shell whose text a script fills in: render it once in the browser
            # (the handler counts it under newscrawl/rendered/no_body, or rendered/failed/...).
            yield self.render_request(response.url)
            return
        for kind, _ in extraction.problems:
            self._stat(f"problems/{kind}")
        problems = [_describe(kind, detail) for kind, detail in extraction.problems]
        drop = (extraction.skipped, "") if extraction.skipped else self._short_body(item["body"])
        if drop:
            reason, detail = drop
            self._stat(f"dropped/{reason}")
            logger.warning("Dropped article page %s: %s", response.url, "; ".join([_describe(reason, detail), *problems]))
            return
        self._remember_post_id(response, item["url"])
        await self._resolve_shortlinks(item)
        for url in item["related_urls"]:
            if request := self.article_request(url, response.url):
                yield request
        # The article modules around it too ("Hot this week", "Latest"): a post linked only there is found.
        ignored: Counter[str] = Counter()
        for href in response.css(self.layout.listing_article_links).getall():
            if request := self.article_request(href, extraction.base_url, ignored=ignored):
                yield request
        if item["url"] in self._emitted:
            self._stat("skipped/duplicate_article")
            logger.debug("Already emitted %s (fetched as %s)", item["url"], response.url)
            return
        self._emitted.add(item["url"])
        if item["published_at"] is None:
            self._stat("date/missing_published_at")
            logger.warning("No publication date for %s%s", item["url"], f": {'; '.join(problems)}" if problems else "")
        elif problems:
            logger.warning("Problem on %s: %s", response.url, "; ".join(problems))
        yield item

    def _short_body(self, body: str) -> tuple[str, str] | None:
        words = len(body.split())
        if words < self.min_body_words:
            return "short_body", f"{words} words, fewer than {self.min_body_words}"
        return None

    def follow_listing(self, response: TextResponse, base: str) -> Iterator[Request]:
        """Article links of a listing page, its further pages and the section archives it links.

        *base* is what the page's relative links resolve against. Links ignored
        (dead, or more forms of an article already requested) are summed up in one line.
        """
        layout = self.layout
        ignored: Counter[str] = Counter()
        for href in response.css(layout.listing_article_links).getall():
            if request := self.article_request(href, base, ignored=ignored):
                yield request
        if self._continue_pagination(response, base):
            next_page = response.xpath(layout.next_page).get()
            for href in [next_page] if next_page else response.css(layout.pagination_links).getall():
                if request := self.listing_request(href, base, ignored):
                    yield request
        for href in response.css(layout.section_links).getall():
            canonical = self._link(href, base, ignored)
            if canonical and self.section_path.match(urlsplit(canonical).path) and "/page/" not in canonical:
                if request := self.listing_request(canonical, base):
                    yield request
        if ignored:
            summary = ", ".join(f"{count} {why}" for why, count in ignored.most_common())
            logger.debug("Ignored links on %s: %s", response.url, summary)

    def _continue_pagination(self, response: TextResponse, base: str) -> bool:
        """Whether an archive's next page is worth reading.

        Archives list newest first, so not when this page already reaches back
        before ``since``, nor, in an incremental crawl, when every article on it
        is already stored: further pages hold only older, stored ones.
        """
        layout = self.layout
        dates = [d for d in map(parse_iso, response.css(layout.loop_dates).getall()) if d]
        if self.since and dates and min(dates) < self.since:
            self._stat("incremental/pagination_stopped_since")
            return False
        links = [self._link(href, base, None) for href in response.css(layout.loop_article_links).getall()]
        if not self.full and links and all(url in self.stored for url in links):
            self._stat("incremental/pagination_stopped_stored")
            logger.debug("Every article on %s is stored: not following its next page", response.url)
            return False
        return True

    def _is_recent(self, lastmod: str | None) -> bool:
        """Whether a sitemap entry is not older than ``since`` (entries without lastmod are)."""
        modified = parse_iso(lastmod) if lastmod else None
        return not (self.since and modified and modified < self.since)

    # --- shortlinks ----------------------------------------------------------

    def _remember_post_id(self, response: TextResponse, url: str) -> None:
        match = _POST_ID_CLASS.search(response.css("body::attr(class)").get() or "")
        shortlink = response.css("link[rel=shortlink]::attr(href)").get()
        post_id = match.group(1) if match else _shortlink_id(shortlink or "")
        if post_id:
            self._post_urls[post_id] = url

    async def _resolve_shortlinks(self, item: ArticleItem) -> None:
        """Replace ``/?p=N`` related links by the post's canonical URL (from memory, else one HEAD-less GET)."""
        resolved = []
        for url in item["related_urls"]:
            post_id = _shortlink_id(url)
            if post_id and post_id not in self._post_urls:
                target = await self._fetch_redirect(url)
                if target:
                    self._post_urls[post_id] = target
            resolved.append(self._post_urls.get(post_id, url) if post_id else url)
        item["related_urls"] = list(dict.fromkeys(resolved))

    async def _fetch_redirect(self, shortlink: str) -> str | None:
        request = Request(
            self.site_urls.to_crawl(shortlink),
            meta={"dont_redirect": True, "handle_httpstatus_all": True},
            dont_filter=True,
        )
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # noqa: BLE001 - any download error leaves the shortlink as it is
            self._stat("shortlinks/unresolved")
            logger.warning("Could not resolve shortlink %s: %s", shortlink, exc)
            return None
        location = response.headers.get("Location", b"").decode("latin-1")
        target = None
        if 300 <= response.status < 400 and location:
            target = self.site_urls.canonical(join_url(response.url, location) or "")
        elif response.status == 200 and isinstance(response, TextResponse):  # served in place
            named = self.extractor.canonical_url(response, page_base_url(response))
            target = named if named and not _shortlink_id(named) else None
        self._stat("shortlinks/resolved" if target else "shortlinks/unresolved")
        return target

    # --- accounting ----------------------------------------------------------

    def on_error(self, failure: Failure) -> None:
        """Count and log a failed request in one line; the crawl goes on."""
        request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        if isinstance(error, HttpError):
            retry_after = error.response.headers.get("Retry-After")
            detail = f"Retry-After {retry_after.decode('latin-1')}" if retry_after else ""
            self._request_failed(request, f"http_{error.response.status}", detail)
        elif isinstance(error, BadResponse):
            self._request_failed(request, error.reason, str(error))
        elif isinstance(error, DownloadCancelledError):
            # Only DOWNLOAD_MAXSIZE cancels downloads, and Scrapy's downloader has already said so at
            # WARNING, in one line with the URL and both sizes.
            self._request_failed(request, "too_large", level=logging.DEBUG)
        else:
            self._request_failed(request, type(error).__name__)

    def _request_failed(self, request: Request, reason: str, detail: str = "", level: int = logging.WARNING) -> None:
        """Count a request that gave nothing to read under ``request_failed/<reason>``; log it in one line."""
        self._stat(f"request_failed/{reason}")
        retries = request.meta.get("retry_times", 0)
        after = f", after {retries} {'retry' if retries == 1 else 'retries'}" if retries else ""
        # After redirects, name the URL the crawl asked for: that is the link it followed.
        url = request.meta.get("redirect_urls", [request.url])[0]
        logger.log(level, "Request failed: %s (%s%s%s)", url, reason, f": {detail}" if detail else "", after)


def _parse_since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        raise ValueError(f"since must be a date like 2025-07-01, got {value!r}") from None


def _shortlink_id(url: str) -> str | None:
    parts = urlsplit(url)
    ids = parse_qs(parts.query).get("p") if parts.path in ("", "/") else None
    return ids[0] if ids and ids[0].isdigit() else None


def _dead_link(href: str) -> str | None:
    """Why *href* leads to no page ("fragment", "javascript", "mailto", "tel", "other_scheme"); None for a web link."""
    if not href or href.startswith("#"):
        return "fragment"
    scheme = href.split(":", 1)[0].lower() if ":" in href.split("/", 1)[0] else ""
    if scheme in ("", "http", "https"):
        return None
    return scheme if scheme in _NAMED_SCHEMES else "other_scheme"


def _describe(kind: str, detail: str) -> str:
    """``invalid date (31 Φεβρουαρίου 2025)``: a stat reason in words, with what it is about."""
    words = kind.replace("_", " ")
    return f"{words} ({detail})" if detail else words
