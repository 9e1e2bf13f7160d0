"""Markup nested deeper than the parser builds: flattened, so that the page keeps its text.

libxml2 (under lxml, parsel and Scrapy) builds no element beyond 2,048 levels
of nesting (256 without ``huge_tree``) and drops everything after that point of
the document: an article whose body holds a block nested 3,000 deep loses the
rest of its text, its tags and its related links at parse time, although the
page is fine to a browser. Such a parse is cheap to tell, as the last element of
the tree is then the deepest (:func:`ends_deep`); only then is the page read with
a streaming tokenizer and written again without the tags nested beyond
:data:`MAX_DEPTH`, keeping their text (:func:`flatten`), to be parsed again.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

from lxml.etree import _Element as Element

#: Deepest nesting kept (a news page nests 20 to 40 deep); a parse that ends this deep was cut.
MAX_DEPTH = 512
# Elements without content, and elements whose content is not text (dropped with them when too deep).
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_RAW = frozenset("script style template noscript".split())
# Elements a repeated start tag closes (<li>a<li>b): not one more level of nesting.
_SIBLINGS = frozenset("p li dt dd tr td th option".split())


def end_depth(root: Element) -> int:
    """How deep the last element of the tree under *root* is nested (following last children only)."""
    depth, element = 0, root
    while len(element):
        element, depth = element[-1], depth + 1
    return depth


def ends_deep(root: Element) -> bool:
    """Whether the parse of a page ends deeper than :data:`MAX_DEPTH`: the parser stopped at its limit."""
    return end_depth(root) > MAX_DEPTH


class _Flattener(HTMLParser):
    """Writes the page again as it reads it, leaving out the tags beyond the depth kept."""

    def __init__(self, max_depth: int):
        super().__init__(convert_charrefs=False)
        self.max_depth = max_depth
        self.out: list[str] = []
        #: open elements: (tag, whether it was written)
        self.open: list[tuple[str, bool]] = []
        self.depth = 0
        self.dropped = 0
        #: inside a dropped script or style, whose content is no text
        self.skipping: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SIBLINGS and self.open and self.open[-1][0] == tag:
            self.handle_endtag(tag)
        keep = self.depth < self.max_depth
        if keep:
            self.out.append(self.get_starttag_text() or f"<{tag}>")
        else:
            self.dropped += 1
        if tag in _VOID:
            return
        self.open.append((tag, keep))
        self.depth += keep
        if not keep and tag in _RAW:
            self.skipping = tag

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth < self.max_depth:
            self.out.append(self.get_starttag_text() or f"<{tag}/>")
        else:
            self.dropped += 1

    def handle_endtag(self, tag: str) -> None:
        if self.skipping == tag:
            self.skipping = None
        if all(open_tag != tag for open_tag, _ in self.open):
            return  # a stray end tag
        while self.open:
            open_tag, kept = self.open.pop()
            if kept:
                self.depth -= 1
                self.out.append(f"</{open_tag}>")
            if open_tag == tag:
                return

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        raw = self.open and self.open[-1][0] in _RAW
        self.out.append(data if raw else escape(data, quote=False))

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")


def flatten(html: str, max_depth: int = MAX_DEPTH) -> tuple[str, int]:
    """*html* without the tags nested deeper than *max_depth* (their text kept); the number of tags left out."""
    flattener = _Flattener(max_depth)
    flattener.feed(html)
    flattener.close()
    return "".join(flattener.out), flattener.dropped
