"""The listing page object: where a page leads."""

from __future__ import annotations

from typing import ClassVar

from newscrawl.news.page import Page


class ListingPage(Page):
    """Where a page leads: links to articles, to the next page of an archive, to other sections.

    Every page has these (an article page's "Latest" modules too); an archive
    also has its own list of articles, newest first, with their dates, which
    tells an incremental crawl when to stop paging.
    """

    #: links to articles anywhere on the page (archive lists, sidebars, modules)
    article_links_css: ClassVar[str] = "article a::attr(href)"
    #: the archive's own list of articles, not its sidebars, and their machine-readable dates
    loop_links_css: ClassVar[str] = ""
    loop_dates_css: ClassVar[str] = ""
    #: the link to the archive's next page, else its numbered pages
    next_page_css: ClassVar[str] = "link[rel=next]::attr(href)"
    pagination_css: ClassVar[str] = ""
    #: links to section archives
    section_links_css: ClassVar[str] = ""

    def article_links(self) -> list[str]:
        return self.texts(self.article_links_css)

    def loop_links(self) -> list[str]:
        return self.texts(self.loop_links_css) if self.loop_links_css else []

    def loop_dates(self) -> list[str]:
        return self.texts(self.loop_dates_css) if self.loop_dates_css else []

    def next_pages(self) -> list[str]:
        """The next page of an archive; without a "next" link, every numbered page."""
        following = self.texts(self.next_page_css)[:1] if self.next_page_css else []
        return following or (self.texts(self.pagination_css) if self.pagination_css else [])

    def section_links(self) -> list[str]:
        return self.texts(self.section_links_css) if self.section_links_css else []
