"""CSS selectors compiled once per process: how page objects read a page.

A page object asks each page for dozens of values, each through a few selectors.
Through parsel, every call translates the selector to XPath, compiles that XPath
and wraps each match in a ``Selector``; per page, that was most of the
extractor's time. Here a selector is translated once (parsel's translator, which
knows ``::text`` and ``::attr(name)``), compiled once to an ``lxml.etree.XPath``,
and its matches stay lxml elements and strings.

Two rewrites make the XPath cheaper to run than cssselect's own:

* a group of simple selectors (``.a, .b, #c``: one element each, no descendants)
  becomes one walk per element name (``*`` for those of any name) testing each
  of them, not one walk per selector followed by a union of the results;
* a class test (``.x``, a test of the whitespace-normalised class attribute)
  first tests ``contains(@class, 'x')``, so the exact test runs only on the
  few elements that can match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from lxml import etree
from lxml.etree import _Element as Element
from parsel.csstranslator import HTMLTranslator

_TRANSLATOR = HTMLTranslator()
_CLASS_TEST = re.compile(r"@class and (contains\(concat\(' ', normalize-space\(@class\), ' '\), ' ([^' ]+) '\))")
#: the text of an element and its descendants, as XPath's ``string()`` gives it
_STRING = etree.XPath("string()", smart_strings=False)


#: Where ``<html>`` and ``<body>`` can be: lxml's HTML parser makes them the document element and its
#: child, never anywhere else (it merges any other into those), so no walk over the page is needed.
_AXES = {"html": ("self",), "body": ("self", "child")}

#: one step of cssselect's output: an element test and its predicates, nothing after
_SIMPLE = re.compile(r"descendant-or-self::(?P<tag>\*|[\w-]+)(?P<predicates>(?:\[.*\])?)")


def xpath_of(css: str) -> str:
    """The XPath of a CSS selector (with parsel's ``::text`` and ``::attr(name)``), simple selectors of a
    group tested in one walk per element name, class tests prefiltered."""
    return " | ".join(_walks(css))


def _walks(css: str) -> list[str]:
    """The XPath expressions whose union :func:`xpath_of` is: one per element name of the group's
    simple selectors, one per other selector."""
    by_tag: dict[str, list[str]] = {}  # element name -> predicates of the simple selectors of that name
    paths: list[str] = []
    for part in (_TRANSLATOR.css_to_xpath(selector) for selector in _selectors(css)):
        if (step := _SIMPLE.fullmatch(part)) and _one_predicate(step["predicates"]):
            by_tag.setdefault(step["tag"], []).append(step["predicates"][1:-1])
        else:
            paths.append(part)
    walks = []
    for tag, predicates in by_tag.items():
        test = "[" + " or ".join(f"({p})" for p in predicates) + "]" if all(predicates) else ""
        walks.append(" | ".join(f"{axis}::{tag}{test}" for axis in _AXES.get(tag, ("descendant-or-self",))))
    return [_CLASS_TEST.sub(r"contains(@class, '\2') and \1", walk) for walk in [*walks, *paths]]


def _selectors(css: str) -> list[str]:
    """The selectors of a group (commas inside brackets or parentheses do not split it)."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(css):
        depth += (char in "([" and 1) or ((char in ")]" and -1) or 0)
        if char == "," and depth == 0:
            parts.append(css[start:index])
            start = index + 1
    parts.append(css[start:])
    return [part.strip() for part in parts if part.strip()]


def _one_predicate(predicates: str) -> bool:
    """Whether *predicates* is empty or one bracketed predicate (its brackets balanced, closing at the end)."""
    depth = 0
    for index, char in enumerate(predicates):
        depth += (char == "[") - (char == "]")
        if depth == 0 and index < len(predicates) - 1:
            return False
    return True


@cache
def compiled(css: str) -> etree.XPath:
    """The compiled XPath of *css*, built on first use and kept for the process (selectors are class attributes)."""
    return etree.XPath(xpath_of(css), smart_strings=False)


def select(css: str, element: Element) -> list[Element]:
    """The elements matching *css* in *element* (itself included), in document order."""
    return _matches(css, element)


def _matches(css: str, element: Element) -> list[Element | str]:
    """What *css* selects in *element*. A selector led by classes is read from the elements of its
    first part, found by lxml's own walk (faster than XPath's class test on every element); the rest
    runs on their subtrees only (cssselect's own XPath walks every element's descendants in between)."""
    if (shape := _class_led(css)) is None:
        return list(element.iter(css)) if _is_element_name(css) else compiled(css)(element)
    tag, classes, after = shape
    first = classes[0]
    # A substring test first, inline: most elements do not have the class, and a call per element costs.
    leading = [
        member
        for member in element.iter(tag or etree.Element)
        if first in (member.get("class") or "") and _has_classes(member, classes)
    ]
    return leading if after is None else _descendants(leading, after)


@cache
def _is_element_name(css: str) -> bool:
    """Whether *css* is an element name alone (``article``): lxml's tag walk finds those, without XPath."""
    return re.fullmatch(r"[a-z][a-z0-9]*", css) is not None


def _has_classes(element: Element, classes: tuple[str, ...]) -> bool:
    """Whether *element*'s class attribute names every one of *classes*."""
    names = (element.get("class") or "").split()
    return all(name in names for name in classes)


def _descendants(found: list[Element], after: etree.XPath) -> list[Element | str]:
    """*after* run on each of the elements *found*, nested ones aside (their subtrees are their ancestor's)."""
    if len(found) < 2:  # nothing to be nested in
        return [match for element in found for match in after(element)]
    members = set(found)
    outer = [match for match in found if not any(ancestor in members for ancestor in match.iterancestors())]
    return [match for match in outer for match in after(match)]


def exists(css: str, element: Element) -> bool:
    """Whether *css* matches in *element*: its walks (:func:`xpath_of`) tried in turn, the first match ending the search."""
    return any(walk(element) for walk in _compiled_walks(css))


@cache
def _compiled_walks(css: str) -> tuple[etree.XPath, ...]:
    return tuple(etree.XPath(walk, smart_strings=False) for walk in _walks(css))


def text_of(element: Element) -> str:
    """The text of *element* and everything inside it."""
    return _STRING(element)


def values(css: str, element: Element) -> list[str]:
    """What *css* selects in *element*: attribute and text pseudo-elements as strings, elements as their text."""
    return [match if isinstance(match, str) else text_of(match) for match in _matches(css, element)]


#: a selector led by a compound of an element name and classes (``.a``, ``div.a.b``), then descendants or nothing
_CLASS_LED = re.compile(r"(?P<tag>[a-z][a-z0-9]*)?(?P<classes>(?:\.[\w-]+)+)(?:\s+(?P<rest>[^\s>+~,].*))?", re.S)


@cache
def _class_led(css: str) -> tuple[str | None, tuple[str, ...], etree.XPath | None] | None:
    """How to read *css* from a :class:`ClassIndex`: element name, classes, XPath of the rest; None when it is not class-led."""
    if "," in css or not (shape := _CLASS_LED.fullmatch(css.strip())):
        return None
    rest = shape["rest"]
    if rest is None:
        return shape["tag"], tuple(shape["classes"][1:].split(".")), None
    after = _CLASS_TEST.sub(r"contains(@class, '\2') and \1", _TRANSLATOR.css_to_xpath(rest, prefix="descendant::"))
    return shape["tag"], tuple(shape["classes"][1:].split(".")), etree.XPath(after, smart_strings=False)


def leading_classes(css: str) -> tuple[str, ...]:
    """The classes a class-led selector's first element must have (none for other selectors)."""
    shape = _class_led(css)
    return shape[1] if shape else ()


def leading_classes_of(selectors: Iterable[str]) -> frozenset[str]:
    """The classes that lead the class-led selectors among *selectors* (groups included): what to index."""
    return frozenset(
        shape[1][0] for css in selectors for selector in _selectors(css) if (shape := _class_led(selector)) is not None
    )


@cache
def _split_group(css: str) -> tuple[tuple[str, ...], str]:
    """The class-led selectors of a group, and the others as one group."""
    selectors = _selectors(css)
    class_led = tuple(selector for selector in selectors if _class_led(selector) is not None)
    return class_led, ", ".join(selector for selector in selectors if selector not in class_led)


#: the indexed classes each class attribute value names, by the classes indexed: pages of a theme repeat
#: a few hundred values, so a value is split once, not once per element
_INDEXED_NAMES: dict[frozenset[str], dict[str, tuple[str, ...]]] = {}
#: values kept per set of classes, at most (a hostile page's values are all new: then it starts over)
_INDEXED_NAMES_SIZE = 16_384


class ClassIndex:
    """The elements of a subtree by class name, from one walk over it.

    A page object reads most fields with selectors led by a class (``.tdb_single_date
    time::attr(datetime)``). Evaluated as XPath, each tests the class of every element
    of the post, which costs more than anything else on the page; looked up here, it
    starts from the few elements with that class, and the rest of the selector runs
    on their subtrees only. Other selectors are left to :func:`values` and :func:`select`.

    Only the *classes* asked for are indexed (those leading the page object's selectors,
    see :func:`leading_classes_of`); a selector led by another class is not answered here.
    """

    def __init__(self, element: Element, classes: frozenset[str]):
        self.classes = classes
        self.by_class: dict[str, list[Element]] = {}
        known = _INDEXED_NAMES.setdefault(classes, {})
        if len(known) > _INDEXED_NAMES_SIZE:
            known.clear()
        for member in element.iter(etree.Element):
            if (value := member.get("class")) is not None:
                if (names := known.get(value)) is None:
                    names = known[value] = tuple(classes.intersection(value.split()))
                for name in names:
                    self.by_class.setdefault(name, []).append(member)

    def matches(self, css: str) -> list[Element | str] | None:
        """What *css* selects in the subtree (as :func:`select` would); None when it is not led by an indexed class."""
        if (shape := _class_led(css)) is None or shape[1][0] not in self.classes:
            return None
        tag, classes, after = shape
        leading = [
            element
            for element in self.by_class.get(classes[0], ())
            if (tag is None or element.tag == tag) and (len(classes) == 1 or _has_classes(element, classes))
        ]
        return leading if after is None else _descendants(leading, after)

    def within(self, css: str, element: Element) -> set[Element]:
        """The elements any selector of the group *css* matches inside *element* (part of the indexed
        subtree), as a set: the class-led selectors looked up, the others evaluated together."""
        class_led, others = _split_group(css)
        found: set[Element] = set()
        for selector in class_led:
            for match in self.matches(selector) or ():
                if match is element or element in match.iterancestors():  # type: ignore[union-attr]
                    found.add(match)
        if others:
            found.update(select(others, element))
        return found

    def values(self, css: str) -> list[str] | None:
        """Like :func:`values`; None when *css* is not class-led."""
        found = self.matches(css)
        return None if found is None else [match if isinstance(match, str) else text_of(match) for match in found]
