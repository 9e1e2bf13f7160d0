"""A page in, a typed outcome out: an article, a stub, or not an article (and which kind).

Kept apart from navigation: the spider decides what to fetch and routes on the
outcome; this module only reads a page, through the theme's article page object,
once :func:`readable` has made its text what the bytes say, and its tree whole; or through
the fallback layout when the theme's does not match a post.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from scrapy.http import HtmlResponse, TextResponse

from newscrawl.encoding import codec_name, decode_page
from newscrawl.items import ArticleItem
from newscrawl.markup import MAX_DEPTH, ends_deep, flatten
from newscrawl.news.document import document
from newscrawl.news.metadata import Problems
from newscrawl.news.pages import ArticlePage, Theme
from newscrawl.news.site import Site
from newscrawl.text import repair_mojibake

#: what items read by the fallback layout carry in ``extractor``
FALLBACK = "fallback"

#: A body with fewer words than this share of the ``wordCount`` the page declares is not all there yet.
DECLARED_WORDS_SHARE = 0.5


def readable(response: HtmlResponse) -> tuple[HtmlResponse, Problems]:
    """*response* as every reader of the page is to see it, and the problems met making it so.

    Its text is decided by its bytes (:func:`~newscrawl.encoding.decode_page`), with what
    does not decode dropped and counted as ``undecodable``; a page nested deeper
    than the parser builds is flattened (:mod:`newscrawl.markup`) and counted as ``deep_markup``.
    """
    problems: Problems = []
    content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
    decoded = decode_page(response.body, content_type)
    if decoded.dropped:
        problems.append(("undecodable", f"{decoded.dropped} characters that are not {decoded.encoding} dropped"))
    if decoded.dropped or decoded.encoding != codec_name(response.encoding):
        response = response.replace(body=decoded.text.encode("utf-8"), encoding="utf-8")
    if ends_deep(document(response)):
        flat, dropped = flatten(response.text)
        response = response.replace(body=flat.encode("utf-8"), encoding="utf-8")
        problems.append(("deep_markup", f"{dropped} tags nested deeper than {MAX_DEPTH} levels left out, their text kept"))
    return response, problems


@dataclass(frozen=True)
class NotArticle:
    """A listing, home, archive or other page: read for its links."""


@dataclass(frozen=True)
class NotFound:
    """The site's "page not found" page, served with whatever status."""


@dataclass(frozen=True)
class AmpCopy:
    """An AMP copy of an article, naming the article's own URL."""

    canonical_url: str | None


@dataclass(frozen=True)
class LaterPage:
    """Page 2 or later of a post split into pages: the post is read from its first page."""

    first_page_url: str


@dataclass(frozen=True)
class Stub:
    """An article page with no article to keep (yet): no title, no body, a body too short.

    ``reason`` names it in stats (``newscrawl/dropped/<reason>``); ``detail`` says
    what was seen. Its item holds what could be read.
    """

    item: ArticleItem
    reason: str
    detail: str = ""
    problems: Problems = field(default_factory=list)


@dataclass(frozen=True)
class NeedsRendering:
    """An article page, as served, whose text a script fills in: to be read again from the browser.

    ``reason`` (counted as ``newscrawl/rendered/<reason>`` once rendered): ``no_body``,
    ``placeholder`` (a spinner or "Loading…" where the text goes), ``short_of_word_count``
    (far fewer words than the page's JSON-LD ``wordCount``).
    """

    item: ArticleItem
    reason: str
    detail: str
    #: CSS selector of the body, and how many words it must hold before the rendered page is read
    body_css: str
    min_words: int


@dataclass(frozen=True)
class Article:
    item: ArticleItem
    #: the page object that read it, for what the platform wants of the page beyond the item (a post id)
    page: ArticlePage
    #: (kind, detail) of recoverable problems: invalid JSON-LD, bad dates, mojibake (repaired), several <h1>
    problems: Problems = field(default_factory=list)


@dataclass(frozen=True)
class FurtherPage:
    """What page 2 or later of a post split into pages adds to its body."""

    paragraphs: list[str]
    #: (kind, detail) of problems met reading it (an encoding, deep markup, mojibake)
    problems: Problems = field(default_factory=list)
    #: why it adds nothing, when it is no page of the post
    missing: str = ""


