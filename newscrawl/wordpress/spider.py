"""The spider of a WordPress news site: its entry points, routes and shortlinks.

A site on WordPress subclasses :class:`WordPressSpider` and declares its facts
(name, origin, domains, timezone, theme). Everything here holds for any
WordPress site, whatever its permalink structure, theme or SEO plugin.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import ClassVar

from scrapy.http import Request, Response, TextResponse

from newscrawl.items import ArticleItem
from newscrawl.news.extraction import Article
from newscrawl.news.pages import ArticlePage
from newscrawl.news.spider import NewsSiteSpider
from newscrawl.themes.fallback import FallbackArticlePage
from newscrawl.wordpress.pages import WordPressArticlePage
from newscrawl.wordpress.routes import can_be_post, is_section, shortlink_id

logger = logging.getLogger(__name__)


class WordPressSpider(NewsSiteSpider):
    #: a post the theme's layout does not match is read from its metadata and by trafilatura
    fallback_page: ClassVar[type[ArticlePage] | None] = FallbackArticlePage
    #: the front page, robots.txt (which names the sitemaps) and the RSS feed of the latest posts
    entry_paths: ClassVar[tuple[str, ...]] = ("/", "/robots.txt", "/feed/")
    #: the sitemap indexes of Yoast SEO (and Rank Math) and of WordPress itself (5.5+), tried when
    #: robots.txt names none
    sitemap_paths: ClassVar[tuple[str, ...]] = ("/sitemap_index.xml", "/wp-sitemap.xml")
    #: the posts' sitemaps of an index: Yoast's post-sitemapN.xml, core's wp-sitemap-posts-post-N.xml
    sitemap_follow: ClassVar[re.Pattern[str]] = re.compile(r"/(?:post-sitemap\d*|wp-sitemap-posts-post-\d+)\.xml$")

    def can_be_article(self, canonical: str) -> bool:
        return can_be_post(canonical)

    def is_section(self, canonical: str) -> bool:
        return is_section(canonical)

    def parse_robots(self, response: TextResponse) -> Iterator[Request]:
        requests = list(super().parse_robots(response))
        if not requests:
            logger.debug("%s names no sitemap: trying %s", response.url, ", ".join(self.sitemap_paths))
            base = self.site_urls.base_url
            # One of them is missing on any site: a 404 there is expected, not a failure.
            meta = {"handle_httpstatus_list": [404]}
            requests = [
                Request(base + path, callback=self.parse_probed_sitemap, errback=self.on_error, meta=meta)
                for path in self.sitemap_paths
            ]
        yield from requests

    async def parse_probed_sitemap(self, response: Response) -> AsyncIterator[Request | ArticleItem]:
        """A sitemap index tried at its usual path: read if it is there; if not (404), that is said at
        DEBUG, not counted as a skipped page."""
        if response.status == 404:
            logger.debug("No sitemap at %s (404): the site does not have this one", response.url)
            return
        async for result in self.parse(response):
            yield result

    async def complete(self, article: Article, response: TextResponse) -> None:
        """Remember the post's ``?p=N`` shortlink, and resolve the shortlinks among its related links."""
        item = article.item
        if isinstance(article.page, WordPressArticlePage) and (post_id := article.page.post_id()):
            self.frontier.alias(f"{self.site_urls.canonical_origin}/?p={post_id}", item["url"])
        resolved = []
        for url in item["related_urls"]:
            if shortlink_id(url) and not self.frontier.is_known_alias(url) and (target := await self._follow_shortlink(url)):
                self.frontier.alias(url, target)
            resolved.append(self.frontier.resolve(url))
        item["related_urls"] = list(dict.fromkeys(resolved))

    async def _follow_shortlink(self, shortlink: str) -> str | None:
        """The post a shortlink redirects to (one GET, redirect not followed), or the post it serves in place."""
        request = Request(
            self.site_urls.to_crawl(shortlink),
            meta={"dont_redirect": True, "handle_httpstatus_all": True},
            dont_filter=True,
        )
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # noqa: BLE001 - any download error leaves the shortlink as it is
            self.count("shortlinks/unresolved")
            logger.warning("Could not resolve shortlink %s: %s", shortlink, exc)
            return None
        location = (response.headers.get("Location") or b"").decode("latin-1")
        target = None
        if 300 <= response.status < 400 and location:
            target = self.frontier.canonical(location, response.url)
        elif response.status == 200 and isinstance(response, TextResponse):  # served in place
            named = self.extractor.page(response, datetime.now(UTC)).canonical_url()
            target = named if named and not shortlink_id(named) else None
        if target:
            self.count("shortlinks/resolved")
        else:
            self.count("shortlinks/unresolved")
            logger.warning("Could not resolve shortlink %s: %s", shortlink, _unresolved(response.status, location))
        return target


def _unresolved(status: int, location: str) -> str:
    """Why a shortlink's answer names no post of the site."""
    if 300 <= status < 400:
        return f"HTTP {status} to {location}, not on the site" if location else f"HTTP {status} without a Location"
    if status == 200:
        return "HTTP 200, a page that names no post"
    return f"HTTP {status}"
