"""The article text of a page: paragraphs out of the body containers, and nothing that is not text.

What stays out is told by markup, so that it holds in any language: the theme's
boilerplate (ads, share and follow widgets, newsletter boxes, page navigation),
a list whose every item is a link alone (an inline "read also" list) with the
emphasised line that introduces it, and loading placeholders (a spinner's
markup; a paragraph that only says "Loading…" in a language of
:mod:`newscrawl.languages`). A byline opening the body and a credit line
closing it (``<p><em>By NAME</em></p>``) are taken off and handed over as
authors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lxml import etree
from lxml.etree import _Element as Element

from newscrawl.bylines import split_byline
from newscrawl.languages import LANGUAGES, fold
from newscrawl.news.selectors import ClassIndex, select, text_of
from newscrawl.text import clean_text, paragraphs

# A list whose items are each one link and nothing else: "read also", "more on this".
_LINK_LIST = "[self::ul or self::ol][li][not(li[count(*) != 1 or not(a) or normalize-space() != normalize-space(a)])]"
#: link lists, and a paragraph of bold text alone right before one (its "Read also:")
LINK_LISTS = etree.XPath(
    f".//*{_LINK_LIST} | .//p[count(*) = 1][strong or b][not(text()[normalize-space()])][following-sibling::*[1]{_LINK_LIST}]"
)
# The first paragraph opening with an emphasised run, and the last paragraph when all of it is emphasised.
_EMPHASIS = "self::strong or self::b or self::em or self::i"
_OPENING_EMPHASIS = etree.XPath(f"(.//p)[1][not(normalize-space(text()[1]))]/*[1][{_EMPHASIS}]")
_CLOSING_EMPHASIS = etree.XPath(f"(.//p)[last()][count(*) = 1][not(text()[normalize-space()])]/*[{_EMPHASIS}]")

#: placeholder texts of every language, folded; a paragraph of at most this many words starting with one is no text
_PLACEHOLDERS = tuple(fold(text) for language in LANGUAGES for text in language.placeholders)
_PLACEHOLDER_WORDS = 4


def is_placeholder(paragraph: str) -> bool:
    """Whether a paragraph only says the text is on its way ("Loading…", "Φόρτωση...")."""
    return len(paragraph.split()) <= _PLACEHOLDER_WORDS and fold(paragraph).startswith(_PLACEHOLDERS)


@dataclass(frozen=True)
class BodyText:
    """The body as read: its paragraphs, where they came from, and what was taken off them."""

    paragraphs: list[str]
    #: whether the layout's body containers are on the page at all (else the layout does not match it)
    found: bool
    #: authors of a byline that opened the body
    opening_byline: list[str] = field(default_factory=list)
    #: authors of a credit line that closed it
    closing_credit: list[str] = field(default_factory=list)
    #: whether the body showed a loading placeholder (a script fills it in)
    placeholder: bool = False

    @property
    def words(self) -> int:
        return sum(len(paragraph.split()) for paragraph in self.paragraphs)


NOT_FOUND = BodyText([], found=False)


def outermost(matches: Sequence[Element]) -> list[Element]:
    """The matches not inside another match: a body selector can also match blocks nested in the body."""
    roots = set(matches)
    return [match for match in matches if not any(ancestor in roots for ancestor in match.iterancestors())]


def read_containers(
    containers: list[Element], boilerplate_css: str, placeholder_css: str, index: ClassIndex | None = None
) -> BodyText:
    """The text of the body *containers*, without boilerplate, link lists and placeholders; credits taken off.

    *index*: the classes of a subtree holding the containers, which finds the boilerplate faster.
    """
    found: list[str] = []
    placeholder = False
    for container in containers:
        loaders = select(placeholder_css, container) if placeholder_css else []
        placeholder = placeholder or bool(loaders)
        if not boilerplate_css:
            boilerplate: Iterable[Element] = ()
        else:
            boilerplate = index.within(boilerplate_css, container) if index else select(boilerplate_css, container)
        excluded = frozenset([*boilerplate, *LINK_LISTS(container), *loaders])
        found.extend(paragraphs(container, excluded.__contains__))
    text = [paragraph for paragraph in found if not is_placeholder(paragraph)]
    opening = next((clean_text(text_of(lead[0])) for c in containers if (lead := _OPENING_EMPHASIS(c))), None)
    closing = _CLOSING_EMPHASIS(containers[-1]) if containers else []
    return take_credits(
        text,
        opening_emphasis=opening,
        may_close=bool(closing) and clean_text(text_of(closing[0])) == (text[-1] if text else None),
        placeholder=placeholder or len(text) < len(found),
    )


def take_credits(
    text: list[str], *, opening_emphasis: str | None = None, may_close: bool = True, placeholder: bool = False
) -> BodyText:
    """The body with a byline opening it and a credit line closing it taken off, their names kept.

    An opening byline may run into the first sentence; an emphasised lead
    (``<p><strong>Του …</strong> text``) marks where it ends. A closing credit
    is a last paragraph that is a byline and nothing else; read from a page's
    markup, it must also be emphasised as a whole (the caller says so in *may_close*).
    """
    opening: list[str] = []
    if text and (byline := _opening_byline(text[0], opening_emphasis)):
        opening, rest = byline
        text = [rest, *text[1:]] if rest else text[1:]
    closing: list[str] = []
    if text and may_close and (credit := split_byline(text[-1])) and not credit[1]:
        closing = credit[0]
        text = text[:-1]
    return BodyText(text, found=True, opening_byline=opening, closing_credit=closing, placeholder=placeholder)


def _opening_byline(first_paragraph: str, emphasised: str | None) -> tuple[list[str], str] | None:
    if emphasised and first_paragraph.startswith(emphasised):
        byline = split_byline(emphasised)
        if byline and not byline[1]:
            return byline[0], first_paragraph[len(emphasised) :].lstrip(" ,:")
    byline = split_byline(first_paragraph)
    if byline and byline[1] and not _ends_byline(first_paragraph, byline[1]):
        return None  # a sentence opening with a genitive phrase ("Των Ηνωμένων Πολιτειών η απόφαση…")
    return byline


def _ends_byline(paragraph: str, rest: str) -> bool:
    """Whether a byline not set apart by emphasis ends where *rest* starts: at punctuation, or where a
    new sentence starts (a capital, a quote), not inside a sentence going on in lowercase."""
    before = paragraph[: len(paragraph) - len(rest)].rstrip() if paragraph.endswith(rest) else ""
    return before.endswith((",", ".", ":", ";", "-", "–", "—")) or not rest[0].islower()
