"""Fast, timezone-aware parsing of the dates news sites print.

Machine-readable values (ISO 8601, RFC 822) are parsed exactly. Visible dates
in the formats WordPress themes print (month names, day-first numeric dates,
relative "time ago" forms, in every language of :mod:`newscrawl.languages`)
are parsed with tables built from those languages' words and a few regular
expressions, in the site's timezone. Only what none of those recognise goes to
dateparser, whose first call costs about a second, so it is loaded lazily and
once per process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache
from types import ModuleType
from zoneinfo import ZoneInfo

from newscrawl.languages import LANGUAGES, fold


class InvalidDate(ValueError):
    """A date that names no real day, such as 31 February."""


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of *words* (folded), longest first so that a prefix never wins."""
    return "|".join(sorted({re.escape(fold(word)) for word in words}, key=len, reverse=True))


MONTHS: dict[str, int] = {
    fold(name): number for language in LANGUAGES for number, names in language.months.items() for name in names
}
_DAY_WORDS = {fold(word): days for language in LANGUAGES for word, days in language.day_words.items()}
_UNITS = {fold(stem): unit for language in LANGUAGES for stem, unit in language.units.items()}
_NUMBER_WORDS = {fold(word): n for language in LANGUAGES for word, n in language.number_words.items()}
_MERIDIEM = {fold(w): "am" for lang in LANGUAGES for w in lang.am} | {fold(w): "pm" for lang in LANGUAGES for w in lang.pm}

_MONTH = r"(?P<month>[^\W\d_]+)\.?"
_JOINERS = _alternation(word for language in LANGUAGES for word in language.time_joiners)
_TIME = (
    rf"(?:[,\s\-–|]+(?:(?:{_JOINERS})\s+)?(?P<hour>\d{{1,2}})[:.](?P<minute>\d{{2}})"
    rf"(?:\s*(?P<ampm>{_alternation(_MERIDIEM)}))?)?"
)
# "16 ιουλιου 2025", "16 ιουλιου, 2025" (folded text)
_DAY_MONTH_YEAR = re.compile(rf"(?P<day>\d{{1,2}})\s+{_MONTH},?\s+(?P<year>\d{{4}}){_TIME}")
# "july 16, 2025", "ιουλιοσ 16, 2025"
_MONTH_DAY_YEAR = re.compile(rf"{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}}){_TIME}")
# "16/07/2025", "16.07.2025", "16-07-2025": news sites outside the US write the day first
_NUMERIC_DMY = re.compile(rf"(?P<day>\d{{1,2}})[/.-](?P<month>\d{{1,2}})[/.-](?P<year>\d{{4}}){_TIME}")
# "πριν από 2 ώρες", "πριν 3 ημέρες", "2 hours ago", "an hour ago" (folded), one pattern per phrase
_COUNT = rf"(?P<n>\d+|{_alternation(_NUMBER_WORDS)})"
_UNIT = rf"(?P<unit>{_alternation(_UNITS)})\w*"
_AGO = tuple(
    re.compile("^" + re.escape(fold(phrase)).replace(r"\{n\}", _COUNT).replace(r"\{unit\}", _UNIT) + "$")
    for language in LANGUAGES
    for phrase in language.ago_phrases
)


def parse_iso(value: str) -> datetime | None:
    """An exact ISO 8601 timestamp as an aware UTC datetime (naive values are taken as UTC)."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_rfc822(value: str) -> datetime | None:
    """An RFC 822 date (RSS ``pubDate``) as an aware UTC datetime."""
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _local(match: re.Match[str], month: int, tz: ZoneInfo) -> datetime:
    hour = int(match.group("hour") or 0)
    minute = int(match.group("minute") or 0)
    meridiem = _MERIDIEM.get(match.group("ampm") or "")
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    try:
        local = datetime(int(match.group("year")), month, int(match.group("day")), hour, minute, tzinfo=tz)
    except ValueError as exc:
        raise InvalidDate(f"no such date: {match.group(0)!r}") from exc
    return local.astimezone(UTC)


def _relative(folded: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    if folded in _DAY_WORDS:
        local_day = (now.astimezone(tz) - timedelta(days=_DAY_WORDS[folded])).date()
        return datetime(local_day.year, local_day.month, local_day.day, tzinfo=tz).astimezone(UTC)
    match = next((m for pattern in _AGO if (m := pattern.match(folded))), None)
    if match is None:
        return None
    count = int(match["n"]) if match["n"].isdigit() else _NUMBER_WORDS[match["n"]]
    unit = next(_UNITS[stem] for stem in sorted(_UNITS, key=len, reverse=True) if match["unit"].startswith(stem))
    try:
        return (now - timedelta(**{unit: count})).astimezone(UTC)
    except OverflowError as exc:  # "πριν 99999999 ημέρες"
        raise InvalidDate(f"no such date: {match.group(0)!r}") from exc


@lru_cache(maxsize=1)
def _dateparser() -> ModuleType:
    import dateparser  # noqa: PLC0415 - deferred: importing and first use cost about a second

    return dateparser


def parse_visible_date(text: str, tz: ZoneInfo, now: datetime | None = None) -> datetime | None:
    """A date as printed on a page, in the site's timezone *tz*, as an aware UTC datetime.

    Handles ``16 Ιουλίου 2025``, ``July 16, 2025``, ``16/07/2025`` (day first),
    an optional time (``20:15``, ``8:15 μμ``), and relative forms taken against
    *now* (``πριν από 2 ώρες``, ``πριν 3 ημέρες``, ``χθες``, ``2 hours ago``).
    Falls back to dateparser (every known language, day first, dates in the
    past preferred) for anything else. Returns None when the text holds no date;
    raises :class:`InvalidDate` for a date that does not exist (``31 Φεβρουαρίου 2025``).
    """
    folded = " ".join(fold(text).split())
    if not folded:
        return None
    now = now or datetime.now(UTC)
    relative = _relative(folded, now, tz)
    if relative is not None:
        return relative
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        match = pattern.search(folded)
        if match and match.group("month") in MONTHS:
            return _local(match, MONTHS[match.group("month")], tz)
    match = _NUMERIC_DMY.search(folded)
    if match:
        return _local(match, int(match.group("month")), tz)
    parsed = _dateparser().parse(
        text,
        languages=[language.code for language in LANGUAGES],
        settings={
            "DATE_ORDER": "DMY",
            "TIMEZONE": tz.key,
            "RETURN_AS_TIMEZONE_AWARE": True,
            "RELATIVE_BASE": now.astimezone(tz).replace(tzinfo=None),
            # a bare weekday or month is the latest one before now: news is about the past
            "PREFER_DATES_FROM": "past",
        },
    )
    return parsed.astimezone(UTC) if parsed else None
