"""The console of the project's commands: one line per record, never a traceback.

Scrapy logs to one place: ``LOG_FILE`` if set, else the console. The project's
commands keep Scrapy's log file as it is (every record, tracebacks included, at
``LOG_LEVEL``) and put this handler on the console instead of Scrapy's:

* without ``LOG_FILE`` it shows the log at ``LOG_LEVEL``;
* with ``LOG_FILE`` it shows warnings and errors only, the rest being in the file.

Either way a record is one line on the console: an exception becomes
``(ExceptionName: message)`` after the message, and a traceback written into a
message is cut off. Scrapy's listings (the enabled components, the overridden
settings, the stats dump) and the browser handler's closing show on the console
only at ``LOG_LEVEL=DEBUG``; they stay in ``LOG_FILE``. A crawl's console thus
ends with the run's summary line, the feeds it wrote and "Spider closed". Set
``LOG_FILE`` (and ``LOG_LEVEL=DEBUG``) for the detail.
"""

from __future__ import annotations

import logging
import sys

from scrapy.settings import BaseSettings

TRACEBACK = "Traceback (most recent call last):"


class ConsoleFormatter(logging.Formatter):
    """Scrapy's ``LOG_FORMAT``, with exceptions in a few words instead of tracebacks."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage().split(TRACEBACK, 1)[0].rstrip()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            summary = f"{type(error).__name__}: {error}".splitlines()[0] if str(error) else type(error).__name__
            if str(error) not in message:
                message = f"{message} ({summary})"
        line = logging.LogRecord(
            record.name, record.levelno, record.pathname, record.lineno, message, None, None, record.funcName
        )
        line.created, line.msecs = record.created, record.msecs
        return super().format(line)


#: (logger, start of the message) of records for the log file, shown on the console at DEBUG only
DETAIL = (
    ("scrapy.addons", "Enabled addons:"),
    ("scrapy.middleware", "Enabled "),
    ("scrapy.crawler", "Overridden settings:"),
    ("scrapy.statscollectors", "Dumping Scrapy stats:"),
    ("scrapy-playwright", "Closing download handler"),
)


def is_detail(record: logging.LogRecord) -> bool:
    return any(record.name == name and str(record.msg).startswith(start) for name, start in DETAIL)


class ConsoleHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The console handler the project's commands install; one per process."""

    def filter(self, record: logging.LogRecord) -> bool:
        return (self.level <= logging.DEBUG or not is_detail(record)) and bool(super().filter(record))


def keep_scrapy_off_the_console(settings: BaseSettings) -> None:
    """Let Scrapy install its root handler only for ``LOG_FILE``. Before Scrapy configures logging."""
    if not settings.get("LOG_FILE"):
        settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")


def install_console(settings: BaseSettings) -> None:
    """Put the console handler on the root logger. After Scrapy configured logging (which would close it)."""
    root = logging.getLogger()
    root.setLevel(logging.NOTSET)  # as Scrapy's own root handler does: handlers choose the level
    for old in [handler for handler in root.handlers if isinstance(handler, ConsoleHandler)]:
        root.removeHandler(old)
    if not settings.getbool("LOG_ENABLED"):
        return
    handler = ConsoleHandler(sys.stderr)
    handler.setFormatter(ConsoleFormatter(settings.get("LOG_FORMAT"), settings.get("LOG_DATEFORMAT")))
    handler.setLevel(logging.WARNING if settings.get("LOG_FILE") else settings.get("LOG_LEVEL"))
    root.addHandler(handler)
