"""Scrapy log messages about items, in one line naming the article instead of dumping it."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure


def _item_url(item: Any) -> str:
    adapter = ItemAdapter(item)
    return adapter.get("url") or adapter.get("source_url") or "an item without url"


class OneLineLogFormatter(LogFormatter):
    """``Dropped <url>: <Reason>: <message>`` and ``Error processing <url>``, one line each."""

    def dropped(
        self, item: Any, exception: BaseException, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        return {
            **super().dropped(item, exception, response, spider),
            "msg": "Dropped %(url)s: %(reason)s: %(exception)s",
            "args": {"url": _item_url(item), "reason": type(exception).__name__, "exception": exception},
        }

    def item_error(
        self, item: Any, exception: BaseException, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        return {
            **super().item_error(item, exception, response, spider),
            "msg": "Error processing %(url)s",
            "args": {"url": _item_url(item)},
        }
