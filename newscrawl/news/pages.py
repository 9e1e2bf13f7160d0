"""Page objects: one per kind of page, each field a method a platform, theme or site can override.

In the spirit of web-poet: an :class:`ArticlePage` turns one response into an
article item, a :class:`ListingPage` tells the spider where the page leads.
This layer knows what every news site publishes for machines (``<meta>``,
JSON-LD, microdata, AMP); the selectors of the visible page are class
attributes a theme sets (:mod:`newscrawl.themes`), and any field can be
replaced by overriding its method::

    class MyArticlePage(NewspaperArticlePage):
        def authors(self) -> list[str | None]:
            return self.texts(".my-byline a")

Field methods return values in order of trust, raw; :class:`ArticleLoader`
cleans them and keeps the first good one, so a source that gives nothing
usable (an impossible date) leaves the field to the next.
"""

from __future__ import annotations

from dataclasses import dataclass

from newscrawl.news.article import ArticlePage
from newscrawl.news.listing import ListingPage
from newscrawl.news.page import Page, Selectors, page_base_url

__all__ = ["ArticlePage", "ListingPage", "Page", "Selectors", "Theme", "page_base_url"]


@dataclass(frozen=True)
class Theme:
    """A theme's page objects: how its article pages and listing pages are read."""

    name: str
    article_page: type[ArticlePage]
    listing_page: type[ListingPage]
