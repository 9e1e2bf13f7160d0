"""``scrapy check``: the spiders' contracts, storing nothing and recording no run (:class:`~newscrawl.commands.StoreNothing`).

A spider whose contracts need a sample article it does not declare
(:func:`~newscrawl.news.contracts.missing_sample`) is not crawled: one line says
so, the others are checked, and the command exits with status 1.

Scrapy prints each failed contract as unittest does, with its traceback: for a
site that cannot be reached, two Twisted tracebacks of some thirty lines. Here
each failure is cut to its exception's line (``-s LOG_LEVEL=DEBUG`` keeps them whole).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys

from scrapy.commands.check import Command as ScrapyCheckCommand

from newscrawl.commands import StoreNothing, check_arguments, load_spider, refused_in_one_line
from newscrawl.news.contracts import missing_sample

#: the lines unittest puts around the name of a failed test, and before its traceback
SEPARATORS = ("=" * 70, "-" * 70)


def exception_lines(report: str) -> str:
    """unittest's report with each failure's traceback (chained ones included) cut to the line of the last exception."""
    lines: list[str] = []
    failure: list[str] | None = None
    for line in report.splitlines():
        if failure is not None and line in SEPARATORS:
            lines += [next((text for text in reversed(failure) if text and not text.startswith(" ")), ""), ""]
            failure = None
        if failure is not None:
            failure.append(line)
            continue
        lines.append(line)
        if line == SEPARATORS[1] and len(lines) > 1 and lines[-2].startswith(("ERROR: ", "FAIL: ")):
            failure = []
    return "\n".join(lines) + "\n"


class Command(StoreNothing, ScrapyCheckCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process is not None
        loader = self.crawler_process.spider_loader
        if opts.list:
            super().run(args, opts)
            return
        names = args or loader.list()
        with refused_in_one_line():
            for name in names:
                check_arguments(load_spider(loader, name), opts.spargs)
        unchecked = {name: why for name in names if (why := missing_sample(loader.load(name)))}
        for name, why in unchecked.items():
            sys.stderr.write(f"Cannot check {name}: {why}\n")
        if checked := [name for name in names if name not in unchecked]:
            self.check(checked, opts)
        if unchecked:
            self.exitcode = 1

    def check(self, names: list[str], opts: argparse.Namespace) -> None:
        """Scrapy's check of *names*, each failure in one line unless the log level is DEBUG."""
        assert self.settings is not None
        if self.settings.get("LOG_LEVEL") == "DEBUG":
            super().run(names, opts)
            return
        report = io.StringIO()
        try:
            with contextlib.redirect_stderr(report):
                super().run(names, opts)
        finally:
            sys.stderr.write(exception_lines(report.getvalue()))
