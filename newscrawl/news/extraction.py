"""A page in, a typed outcome out: an article, a stub, or not an article (and which kind).

Kept apart from navigation: the spider decides what to fetch and routes on the
outcome; this module only reads a page, through the theme's article page object,
once :func:`readable` has made its text what the bytes say, and its tree whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from scrapy.http import HtmlResponse, TextResponse

from newscrawl.encoding import codec_name, decode_page
from newscrawl.items import ArticleItem
from newscrawl.markup import MAX_DEPTH, ends_deep, flatten
from newscrawl.news.metadata import Problems
from newscrawl.news.pages import ArticlePage, Theme
from newscrawl.news.site import Site
from newscrawl.text import repair_mojibake


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
    if ends_deep(response.selector.root):
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
class Article:
    item: ArticleItem
    #: the page object that read it, for what the platform wants of the page beyond the item (a post id)
    page: ArticlePage
    #: (kind, detail) of recoverable problems: invalid JSON-LD, bad dates, mojibake (repaired), several <h1>
    problems: Problems = field(default_factory=list)


Outcome = NotArticle | NotFound | AmpCopy | Stub | Article


class ArticleExtractor:
    """Reads the pages of one site with its theme's article page object."""

    def __init__(self, site: Site, theme: Theme, min_body_words: int):
        self.site = site
        self.theme = theme
        #: articles with fewer words are stubs (a placeholder, a video's caption)
        self.min_body_words = min_body_words

    def page(self, response: TextResponse, now: datetime) -> ArticlePage:
        return self.theme.article_page(response, self.site, now)

    def extract(self, response: TextResponse, now: datetime, problems: Sequence[tuple[str, str]] = ()) -> Outcome:
        """What *response* is; *problems* met reading it (:func:`readable`) go with an article or a stub."""
        page = self.page(response, now)
        if page.is_amp():
            return AmpCopy(page.canonical_url())
        if page.is_not_found():
            return NotFound()
        if not page.is_article():
            return NotArticle()
        text, repaired = repair_mojibake(response.text)
        if repaired:
            page = self.page(response.replace(body=text, encoding="utf-8"), now)
            page.problems.append(("mojibake", f"{repaired} double-encoded runs repaired"))
        page.problems[:0] = problems
        item = page.to_item()
        if not item["title"]:
            return Stub(item, "no_title", problems=page.problems)
        if not item["body"]:
            return Stub(item, "no_body", problems=page.problems)
        words = len(item["body"].split())
        if words < self.min_body_words:
            return Stub(item, "short_body", f"{words} words, fewer than {self.min_body_words}", page.problems)
        return Article(item, page, page.problems)
