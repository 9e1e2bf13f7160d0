"""Shared fixtures: fixture sites served on loopback, in-process crawls, a MongoDB server."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tools.fixture_server import FixtureServer

pytest_plugins = ["tests.mongo"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The files that take longest, slowest first (measured with --junitxml). The workers take files
#: in collection order (``--dist loadfile``): started first, these end while the many short files
#: fill the other workers, instead of one of them running on alone at the end.
SLOWEST_FIRST = (
    "test_downstream_queries.py", "test_operator_failures.py", "test_crawl.py", "test_scrapyd.py",
    "test_contracts.py", "test_storage_outage.py", "test_scrapyd_credentials.py", "test_bench.py",
)  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: place for place, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: a file's own order is kept


@pytest.fixture
def serve_site() -> Iterator[Callable[[str], FixtureServer]]:
    """``serve_site(name)``: the copy of the fixture site *name* served on a free port of 127.0.0.1
    until the test ends."""
    with ExitStack() as servers:
        yield lambda name: servers.enter_context(FixtureServer(name))


def run_scrapy(*args: str, env: dict[str, str] | None = None, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """Run a ``scrapy`` command in the project as a subprocess (the few tests of the command line itself)."""
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
