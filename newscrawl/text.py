"""Plain-text helpers: whitespace, paragraphs out of HTML, mojibake, language."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from lxml import etree
from lxml.etree import _Element as Element

from newscrawl.languages import LANGUAGES

# Characters that render as nothing (a regular expression finds them faster than str.translate, which
# looks up every character of a non-ASCII string).
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def clean_text(value: str | None) -> str | None:
    """NFC-normalise, drop invisible characters, collapse whitespace; None for blank text."""
    if value is None:
        return None
    # str.split() splits on what re's \s matches (str.isspace()), at a quarter of a substitution's cost.
    return " ".join(_INVISIBLE.sub("", unicodedata.normalize("NFC", value)).split()) or None


# Elements that start a new paragraph when walking an article body.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt figure footer h1 h2 h3 h4 h5 h6 header "
    "hr li main nav ol p pre section table tbody td th thead tr ul".split()
)
# Elements whose content is never article text.
_SKIP_TAGS = frozenset(
    "script style noscript template iframe object embed svg form button input select textarea "
    "figure figcaption video audio canvas".split()
)


def paragraphs(root: Element, is_excluded: Callable[[Element], bool]) -> list[str]:
    """The text of *root* as paragraphs: one per block element, whitespace collapsed.

    Subtrees for which *is_excluded* is true (ads, share widgets, embeds) and
    non-text elements (scripts, styles, figures, forms) are skipped; ``<br>``
    counts as a space; text outside any block forms paragraphs of its own.
    The walk keeps its own stack, so that no nesting depth (a hostile page can
    nest thousands of elements) reaches Python's recursion limit.
    """
    found: list[str] = []
    pending: list[str] = [root.text or ""]

    def flush() -> None:
        text = clean_text("".join(pending))
        pending.clear()
        if text:
            found.append(text)

    # (element, whether its children have been walked): an element is seen once on the way
    # down and, unless skipped, once more on the way up, to close its block and add its tail.
    stack: list[tuple[Element, bool]] = [(child, False) for child in reversed(root)]
    while stack:
        element, done = stack.pop()
        tag = element.tag if isinstance(element.tag, str) else None
        if done:
            if tag in _BLOCK_TAGS:
                flush()
            pending.append(element.tail or "")
        elif tag is None or tag in _SKIP_TAGS or is_excluded(element):
            pending.append(" ")
            pending.append(element.tail or "")
        else:
            if tag in _BLOCK_TAGS:
                flush()
            pending.append(" " if tag == "br" else element.text or "")
            stack.append((element, True))
            stack.extend((child, False) for child in reversed(element))
    flush()
    return found


def element_set(elements: Iterable[etree._Element]) -> Callable[[Element], bool]:
    """A predicate telling whether an element is one of *elements*.

    lxml hands out one proxy object per node while a reference to it lives, so
    holding the proxies in a set makes identity membership reliable.
    """
    return frozenset(elements).__contains__


# --- mojibake ----------------------------------------------------------------

# UTF-8 text stored or served as Windows-1252 (MySQL's "latin1", which leaves cp1252's five
# undefined bytes as C1 controls) turns each multi-byte character into two or three characters:
# the byte's own code point (Latin-1), or for 0x80-0x9F cp1252's letter or symbol.
_CP1252_SYMBOLS = {char: b for b in range(0x80, 0xA0) if (char := bytes([b]).decode("cp1252", "ignore"))}
_SLOPPY_CP1252: dict[int, int] = {b: b for b in range(0x80, 0x100)} | {ord(c): b for c, b in _CP1252_SYMBOLS.items()}
_CONTINUATION = f"[\x80-\xbf{re.escape(''.join(_CP1252_SYMBOLS))}]"
# Runs of what UTF-8 lead and continuation bytes look like through cp1252: "Î•Î»" for "Ελ", "â€™" for "’".
_MOJIBAKE = re.compile(f"(?:[\xc2-\xdf]{_CONTINUATION}|[\xe0-\xef]{_CONTINUATION}{{2}})+")


def lead_characters(letters: str) -> str:
    """What the UTF-8 lead bytes of *letters* (a regular-expression character class) look like read as
    Windows-1252: "ÍÎÏá" for Greek's, "" for ASCII's."""
    found = re.findall(f"[{letters}]", "".join(map(chr, range(0x80, 0x10000))))
    return "".join(sorted({char.encode()[:1].decode("latin-1") for char in found}))


# Characters of which every double-encoded page has some, looking for them being a hundred times faster
# than the regex above: the lead bytes of punctuation such as ’ “ – (â), of the no-break space and « »
# (Â) and of Latin accents (Ã), and those of each language's own letters (Î, Ï for Greek), so that a
# language module brings its own. Text in an alphabet no module lists is not looked at.
MOJIBAKE_HINTS = "âÂÃ" + "".join(lead_characters(language.letters) for language in LANGUAGES)


def repair_mojibake(text: str, hints: str = MOJIBAKE_HINTS) -> tuple[str, int]:
    """Undo double encoding (UTF-8 read as Windows-1252) in *text*; the text and the number of runs repaired.

    Each run of characters that are, read back as cp1252 bytes, valid UTF-8 is
    replaced by what those bytes say; anything else, including correctly encoded
    text around the runs, is left alone. A run that is not valid UTF-8 stays as it
    is, so legitimate Latin-1 text is safe unless it happens to spell a valid
    UTF-8 sequence (a capital like ``Ö`` followed by ``»``), which news text does not.
    Text holding none of *hints* is returned as it is, unread.
    """
    if not any(hint in text for hint in hints):
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

# Runs of each language's letters: summing the runs' lengths counts the letters without a list of them.
_LETTERS = tuple((language.code, re.compile(f"[{language.letters}]+")) for language in LANGUAGES)


def detect_language(text: str) -> str | None:
    """The language whose letters most of *text* is written in (ties: the first in LANGUAGES)."""
    counts = [(sum(map(len, letters.findall(text))), code) for code, letters in _LETTERS]
    best = max(counts, key=lambda count_code: count_code[0])
    return best[1] if best[0] else None
