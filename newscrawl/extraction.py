"""Article extraction: an HTML response in, a loaded :class:`ArticleItem` out.

Kept apart from navigation (the spider decides what to fetch; this module
only reads a page). Sources for each field are tried in order of trust:
structured data the site publishes (JSON-LD, Open Graph/``article:*`` meta),
then the theme's markup, then text conventions (a byline at the top of the body).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from itertools import chain
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from lxml.html import HtmlElement
from parsel import Selector, SelectorList
from scrapy.http import TextResponse

from newscrawl.items import ArticleItem
from newscrawl.loaders import ArticleLoader
from newscrawl.text import clean_text, element_set, paragraphs, repair_mojibake, split_byline
from newscrawl.themes import PageLayout
from newscrawl.urls import SiteUrls, join_url

logger = logging.getLogger(__name__)

_ARTICLE_TYPES = frozenset({"Article", "NewsArticle", "BlogPosting", "ReportageNewsArticle", "OpinionNewsArticle"})
# Classes of the list modules (sidebars, related blocks) whose microdata describes other articles.
_LIST_MODULE_CLASSES = ("td_module", "tdb_module")


@dataclass
class Extraction:
    """What reading one page gave: the item, if it is an article, and what went wrong."""

    item: ArticleItem | None
    #: what relative links on the page resolve against (see :func:`page_base_url`)
    base_url: str
    #: why the page is not an article ("not_article", "amp_copy", "no_title", "no_body")
    skipped: str | None = None
    #: the page's canonical URL even when it is not an article (AMP copies point to the post)
    canonical_url: str | None = None
    #: (kind, detail) of recoverable problems: invalid JSON-LD, impossible, unparseable or future
    #: dates, mojibake (repaired), several ``<h1>``
    problems: list[tuple[str, str]] = field(default_factory=list)


def page_base_url(response: TextResponse) -> str:
    """The URL relative links on *response* resolve against: its first ``<base href>``, else its own URL.

    Not Scrapy's ``response.urljoin``: that looks for ``<base>`` in the first
    4,096 characters only, and a WordPress ``<head>`` is longer than that.
    """
    # lxml's own tag iterator: what a selector would find, for a fraction of the cost on every page.
    href = next((h for base in response.selector.root.iter("base") if (h := base.get("href"))), None)
    return (join_url(response.url, href) or response.url) if href else response.url


@dataclass(frozen=True)
class PageMeta:
    """A page's ``<meta>`` and ``<link rel>`` values, read in one pass over those elements.

    A selector per value would scan the whole document each time; a news page
    asks for a dozen of them.
    """

    #: ``<meta property|name=KEY content>``: Open Graph, ``article:*``, description, author (keys lowercased)
    content: dict[str, str]
    #: ``<link rel=REL href>``
    links: dict[str, str]
    #: microdata ``<meta itemprop=KEY content>`` of the post itself, not of list modules around it
    itemprops: dict[str, str]

    @classmethod
    def from_root(cls, root: HtmlElement) -> PageMeta:
        content: dict[str, str] = {}
        itemprops: dict[str, str] = {}
        for meta in root.iter("meta"):
            value = (meta.get("content") or "").strip()
            if not value:
                continue
            if key := meta.get("property") or meta.get("name"):
                content.setdefault(key.lower(), value)
            elif (prop := meta.get("itemprop")) and not _in_list_module(meta):
                itemprops.setdefault(prop, value)
        links: dict[str, str] = {}
        for link in root.iter("link"):
            if href := (link.get("href") or "").strip():
                for rel in (link.get("rel") or "").lower().split():
                    links.setdefault(rel, href)
        return cls(content, links, itemprops)


def _in_list_module(element: HtmlElement) -> bool:
    return any(
        any(name in (ancestor.get("class") or "") for name in _LIST_MODULE_CLASSES) for ancestor in element.iterancestors()
    )


def _jsonld_nodes(root: HtmlElement, problems: list[tuple[str, str]]) -> Iterator[dict[str, Any]]:
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = script.text or ""
        try:
            data = json.loads(raw)
        except ValueError as exc:
            problems.append(("invalid_jsonld", str(exc)))
            continue
        stack = data if isinstance(data, list) else [data]
        for node in stack:
            if isinstance(node, dict):
                yield node
                yield from (n for n in node.get("@graph", ()) if isinstance(n, dict))


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k for k in kinds if isinstance(k, str)}


def _node(by_id: dict[str, dict[str, Any]], node_id: Any) -> dict[str, Any]:
    """The node a JSON-LD ``{"@id": …}`` reference names (empty when it names none)."""
    return by_id.get(node_id, {}) if isinstance(node_id, str) else {}


def _text(value: Any) -> str | None:
    """A JSON-LD value the loader can take: a string, else nothing."""
    return value if isinstance(value, str) else None


def _names(value: Any, by_id: dict[str, dict[str, Any]]) -> list[str]:
    """Author names out of a JSON-LD author value (object, reference, list or string)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [name for entry in value for name in _names(entry, by_id)]
    if isinstance(value, dict):
        name = value.get("name") or _node(by_id, value.get("@id")).get("name")
        return [name] if isinstance(name, str) else []
    return []


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",")]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


