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
