"""``scrapy check``: the spiders' contracts, storing nothing and recording no run (:class:`~newscrawl.commands.StoreNothing`)."""

from __future__ import annotations

from scrapy.commands.check import Command as ScrapyCheckCommand

from newscrawl.commands import StoreNothing


class Command(StoreNothing, ScrapyCheckCommand):
    pass