@dataclass(frozen=True)
class StructuredData:
    """The post's JSON-LD ``Article`` node, flattened to the values the loader needs."""

    headline: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    image: str | None = None

    @classmethod
    def from_page(cls, root: HtmlElement, problems: list[tuple[str, str]]) -> StructuredData:
        nodes = list(_jsonld_nodes(root, problems))
        article = next((n for n in nodes if _types(n) & _ARTICLE_TYPES), None)
        if article is None:
            return cls()
        by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
        image = article.get("thumbnailUrl") or article.get("image")
        if isinstance(image, list):
            image = image[0] if image else None
        if isinstance(image, dict):
            image = image.get("url") or _node(by_id, image.get("@id")).get("url")
        return cls(
            headline=_text(article.get("headline")),
            published=_text(article.get("datePublished")),
            modified=_text(article.get("dateModified")),
            authors=tuple(_names(article.get("author"), by_id)),
            sections=tuple(_as_list(article.get("articleSection"))),
            keywords=tuple(_as_list(article.get("keywords"))),
            image=image if isinstance(image, str) else None,
        )


class ArticleExtractor:
    """Reads articles of one site: its URLs, its page layout and its timezone."""

    def __init__(self, site: str, site_urls: SiteUrls, layout: PageLayout, timezone: ZoneInfo):
        self.site = site
        self.site_urls = site_urls
        self.layout = layout
        self.timezone = timezone

    def canonical_url(self, response: TextResponse, base_url: str, meta: PageMeta | None = None) -> str | None:
        """The page's own canonical URL: ``rel=canonical``, ``og:url``, else the fetched URL.

        A declared URL off the site (a ``<base href>`` elsewhere, a syndicated copy
        naming its source) is passed over: the item's URL is always on the site.
        """
        meta = meta or PageMeta.from_root(response.selector.root)
        for declared in (meta.links.get("canonical"), meta.content.get("og:url")):
            if declared and (url := self.site_urls.canonical(join_url(base_url, declared) or "")):
                return url
        return self.site_urls.canonical(response.url)

    def is_article(self, response: TextResponse) -> bool:
        return bool(response.css(self.layout.article_page)) and not response.css(self.layout.not_article_page)

    def extract(self, response: TextResponse, now: datetime) -> Extraction:
        base_url = page_base_url(response)
        meta = PageMeta.from_root(response.selector.root)
        canonical = self.canonical_url(response, base_url, meta)
        if response.css(self.layout.amp_page):
            return Extraction(None, base_url, skipped="amp_copy", canonical_url=canonical)
        if not self.is_article(response):
            return Extraction(None, base_url, skipped="not_article", canonical_url=canonical)
        problems: list[tuple[str, str]] = []
        text, repaired = repair_mojibake(response.text)
        if repaired:
            response = response.replace(body=text, encoding="utf-8")
            meta = PageMeta.from_root(response.selector.root)
            problems.append(("mojibake", f"{repaired} double-encoded runs repaired"))
        data = StructuredData.from_page(response.selector.root, problems)
        layout = self.layout
        post = next(iter(response.css(layout.post_scope)), response.selector)
        if not any(post.css(css) for css in layout.title):  # the headline is elsewhere: so may the rest be
            post = response.selector
        loader = ArticleLoader(
            selector=post,  # the post's element: a second parse of the page otherwise, and a scan of all of it
            response=response,
            site_urls=self.site_urls,
            base_url=base_url,
            timezone=self.timezone,
            now=now,
            date_problems=problems,
        )
        loader.add_value("url", canonical)
        loader.add_value("site", self.site)
        _add_first_css(loader, "title", layout.title)
        loader.add_value("title", data.headline)
        loader.add_value("title", meta.content.get("og:title"))
        _add_first_css(loader, "description", layout.subtitle)
        loader.add_value("description", meta.content.get("description"))
        loader.add_value("description", meta.content.get("og:description"))

        body, byline = self._body(post)
        if not body and post is not response.selector:
            body, byline = self._body(response.selector)
        loader.add_value("body", body)
        _add_first_non_empty(
            loader,
            "authors",
            chain(
                (_texts(post, css) for css in layout.authors),
                [byline, list(data.authors), [meta.content.get("author")]],
            ),
        )
        self._add_dates(loader, meta, data)
        title = loader.get_output_value("title") or ""
        if (headings := sum(1 for _ in response.selector.root.iter("h1"))) > 1:
            # The layout's title selectors decide; a second <h1> (a logo, a heading in the text) is not the title.
            problems.append(("multiple_h1", f"{headings} <h1> elements, title {title!r}"))
        loader.add_value("language", f"{title}\n{loader.get_output_value('body') or ''}")
        _add_first_non_empty(
            loader, "categories", chain((_texts(post, c) for c in layout.categories), [list(data.sections)])
        )
        _add_first_non_empty(loader, "tags", chain((_texts(post, c) for c in layout.tags), [list(data.keywords)]))
        loader.add_value("image_url", meta.content.get("og:image"))
        _add_first_css(loader, "image_url", layout.image)
        loader.add_value("image_url", data.image)
        _add_first_css(loader, "related_urls", layout.related_links, within=response.selector)  # often after the post
        loader.add_value("source_url", response.url)
        loader.add_value("crawled_at", now)
        item = loader.load_item()
        if not item["title"]:
            return Extraction(item, base_url, skipped="no_title", canonical_url=canonical, problems=problems)
        if not item["body"]:
            return Extraction(item, base_url, skipped="no_body", canonical_url=canonical, problems=problems)
        return Extraction(item, base_url, canonical_url=canonical, problems=problems)

    def _body(self, within: Selector) -> tuple[list[str], list[str]]:
        """The body's paragraphs, and the authors of a byline split off its first paragraph."""
        for css in self.layout.body:
            containers = _outermost(within.css(css))
            if not containers:
                continue
            found: list[str] = []
            for container in containers:
                is_boilerplate = element_set(s.root for s in container.css(self.layout.body_boilerplate))
                found.extend(paragraphs(container.root, is_boilerplate))
            if found and (byline := _split_lead_byline(containers, found[0])):
                authors, rest = byline
                return ([rest, *found[1:]] if rest else found[1:]), authors
            return found, []
        return [], []

    def _add_dates(self, loader: ArticleLoader, meta: PageMeta, data: StructuredData) -> None:
        """Dates in order of trust; the visible header date only when nothing machine-readable exists."""
        layout = self.layout
        loader.add_value("published_at", data.published)
        loader.add_value("published_at", meta.content.get("article:published_time"))
        _add_first_css(loader, "published_at", layout.header_published)
        loader.add_value("published_at", meta.itemprops.get("datePublished"))
        if not loader.get_collected_values("published_at"):
            _add_first_css(loader, "published_at", layout.header_visible_date)
        loader.add_value("modified_at", data.modified)
        loader.add_value("modified_at", meta.content.get("article:modified_time"))
        _add_first_css(loader, "modified_at", layout.header_modified)
        loader.add_value("modified_at", meta.itemprops.get("dateModified"))


