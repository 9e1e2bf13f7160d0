"""What every page object has: its response, its site, and reading values off its tree."""

from __future__ import annotations

from functools import cached_property

from lxml.etree import _Element as Element
from scrapy.http import TextResponse

from newscrawl.news.document import document
from newscrawl.news.selectors import select, values
from newscrawl.news.site import Site
from newscrawl.urls import join_url

#: CSS selectors tried in order, the first that gives a value winning
Selectors = tuple[str, ...]


def page_base_url(response: TextResponse) -> str:
    """The URL relative links on *response* resolve against: its first ``<base href>``, else its own URL.

    Not Scrapy's ``response.urljoin``: that looks for ``<base>`` in the first
    4,096 characters only, and a WordPress ``<head>`` is longer than that.
    """
    # lxml's own tag iterator: what a selector would find, for a fraction of the cost on every page.
    href = next((h for base in document(response).iter("base") if (h := base.get("href"))), None)
    return (join_url(response.url, href) or response.url) if href else response.url


class Page:
    """What every page object has: the response, the site, and reading values off the page.

    Values are read with compiled selectors (:mod:`newscrawl.news.selectors`) from
    lxml elements: ``root`` is the page, ``scope`` where its fields are looked for.
    """

    def __init__(self, response: TextResponse, site: Site):
        self.response = response
        self.site = site

    @cached_property
    def root(self) -> Element:
        return document(self.response)

    @cached_property
    def base_url(self) -> str:
        return page_base_url(self.response)

    @cached_property
    def scope(self) -> Element:
        """Where fields are looked for: the whole page here; an article page narrows it to the post."""
        return self.root

    def texts(self, css: str, within: Element | None = None) -> list[str]:
        """Values of *css*: attribute/text pseudo-elements as selected, elements as their full text."""
        return values(css, self.scope if within is None else within)

    def select(self, css: str, within: Element) -> list[Element]:
        """The elements *css* matches in *within*."""
        return select(css, within)

    def first_texts(self, selectors: Selectors, within: Element | None = None) -> list[str]:
        """The values of the first selector in *selectors* that gives a non-blank one."""
        for css in selectors:
            found = self.texts(css, within)
            if any(v.strip() for v in found):
                return found
        return []
