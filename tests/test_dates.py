from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from newscrawl.dates import InvalidDate, parse_iso, parse_rfc822, parse_visible_date

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2025, 7, 16, 12, 0, tzinfo=UTC)  # 08:00 in New York


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16 Ιουλίου 2025", utc(2025, 7, 16, 4)),  # local midnight, EDT
        ("3 Μαρτίου 2025", utc(2025, 3, 3, 5)),  # EST
        ("1 Μαΐου 2024", utc(2024, 5, 1, 4)),
        ("Τετάρτη, 16 Ιουλίου, 2025", utc(2025, 7, 16, 4)),
        ("16 ΙΟΥΛΙΟΥ 2025", utc(2025, 7, 16, 4)),
        ("16 Ιουλ 2025", utc(2025, 7, 16, 4)),
        ("Ιουλίου 16, 2025", utc(2025, 7, 16, 4)),
        ("16 Ιουλίου 2025, 20:15", utc(2025, 7, 17, 0, 15)),
        ("16 Ιουλίου 2025 8:15 μμ", utc(2025, 7, 17, 0, 15)),
        ("July 2, 2025", utc(2025, 7, 2, 4)),
        ("2 July 2025", utc(2025, 7, 2, 4)),
        ("Dec 12, 2024 at 9:30 am", utc(2024, 12, 12, 14, 30)),
        ("12/10/2020", utc(2020, 10, 12, 4)),  # day first, as the site's locale writes it
        ("16.07.2025", utc(2025, 7, 16, 4)),
    ],
)
def test_absolute_visible_dates_in_the_site_timezone(text: str, expected: datetime) -> None:
    assert parse_visible_date(text, NEW_YORK, NOW) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("πριν από 2 ώρες", utc(2025, 7, 16, 10)),
        ("πριν 3 ημέρες", utc(2025, 7, 13, 12)),
        ("πριν 1 μέρα", utc(2025, 7, 15, 12)),
        ("πριν από 45 λεπτά", utc(2025, 7, 16, 11, 15)),
        ("πριν 2 εβδομάδες", utc(2025, 7, 2, 12)),
        ("χθες", utc(2025, 7, 15, 4)),
        ("Σήμερα", utc(2025, 7, 16, 4)),
        ("2 hours ago", utc(2025, 7, 16, 10)),
        ("an hour ago", utc(2025, 7, 16, 11)),
        ("3 days ago", utc(2025, 7, 13, 12)),
        ("yesterday", utc(2025, 7, 15, 4)),
    ],
)
def test_relative_dates_against_the_crawl_time(text: str, expected: datetime) -> None:
    assert parse_visible_date(text, NEW_YORK, NOW) == expected


def test_yesterday_is_the_local_day_before() -> None:
    late_evening_utc = utc(2025, 7, 16, 2)  # 22:00 on the 15th in New York
    assert parse_visible_date("χθες", NEW_YORK, late_evening_utc) == utc(2025, 7, 14, 4)


@pytest.mark.parametrize("text", ["31 Φεβρουαρίου 2025", "30 February 2024", "32/01/2025"])
def test_impossible_dates_raise(text: str) -> None:
    with pytest.raises(InvalidDate):
        parse_visible_date(text, NEW_YORK, NOW)


@pytest.mark.parametrize("text", ["", "   ", "Tags", "35 C Athens"])
def test_text_without_a_date_gives_none(text: str) -> None:
    assert parse_visible_date(text, NEW_YORK, NOW) is None


def test_dateparser_fallback_reads_other_forms() -> None:
    assert parse_visible_date("Δευτέρα 14 Ιουλ. 2025", NEW_YORK, NOW) == utc(2025, 7, 14, 4)


def test_iso_values_are_exact_and_utc() -> None:
    assert parse_iso("2025-07-16T13:05:41+00:00") == utc(2025, 7, 16, 13, 5, 41)
    assert parse_iso("2025-07-16T09:05:41-04:00") == utc(2025, 7, 16, 13, 5, 41)
    assert parse_iso("2025-07-16T13:05:41Z") == utc(2025, 7, 16, 13, 5, 41)
    assert parse_iso("2025-07-16T13:05:41") == utc(2025, 7, 16, 13, 5, 41)
    assert parse_iso("16 Ιουλίου 2025") is None
    assert parse_iso("2025-02-31T00:00:00+00:00") is None


def test_rfc822_pubdate() -> None:
    assert parse_rfc822("Wed, 16 Jul 2025 13:05:41 +0000") == utc(2025, 7, 16, 13, 5, 41)
    assert parse_rfc822("not a date") is None


def test_a_date_without_a_year_is_the_latest_one_before_the_crawl() -> None:
    # December 14 without a year, read in July: last December's, not the coming one
    assert parse_visible_date("14 Δεκ", NEW_YORK, NOW) == utc(2024, 12, 14, 5)
    assert parse_visible_date("Dec 14", NEW_YORK, NOW) == utc(2024, 12, 14, 5)