def _outermost(matches: SelectorList) -> SelectorList:
    """The matches not inside another match: a body selector can also match blocks nested in the body."""
    roots = {match.root for match in matches}
    return SelectorList(m for m in matches if not any(a in roots for a in m.root.iterancestors()))


def _split_lead_byline(containers: SelectorList, first_paragraph: str) -> tuple[list[str], str] | None:
    """A byline at the start of the body; an emphasised lead (``<p><strong>Του …</strong> text``) marks its end."""
    lead = containers.xpath("(.//p)[1][not(normalize-space(text()[1]))]/*[1][self::strong or self::b or self::em or self::i]")
    emphasised = clean_text(lead[0].xpath("string()").get()) if lead else None
    if emphasised and first_paragraph.startswith(emphasised):
        byline = split_byline(emphasised)
        if byline and not byline[1]:
            return byline[0], first_paragraph[len(emphasised) :].lstrip(" ,:")
    return split_byline(first_paragraph)


def _add_first_css(
    loader: ArticleLoader, field_name: str, selectors: tuple[str, ...], within: Selector | None = None
) -> None:
    """Add the values of the first selector in *selectors* that matches anything (in the loader's element)."""
    for css in selectors:
        values = _texts(within or loader.selector, css)
        if any(v.strip() for v in values):
            loader.add_value(field_name, values)
            return


def _texts(selector: Selector, css: str) -> list[str]:
    """Values of *css*: attribute/text pseudo-elements as selected, elements as their full text."""
    matches = selector.css(css)
    return matches.getall() if "::" in css else [m.xpath("string()").get() for m in matches]


def _add_first_non_empty(loader: ArticleLoader, field_name: str, candidates: Iterable[list[str | None]]) -> None:
    """Add the first candidate list that has a non-blank value (list fields have no TakeFirst).

    *candidates* may be lazy: the ones after the first match are never computed.
    """
    for values in candidates:
        if any(v and v.strip() for v in values):
            loader.add_value(field_name, values)
            return
