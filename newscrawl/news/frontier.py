"""Which links of a page become requests: the one owner of this run's article requests.

Every link goes through :meth:`Frontier.articles` or :meth:`Frontier.listing`:
resolved against the page, canonicalised (:class:`~newscrawl.urls.SiteUrls`,
the owner of URL identity), checked against what the platform says can be an
article, against the articles already requested in this run under any of their
URL forms, and, in an incremental crawl, against what is stored: the articles
a page links to are looked up in the store together, before any is decided.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime

from newscrawl.incremental import StoredArticles
from newscrawl.urls import SiteUrls, join_url

logger = logging.getLogger(__name__)

#: URL schemes of links that lead to no page, counted by name; any other non-web scheme is "other_scheme"
_NAMED_SCHEMES = frozenset({"javascript", "mailto", "tel"})
#: a link, and when a sitemap says its page was last modified (None for links of pages and feeds)
Link = tuple[str, str | datetime | None]


class LinkBudget:
    """How many new links one page may still give (``NEWSCRAWL_MAX_LINKS_PER_PAGE``): to articles,
    and to listing pages (further pages, sections).

    A news front page links a few hundred articles and a few dozen sections; a
    page offering thousands of new links is a trap (or a sitemap, which has no
    budget). Links over it are counted and not requested, nor marked as
    requested: another page may still lead to them.
    """

    def __init__(self, limit: int):
        self.limit = limit
        self.spent = 0
        #: new links left out
        self.over = 0

    def spend(self) -> bool:
        """Take one link from the budget; False (and counted) when there is none left."""
        if self.spent >= self.limit:
            self.over += 1
            return False
        self.spent += 1
        return True


def dead_link(href: str) -> str | None:
    """Why *href* leads to no page ("fragment", "javascript", "mailto", "tel", "other_scheme"); None for a web link."""
    if not href or href.startswith("#"):
        return "fragment"
    scheme = href.split(":", 1)[0].lower() if ":" in href.split("/", 1)[0] else ""
    if scheme in ("", "http", "https"):
        return None
    return scheme if scheme in _NAMED_SCHEMES else "other_scheme"


class Frontier:
    """The article URLs of one run: what can be an article, what was requested, what is stored.

    :param can_be_article: whether a canonical URL of the site can be an article (the platform's rule)
    :param count: counts a stat under ``newscrawl/`` (links ignored, stored articles skipped)
    """

    def __init__(self, urls: SiteUrls, can_be_article: Callable[[str], bool], count: Callable[[str], None]):
        self.urls = urls
        self.can_be_article = can_be_article
        self.count = count
        #: what is stored, in an incremental crawl (nothing in a full one)
        self.stored = StoredArticles(urls)
        #: keys of the articles requested in this run
        self._requested: set[str] = set()
        #: keys of the listing pages requested in this run (through :meth:`listing`)
        self._listings: set[str] = set()
        #: keys of stored articles not requested because they are current
        self._spared: set[str] = set()
        #: keys of URLs that redirect to an article (shortlinks) -> that article's canonical URL
        self._aliases: dict[str, str] = {}

    def canonical(
        self, href: str, base: str, ignored: Counter[str] | None = None, offsite: list[str] | None = None
    ) -> str | None:
        """The canonical URL *href* leads to; None (counted) for links to no page, and None off the site
        (appended to *offsite*, when given, for the caller to count and say)."""
        href = href.strip()
        if why := dead_link(href):
            self.ignore(why, ignored)
            return None
        if (absolute := join_url(base, href)) is None:
            self.ignore("malformed", ignored)
            return None
        canonical = self.urls.canonical(absolute)
        if canonical is None and offsite is not None:
            offsite.append(absolute)
        return canonical

    def ignore(self, why: str, ignored: Counter[str] | None) -> None:
        self.count(f"links/ignored/{why}")
        if ignored is not None:
            ignored[why] += 1

    def alias(self, alias: str, url: str) -> None:
        """Remember that *alias* (a shortlink) leads to the article at *url*."""
        self._aliases[self.urls.key(alias)] = url

    def resolve(self, url: str) -> str:
        """The article *url* leads to, when it is a known alias; else *url* itself."""
        return self._aliases.get(self.urls.key(url), url)

    def is_known_alias(self, url: str) -> bool:
        return self.urls.key(url) in self._aliases

    async def articles(
        self,
        links: Iterable[Link],
        base: str,
        ignored: Counter[str] | None = None,
        budget: LinkBudget | None = None,
        offsite: list[str] | None = None,
    ) -> list[str]:
        """The URLs to request for links that may be articles, in link order: those with something to fetch.

        Nothing to fetch: the link cannot be an article, leads to no page (counted),
        leads to an article already requested under another form (a tracking
        parameter, another domain; counted as ``duplicate``), to a stored article
        unchanged since (per the link's lastmod, a sitemap's; counted under
        ``incremental/skipped_stored``), or is a new article over the page's *budget*
        (counted as ``over_page_cap``). *ignored* sums the counted ones for the caller's log line;
        *offsite*, when given, receives the links off the site. The articles are looked up in the
        store together, before any is decided.
        """
        candidates = []
        for href, lastmod in links:
            canonical = self.canonical(href, base, ignored, offsite)
            if canonical is not None and self.can_be_article(canonical):
                # a shortlink already resolved: its article, maybe stored
                candidates.append((self.resolve(canonical), lastmod))
        await self.stored.look_up(self.urls.key(canonical) for canonical, _ in candidates)
        return [url for canonical, lastmod in candidates if (url := self._decide(canonical, lastmod, ignored, budget))]

    def _decide(
        self, canonical: str, lastmod: str | datetime | None, ignored: Counter[str] | None, budget: LinkBudget | None
    ) -> str | None:
        key = self.urls.key(canonical)
        if key in self._requested:
            self.ignore("duplicate", ignored)
            return None
        if self.stored.is_current(key, lastmod):
            self.count("incremental/skipped_stored")
            self._spared.add(key)
            return None
        if budget is not None and not budget.spend():
            self.ignore("over_page_cap", ignored)
            return None
        self._requested.add(key)
        return self.urls.to_crawl(canonical)

    def listing(self, href: str, base: str, ignored: Counter[str] | None = None, budget: LinkBudget | None = None) -> str | None:
        """The URL to request for a link to a listing page (archive, next page).

        None off the site, for a listing already requested in this run (Scrapy's
        duplicate filter would drop it), and for a new one over the page's *budget*
        (counted as ``over_page_cap``).
        """
        canonical = self.canonical(href, base, ignored)
        if canonical is None or "?" in canonical or (key := self.urls.key(canonical)) in self._listings:
            return None
        if budget is not None and not budget.spend():
            self.ignore("over_page_cap", ignored)
            return None
        self._listings.add(key)
        return self.urls.to_crawl(canonical)

    async def all_stored(self, hrefs: list[str], base: str) -> bool:
        """Whether every one of *hrefs* is a stored article (an archive page with nothing new)."""
        keys = [self.urls.key(url) for href in hrefs if (url := self.canonical(href, base))]
        await self.stored.look_up(keys)
        return bool(keys) and all(key in self.stored for key in keys)

    def report(self, site: str) -> None:
        """Say what the store spared this run, at its end (an incremental crawl only)."""
        if self.stored.enabled:
            spared = len(self._spared - self._requested)
            logger.info("Incremental crawl: %d stored articles of %s were not fetched again", spared, site)
            self.stored.report_unreadable(site)
