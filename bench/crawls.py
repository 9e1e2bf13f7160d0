"""One crawl in a process of its own, as the benchmarks run it: its stats, requests, start-up and peak memory."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from argparse import ArgumentParser, Namespace
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from newscrawl.news.spider import NewsSiteSpider
from newscrawl.themes import NEWSPAPER
from tools.fixture_server import FIXTURES, FixtureServer, spider_class

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


def crawl(
    project: Path,
    server: FixtureServer,
    uri: str,
    database: str,
    *args: str,
    site: str,
    concurrency: int = 16,
    profile: Path | None = None,
) -> Run:
    """One `scrapy crawl SITE` of *server* into *database*, in a process of its own, throttling off;
    under cProfile, its profile written to *profile*, when given."""
    before = len(server.requests)
    profiler = [] if profile is None else ["-m", "cProfile", "-o", str(profile)]
    command = [
        sys.executable, *profiler, "-m", "scrapy", "crawl", site, "-a", f"base_url={server.url}", *args,
        "-s", f"MONGO_DATABASE={database}", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"CONCURRENT_REQUESTS={concurrency}",
        "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}", "-s", "LOG_LEVEL=INFO",
    ]  # fmt: skip
    data = tempfile.mkdtemp()
    log = Path(data, "crawl.log")  # where the stats dump is (the console shows it at DEBUG only)
    environment = {**os.environ, "MONGO_URI": uri, "NEWSCRAWL_DATA_DIR": data}
    with tempfile.TemporaryFile("w+", encoding="utf-8") as console:
        started = time.perf_counter()
        process = subprocess.Popen(
            [*command, "-s", f"LOG_FILE={log}"], cwd=project, env=environment, stdout=subprocess.DEVNULL, stderr=console
        )
        while len(server.requests) == before and time.perf_counter() - started < PATIENCE:
            time.sleep(0.005)
        startup = time.perf_counter() - started
        peak = wait_with_peak_rss(process, started)
        console.seek(0)
        warnings = console.read()
    text = log.read_text(encoding="utf-8") if log.is_file() else ""
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} exited with {process.returncode}:\n{warnings[-1500:]}\n{text[-1500:]}")
    return Run(startup, peak, len(server.requests) - before, stats_of(text))


def wait_with_peak_rss(process: subprocess.Popen[Any], started: float) -> float:
    """Waits for *process* to end, at most :data:`PATIENCE` seconds after *started* (``perf_counter``);
    its peak resident set, MB (see :func:`peak_rss`)."""
    peak = 0
    while process.poll() is None and time.perf_counter() - started < PATIENCE:
        peak = max(peak, peak_rss(process.pid))  # the last reading before it ends: its closing adds little
        time.sleep(0.02)
    return peak / 1024


def project_sites() -> dict[str, type[NewsSiteSpider]]:
    """The project's sites that have a fixture copy (``fixtures/<name>/site``), by name: those `scrapy crawl` runs."""
    names = SpiderLoader.from_settings(get_project_settings()).list()
    return {name: spider_class(name) for name in sorted(names) if (FIXTURES / name / "site").is_dir()}


def add_tagdiv_site_option(parser: ArgumentParser) -> None:
    """``--site NAME``: the site whose spider crawls the generated copy."""
    parser.add_argument(
        "--site",
        default="iproini",
        choices=project_sites(),
        help="the site whose spider crawls the copy (default: iproini); bench/sitegen.py generates tagDiv "
        "Newspaper pages, so a site on that theme, the copy taking its origin",
    )


def tagdiv_site(parser: ArgumentParser, args: Namespace) -> type[NewsSiteSpider]:
    """The spider of ``--site``; one line of error and exit when the generated copy does not fit its theme."""
    spider = project_sites()[args.site]
    if spider.theme is not NEWSPAPER:
        parser.error(
            f"--site {args.site}: its theme is {spider.theme.name}, and bench/sitegen.py generates {NEWSPAPER.name} pages only"
        )
    return spider


_STAT = re.compile(r"'([^']+)': (\d+(?:\.\d+)?)[,}]")


def stats_of(log: str) -> dict[str, float]:
    return {key: float(value) for key, value in _STAT.findall(log.rsplit("Dumping Scrapy stats:", 1)[-1])}
