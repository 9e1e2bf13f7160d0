"""CSS selectors compiled once per process: how page objects read a page.

A page object asks each page for dozens of values, each through a few selectors.
Through parsel, every call translates the selector to XPath, compiles that XPath
and wraps each match in a ``Selector``; per page, that was most of the
extractor's time. Here a selector is translated once (parsel's translator, which
knows ``::text`` and ``::attr(name)``), compiled once to an ``lxml.etree.XPath``,
and its matches stay lxml elements and strings.

A class test is also made cheaper: cssselect writes ``.x`` as a test on the
whitespace-normalised class attribute of every element; a plain substring test
first (``contains(@class, 'x')``) lets the exact test run only on the few
elements that can match.
"""

from __future__ import annotations

import re
from functools import cache

from lxml import etree
from lxml.html import HtmlElement
from parsel.csstranslator import HTMLTranslator

_TRANSLATOR = HTMLTranslator()
_CLASS_TEST = re.compile(r"@class and (contains\(concat\(' ', normalize-space\(@class\), ' '\), ' ([^' ]+) '\))")
#: the text of an element and its descendants, as XPath's ``string()`` gives it
_STRING = etree.XPath("string()", smart_strings=False)


def xpath_of(css: str) -> str:
    """The XPath of a CSS selector (with parsel's ``::text`` and ``::attr(name)``), class tests prefiltered."""
    return _CLASS_TEST.sub(r"contains(@class, '\2') and \1", _TRANSLATOR.css_to_xpath(css))


@cache
def compiled(css: str) -> etree.XPath:
    """The compiled XPath of *css*, built on first use and kept for the process (selectors are class attributes)."""
    return etree.XPath(xpath_of(css), smart_strings=False)


def select(css: str, element: HtmlElement) -> list[HtmlElement]:
    """The elements matching *css* in *element* (itself included), in document order."""
    return compiled(css)(element)  # type: ignore[return-value]


def text_of(element: HtmlElement) -> str:
    """The text of *element* and everything inside it."""
    return _STRING(element)  # type: ignore[return-value]


def values(css: str, element: HtmlElement) -> list[str]:
    """What *css* selects in *element*: attribute and text pseudo-elements as strings, elements as their text."""
    return [match if isinstance(match, str) else text_of(match) for match in compiled(css)(element)]  # type: ignore[union-attr]
