"""A page's document tree: parsed once per response, shared by everything that reads the page.

Scrapy's selector parses with ``lxml.html``, whose elements are looked up through a
Python class per element (form fields, links): every element a reader touches then
costs a Python call. The readers of a page (its page objects, the deep-markup check)
only need lxml's own elements, so the tree is parsed with ``lxml.etree``'s HTML
parser, the way parsel does it otherwise (same recovery, same depth), at about half
the cost per element touched (bench/bench_extraction.py).
"""

from __future__ import annotations

import codecs
from weakref import WeakKeyDictionary

from lxml import etree
from lxml.etree import _Element as Element
from scrapy.http import TextResponse

_TREES: WeakKeyDictionary[TextResponse, Element] = WeakKeyDictionary()


def document(response: TextResponse) -> Element:
    """The root element of *response*'s HTML, parsed on first use and kept while the response lives."""
    root = _TREES.get(response)
    if root is None:
        # A UTF-8 body (what decode_page leaves, and most pages are) is parsed as it came, without decoding
        # it to text and encoding it back.
        utf8 = codecs.lookup(response.encoding).name == "utf-8"
        root = _TREES[response] = parse_html(response.body if utf8 else response.text, response.url)
    return root


def parse_html(text: str | bytes, url: str | None = None) -> Element:
    """*text* (or its UTF-8 bytes) as lxml parses HTML for parsel: recovering from errors, deep trees
    allowed, NULs left out."""
    # No table of id attributes: nothing looks elements up by id (``#x`` selectors test @id on the walk).
    parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True, collect_ids=False)
    body = text if isinstance(text, bytes) else text.encode("utf-8")
    if b"\x00" in body:  # looked for first: a copy of the page costs more than the search
        body = body.replace(b"\x00", b"")
    if body.isspace() or not body:
        body = b"<html/>"
    root = etree.fromstring(body, parser=parser, base_url=url)
    return root if root is not None else etree.fromstring(b"<html/>", parser=parser)
