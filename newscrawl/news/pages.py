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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from itertools import chain
from typing import ClassVar

from parsel import Selector, SelectorList
from scrapy.http import TextResponse

from newscrawl.bylines import split_byline
from newscrawl.items import ArticleItem
from newscrawl.news.loader import ArticleLoader
from newscrawl.news.metadata import PageMeta, Problems, StructuredData
from newscrawl.news.site import Site
from newscrawl.text import clean_text, element_set, paragraphs
from newscrawl.urls import join_url

Selectors = tuple[str, ...]


def page_base_url(response: TextResponse) -> str:
    """The URL relative links on *response* resolve against: its first ``<base href>``, else its own URL.

    Not Scrapy's ``response.urljoin``: that looks for ``<base>`` in the first
    4,096 characters only, and a WordPress ``<head>`` is longer than that.
    """
    # lxml's own tag iterator: what a selector would find, for a fraction of the cost on every page.
    href = next((h for base in response.selector.root.iter("base") if (h := base.get("href"))), None)
    return (join_url(response.url, href) or response.url) if href else response.url


class Page:
    """What every page object has: the response, the site, and reading values off the page."""

    def __init__(self, response: TextResponse, site: Site):
        self.response = response
        self.site = site

    @cached_property
    def base_url(self) -> str:
        return page_base_url(self.response)

    @cached_property
    def scope(self) -> Selector:
        """Where fields are looked for: the whole page here; an article page narrows it to the post."""
        return self.response.selector

    def texts(self, css: str, within: Selector | None = None) -> list[str]:
        """Values of *css*: attribute/text pseudo-elements as selected, elements as their full text."""
        matches = (within or self.scope).css(css)
        return matches.getall() if "::" in css else [m.xpath("string()").get() or "" for m in matches]

    def first_texts(self, selectors: Selectors, within: Selector | None = None) -> list[str]:
        """The values of the first selector in *selectors* that gives a non-blank one."""
        for css in selectors:
            values = self.texts(css, within)
            if any(v.strip() for v in values):
                return values
        return []


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
    #: the element(s) holding the article text
    body_css: ClassVar[Selectors] = ()
    #: what is never article text inside the body: ads, share widgets, embeds, related boxes
    boilerplate_css: ClassVar[str] = ""
    #: author names of the post header, per byline variant, in order of trust
    authors_css: ClassVar[Selectors] = ()
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

    # --- what the page is ----------------------------------------------------

    def is_amp(self) -> bool:
        return bool(self.response.css(self.amp_markers))

    def is_not_found(self) -> bool:
        return bool(self.not_found_markers and self.response.css(self.not_found_markers))

    def is_article(self) -> bool:
        if self.not_article_markers and self.response.css(self.not_article_markers):
            return False
        return bool(self.response.css(self.article_markers))

    # --- what the page publishes for machines --------------------------------

    @cached_property
    def meta(self) -> PageMeta:
        return PageMeta.from_root(self.response.selector.root, self.list_module_classes)

    @cached_property
    def data(self) -> StructuredData:
        return StructuredData.from_root(self.response.selector.root, self.problems)

    @cached_property
    def scope(self) -> Selector:
        post = next(iter(self.response.css(self.post_scope)), None) if self.post_scope else None
        if post is None or not any(post.css(css) for css in self.title_css):  # the headline is elsewhere:
            return self.response.selector  # so may the rest be
        return post

    def canonical_url(self) -> str | None:
        """The page's own canonical URL: ``rel=canonical``, ``og:url``, else the fetched URL.

        A declared URL off the site (a ``<base href>`` elsewhere, a syndicated copy
        naming its source) is passed over: the item's URL is always on the site.
        """
        urls = self.site.urls
        for declared in (self.meta.links.get("canonical"), self.meta.content.get("og:url")):
            if declared and (url := urls.canonical(join_url(self.base_url, declared) or "")):
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
        """The article text as paragraphs (a byline at its start taken off, see :meth:`authors`)."""
        return self._text_and_byline[0]

    def authors(self) -> list[str | None]:
        """Names from the first source that has one: the theme's bylines, a byline opening the body,
        JSON-LD, the ``author`` meta tag."""
        candidates: Iterable[Sequence[str | None]] = chain(
            (self.texts(css) for css in self.authors_css),
            [self._text_and_byline[1], list(self.data.authors), [self.meta.content.get("author")]],
        )
        return _first_non_empty(candidates)

    def published_at(self) -> list[str | None]:
        """Machine-readable publication dates, in order of trust (UTC or with an offset)."""
        return [
            self.data.published,
            self.meta.content.get("article:published_time"),
            *self.first_texts(self.published_css),
            self.meta.itemprops.get("datePublished"),
        ]

    def visible_published_at(self) -> list[str]:
        """The date as the page shows it, in the site's timezone: asked only when no machine-readable one is good."""
        return self.first_texts(self.visible_date_css)

    def modified_at(self) -> list[str | None]:
        return [
            self.data.modified,
            self.meta.content.get("article:modified_time"),
            *self.first_texts(self.modified_css),
            self.meta.itemprops.get("dateModified"),
        ]

    def categories(self) -> list[str | None]:
        return _first_non_empty(chain((self.texts(css) for css in self.categories_css), [list(self.data.sections)]))

    def tags(self) -> list[str | None]:
        return _first_non_empty(chain((self.texts(css) for css in self.tags_css), [list(self.data.keywords)]))

    def image_url(self) -> list[str | None]:
        return [self.meta.content.get("og:image"), *self.first_texts(self.image_css), self.data.image]

    def related_urls(self) -> list[str]:
        return self.first_texts(self.related_css, within=self.response.selector)

    # --- the item ---------------------------------------------------------------

    def to_item(self) -> ArticleItem:
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
        if (headings := sum(1 for _ in self.response.selector.root.iter("h1"))) > 1:
            # The theme's title selectors decide; a second <h1> (a logo, a heading in the text) is not the title.
            self.problems.append(("multiple_h1", f"{headings} <h1> elements, title {title!r}"))
        return loader.load_item()

    # --- the body -----------------------------------------------------------------

    @cached_property
    def _text_and_byline(self) -> tuple[list[str], list[str]]:
        text, byline = self._read_body(self.scope)
        if not text and self.scope is not self.response.selector:
            text, byline = self._read_body(self.response.selector)
        return text, byline

    def _read_body(self, within: Selector) -> tuple[list[str], list[str]]:
        """The body's paragraphs, and the authors of a byline split off its first paragraph."""
        for css in self.body_css:
            containers = _outermost(within.css(css))
            if not containers:
                continue
            found: list[str] = []
            for container in containers:
                boilerplate = container.css(self.boilerplate_css) if self.boilerplate_css else []
                found.extend(paragraphs(container.root, element_set(s.root for s in boilerplate)))
            if found and (byline := _split_lead_byline(containers, found[0])):
                authors, rest = byline
                return ([rest, *found[1:]] if rest else found[1:]), authors
            return found, []
        return [], []


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


