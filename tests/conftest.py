"""Shared fixtures: the fixture site served on loopback, its expected articles, crawl runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from newscrawl.fixture_server import DEFAULT_ROOT, FixtureServer

pytest_plugins = ["tests.mongo"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXPECTED_FILE = DEFAULT_ROOT.parent / "expected.json"


@pytest.fixture(scope="session")
def expected_articles() -> dict[str, dict]:
    """Expected item fields of every fixture article, by canonical URL."""
    expected = json.loads(EXPECTED_FILE.read_text(encoding="utf-8"))
    return {article["url"]: article for article in expected["articles"]}


@pytest.fixture
def fixture_server() -> Iterator[FixtureServer]:
    with FixtureServer() as server:
        yield server


def run_crawl(*args: str, env: dict[str, str] | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    """Run ``scrapy crawl`` in the project as a subprocess; raise with its log if it fails."""
    process = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return process


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
