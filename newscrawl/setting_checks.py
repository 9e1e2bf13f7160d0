"""Setting values checked once, before a command runs: a value that cannot be used is one line naming its setting.

Without this, a wrong value fails deep inside a component as it is built
(``could not convert string to float: 'abc'``), naming no setting, or later as
something else (a bad database name as "storage unavailable"). The project's
settings are checked as their registry entry says (:mod:`newscrawl.default_settings`):
the type of the default, the range, what the value names. Scrapy's own numeric
and boolean settings are checked for their type only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scrapy.settings import BaseSettings
from scrapy.settings import default_settings as scrapy_defaults

from newscrawl.default_settings import SETTINGS, Setting

#: how a value is read, by the type of its default, and what it must be then
READERS: dict[type, tuple[str, str]] = {
    bool: ("getbool", "must be True or False (or 1 or 0)"),
    int: ("getint", "must be a whole number"),
    float: ("getfloat", "must be a number"),
    dict: ("getdict", "must be a JSON object"),
    list: ("getlist", "must be a list"),
}
#: characters MongoDB refuses in a database name
DATABASE_FORBIDDEN = '/\\. "$\x00'


def bad_setting(settings: BaseSettings) -> str | None:
    """The first setting whose value cannot be used, said in one line; None when every one can."""
    for setting in SETTINGS:
        if (problem := _problem(setting, settings)) is not None:
            return f"Bad setting {setting.name}={settings.get(setting.name)!r}: {problem}"
    for name, default in vars(scrapy_defaults).items():
        if type(default) not in (bool, int, float) or not isinstance(value := settings.get(name), str):
            continue
        if not _reads(settings, name, default):
            what = READERS[bool][1] if isinstance(default, bool) else READERS[float][1]
            return f"Bad setting {name}={value!r}: {what}"
    return None


def _reads(settings: BaseSettings, name: str, default: Any) -> bool:
    # Scrapy writes some switches as numbers (TELNETCONSOLE_ENABLED = 1): a number's setting may be a switch too.
    readers: list[Callable[[str], Any]] = (
        [settings.getbool] if isinstance(default, bool) else [settings.getfloat, settings.getbool]
    )
    for read in readers:
        try:
            read(name)
        except (ValueError, TypeError):
            continue
        return True
    return False


def _problem(setting: Setting, settings: BaseSettings) -> str | None:
    if settings.get(setting.name) is None or type(setting.default) not in READERS:
        return _name_problem(setting.names, settings.get(setting.name))
    method, what = READERS[type(setting.default)]
    try:
        value = getattr(settings, method)(setting.name)
    except (ValueError, TypeError):
        return what
    low, above, high = setting.minimum, setting.exclusive_minimum, setting.maximum
    if (low is not None and value < low) or (above is not None and value <= above) or (high is not None and value > high):
        return f"must be {value_range(setting)}"
    return None


def value_range(setting: Setting) -> str | None:
    """The values a number setting may take, in words (``at least 1``, ``from 0 to 1``); also for the reference."""
    if setting.minimum is not None and setting.maximum is not None:
        return f"from {setting.minimum:g} to {setting.maximum:g}"
    if setting.minimum is not None:
        return f"at least {setting.minimum:g}"
    if setting.exclusive_minimum is not None:
        return f"more than {setting.exclusive_minimum:g}"
    return f"at most {setting.maximum:g}" if setting.maximum is not None else None


def _name_problem(names: str | None, value: Any) -> str | None:
    """What is wrong with *value* as the name of a MongoDB database or collection (*names*)."""
    if names is None or value is None:
        return None
    if not isinstance(value, str) or not value:
        return f"must name a {names}"
    if names == "database" and (forbidden := sorted(set(value) & set(DATABASE_FORBIDDEN))):
        return f"a database name cannot hold {' '.join(repr(character) for character in forbidden)}"
    if names == "database" and len(value.encode()) >= 64:
        return "a database name must be shorter than 64 bytes"
    if names == "collection" and ("$" in value or "\x00" in value or value.startswith((".", "system.")) or value.endswith(".")):
        return "a collection name cannot hold '$', nor begin with '.' or 'system.', nor end with '.'"
    return None
