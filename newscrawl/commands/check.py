"""``scrapy check``: the spiders' contracts, storing nothing and recording no run (:func:`store_nothing`)."""

from __future__ import annotations

import argparse

from scrapy.commands.check import Command as ScrapyCheckCommand

from newscrawl.commands import store_nothing, usage_errors_in_one_line


class Command(ScrapyCheckCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        with usage_errors_in_one_line():
            super().process_options(args, opts)
        assert self.settings is not None
        store_nothing(self.settings)
