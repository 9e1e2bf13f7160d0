"""One crawl in a process of its own, as the benchmarks run it: its stats, requests, start-up and peak memory."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tools.fixture_server import FixtureServer

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: longest wait for a crawl's first request or its end
PATIENCE = 900


def peak_rss(pid: int) -> int:
    """The peak resident set of process *pid* so far, in kB (VmHWM: that of its program alone).

    Not ``ru_maxrss`` (``os.wait4``, ``getrusage``, Scrapy's ``memusage/*``): started with vfork, as
    Python's subprocess starts programs, a process carries its parent's resident set into it, and
    this parent holds a generated store's documents. 0 once the process is gone.
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)


@dataclass(frozen=True)
class Run:
    #: seconds from the process's start until the site received its first request
    startup: float
    #: the process's peak resident set size, MB
    peak_rss: float
    #: requests the site received
    requests: int
    stats: dict[str, float]


def crawl(project: Path, server: FixtureServer, uri: str, database: str, *args: str, concurrency: int = 16) -> Run:
    """One `scrapy crawl iproini` of *server* into *database*, in a process of its own, throttling off."""
    before = len(server.requests)
    command = [
        sys.executable, "-m", "scrapy", "crawl", "iproini", "-a", f"base_url={server.url}", *args,
        "-s", f"MONGO_DATABASE={database}", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"CONCURRENT_REQUESTS={concurrency}",
        "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}", "-s", "LOG_LEVEL=INFO",
    ]  # fmt: skip
    environment = {**os.environ, "MONGO_URI": uri, "NEWSCRAWL_DATA_DIR": tempfile.mkdtemp()}
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=project, env=environment, stdout=subprocess.DEVNULL, stderr=log)
        while len(server.requests) == before and time.perf_counter() - started < PATIENCE:
            time.sleep(0.005)
        startup = time.perf_counter() - started
        peak = 0
        while process.poll() is None and time.perf_counter() - started < PATIENCE:
            peak = max(peak, peak_rss(process.pid))  # the last reading before it ends: its closing adds little
            time.sleep(0.02)
        log.seek(0)
        text = log.read()
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} exited with {process.returncode}:\n{text[-3000:]}")
    return Run(startup, peak / 1024, len(server.requests) - before, stats_of(text))


_STAT = re.compile(r"'([^']+)': (\d+(?:\.\d+)?)[,}]")


def stats_of(log: str) -> dict[str, float]:
    return {key: float(value) for key, value in _STAT.findall(log.rsplit("Dumping Scrapy stats:", 1)[-1])}
