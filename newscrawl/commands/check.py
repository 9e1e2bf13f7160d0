"""``scrapy check``: the spiders' contracts, storing nothing and recording no run (:class:`~newscrawl.commands.StoreNothing`).

A spider whose contracts need a sample article it does not declare
(:func:`~newscrawl.news.contracts.missing_sample`) is not crawled: one line says
so, the others are checked, and the command exits with status 1.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.check import Command as ScrapyCheckCommand

from newscrawl.commands import StoreNothing
from newscrawl.news.contracts import missing_sample


class Command(StoreNothing, ScrapyCheckCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process is not None
        loader = self.crawler_process.spider_loader
        if opts.list:
            super().run(args, opts)
            return
        names = args or loader.list()
        unchecked = {name: why for name in names if (why := missing_sample(loader.load(name)))}
        for name, why in unchecked.items():
            sys.stderr.write(f"Cannot check {name}: {why}\n")
        if checked := [name for name in names if name not in unchecked]:
            super().run(checked, opts)
        if unchecked:
            self.exitcode = 1
