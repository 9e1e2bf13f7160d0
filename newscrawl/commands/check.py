"""``scrapy check``: the spiders' contracts, storing nothing and recording no run (:class:`~newscrawl.commands.StoreNothing`)."""

from __future__ import annotations

import argparse

from scrapy.commands.check import Command as ScrapyCheckCommand

from newscrawl.commands import StoreNothing, check_arguments, load_spider, refused_in_one_line


class Command(StoreNothing, ScrapyCheckCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process is not None
        loader = self.crawler_process.spider_loader
        with refused_in_one_line():
            for name in args or loader.list():
                check_arguments(load_spider(loader, name), opts.spargs)
        super().run(args, opts)
