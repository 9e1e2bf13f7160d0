"""``scrapy check``: the spiders' contracts, storing nothing and recording no run (:class:`~newscrawl.commands.StoreNothing`).

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
        assert self.crawler_process is not None and self.settings is not None
        loader = self.crawler_process.spider_loader
        with refused_in_one_line():
            for name in args or loader.list():
                check_arguments(load_spider(loader, name), opts.spargs)
        if self.settings.get("LOG_LEVEL") == "DEBUG":
            super().run(args, opts)
            return
        report = io.StringIO()
        try:
            with contextlib.redirect_stderr(report):
                super().run(args, opts)
        finally:
            sys.stderr.write(exception_lines(report.getvalue()))
