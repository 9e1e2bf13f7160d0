"""Keep credentials in connection strings out of every log line.

``-s MONGO_URI=mongodb://user:secret@host/`` would otherwise be printed by
Scrapy's "Overridden settings" line, and a driver error or traceback can echo a
URI too. Redaction is set up when a log record is created, so it covers every
logger and every handler (Scrapy replaces its root handler during startup, which
would drop a handler-level filter); the record's message is redacted when first read.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import unquote_plus

from scrapy.crawler import Crawler

# scheme://userinfo@ where userinfo may itself contain "@" or quotes (the last "@" before the host wins)
_USERINFO = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<userinfo>[^\s/]*)@")
_MARK = "_newscrawl_redacts_credentials"


def _mask(match: re.Match[str]) -> str:
    user, has_password, _password = match["userinfo"].partition(":")
    return f"{match['scheme']}{user}:***@" if has_password else match[0]


def redact(text: str) -> str:
    """``text`` with the password of every ``scheme://user:password@`` replaced by ``***``."""
    return _USERINFO.sub(_mask, text) if "://" in text else text


def uri_password(uri: str) -> str | None:
    """The password of a connection string, found even in one no parser accepts (``mongodb//u:p@h/``).

    Whatever stands between the first ``:`` of the userinfo and its last ``@``
    (before any query string) is taken for the password. Without an ``@``, a
    host's "port" that is no number is taken for one (``mongodb://user:secret/db``).
    """
    rest = uri.split("//", 1)[-1].split("?", 1)[0]
    userinfo, at, _host = rest.rpartition("@")
    if not at:
        hosts = rest.split("/", 1)[0].split(",")
        ports = [host.rpartition(":")[2] for host in hosts if ":" in host and not host.endswith("]")]
        return next((port for port in ports if port and not port.isdigit()), None)
    _user, colon, password = userinfo.partition(":")
    return password if colon and password else None


def redact_uri(text: str, uri: str) -> str:
    """``text`` redacted, and with the password of *uri* masked wherever it appears, percent-encoded or not."""
    text = redact(text)
    if (password := uri_password(uri)) is not None:
        for secret in sorted({password, unquote_plus(password)}, key=len, reverse=True):
            text = text.replace(secret, "***")
    return text


def _redact_record(record: logging.LogRecord) -> None:
    # The message is redacted when something reads it, not here: most records are DEBUG ones the
    # console drops, and formatting each ("Scraped from" prints the whole article) cost 5% of a crawl.
    message_of = record.getMessage

    def redacted_message() -> str:
        message = message_of()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return redacted

    record.getMessage = redacted_message  # type: ignore[method-assign]  # this record's own, by design
    if record.exc_info and not record.exc_text:
        # Formatters reuse a record's exc_text, so setting it here redacts tracebacks too.
        text = logging.Formatter().formatException(record.exc_info)
        if redact(text) != text:
            record.exc_text = redact(text)


def install_log_redaction() -> None:
    """Redact credentials in every log record created from now on (idempotent)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, _MARK, False):
        return

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        _redact_record(record)
        return record

    setattr(redacting_factory, _MARK, True)
    logging.setLogRecordFactory(redacting_factory)


class LogRedaction:
    """Extension that installs :func:`install_log_redaction`.

    Extensions are built before Scrapy logs the overridden settings, which is
    the first line that can carry a ``-s MONGO_URI`` value.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LogRedaction:
        install_log_redaction()
        return cls()
