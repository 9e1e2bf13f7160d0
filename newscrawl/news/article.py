"""The article page object: what a page is (article, AMP copy, 404, something else) and each item field.

Field methods return values in order of trust, raw; :class:`~newscrawl.news.loader.ArticleLoader`
cleans them and keeps the first good one, so a source that gives nothing usable (an impossible
date) leaves the field to the next.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache, cached_property
from itertools import chain
from typing import ClassVar

from lxml.etree import _Element as Element
from scrapy.http import TextResponse

from newscrawl.bylines import writers
from newscrawl.items import ArticleItem
from newscrawl.news.body import NOT_FOUND, BodyText, outermost, read_containers
from newscrawl.news.loader import ArticleLoader
from newscrawl.news.metadata import PageMeta, Problems, StructuredData, microdata
from newscrawl.news.page import Page, Selectors
from newscrawl.news.selectors import ClassIndex, exists, leading_classes, leading_classes_of, select
from newscrawl.news.site import Site
from newscrawl.urls import join_url


class ArticlePage(Page):
    """An article page: what it is (article, AMP copy, 404, something else) and each item field."""

    #: the page is an AMP copy, which carries rel=canonical back to the article
    amp_markers: ClassVar[str] = "html[amp], html[⚡]"
    #: the page is an article...
    article_markers: ClassVar[str] = "article"
    #: ...unless one of these says otherwise
    not_article_markers: ClassVar[str] = ""
    #: the site's "page not found" page, whatever its HTTP status
    not_found_markers: ClassVar[str] = ""
    #: the element holding the post (header, text, tags): fields are looked for inside it, which
    #: spares a scan of the whole page per field; the whole page when it lacks the headline
    post_scope: ClassVar[str] = "article"
    title_css: ClassVar[Selectors] = ("h1",)
    subtitle_css: ClassVar[Selectors] = ()
    #: the element(s) holding the article text; when none is on a post, the theme's layout does not match it
    body_css: ClassVar[Selectors] = ()
    #: what is never article text inside the body: ads, share and follow widgets, newsletter boxes,
    #: embeds, related boxes, page navigation
    boilerplate_css: ClassVar[str] = ""
    #: what a body shows while a script has yet to fill it in: spinners, loaders
    placeholder_css: ClassVar[str] = "[class*=loader], [class*=spinner], [aria-busy=true]"
    #: author names of the post header, per byline variant, in order of trust
    authors_css: ClassVar[Selectors] = ()
    #: author names of the author box after the post, trusted after the header and the body's credit lines
    author_box_css: ClassVar[Selectors] = ()
    #: machine-readable dates (``datetime`` attributes) of the post header
    published_css: ClassVar[Selectors] = ()
    modified_css: ClassVar[Selectors] = ()
    #: the visible date of the post header, in the site's timezone: used only without a machine-readable one
    visible_date_css: ClassVar[Selectors] = ()
    categories_css: ClassVar[Selectors] = ()
    tags_css: ClassVar[Selectors] = ()
    image_css: ClassVar[Selectors] = ()
    #: links of the "Related Articles" block, looked for in the whole page (often after the post)
    related_css: ClassVar[Selectors] = ()
    #: classes of the theme's lists of other articles, whose microdata is not the post's
    list_module_classes: ClassVar[tuple[str, ...]] = ()

    def __init__(self, response: TextResponse, site: Site, now: datetime):
        super().__init__(response, site)
        self.now = now
        #: (kind, detail) of recoverable problems met while reading the page (bad JSON-LD, bad dates)
        self.problems: Problems = []

    # --- reading the post ------------------------------------------------------

    @cached_property
    def scope_index(self) -> ClassIndex:
        """The post's elements by class: the theme's selectors, nearly all led by a class, start from them
        (see :class:`~newscrawl.news.selectors.ClassIndex`)."""
        return ClassIndex(self.scope, self.indexed_classes())

    @classmethod
    @cache
    def indexed_classes(cls) -> frozenset[str]:
        """The classes leading the selectors this page object declares: the ones :attr:`scope_index` indexes."""
        declared = [value for name in dir(cls) if name.endswith(("_css", "_markers")) for value in _strings(getattr(cls, name))]
        return leading_classes_of(declared)

    def texts(self, css: str, within: Element | None = None) -> list[str]:
        if leading_classes(css):
            if within is None or within is self.scope:
                if (found := self.scope_index.values(css)) is not None:
                    return found
            elif any(name not in self.response.text for name in leading_classes(css)):
                return []  # a class the page's source never names: nothing to look for
        return super().texts(css, within)

    def select(self, css: str, within: Element) -> list[Element]:
        if within is self.scope and (found := self.scope_index.matches(css)) is not None:
            return found
        return super().select(css, within)

    # --- what the page is ----------------------------------------------------

    def is_amp(self) -> bool:
        return exists(self.amp_markers, self.root)

    def is_not_found(self) -> bool:
        return bool(self.not_found_markers) and exists(self.not_found_markers, self.root)

    def is_article(self) -> bool:
        """Whether the page is an article: its markers, else what it tells machines (``og:type``, JSON-LD)."""
        if self.not_article_markers and exists(self.not_article_markers, self.root):
            return False
        return exists(self.article_markers, self.root) or self.declares_article()

    def declares_article(self) -> bool:
        """Whether the page tells machines it is an article: ``og:type=article`` or a JSON-LD article node."""
        return self.meta.content.get("og:type") == "article" or self.data.is_article

    def matches_layout(self) -> bool:
        """Whether the layout's body containers are on the page: if not, another layout serves it."""
        return self.body_text.found

    def first_page_url(self) -> str | None:
        """On page N > 1 of a post split into pages, the post's first page; else None."""
        return None

    def further_pages(self) -> list[str]:
        """On the first page of a post split into pages, the URLs of the next ones in order."""
        return []

    # --- what the page publishes for machines --------------------------------

    @cached_property
    def meta(self) -> PageMeta:
        return PageMeta.from_root(self.root)

    @cached_property
    def itemprops(self) -> dict[str, str]:
        """The post's microdata (see :func:`~newscrawl.news.metadata.microdata`)."""
        return microdata(self.scope, self.list_module_classes)

    @cached_property
    def data(self) -> StructuredData:
        return StructuredData.from_root(self.root, self.problems)

    @cached_property
    def scope(self) -> Element:
        post = next(iter(select(self.post_scope, self.root)), None) if self.post_scope else None
        if post is None or not any(select(css, post) for css in self.title_css):  # the headline is elsewhere:
            return self.root  # so may the rest be
        return post

    def canonical_url(self) -> str | None:
        """The page's own canonical URL: ``rel=canonical``, ``og:url``, else the fetched URL.

        A declared URL off the site (a ``<base href>`` elsewhere, a syndicated copy
        naming its source) is passed over: the item's URL is always on the site.
        """
        urls = self.site.urls
        for declared in (self.meta.links.get("canonical"), self.meta.content.get("og:url")):
            if declared and (absolute := join_url(self.base_url, declared)):
                urls.learn_permalink(absolute)
                if url := urls.canonical(absolute):
                    return url
        return urls.canonical(self.response.url)

    # --- fields ---------------------------------------------------------------

    def url(self) -> str | None:
        return self.canonical_url()

    def title(self) -> list[str | None]:
        return [*self.first_texts(self.title_css), self.data.headline, self.meta.content.get("og:title")]

    def description(self) -> list[str | None]:
        content = self.meta.content
        return [*self.first_texts(self.subtitle_css), content.get("description"), content.get("og:description")]

    def body(self) -> list[str]:
        """The article text as paragraphs (a byline opening it and a credit line closing it taken off)."""
        return self.body_text.paragraphs

    def authors(self) -> list[str]:
        """The writers, from the first source that names one, in order of trust: the theme's header
        bylines, a byline opening the body or a credit line closing it, the author box, JSON-LD, the
        ``author`` meta tag, microdata. A source naming only a desk or the site ("Staff", "Σύνταξη")
        gives way to a later one that names a writer, and is kept when none does."""
        reading = self.body_text
        return writers(
            chain(
                (self.texts(css) for css in self.authors_css),
                [reading.opening_byline, reading.closing_credit],
                (self.texts(css) for css in self.author_box_css),
                [list(self.data.authors), [self.meta.content.get("author")], [self.itemprops.get("author")]],
            ),
            self.site_names(),
        )

    def site_names(self) -> tuple[str, ...]:
        """What the site calls itself (``og:site_name``, the JSON-LD publisher): a byline naming it names no writer."""
        return tuple(name for name in (self.meta.content.get("og:site_name"), self.data.publisher) if name)

    def published_at(self) -> list[str | None]:
        """Machine-readable publication dates, in order of trust (UTC or with an offset)."""
        return [
            self.data.published,
            self.meta.content.get("article:published_time"),
            *self.first_texts(self.published_css),
            self.itemprops.get("datePublished"),
        ]

    def visible_published_at(self) -> list[str]:
        """The date as the page shows it, in the site's timezone: asked only when no machine-readable one is good."""
        return self.first_texts(self.visible_date_css)

    def modified_at(self) -> list[str | None]:
        return [
            self.data.modified,
            self.meta.content.get("article:modified_time"),
            *self.first_texts(self.modified_css),
            self.itemprops.get("dateModified"),
        ]

    def categories(self) -> list[str | None]:
        return _first_non_empty(chain((self.texts(css) for css in self.categories_css), [list(self.data.sections)]))

    def tags(self) -> list[str | None]:
        return _first_non_empty(chain((self.texts(css) for css in self.tags_css), [list(self.data.keywords)]))

    def image_url(self) -> list[str | None]:
        return [self.meta.content.get("og:image"), *self.first_texts(self.image_css), self.data.image]

    def related_urls(self) -> list[str]:
        return self.first_texts(self.related_css, within=self.root)

    # --- the item ---------------------------------------------------------------

    def to_item(self, extractor: str) -> ArticleItem:
        """The article item; *extractor* names what read it (the theme, or the fallback)."""
        loader = ArticleLoader(
            site_urls=self.site.urls,
            base_url=self.base_url,
            timezone=self.site.timezone,
            now=self.now,
            date_problems=self.problems,
        )
        loader.add_value("url", self.url())
        loader.add_value("site", self.site.name)
        loader.add_value("title", self.title())
        loader.add_value("description", self.description())
        loader.add_value("body", self.body())
        loader.add_value("authors", self.authors())
        loader.add_value("published_at", self.published_at())
        if not loader.get_collected_values("published_at"):
            loader.add_value("published_at", self.visible_published_at())
        loader.add_value("modified_at", self.modified_at())
        title = loader.get_output_value("title") or ""
        loader.add_value("language", f"{title}\n{loader.get_output_value('body') or ''}")
        loader.add_value("categories", self.categories())
        loader.add_value("tags", self.tags())
        loader.add_value("image_url", self.image_url())
        loader.add_value("related_urls", self.related_urls())
        loader.add_value("source_url", self.response.url)
        loader.add_value("crawled_at", self.now)
        loader.add_value("extractor", extractor)
        if (headings := sum(1 for _ in self.root.iter("h1"))) > 1:
            # The theme's title selectors decide; a second <h1> (a logo, a heading in the text) is not the title.
            self.problems.append(("multiple_h1", f"{headings} <h1> elements, title {title!r}"))
        return loader.load_item()

    # --- the body -----------------------------------------------------------------

    @cached_property
    def body_text(self) -> BodyText:
        """The body as read from the post, else from anywhere on the page."""
        reading = self.read_body(self.scope)
        if not reading.paragraphs and self.scope is not self.root:
            whole_page = self.read_body(self.root)
            reading = whole_page if whole_page.found else reading
        return reading

    def read_body(self, within: Element) -> BodyText:
        """The text of the first of ``body_css`` found in *within*."""
        for css in self.body_css:
            if containers := outermost(self.select(css, within)):
                index = self.scope_index if within is self.scope else None
                return read_containers(containers, self.boilerplate_css, self.placeholder_css, index)
        return NOT_FOUND


def _strings(value: object) -> list[str]:
    """A declared selector, or each of a tuple of them."""
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, tuple) else []


def _first_non_empty(candidates: Iterable[Sequence[str | None]]) -> list[str | None]:
    """The first candidate list with a non-blank value; candidates after it are never computed."""
    for candidate in candidates:
        if any(v and v.strip() for v in candidate):
            return list(candidate)
    return []
