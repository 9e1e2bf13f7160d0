"""Plain-text helpers: whitespace, paragraphs out of HTML, bylines, language."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from lxml import etree
from lxml.html import HtmlElement

# Characters that render as spaces or as nothing.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_WHITESPACE = re.compile(r"\s+")


def clean_text(value: str | None) -> str | None:
    """NFC-normalise, drop invisible characters, collapse whitespace; None for blank text."""
    if value is None:
        return None
    text = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", value).translate(_INVISIBLE)).strip()
    return text or None


# Elements that start a new paragraph when walking an article body.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt figure footer h1 h2 h3 h4 h5 h6 header "
    "hr li main nav ol p pre section table tbody td th thead tr ul".split()
)
# Elements whose content is never article text.
_SKIP_TAGS = frozenset("script style noscript template iframe object embed svg form button input select textarea figure figcaption video audio canvas".split())


def paragraphs(root: HtmlElement, is_excluded: Callable[[HtmlElement], bool]) -> list[str]:
    """The text of *root* as paragraphs: one per block element, whitespace collapsed.

    Subtrees for which *is_excluded* is true (ads, share widgets, embeds) and
    non-text elements (scripts, styles, figures, forms) are skipped; ``<br>``
    counts as a space; text outside any block forms paragraphs of its own.
    """
    found: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        text = clean_text("".join(pending))
        pending.clear()
        if text:
            found.append(text)

    def visit(element: HtmlElement) -> None:
        tag = element.tag if isinstance(element.tag, str) else None
        if tag is None or tag in _SKIP_TAGS or is_excluded(element):
            pending.append(" ")
        else:
            block = tag in _BLOCK_TAGS
            if block:
                flush()
            pending.append(" " if tag == "br" else element.text or "")
            for child in element:
                visit(child)
            if block:
                flush()
        pending.append(element.tail or "")

    pending.append(root.text or "")
    for child in root:
        visit(child)
    flush()
    return found


def element_set(elements: Iterable[etree._Element]) -> Callable[[HtmlElement], bool]:
    """A predicate telling whether an element is one of *elements*.

    lxml hands out one proxy object per node while a reference to it lives, so
    holding the proxies in a set makes identity membership reliable.
    """
    return frozenset(elements).__contains__


# --- bylines -----------------------------------------------------------------

_EN_BYLINE = re.compile(r"^by\s*:?\s+(?P<rest>.+)$", re.I | re.S)
_GR_BYLINE = re.compile(r"^(?P<article>Του|Της|Των)\s+(?P<rest>[A-ZΑ-ΩΆ-Ώ].*)$", re.S)
# Lowercase words allowed inside names and organisation names.
_NAME_PARTICLES = frozenset("of the and for on in de del della di da van von der den al el bin ibn la le du y".split())
# Capitalised Greek words that start a sentence, so never belong to a name.
_GREEK_STOPWORDS = frozenset(
    "ο η το οι τα τον την του της των στο στη στην στον στα στις στους σε με για από κατά μετά "
    "ενώ αν όπως όταν και αλλά ένας μια μία ένα πολλοί πολλές πολλά σήμερα χθες αυτό αυτή αυτός "
    "εδώ εκεί τι ποιος πώς πού γιατί ήδη πριν μέσα".split()
)
# Capitalised words that follow "By" at the start of a sentence, not a byline ("By Monday, …").
_NOT_NAMES = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december this that then now today tomorrow yesterday early late "
    "noon midnight dawn contrast comparison law order".split()
)
_NAME_WORD = re.compile(r"^(?:[A-ZΑ-ΩΆ-Ώ][\w'’.\-]*|[A-ZΑ-ΩΆ-Ώ]\.)$")
# A middle initial ("Ι.", "J."): its period does not end the name.
_INITIAL = re.compile(r"^[A-ZΑ-ΩΆ-Ώ]\.$")


def _is_proper_phrase(text: str, max_words: int) -> bool:
    """Whether *text* reads like a name or an organisation: short, capitalised words."""
    words = text.split()
    if not 0 < len(words) <= max_words or not _NAME_WORD.match(words[0]):
        return False
    return all(_NAME_WORD.match(w) or w.lower() in _NAME_PARTICLES for w in words)


def _english_byline(rest: str) -> tuple[list[str], str] | None:
    segments = rest.split(",")
    name = segments[0].strip()
    if not _is_proper_phrase(name, 6) or name.split()[0].lower() in _NOT_NAMES:
        return None
    consumed = 1
    # "By: NAME, SOURCE, text": a second short proper phrase followed by a comma is the source.
    if len(segments) >= 3 and _is_proper_phrase(segments[1].strip(), 7):
        consumed = 2
    return [name], ",".join(segments[consumed:]).strip()


def _greek_byline(article: str, rest: str) -> tuple[list[str], str] | None:
    words = rest.split()
    names: list[str] = []
    current: list[str] = []
    max_words = 3  # not counting initials
    index = 0

    def full_words() -> int:
        return sum(1 for word in current if not _INITIAL.match(word))

    while index < len(words):
        word = words[index]
        bare = word if _INITIAL.match(word) else word.rstrip(",.:;")
        if bare.lower() in _GREEK_STOPWORDS or not _NAME_WORD.match(bare) or full_words() == max_words:
            if article == "Των" and bare == "και" and current:
                names.append(" ".join(current))
                current = []
                index += 1
                continue
            break
        current.append(bare)
        index += 1
        if bare != word:  # punctuation after a word ends the byline
            break
    if full_words() == max_words and index < len(words) and not words[index - 1].endswith((",", ".", ":", ";")):
        # Running into the sentence: a third capitalised word more likely starts it.
        current.pop()
        index -= 1
    if current:
        names.append(" ".join(current))
    if not names or any(len(n.split()) < 2 for n in names):
        return None
    return names, " ".join(words[index:])


def split_byline(paragraph: str) -> tuple[list[str], str] | None:
    """Split a byline off the start of a body's first paragraph.

    Returns ``(authors, remaining_text)`` or None when the paragraph does not
    start with a byline. Recognises ``By NAME,``, ``By: NAME, SOURCE,``,
    ``by NAME, SOURCE,``, an organisation alone (``By NPR,``) and the Greek
    genitive forms ``Του …``, ``Της …``, ``Των … και …`` (names kept as written).
    """
    english = _EN_BYLINE.match(paragraph)
    if english:
        return _english_byline(english.group("rest"))
    greek = _GR_BYLINE.match(paragraph)
    if greek:
        return _greek_byline(greek.group("article"), greek.group("rest"))
    return None


# --- mojibake ----------------------------------------------------------------

# UTF-8 text stored or served as Windows-1252 (MySQL's "latin1", which leaves cp1252's five
# undefined bytes as C1 controls) turns each multi-byte character into two or three characters:
# the byte's own code point (Latin-1), or for 0x80-0x9F cp1252's letter or symbol.
_CP1252_SYMBOLS = {char: b for b in range(0x80, 0xA0) if (char := bytes([b]).decode("cp1252", "ignore"))}
_SLOPPY_CP1252: dict[int, int] = {b: b for b in range(0x80, 0x100)} | {ord(c): b for c, b in _CP1252_SYMBOLS.items()}
_CONTINUATION = f"[\x80-\xbf{re.escape(''.join(_CP1252_SYMBOLS))}]"
# Runs of what UTF-8 lead and continuation bytes look like through cp1252: "Î•Î»" for "Ελ", "â€™" for "’".
_MOJIBAKE = re.compile(f"(?:[\xc2-\xdf]{_CONTINUATION}|[\xe0-\xef]{_CONTINUATION}{{2}})+")
# Lead bytes of Greek letters (Î, Ï), of punctuation such as ’ “ – (â) and of Latin accents (Ã, Â): every
# double-encoded page has some. Looking for them is a hundred times faster than the regex above.
_MOJIBAKE_HINTS = "ÎÏâÃÂ"


def repair_mojibake(text: str) -> tuple[str, int]:
    """Undo double encoding (UTF-8 read as Windows-1252) in *text*; the text and the number of runs repaired.

    Each run of characters that are, read back as cp1252 bytes, valid UTF-8 is
    replaced by what those bytes say; anything else, including correctly encoded
    text around the runs, is left alone. A run that is not valid UTF-8 stays as it
    is, so legitimate Latin-1 text is safe unless it happens to spell a valid
    UTF-8 sequence (a capital like ``Ö`` followed by ``»``), which news text does not.
    """
    if not any(hint in text for hint in _MOJIBAKE_HINTS):
        return text, 0
    repaired = 0

    def decode(match: re.Match[str]) -> str:
        nonlocal repaired
        try:
            fixed = bytes(_SLOPPY_CP1252[ord(c)] for c in match.group(0)).decode("utf-8")
        except UnicodeDecodeError:
            return match.group(0)
        repaired += 1
        return fixed

    text = _MOJIBAKE.sub(decode, text)
    return text, repaired


# --- language ----------------------------------------------------------------

_GREEK_LETTER = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str | None:
    """``"el"`` or ``"en"`` by which alphabet most of *text* is written in."""
    greek = len(_GREEK_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    if not greek and not latin:
        return None
    return "el" if greek >= latin else "en"
