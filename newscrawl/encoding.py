"""Which characters a page's bytes are: decided by the bytes where the server and the page disagree.

Scrapy (through w3lib) believes the ``Content-Type`` header first, and decodes
every byte that does not fit as U+FFFD: a windows-1253 page served as UTF-8
becomes a title of U+FFFD, stored as such. :func:`decode_page` decides instead:

1. a byte-order mark names the encoding (UTF-8, UTF-16, UTF-32), whatever is declared;
2. else, of the encodings declared (header, then ``<meta charset>``) and UTF-8,
   the one under which the bytes decode cleanly wins: UTF-8 first, since bytes
   beyond ASCII that are valid UTF-8 are never an accident, and a declared UTF-16
   or UTF-32 before it when the bytes have the NULs of one (NUL is valid UTF-8); when two
   single-byte encodings both fit, charset-normalizer picks the one that reads as text;
3. bytes that decode under none of them are read as UTF-8 when most of what is
   beyond ASCII is valid UTF-8 (a page with a few stray bytes), else as
   charset-normalizer detects;
4. what still does not decode is dropped and counted (:attr:`Decoded.dropped`),
   never kept as U+FFFD, and so is any U+FFFD the page itself holds.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable
from dataclasses import dataclass

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

REPLACEMENT = "\ufffd"
UTF8 = "utf-8"


@dataclass(frozen=True)
class Decoded:
    """A page's text, the encoding it was read in and what the server declared."""

    text: str
    #: Python's name of the encoding the page was read in (``utf-8``, ``cp1253``, ``utf-16-le``)
    encoding: str
    #: the encoding of the ``Content-Type`` header, if any
    declared: str | None = None
    #: characters that did not decode, or were U+FFFD in the page: dropped from :attr:`text`
    dropped: int = 0


def codec_name(encoding: str | None) -> str | None:
    """Python's own name of *encoding* (``utf_8`` → ``utf-8``); None for one Python does not know."""
    try:
        return codecs.lookup(encoding).name if encoding else None
    except LookupError:
        return None


def decode_page(body: bytes, content_type: str | None = None) -> Decoded:
    """The text of an HTML page's *body*, served with the ``Content-Type`` *content_type*."""
    header = codec_name(http_content_type_encoding(content_type))
    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom:
        return _lenient(body[len(bom) :], codec_name(bom_encoding) or UTF8, header)
    declared = [name for name in (header, codec_name(html_body_declared_encoding(body))) if name]
    wide = [name for name in declared if name.startswith(("utf-16", "utf-32")) and b"\x00" in body]
    clean = {}
    for name in dict.fromkeys([*wide, UTF8, *declared]):
        try:
            clean[name] = body.decode(name)
        except UnicodeDecodeError:
            continue
    if clean:
        encoding = next(iter(clean)) if len(set(clean.values())) == 1 or UTF8 in clean else _likeliest(body, clean)
        text = clean[encoding]
        return Decoded(text.replace(REPLACEMENT, ""), encoding, header, text.count(REPLACEMENT))
    return _lenient(body, UTF8 if _mostly_utf8(body) else _detected(body), header)


def _lenient(body: bytes, encoding: str, header: str | None) -> Decoded:
    text = body.decode(encoding, errors="replace")
    return Decoded(text.replace(REPLACEMENT, ""), encoding, header, text.count(REPLACEMENT))


def _likeliest(body: bytes, candidates: Iterable[str]) -> str:
    """Of encodings that all decode *body*, the one whose text reads as language (the first if none does)."""
    names = list(candidates)
    best = from_bytes(body, cp_isolation=names).best()
    found = codec_name(best.encoding) if best is not None else None
    return found if found in names else names[0]


def _mostly_utf8(body: bytes) -> bool:
    """Whether most of what *body* has beyond ASCII is valid UTF-8: a UTF-8 page with a few stray bytes."""
    text = body.decode(UTF8, errors="replace")
    invalid = text.count(REPLACEMENT)
    return sum(1 for char in text if char > "\x7f") - invalid > invalid


def _detected(body: bytes) -> str:
    """The encoding charset-normalizer finds for *body*, else UTF-8."""
    best = from_bytes(body).best()
    return (codec_name(best.encoding) if best is not None else None) or UTF8
