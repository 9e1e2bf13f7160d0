"""Shared fixtures: fixture sites served on loopback, in-process crawls, a MongoDB server."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sites import FixtureSite
from tools.fixture_server import FixtureServer

pytest_plugins = ["tests.mongo"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
IPROINI = FixtureSite("iproini")


@pytest.fixture
def fixture_server() -> Iterator[FixtureServer]:
    """The Proini copy served on a free port of 127.0.0.1."""
    with FixtureServer("iproini") as server:
        yield server


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
