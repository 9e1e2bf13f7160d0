"""What a page publishes for machines: ``<meta>``/``<link>`` values, JSON-LD and microdata.

Read in one pass over the elements each needs: a selector per value would scan
the whole document each time, and a news page asks for a dozen of them.
Nothing here recurses over the page or its JSON-LD: both come from the site.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree
from lxml.etree import _Element as Element

#: schema.org types of an article's JSON-LD node
ARTICLE_TYPES = frozenset({"Article", "NewsArticle", "BlogPosting", "ReportageNewsArticle", "OpinionNewsArticle"})

Problems = list[tuple[str, str]]


@dataclass(frozen=True)
class PageMeta:
    """A page's ``<meta>`` and ``<link rel>`` values."""

    #: ``<meta property|name=KEY content>``: Open Graph, ``article:*``, description, author (keys lowercased)
    content: dict[str, str]
    #: ``<link rel=REL href>``
    links: dict[str, str]

    @classmethod
    def from_root(cls, root: Element) -> PageMeta:
        content: dict[str, str] = {}
        for meta in root.iter("meta"):
            value = (meta.get("content") or "").strip()
            if value and (key := meta.get("property") or meta.get("name")):
                content.setdefault(key.lower(), value)
        links: dict[str, str] = {}
        for link in root.iter("link"):
            if href := (link.get("href") or "").strip():
                for rel in (link.get("rel") or "").lower().split():
                    links.setdefault(rel, href)
        return cls(content, links)


def microdata(post: Element, list_modules: tuple[str, ...] = ()) -> dict[str, str]:
    """The microdata ``itemprop=KEY`` values of the post: ``content`` or ``datetime`` attributes (of any
    element: ``<meta>``, ``<time>``, ``<span content>``), an author's name.

    Read in the post's element only, and not in the theme's article lists inside it
    (*list_modules*: their classes), whose microdata describes other articles.
    """
    itemprops: dict[str, str] = {}
    for element in _ITEMPROPS(post):
        if (value := _itemprop_value(element)) and not _in_list_module(element, list_modules):
            itemprops.setdefault(element.get("itemprop"), value)
    return itemprops


_ITEMPROPS = etree.XPath("descendant-or-self::*[@itemprop]")


def _itemprop_value(element: Element) -> str | None:
    """A microdata value: ``content`` (``<meta>``, any element), ``datetime`` (``<time>``), else for an
    author a person's name, for a date the element's text.

    An ``author`` given as a nested Person item is its ``name`` property.
    """
    value = element.get("content") or element.get("datetime")
    if value is None and (prop := element.get("itemprop")) == "author":
        name = next(iter(_AUTHOR_NAME(element)), None)
        value = name.get("content") or _STRING(name) if name is not None else _STRING(element)
    elif value is None and prop in _DATE_PROPS:  # <span itemprop="dateModified">2025-09-04T18:40:00+03:00</span>
        value = _STRING(element)
    return value.strip() if value else None


_DATE_PROPS = frozenset({"datePublished", "dateModified"})


_AUTHOR_NAME = etree.XPath(".//*[@itemprop='name']")
_STRING = etree.XPath("string()", smart_strings=False)


def _in_list_module(element: Element, list_modules: tuple[str, ...]) -> bool:
    return any(any(name in (ancestor.get("class") or "") for name in list_modules) for ancestor in element.iterancestors())


def jsonld_nodes(root: Element, problems: Problems) -> Iterator[dict[str, Any]]:
    """The JSON-LD objects of a page: each script's top-level objects and their ``@graph`` members.

    A script that is not JSON, or nested deeper than the parser goes, is recorded
    as ``invalid_jsonld`` and passed over: the page's other sources remain.
    """
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError) as exc:
            problems.append(("invalid_jsonld", str(exc)[:200]))
            continue
        for node in data if isinstance(data, list) else [data]:
            if isinstance(node, dict):
                yield node
                graph = node.get("@graph")
                yield from (n for n in graph if isinstance(n, dict)) if isinstance(graph, list) else ()


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k for k in kinds if isinstance(k, str)}


def _text(value: Any) -> str | None:
    """A JSON-LD value the loader can take: a string, else nothing."""
    return value if isinstance(value, str) else None


def _names(value: Any, by_id: dict[str, dict[str, Any]]) -> list[str]:
    """Author names out of a JSON-LD author value: an object, a reference, a string, or a list of those.

    Lists inside lists are flattened with a stack of its own, however deep the site nests them.
    """
    names: list[str] = []
    stack = [value]
    while stack:
        entry = stack.pop()
        if isinstance(entry, str):
            names.append(entry)
        elif isinstance(entry, list):
            stack.extend(reversed(entry))
        elif isinstance(entry, dict):
            name = entry.get("name")
            if not isinstance(name, str) and isinstance(ref := entry.get("@id"), str):
                name = by_id.get(ref, {}).get("name")
            if isinstance(name, str):
                names.append(name)
    return names


def _count(value: Any) -> int | None:
    """A non-negative count (``wordCount``: a number, or a string of digits), else None."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",")]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


@dataclass(frozen=True)
class StructuredData:
    """The post's JSON-LD ``Article`` node, flattened to the values an article page needs."""

    headline: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    image: str | None = None
    #: the words the article declares it has (``wordCount``), its text once rendered
    word_count: int | None = None
    #: the publisher's name: a byline naming it names no writer
    publisher: str | None = None
    #: whether the page has an article node at all (a WordPress post marker of its own)
    is_article: bool = False

    @classmethod
    def from_root(cls, root: Element, problems: Problems) -> StructuredData:
        nodes = list(jsonld_nodes(root, problems))
        article = next((n for n in nodes if _types(n) & ARTICLE_TYPES), None)
        if article is None:
            return cls()
        by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
        image = article.get("thumbnailUrl") or article.get("image")
        if isinstance(image, list):
            image = image[0] if image else None
        if isinstance(image, dict):
            ref = image.get("@id")
            image = image.get("url") or (by_id.get(ref, {}).get("url") if isinstance(ref, str) else None)
        return cls(
            headline=_text(article.get("headline")),
            published=_text(article.get("datePublished")),
            modified=_text(article.get("dateModified")),
            authors=tuple(_names(article.get("author"), by_id)),
            sections=tuple(_as_list(article.get("articleSection"))),
            keywords=tuple(_as_list(article.get("keywords"))),
            image=image if isinstance(image, str) else None,
            word_count=_count(article.get("wordCount")),
            publisher=next(iter(_names(article.get("publisher"), by_id)), None),
            is_article=True,
        )
