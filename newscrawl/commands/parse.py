"""``scrapy parse``: one page through a callback; stores nothing, records no run (:class:`~newscrawl.commands.StoreNothing`)."""

from __future__ import annotations

from scrapy.commands.parse import Command as ScrapyParseCommand

from newscrawl.commands import StoreNothing


class Command(StoreNothing, ScrapyParseCommand):
    pass
