"""The spider every news site shares: discovery, requests, routing and accounting.

A site declares facts (:class:`NewsSiteSpider`'s class attributes); its platform
(:class:`~newscrawl.wordpress.spider.WordPressSpider`) says which URLs can be
articles and where to start. This class discovers articles from listing pages
(home, section archives and their pagination), sitemaps and feeds, follows
"Related Articles" links and the article modules around a post, fetches every
article once, and routes each page on what extraction says it is.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar, Self
from zoneinfo import ZoneInfo

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError
from scrapy.http import HtmlResponse, Request, Response, TextResponse, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from scrapy_spider_metadata import Args  # type: ignore[attr-defined]  # exported without __all__
from twisted.python.failure import Failure

from newscrawl.dates import parse_iso
from newscrawl.items import ArticleItem
from newscrawl.middlewares import BadResponse
from newscrawl.news.arguments import NewsSiteArguments
from newscrawl.news.document import document
from newscrawl.news.extraction import (
    AmpCopy,
    Article,
    ArticleExtractor,
    LaterPage,
    NeedsRendering,
    NotArticle,
    NotFound,
    Stub,
    readable,
)
from newscrawl.news.frontier import Frontier, LinkBudget
from newscrawl.news.metadata import Problems
from newscrawl.news.pages import ArticlePage, ListingPage, Theme
from newscrawl.news.reach import UNREACHABLE, Reach
from newscrawl.news.site import Site
from newscrawl.render_requests import RenderRule, browser_request
from newscrawl.storage.copies import use_copy_database
from newscrawl.storage.extension import Storage
from newscrawl.urls import SiteUrls

logger = logging.getLogger(__name__)
#: links off the site a sitemap or feed names, shown in its line (all are counted)
_OFFSITE_SHOWN = 5


class NewsSiteSpider(Args[NewsSiteArguments], scrapy.Spider):
    """Crawls one news site. Its arguments (``base_url``, ``start_urls``, ``full``, ``since``) are
    declared in :class:`~newscrawl.news.arguments.NewsSiteArguments`."""

    # --- facts a site module declares -------------------------------------------
    #: production origin; items carry URLs on it
    origin: ClassVar[str]
    #: every registered domain the site answers on (``www.`` variants are implied)
    domains: ClassVar[tuple[str, ...]]
    #: IANA timezone visible dates are written in
    timezone: ClassVar[str]
    #: how the site's pages are read (:mod:`newscrawl.themes`)
    theme: ClassVar[Theme]
    #: how a post the theme's layout does not match is read (the platform's generic page); None: it is not
    fallback_page: ClassVar[type[ArticlePage] | None] = None
    #: whether the site's article URLs end with a slash; None: as the site's own canonical links write them
    trailing_slash: ClassVar[bool | None] = None
    #: a path of an article on the site, for ``scrapy check`` (:mod:`newscrawl.news.contracts`)
    check_article: ClassVar[str]
    #: page types that only work in a browser (e.g. an archive paginated by "Load more"): always rendered
    render_paths: ClassVar[tuple[RenderRule, ...]] = ()

    # --- what the platform says ---------------------------------------------------
    #: where a crawl starts, as paths on the crawled origin
    entry_paths: ClassVar[tuple[str, ...]] = ("/",)
    #: sitemaps of a sitemap index worth reading (articles, not pages or categories)
    sitemap_follow: ClassVar[re.Pattern[str]] = re.compile("")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        arguments = self.args
        #: do not follow archive pages (or sitemap entries) older than this
        self.since = arguments.since_time
        self.site_urls = SiteUrls(self.origin, self.domains, arguments.base_url, trailing_slash=self.trailing_slash)
        self.site = Site(self.name, self.site_urls, ZoneInfo(self.timezone))
        #: recrawl everything, ignoring what is stored: by default for a copy of the site (base_url),
        #: whose content is not the live site's, unless full=0 asks for an incremental crawl of it
        self.full = arguments.full if arguments.full is not None else self.is_copy
        self.allowed_domains = self.site_urls.allowed_domains
        #: started from -a start_urls: a partial crawl
        self.custom_start = bool(arguments.start_urls)
        if arguments.start_urls:
            self.start_urls = [self._crawl_url(url) for url in arguments.start_urls]
        else:
            self.start_urls = [self.site_urls.base_url + path for path in self.entry_paths]
        self.frontier = Frontier(self.site_urls, self.can_be_article, self.count)
        self.reach = Reach()

    @property
    def is_copy(self) -> bool:
        """Whether this crawl fetches a copy of the site (``base_url``), not the live site."""
        return self.site_urls.base_url != self.site_urls.canonical_origin

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.is_copy:
            use_copy_database(crawler.settings, spider.name, spider.site_urls.base_url)
        min_words = crawler.settings.getint("NEWSCRAWL_MIN_BODY_WORDS")
        spider.extractor = ArticleExtractor(spider.site, spider.theme, min_words, spider.fallback_page)
        spider.max_links_per_page = crawler.settings.getint("NEWSCRAWL_MAX_LINKS_PER_PAGE")
        return spider

    extractor: ArticleExtractor
    #: new links (articles, further pages, sections) followed from one page that is not a sitemap
    max_links_per_page: int

    def count(self, key: str, value: int = 1) -> None:
        """Count *value* under the stat ``newscrawl/<key>``."""
        self.crawler.stats.inc_value(f"newscrawl/{key}", value)

    def _crawl_url(self, url: str) -> str:
        canonical = self.site_urls.canonical(url)
        return self.site_urls.to_crawl(canonical) if canonical else url

    async def start(self) -> AsyncIterator[Request]:
        storage = self.crawler.get_extension(Storage)
        if not self.full and storage is not None and storage.is_open:
            self.frontier.stored = storage.stored_articles(self.name, self.site_urls, self.count)
            logger.info("Incremental crawl of %s: stored articles are not fetched again unless changed", self.name)
        for url in self.start_urls:
            yield self.page_request(url, entry_point=True)

    def closed(self, reason: str) -> None:
        self.frontier.report(self.name)

    # --- what the platform refines ------------------------------------------------

    def can_be_article(self, canonical: str) -> bool:
        """Whether a canonical URL of the site can be an article (anything but the front page, here)."""
        return canonical.rstrip("/") != self.site_urls.canonical_origin

    def is_section(self, canonical: str) -> bool:
        """Whether a canonical URL is a section archive's first page (followed from any listing page)."""
        return False

    async def complete(self, article: Article, response: TextResponse) -> None:
        """Finish an article's item before it is yielded (e.g. resolve links that redirect)."""

    # --- requests -------------------------------------------------------------------

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

    def render_request(self, url: str, needs: NeedsRendering) -> Request:
        """A second request for *url*, through the headless browser, waiting for the body's words."""
        return browser_request(
            url,
            callback=self.parse,
            errback=self.on_error,
            wait_for=needs.body_css,
            min_words=needs.min_words,
            reason=needs.reason,
        )

    async def article_requests(
        self, hrefs: Iterable[str], base: str, budget: LinkBudget | None = None, ignored: Counter[str] | None = None
    ) -> list[Request]:
        urls = await self.frontier.articles(((href, None) for href in hrefs), base, ignored, budget)
        return [self.page_request(url) for url in urls]

    def link_budget(self) -> LinkBudget:
        """The new links one page (not a sitemap) may give: ``NEWSCRAWL_MAX_LINKS_PER_PAGE``."""
        return LinkBudget(self.max_links_per_page)

    def _say_capped(self, url: str, budget: LinkBudget) -> None:
        if budget.over:
            logger.warning(
                "Capped links on %s: followed %d new links, left out %d more (NEWSCRAWL_MAX_LINKS_PER_PAGE)",
                url,
                budget.spent,
                budget.over,
            )

    def _say_offsite(self, reason: str, what: str, elsewhere: list[str]) -> None:
        """Count links of a sitemap, robots.txt or feed that are not on the site under
        ``links/ignored/<reason>``, and say them in one line (the first few)."""
        if elsewhere:
            self.count(f"links/ignored/{reason}", len(elsewhere))
            shown = ", ".join(elsewhere[:_OFFSITE_SHOWN])
            more = f", and {len(elsewhere) - _OFFSITE_SHOWN} more" if len(elsewhere) > _OFFSITE_SHOWN else ""
            logger.warning("Ignored %d %s: not on the site (%s%s)", len(elsewhere), what, shown, more)

    # --- routing ----------------------------------------------------------------------

    async def parse(self, response: Response) -> AsyncIterator[Request | ArticleItem]:
        """Dispatch on what the response is: robots.txt, sitemap, feed, article or listing page.

        @article
        @returns items 1 1
        """
        if response.url.endswith("/robots.txt") and isinstance(response, TextResponse):
            for request in self.parse_robots(response):
                yield request
            return
        # By class, which Scrapy picks from the Content-Type, not by TextResponse: Scrapy
        # sniffs a body it has no class for (application/pdf) and may call it text.
        if not isinstance(response, (HtmlResponse, XmlResponse)):
            self.count("skipped/not_html")
            content_type = (response.headers.get("Content-Type") or b"no Content-Type").decode("latin-1")
            logger.warning("Skipped %s: not an HTML or XML page (%s)", response.url, content_type)
            return
        problems: Problems = []
        if isinstance(response, HtmlResponse):
            response, problems = readable(response)
        # The document element's name: an XML one's, else the HTML tree's the page objects read (no second parse).
        root = response.xpath("local-name(/*)").get() if isinstance(response, XmlResponse) else document(response).tag
        if root in ("sitemapindex", "urlset"):
            for request in await self.parse_sitemap(response):
                yield request
        elif root in ("rss", "feed", "RDF"):
            for request in await self.parse_feed(response):
                yield request
        else:
            async for result in self.parse_page(response, problems):
                yield result

    def parse_robots(self, response: TextResponse) -> Iterator[Request]:
        """The sitemaps robots.txt names (on the site), else the platform's usual ones."""
        self.count("pages/robots")
        yield from self.sitemap_requests(sitemap_urls_from_robots(response.body, base_url=response.url), response.url)

    def sitemap_requests(self, locations: Iterable[str], named_by: str) -> Iterator[Request]:
        """Requests for the sitemaps *named_by* robots.txt or a sitemap index: those on the site, on the
        crawled origin. Those elsewhere are counted, and said in one line."""
        elsewhere = []
        for location in locations:
            if self.site_urls.is_crawled_origin(url := self._crawl_url(location)):
                yield Request(url, callback=self.parse, errback=self.on_error)
            else:
                elsewhere.append(location)
        self._say_offsite("offsite_sitemap", f"sitemaps named by {named_by}", elsewhere)

    async def parse_sitemap(self, response: TextResponse) -> list[Request]:
        self.count("pages/sitemap")
        sitemap = Sitemap(response.body)
        if sitemap.type == "sitemapindex":
            locations = (entry.get("loc", "") for entry in sitemap)
            return list(self.sitemap_requests(filter(self.sitemap_follow.search, locations), response.url))
        entries = []
        for entry in sitemap:
            if self._is_recent(entry.get("lastmod")):
                entries.append((entry.get("loc", ""), entry.get("lastmod")))
            else:
                self.count("incremental/sitemap_skipped_since")
        elsewhere: list[str] = []
        urls = await self.frontier.articles(entries, response.url, offsite=elsewhere)
        self._say_offsite("offsite", f"entries of {response.url}", elsewhere)
        return [self.page_request(url) for url in urls]

    async def parse_feed(self, response: TextResponse) -> list[Request]:
        self.count("pages/feed")
        # RSS 2.0, RSS 1.0 (namespaced items) and Atom
        links = response.xpath(
            "//*[local-name()='item']/*[local-name()='link']/text() | //*[local-name()='entry']/*[local-name()='link']/@href"
        ).getall()
        budget = self.link_budget()
        elsewhere: list[str] = []
        urls = await self.frontier.articles(((link, None) for link in links), response.url, budget=budget, offsite=elsewhere)
        self._say_offsite("offsite", f"entries of {response.url}", elsewhere)
        self._say_capped(response.url, budget)
        return [self.page_request(url) for url in urls]

    async def parse_page(self, response: TextResponse, problems: Problems) -> AsyncIterator[Request | ArticleItem]:
        """Route a page on what extraction says it is. Everything wrong with a page is said in one
        line: why it is dropped, or that it has no date, with the *problems* met reading it."""
        rendered = bool(response.meta.get("playwright"))
        outcome = self.extractor.extract(response, datetime.now(UTC), problems, rendered=rendered)
        listing = self.theme.listing_page(response, self.site)
        if not isinstance(outcome, (Article, Stub)) and problems:
            self._count_problems(problems)
            logger.warning("Problem on %s: %s", response.url, "; ".join(map(_describe_problem, problems)))
        if isinstance(outcome, AmpCopy):
            self.count("skipped/amp_copy")
            if outcome.canonical_url:
                for request in await self.article_requests([outcome.canonical_url], response.url):
                    yield request
        elif isinstance(outcome, NotFound):
            self.count("skipped/soft_404")
            logger.warning("Skipped %s: the site's 404 page, served with status %d", response.url, response.status)
        elif isinstance(outcome, NotArticle):
            self.count("pages/listing")
            for request in await self.follow_listing(listing):
                yield request
        elif isinstance(outcome, LaterPage):
            self.count("skipped/later_page")
            for request in await self.article_requests([outcome.first_page_url], response.url):
                yield request
        elif isinstance(outcome, NeedsRendering):
            # The handler counts it under newscrawl/rendered/<reason> (or rendered/failed/...).
            logger.info("Rendering %s in the browser: %s", response.url, outcome.detail)
            yield self.render_request(response.url, outcome)
        elif isinstance(outcome, Stub):
            self.drop_stub(outcome, response)
        else:
            async for result in self.emit(outcome, response, listing):
                yield result

    def drop_stub(self, stub: Stub, response: TextResponse) -> None:
        """A page with no article to keep (rendered first if a script could have filled it in): counted, logged."""
        self._count_problems(stub.problems)
        self.count(f"dropped/{stub.reason}")
        why = "; ".join([_describe(stub.reason, stub.detail), *map(_describe_problem, stub.problems)])
        logger.warning("Dropped article page %s: %s", response.url, why)

    async def emit(self, article: Article, response: TextResponse, listing: ListingPage) -> AsyncIterator[Request | ArticleItem]:
        """An article's item, after requests for what it links: related articles, the modules around it."""
        await self.read_further_pages(article)
        self._count_problems(article.problems)
        await self.complete(article, response)
        item = article.item
        self.count(f"extractor/{item['extractor']}")
        if item["extractor"] != self.theme.name:
            logger.info(
                "Read %s with the %s extractor: the %s layout does not match it", item["url"], item["extractor"], self.theme.name
            )
        budget = self.link_budget()
        for request in await self.article_requests(item["related_urls"], response.url, budget):
            yield request
        # The article modules around it too ("Hot this week", "Latest"): a post linked only there is found.
        for request in await self.article_requests(listing.article_links(), listing.base_url, budget, Counter()):
            yield request
        self._say_capped(response.url, budget)
        problems = "; ".join(map(_describe_problem, article.problems))
        if item["published_at"] is None:
            self.count("date/missing_published_at")
            logger.warning("No publication date for %s%s", item["url"], f": {problems}" if problems else "")
        elif problems:
            logger.warning("Problem on %s: %s", response.url, problems)
        yield item

    async def read_further_pages(self, article: Article) -> None:
        """The rest of a post split into pages, fetched page by page, added to its body (one item, the first page's URL).

        Each is read as every page is (its encoding, its depth); one that cannot be fetched, or that is
        the site's 404 page or no article, leaves the body without it, as a ``missing_page`` problem.
        """
        item = article.item
        for url in article.page.further_pages():
            canonical = self.site_urls.canonical(url)
            if canonical is None:
                continue
            request = Request(self.site_urls.to_crawl(canonical), dont_filter=True)
            try:
                response = await self.crawler.engine.download_async(request)
            except Exception as exc:  # noqa: BLE001 - any download error is that page missing, not the article
                article.problems.append(("missing_page", f"{canonical}: {type(exc).__name__}"))
                continue
            if response.status != 200 or not isinstance(response, TextResponse):
                article.problems.append(("missing_page", f"{canonical}: HTTP {response.status}"))
                continue
            self.count("pages/post_page")
            further = self.extractor.continuation(response, datetime.now(UTC))
            article.problems.extend((kind, f"{canonical}: {detail}") for kind, detail in further.problems)
            if further.missing:
                article.problems.append(("missing_page", f"{canonical}: {further.missing}"))
                continue
            item["body"] = "\n\n".join([item["body"], *further.paragraphs])

    def _count_problems(self, problems: list[tuple[str, str]]) -> None:
        for kind, _ in problems:
            self.count(f"problems/{kind}")

    async def follow_listing(self, listing: ListingPage) -> list[Request]:
        """Article links of a listing page, its further pages and the section archives it links,
        within one budget of new links (``NEWSCRAWL_MAX_LINKS_PER_PAGE``): articles first.

        Links ignored (dead, more forms of an article already requested, over the budget) are
        summed up in one line.
        """
        base = listing.base_url
        ignored: Counter[str] = Counter()
        budget = self.link_budget()
        requests = await self.article_requests(listing.article_links(), base, budget, ignored)
        if await self._continue_pagination(listing):
            for href in listing.next_pages():
                if url := self.frontier.listing(href, base, ignored, budget):
                    requests.append(self.page_request(url))
        for href in listing.section_links():
            canonical = self.frontier.canonical(href, base, ignored)
            if canonical and self.is_section(canonical) and (url := self.frontier.listing(canonical, base, ignored, budget)):
                requests.append(self.page_request(url))
        self._say_capped(listing.response.url, budget)
        if ignored:
            summary = ", ".join(f"{count} {why}" for why, count in ignored.most_common())
            logger.debug("Ignored links on %s: %s", listing.response.url, summary)
        return requests

    async def _continue_pagination(self, listing: ListingPage) -> bool:
        """Whether an archive's next page is worth reading.

        Archives list newest first, so not when this page already reaches back
        before ``since``, nor, in an incremental crawl, when every article on it
        is already stored: further pages hold only older, stored ones.
        """
        dates = [d for d in map(parse_iso, listing.loop_dates()) if d]
        if self.since and dates and min(dates) < self.since:
            self.count("incremental/pagination_stopped_since")
            return False
        if await self.frontier.all_stored(listing.loop_links(), listing.base_url):
            self.count("incremental/pagination_stopped_stored")
            logger.debug("Every article on %s is stored: not following its next page", listing.response.url)
            return False
        return True

    def _is_recent(self, lastmod: str | None) -> bool:
        """Whether a sitemap entry is not older than ``since`` (entries without lastmod are)."""
        modified = parse_iso(lastmod) if lastmod else None
        return not (self.since and modified and modified < self.since)

    # --- accounting ---------------------------------------------------------------------

    def on_error(self, failure: Failure) -> None:
        """Count and log a failed request in one line; the crawl goes on."""
        request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        if request.meta.get("entry_point") and self.reach.unreachable(error):
            self._request_failed(request, type(error).__name__)
            if self.reach.all_failed(len(self.start_urls)):
                logger.error(self.reach.explain(self.name, self.site_urls.base_url, len(self.start_urls)))
                # Not by raising CloseSpider: Scrapy would log the download error once more, with its traceback.
                deferred_from_coro(self.crawler.engine.close_spider_async(reason=UNREACHABLE))
        elif isinstance(error, HttpError):
            retry_after = error.response.headers.get("Retry-After")
            detail = f"Retry-After {retry_after.decode('latin-1')}" if retry_after else ""
            self._request_failed(request, f"http_{error.response.status}", detail)
        elif isinstance(error, BadResponse):
            self._request_failed(request, error.reason, str(error), error.level)
        elif isinstance(error, DownloadTimeoutError):
            timeout = request.meta.get("download_timeout", self.settings.getfloat("DOWNLOAD_TIMEOUT"))
            self._request_failed(request, "timeout", f"no whole answer within {timeout:g} s")
        elif isinstance(error, DownloadCancelledError):
            # Only DOWNLOAD_MAXSIZE cancels downloads, and Scrapy's downloader has already said so at
            # WARNING, in one line with the URL and both sizes.
            self._request_failed(request, "too_large", level=logging.DEBUG)
        else:
            self._request_failed(request, type(error).__name__)

    def _request_failed(self, request: Request, reason: str, detail: str = "", level: int = logging.WARNING) -> None:
        """Count a request that gave nothing to read under ``request_failed/<reason>``; log it in one line."""
        self.count(f"request_failed/{reason}")
        retries = request.meta.get("retry_times", 0)
        after = f", after {retries} {'retry' if retries == 1 else 'retries'}" if retries else ""
        # After redirects, name the URL the crawl asked for: that is the link it followed.
        url = request.meta.get("redirect_urls", [request.url])[0]
        logger.log(level, "Request failed: %s (%s%s%s)", url, reason, f": {detail}" if detail else "", after)


def _describe(kind: str, detail: str) -> str:
    """``invalid date (31 Φεβρουαρίου 2025)``: a stat reason in words, with what it is about."""
    words = kind.replace("_", " ")
    return f"{words} ({detail})" if detail else words


def _describe_problem(problem: tuple[str, str]) -> str:
    return _describe(*problem)
