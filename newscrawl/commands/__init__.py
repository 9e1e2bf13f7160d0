"""The project's commands (``COMMANDS_MODULE``): ``crawl``, ``check`` and ``parse`` replace Scrapy's.

``scrapy crawl`` exits with one status per outcome, so that cron, systemd and
Scrapyd's log tell them apart (docs/operations.md, "Exit codes"):

==  =================================================================================
0   the crawl ran to its end and every monitor passed
1   bad arguments or configuration (an unknown spider or argument, a malformed MONGO_URI), or a component failed to start
2   the site could not be reached: every entry point failed to connect
3   the crawl ran to its end but a monitor failed
4   the storage is unavailable: MongoDB unreachable, credentials refused, the embedded store busy or unwritable
==  =================================================================================

Each failure is one line on the console, without a traceback (:mod:`newscrawl.console`).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import IntEnum
from typing import TYPE_CHECKING, NoReturn

from scrapy import Spider
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy.spiderloader import SpiderLoaderProtocol

from newscrawl.news.arguments import BadArguments, arguments_model, parse_arguments
from newscrawl.news.reach import UNREACHABLE
from newscrawl.setting_checks import bad_setting
from newscrawl.storage.errors import StorageMisconfigured, StorageUnavailable

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    _Command = ScrapyCommand
else:
    _Command = object


class ExitStatus(IntEnum):
    OK = 0
    BAD_CONFIGURATION = 1
    SITE_UNREACHABLE = 2
    MONITORS_FAILED = 3
    STORAGE_UNAVAILABLE = 4


#: the exit status of a crawl that stopped early, by its finish reason
BY_FINISH_REASON = {
    UNREACHABLE: ExitStatus.SITE_UNREACHABLE,
    StorageUnavailable.reason: ExitStatus.STORAGE_UNAVAILABLE,
    StorageMisconfigured.reason: ExitStatus.BAD_CONFIGURATION,
}


def fail(message: str, status: ExitStatus = ExitStatus.BAD_CONFIGURATION) -> NoReturn:
    """Say what is wrong in one line on the console (and the log file), and exit."""
    logger.error(message)
    sys.exit(status)


def bad_command_line(message: str) -> NoReturn:
    # Before Scrapy configures logging: straight to the console.
    sys.stderr.write(f"Bad command line: {message}\n")
    sys.exit(ExitStatus.BAD_CONFIGURATION)


class BadConfiguration(Exception):
    """A setting, spider or argument that cannot be used; the message is the one line saying so."""


def check_settings(settings: BaseSettings) -> None:
    """Refuse a setting whose value cannot be used, naming it, before anything is built from it."""
    if problem := bad_setting(settings):
        raise BadConfiguration(problem)


def load_spider(loader: SpiderLoaderProtocol, name: str) -> type[Spider]:
    try:
        return loader.load(name)
    except KeyError:
        raise BadConfiguration(f"Unknown spider {name!r}; the spiders are {', '.join(sorted(loader.list()))}") from None


def check_arguments(spidercls: type[Spider], arguments: dict[str, str]) -> None:
    """Refuse bad spider arguments (``-a``) against the spider's parameter model, before its crawl starts."""
    if model := arguments_model(spidercls):
        try:
            parse_arguments(model, arguments)
        except BadArguments as exc:
            raise BadConfiguration(f"Bad argument for {spidercls.name}: {exc}") from None


@contextmanager
def refused_in_one_line() -> Iterator[None]:
    """For ``check`` and ``parse``, whose log may be off (``check`` turns it off): the line straight to the console."""
    try:
        yield
    except BadConfiguration as exc:
        sys.stderr.write(f"ERROR: {exc}\n")
        sys.exit(ExitStatus.BAD_CONFIGURATION)


@contextmanager
def usage_errors_in_one_line() -> Iterator[None]:
    """Scrapy's usage errors (a bad ``-a`` or ``-s``) as one line and exit status 1, not the help text."""
    try:
        yield
    except UsageError as exc:
        bad_command_line(str(exc) or "see --help")


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 0 (any free one) to 65535."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port: 0 (any free one) to 65535")
    return int(text)


def one_line_parser_errors(parser: argparse.ArgumentParser) -> None:
    """argparse's own errors (``-a`` without a value) likewise: one line, status 1 (argparse would exit 2)."""
    parser.error = bad_command_line  # type: ignore[method-assign]


class StoreNothing(_Command):
    """For ``check`` and ``parse``: settings checked first; no storage, no monitors, no run recorded, unless the
    command line says so.

    The priority is above a spider's ``custom_settings`` and below the command line, as Scrapy's ``check``
    does for the pipelines. (A mixin: Scrapy would list a command class defined here as a command.)
    """

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        with usage_errors_in_one_line():
            super().process_options(args, opts)
        assert self.settings is not None
        priority = (SETTINGS_PRIORITIES["spider"] + SETTINGS_PRIORITIES["cmdline"]) // 2
        self.settings.set("NEWSCRAWL_STORAGE_ENABLED", False, priority=priority)
        self.settings.set("SPIDERMON_ENABLED", False, priority=priority)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        with refused_in_one_line():
            check_settings(self.settings)
        super().run(args, opts)  # type: ignore[safe-super]  # the command it is mixed into runs