@dataclass(frozen=True)
class Theme:
    """A theme's page objects: how its article pages and listing pages are read."""

    name: str
    article_page: type[ArticlePage]
    listing_page: type[ListingPage]


def _first_non_empty(candidates: Iterable[Sequence[str | None]]) -> list[str | None]:
    """The first candidate list with a non-blank value; candidates after it are never computed."""
    for values in candidates:
        if any(v and v.strip() for v in values):
            return list(values)
    return []


def _outermost(matches: SelectorList[Selector]) -> SelectorList[Selector]:
    """The matches not inside another match: a body selector can also match blocks nested in the body."""
    roots = {match.root for match in matches}
    return SelectorList(m for m in matches if not any(a in roots for a in m.root.iterancestors()))


def _split_lead_byline(containers: SelectorList[Selector], first_paragraph: str) -> tuple[list[str], str] | None:
    """A byline at the start of the body; an emphasised lead (``<p><strong>Του …</strong> text``) marks its end."""
    lead = containers.xpath("(.//p)[1][not(normalize-space(text()[1]))]/*[1][self::strong or self::b or self::em or self::i]")
    emphasised = clean_text(lead[0].xpath("string()").get()) if lead else None
    if emphasised and first_paragraph.startswith(emphasised):
        byline = split_byline(emphasised)
        if byline and not byline[1]:
            return byline[0], first_paragraph[len(emphasised) :].lstrip(" ,:")
    return split_byline(first_paragraph)
