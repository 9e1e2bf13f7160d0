"""The fallback layout: a WordPress post that the site's theme layout does not match.

A redesign, or a section served by another theme, leaves the theme's selectors
with nothing to read. Such a post is still read: its metadata from what it
publishes for machines (JSON-LD, meta tags, microdata) and from what WordPress
prints whatever the theme (``rel=author``, ``rel="category tag"``, ``rel=tag``,
``time.published``/``time.updated``, the post's page links); its text by
trafilatura, on the post element, with the same boilerplate rules as every
theme. Dates, language and the item are then made as for any page.
"""

from __future__ import annotations

import logging
from typing import ClassVar

import lxml.html
import trafilatura
from lxml import etree
from lxml.etree import _Element as Element
from trafilatura.settings import Document

from newscrawl.news.body import LINK_LISTS, BodyText, is_placeholder, take_credits
from newscrawl.news.pages import Selectors
from newscrawl.news.selectors import xpath_of
from newscrawl.text import clean_text
from newscrawl.wordpress.pages import WordPressArticlePage

# trafilatura warns of each page it finds no text in; the extractor counts and logs those pages itself.
logging.getLogger("trafilatura").setLevel(logging.ERROR)


class FallbackArticlePage(WordPressArticlePage):
    """Any WordPress post: machine-readable metadata first, trafilatura for the text."""

    post_scope: ClassVar[str] = "article"
    title_css: ClassVar[Selectors] = ("h1.entry-title", "h1")
    #: a standfirst: a paragraph after the headline in the post's header
    subtitle_css: ClassVar[Selectors] = ("header h1 ~ p",)
    #: where the text is, for the browser to wait on when a script fills it in
    body_css: ClassVar[Selectors] = (".entry-content", "article", "main")
    authors_css: ClassVar[Selectors] = ("a[rel~=author]", ".byline .author", ".byline")
    published_css: ClassVar[Selectors] = ("time.published::attr(datetime)", "time.entry-date::attr(datetime)")
    modified_css: ClassVar[Selectors] = ("time.updated::attr(datetime)",)
    categories_css: ClassVar[Selectors] = ("a[rel~=category]",)
    tags_css: ClassVar[Selectors] = ("a[rel~=tag]:not([rel~=category])",)
    image_css: ClassVar[Selectors] = ("img.wp-post-image::attr(src)",)
    #: related-post blocks of themes and plugins (Jetpack, YARPP, Contextual Related Posts), after the post
    related_css: ClassVar[Selectors] = (
        "#jp-relatedposts a::attr(href)",
        ".yarpp-related a::attr(href)",
        ".crp_related a::attr(href)",
        "[class*=related-posts] a::attr(href)",
    )

    def title(self) -> list[str | None]:
        return [self.data.headline, self.meta.content.get("og:title"), *self.first_texts(self.title_css)]

    def categories(self) -> list[str | None]:
        return list(self.data.sections) or list(self.first_texts(self.categories_css))

    def tags(self) -> list[str | None]:
        return list(self.data.keywords) or list(self.first_texts(self.tags_css))

    def read_body(self, within: Element) -> BodyText:
        """trafilatura's text of the post element, boilerplate pruned first; credit lines taken off."""
        # trafilatura reads lxml.html trees only: the post's subtree, as one (fallback pages are few).
        document = trafilatura.bare_extraction(
            lxml.html.fromstring(etree.tostring(within, encoding="unicode")),
            fast=True,
            with_metadata=False,
            include_comments=False,
            include_images=False,
            prune_xpath=_pruned(self.boilerplate_css, self.placeholder_css),
        )
        text = document.text if isinstance(document, Document) and document.text else ""
        found = [line for raw in text.splitlines() if (line := clean_text(raw))]
        paragraphs = [paragraph for paragraph in found if not is_placeholder(paragraph)]
        return take_credits(paragraphs, placeholder=len(paragraphs) < len(found))


def _pruned(*css: str) -> list[str]:
    """XPath expressions of what trafilatura removes before it looks for the text."""
    return [*(xpath_of(selector) for selector in css if selector), LINK_LISTS.path]
