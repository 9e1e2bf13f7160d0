"""A page's encoding decided by its bytes (newscrawl/encoding.py), where the server and the page disagree."""

from __future__ import annotations

import codecs

import pytest

from newscrawl.encoding import decode_page

GREEK = "Θεσσαλονίκη: «Ανακαινίζεται» η παραλία, Ώρα Ελλάδος"
PAGE = '<html><head><meta charset="{meta}"><title>{title}</title></head><body><p>{title}</p></body></html>'


def page(title: str = GREEK, meta: str = "utf-8") -> str:
    return PAGE.format(meta=meta, title=title)


@pytest.mark.parametrize(
    ("encoding", "header", "meta", "read_as"),
    [
        ("utf-8", "utf-8", "utf-8", "utf-8"),
        ("windows-1253", "windows-1253", "utf-8", "cp1253"),  # the header is right, the page is not
        ("windows-1253", "utf-8", "utf-8", "cp1253"),  # both wrong: Scrapy made it a title of U+FFFD
        ("iso-8859-7", None, "iso-8859-7", "iso8859-7"),
        ("utf-8", "windows-1253", "windows-1253", "utf-8"),  # valid UTF-8 is never an accident
        ("windows-1253", "iso-8859-1", "windows-1253", "cp1253"),  # both decode: the one that reads as Greek
    ],
)
def test_the_charset_under_which_the_bytes_decode_cleanly_wins(
    encoding: str, header: str | None, meta: str, read_as: str
) -> None:
    body = page(meta=meta).encode(encoding)
    decoded = decode_page(body, f"text/html; charset={header}" if header else "text/html")
    assert (decoded.text, decoded.encoding, decoded.dropped) == (page(meta=meta), read_as, 0)


@pytest.mark.parametrize(
    ("bom", "encoding", "read_as"),
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    ],
)
def test_a_byte_order_mark_wins_over_what_is_declared(bom: bytes, encoding: str, read_as: str) -> None:
    body = bom + page(meta="windows-1253").encode(encoding)
    decoded = decode_page(body, "text/html; charset=windows-1253")
    assert (decoded.text, decoded.encoding, decoded.declared) == (page(meta="windows-1253"), read_as, "cp1253")


def test_utf16_declared_without_a_byte_order_mark_is_read() -> None:
    decoded = decode_page(page().encode("utf-16-le"), "text/html; charset=UTF-16LE")
    assert (decoded.text, decoded.encoding) == (page(), "utf-16-le")


def test_bytes_that_are_not_utf8_in_a_utf8_page_are_dropped_and_counted() -> None:
    body = page().encode("utf-8").replace("παραλία".encode(), "παρα".encode() + b"\xff\x80" + "λία".encode())
    decoded = decode_page(body, "text/html; charset=UTF-8")
    assert (decoded.text, decoded.encoding, decoded.dropped) == (page(), "utf-8", 4)  # in <title> and <p>


def test_a_replacement_character_the_page_holds_is_dropped_and_counted() -> None:
    decoded = decode_page(page(title="Ρόδος\ufffd: ρεκόρ").encode("utf-8"), "text/html; charset=UTF-8")
    assert (decoded.text, decoded.dropped) == (page(title="Ρόδος: ρεκόρ"), 2)


def test_bytes_no_declared_charset_fits_are_read_as_detected() -> None:
    body = page(meta="utf-8").encode("windows-1253")  # and no header: only the wrong <meta>
    decoded = decode_page(body, None)
    assert (decoded.text, decoded.encoding, decoded.dropped) == (page(), "cp1253", 0)
