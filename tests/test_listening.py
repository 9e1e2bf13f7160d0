"""A real ``scrapy crawl`` listens on no port: Scrapy's telnet console (which logs its password, and
through which ``settings['MONGO_URI']`` reads) and its remote control are off.

The crawl's spider waits for the test, which meanwhile lists the TCP sockets the crawl process
listens on (its own sockets, from /proc). Turning either console on shows what the test would see.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import scrapy
from pymongo.database import Database

from tests.conftest import PROJECT_ROOT

LISTEN = "0A"  # the TCP state in /proc/net/tcp


class WaitingSpider(scrapy.Spider):
    """Says it runs (creates the file *ready*), then waits until the file *release* exists; yields nothing."""

    name = "waiting"

    def __init__(self, ready: str = "", release: str = "", **kwargs: Any):
        super().__init__(**kwargs)
        self.ready, self.release = Path(ready), Path(release)

    async def start(self) -> AsyncIterator[Any]:
        self.ready.touch()
        deadline = time.monotonic() + 60
        while not self.release.exists() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        requests: list[Any] = []  # none: the crawl only has to run
        for request in requests:
            yield request


def listening_ports(pid: int) -> list[int]:
    """TCP ports process *pid* listens on (IPv4 and IPv6)."""
    sockets = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = str(fd.readlink())
        except OSError:
            continue
        if target.startswith("socket:["):
            sockets.add(target[len("socket:[") : -1])
    ports = []
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == LISTEN and fields[9] in sockets:
                ports.append(int(fields[1].rsplit(":", 1)[1], 16))
    return sorted(ports)


@pytest.mark.parametrize(
    ("settings", "consoles"),
    [
        ([], 0),
        (["TELNETCONSOLE_ENABLED=True"], 1),
        (["REMOTE_CONTROL_ENABLED=True"], 1),
    ],
    ids=["project-settings", "telnet-on", "remote-control-on"],
)
def test_a_crawl_listens_on_no_port(
    settings: list[str], consoles: int, mongo_uri: str, mongo_db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    ready, release = tmp_path / "ready", tmp_path / "release"
    overrides = [arg for setting in [*settings, f"REMOTE_CONTROL_JOBS_DIR={tmp_path}"] for arg in ("-s", setting)]
    command = [
        sys.executable, "-m", "scrapy", "crawl", "waiting", "-a", f"ready={ready}", "-a", f"release={release}",
        "-s", f"SPIDER_MODULES={__name__}", "-s", "LOG_LEVEL=DEBUG", "-s", "NEWSCRAWL_MONITOR_MIN_ARTICLES=0", *overrides,
    ]  # fmt: skip
    environment = {
        **os.environ,
        "MONGO_URI": mongo_uri,
        "MONGO_DATABASE": mongo_db.name,
        "NEWSCRAWL_DATA_DIR": str(tmp_path / "data"),
    }
    with subprocess.Popen(command, cwd=PROJECT_ROOT, env=environment, stderr=subprocess.PIPE, text=True) as crawl:
        try:
            deadline = time.monotonic() + 60
            while not ready.exists():
                assert crawl.poll() is None and time.monotonic() < deadline, "the crawl did not start"
                time.sleep(0.05)
            ports = listening_ports(crawl.pid)
        finally:
            release.touch()
        _, log = crawl.communicate(timeout=60)
    assert crawl.returncode == 0, log[-3000:]
    assert len(ports) == consoles, ports
    telnet = "TELNETCONSOLE_ENABLED=True" in settings
    assert ("Telnet Password" in log, "'scrapy.extensions.telnet.TelnetConsole'" in log) == (telnet, telnet)
    remote = "REMOTE_CONTROL_ENABLED=True" in settings
    assert ("'scrapy.extensions.remote_control.RemoteControl'" in log) == remote