Outcome = NotArticle | NotFound | AmpCopy | LaterPage | Stub | NeedsRendering | Article


class ArticleExtractor:
    """Reads the pages of one site with its theme's article page object.

    *fallback* reads the posts whose page the theme's layout does not match (no body
    container where the theme has one): its platform's generic article page.
    """

    def __init__(self, site: Site, theme: Theme, min_body_words: int, fallback: type[ArticlePage] | None = None):
        self.site = site
        self.theme = theme
        #: articles with fewer words are stubs (a placeholder, a video's caption)
        self.min_body_words = min_body_words
        self.fallback = fallback

    def page(self, response: TextResponse, now: datetime) -> ArticlePage:
        return self.theme.article_page(response, self.site, now)

    def extract(
        self, response: TextResponse, now: datetime, problems: Sequence[tuple[str, str]] = (), rendered: bool = False
    ) -> Outcome:
        """What *response* is. *problems* met reading it (:func:`readable`) go with an article or a stub;
        *rendered*: it comes from the browser, so a script had its chance to fill it."""
        page = self.page(response, now)
        if page.is_amp():
            return AmpCopy(page.canonical_url())
        if page.is_not_found():
            return NotFound()
        if not page.is_article():
            return NotArticle()
        if first_page := page.first_page_url():
            return LaterPage(first_page)
        page, extractor = self.read(response, now, page)
        page.problems[:0] = problems
        item = page.to_item(extractor)
        if not item["title"]:
            return Stub(item, "no_title", problems=page.problems)
        if not rendered and (render := self._render_reason(page, item)):
            return render
        if not item["body"]:
            detail = "only a loading placeholder" if page.body_text.placeholder else ""
            return Stub(item, "no_body", detail, page.problems)
        words = len(item["body"].split())
        if words < self.min_body_words:
            return Stub(item, "short_body", f"{words} words, fewer than {self.min_body_words}", page.problems)
        return Article(item, page, page.problems)

    def read(self, response: TextResponse, now: datetime, page: ArticlePage | None = None) -> tuple[ArticlePage, str]:
        """The page object that reads a post, and its name: the theme's (*page*, if given), or the fallback
        when its layout does not match."""
        text, repaired = repair_mojibake(response.text)
        if repaired:
            response = response.replace(body=text, encoding="utf-8")
        if repaired or page is None:
            page = self.page(response, now)
        extractor = self.theme.name
        if self.fallback is not None and not page.matches_layout():
            page, extractor = self.fallback(response, self.site, now), FALLBACK
        if repaired:
            page.problems.append(("mojibake", f"{repaired} double-encoded runs repaired"))
        return page, extractor

    def continuation(self, response: TextResponse, now: datetime) -> FurtherPage:
        """Page 2 or later of a post split into pages, read as every page is (:func:`readable` first);
        ``missing`` says why it adds nothing when it is the site's 404 page or no article at all."""
        problems: Problems = []
        if isinstance(response, HtmlResponse):
            response, problems = readable(response)
        page = self.page(response, now)
        if page.is_not_found():
            return FurtherPage([], problems, "the site's 404 page")
        if not page.is_article():
            return FurtherPage([], problems, "not an article page")
        page, _ = self.read(response, now, page)
        return FurtherPage(page.body(), [*problems, *page.problems])

    def _render_reason(self, page: ArticlePage, item: ArticleItem) -> NeedsRendering | None:
        words = len((item["body"] or "").split())
        declared = page.data.word_count
        wanted = max(self.min_body_words, math.ceil((declared or 0) * DECLARED_WORDS_SHARE))
        # A loader beside a body that already holds its words is a widget's (a poll, a video), not the text's.
        if page.body_text.placeholder and words < wanted:
            reason, detail = "placeholder", f"the body shows a loading placeholder ({words} words)"
        elif not item["body"]:
            reason, detail = "no_body", "no body text in the served page"
        elif declared and words < declared * DECLARED_WORDS_SHARE and not page.further_pages():
            reason, detail = "short_of_word_count", f"{words} words of the {declared} the page declares"
        else:
            return None
        return NeedsRendering(item, reason, detail, ", ".join(page.body_css), wanted)
