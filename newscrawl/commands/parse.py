"""``scrapy parse``: one page through a callback; stores nothing, records no run (:class:`~newscrawl.commands.StoreNothing`)."""

from __future__ import annotations

import argparse

from scrapy.commands.parse import Command as ScrapyParseCommand

from newscrawl.commands import StoreNothing, check_arguments, refused_in_one_line


class Command(StoreNothing, ScrapyParseCommand):
    def set_spidercls(self, url: str, opts: argparse.Namespace) -> None:
        """The spider named, or the one the URL belongs to; its arguments checked before the page is requested."""
        super().set_spidercls(url, opts)
        if self.spidercls is not None:
            with refused_in_one_line():
                check_arguments(self.spidercls, opts.spargs)
