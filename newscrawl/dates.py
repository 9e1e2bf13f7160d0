"""Fast, timezone-aware parsing of the dates news sites print.

Machine-readable values (ISO 8601, RFC 822) are parsed exactly. Visible dates
in the formats WordPress themes print (Greek or English month names, day-first
numeric dates, relative "time ago" forms) are parsed with a month table and a
few regular expressions, in the site's timezone. Only what none of those
recognise goes to dateparser, whose first call costs about a second, so it is
loaded lazily and once per process.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from zoneinfo import ZoneInfo


class InvalidDate(ValueError):
    """A date that names no real day, such as 31 February."""


def _fold(text: str) -> str:
    """Lowercase and strip accents (Greek tonos included), for table lookups."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").replace("ς", "σ")


_MONTH_NAMES = {
    1: "ιανουαριοσ ιανουαριου ιαν january jan",
    2: "φεβρουαριοσ φεβρουαριου φεβ february feb",
    3: "μαρτιοσ μαρτιου μαρ march mar",
    4: "απριλιοσ απριλιου απρ april apr",
    5: "μαιοσ μαιου μαι may",
    6: "ιουνιοσ ιουνιου ιουν june jun",
    7: "ιουλιοσ ιουλιου ιουλ july jul",
    8: "αυγουστοσ αυγουστου αυγ august aug",
    9: "σεπτεμβριοσ σεπτεμβριου σεπ σεπτ september sep sept",
    10: "οκτωβριοσ οκτωβριου οκτ october oct",
    11: "νοεμβριοσ νοεμβριου νοε νοεμ november nov",
    12: "δεκεμβριοσ δεκεμβριου δεκ december dec",
}
MONTHS: dict[str, int] = {name: number for number, names in _MONTH_NAMES.items() for name in names.split()}

_MONTH = r"(?P<month>[^\W\d_]+)\.?"
_TIME = r"(?:[,\s\-–|]+(?:στισ\s+|at\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:\s*(?P<ampm>[πμ]\.?\s?μ\.?|am|pm))?)?"
# "16 ιουλιου 2025", "16 ιουλιου, 2025" (folded text)
_DAY_MONTH_YEAR = re.compile(rf"(?P<day>\d{{1,2}})\s+{_MONTH},?\s+(?P<year>\d{{4}}){_TIME}")
# "july 16, 2025", "ιουλιοσ 16, 2025"
_MONTH_DAY_YEAR = re.compile(rf"{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}}){_TIME}")
# "16/07/2025", "16.07.2025", "16-07-2025": the site's locale writes the day first
_NUMERIC_DMY = re.compile(rf"(?P<day>\d{{1,2}})[/.-](?P<month>\d{{1,2}})[/.-](?P<year>\d{{4}}){_TIME}")

_UNITS = {
    "δευτερολεπτ": "seconds", "second": "seconds", "sec": "seconds",
    "λεπτ": "minutes", "minute": "minutes", "min": "minutes",
    "ωρ": "hours", "hour": "hours",
    "ημερ": "days", "μερ": "days", "day": "days",
    "εβδομαδ": "weeks", "week": "weeks",
}
_UNIT_PATTERN = "|".join(sorted(_UNITS, key=len, reverse=True))
# "πριν από 2 ώρες", "πριν 3 ημέρες", "πριν 1 μέρα" (folded)
_GREEK_AGO = re.compile(rf"^πριν\s+(?:απο\s+)?(?P<n>\d+|ενα|μια)\s+(?P<unit>{_UNIT_PATTERN})\w*$")
# "2 hours ago", "an hour ago"
_ENGLISH_AGO = re.compile(rf"^(?P<n>\d+|an?|one)\s+(?P<unit>{_UNIT_PATTERN})\w*\s+ago$")
_DAY_WORDS = {"σημερα": 0, "today": 0, "χθεσ": 1, "χτεσ": 1, "yesterday": 1, "προχθεσ": 2, "προχτεσ": 2}


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
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def parse_rfc822(value: str) -> datetime | None:
    """An RFC 822 date (RSS ``pubDate``) as an aware UTC datetime."""
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _local(match: re.Match, month: int, tz: ZoneInfo) -> datetime:
    hour = int(match.group("hour") or 0)
    minute = int(match.group("minute") or 0)
    ampm = (match.group("ampm") or "").replace(".", "").replace(" ", "")
    if ampm in ("μμ", "pm") and hour < 12:
        hour += 12
    elif ampm in ("πμ", "am") and hour == 12:
        hour = 0
    try:
        local = datetime(int(match.group("year")), month, int(match.group("day")), hour, minute, tzinfo=tz)
    except ValueError as exc:
        raise InvalidDate(f"no such date: {match.group(0)!r}") from exc
    return local.astimezone(timezone.utc)


def _relative(folded: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    if folded in _DAY_WORDS:
        local_day = (now.astimezone(tz) - timedelta(days=_DAY_WORDS[folded])).date()
        return datetime(local_day.year, local_day.month, local_day.day, tzinfo=tz).astimezone(timezone.utc)
    match = _GREEK_AGO.match(folded) or _ENGLISH_AGO.match(folded)
    if not match:
        return None
    count = int(match.group("n")) if match.group("n").isdigit() else 1
    unit = next(_UNITS[key] for key in sorted(_UNITS, key=len, reverse=True) if match.group("unit").startswith(key))
    try:
        return (now - timedelta(**{unit: count})).astimezone(timezone.utc)
    except OverflowError as exc:  # "πριν 99999999 ημέρες"
        raise InvalidDate(f"no such date: {match.group(0)!r}") from exc


@lru_cache(maxsize=1)
def _dateparser():
    import dateparser  # noqa: PLC0415 - deferred: importing and first use cost about a second

    return dateparser


def parse_visible_date(text: str, tz: ZoneInfo, now: datetime | None = None) -> datetime | None:
    """A date as printed on a page, in the site's timezone *tz*, as an aware UTC datetime.

    Handles ``16 Ιουλίου 2025``, ``July 16, 2025``, ``16/07/2025`` (day first),
    an optional time (``20:15``, ``8:15 μμ``), and relative forms taken against
    *now* (``πριν από 2 ώρες``, ``πριν 3 ημέρες``, ``χθες``, ``2 hours ago``).
    Falls back to dateparser (Greek and English, day first) for anything else.
    Returns None when the text holds no date; raises :class:`InvalidDate` for a
    date that does not exist (``31 Φεβρουαρίου 2025``).
    """
    folded = " ".join(_fold(text).split())
    if not folded:
        return None
    now = now or datetime.now(timezone.utc)
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
        languages=["el", "en"],
        settings={
            "DATE_ORDER": "DMY",
            "TIMEZONE": tz.key,
            "RETURN_AS_TIMEZONE_AWARE": True,
            "RELATIVE_BASE": now.astimezone(tz).replace(tzinfo=None),
            "PREFER_DATES_FROM": "past",
        },
    )
    return parsed.astimezone(timezone.utc) if parsed else None
