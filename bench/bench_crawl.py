"""Whole crawl and recrawl, measured against `scrapy bench` on the same machine in the same run.

    python -m bench.bench_crawl [--articles 2000] [--concurrency 16]

1. Generates a copy of the site with N articles (bench/sitegen.py) and serves it on loopback.
2. Crawls it with `scrapy crawl iproini` into a MongoDB server (a fresh embedded secantus store,
   served from another process), throttling off: articles per second, peak RSS (Scrapy's
   ``memusage/max``).
3. Runs `scrapy bench` (Scrapy's own loopback benchmark, default settings) for the baseline
   pages per second.
4. Crawls again with nothing new (incremental), then after a "second day" overlay with new and
   edited articles: requests as a share of the first crawl's, and what got stored.
The fixture copy (24 articles) is crawled twice too, for its recrawl share.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from pymongo import MongoClient

from bench.bench_storage import served_store
from bench.sitegen import generate
from tools.fixture_server import FixtureServer

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_STAT = re.compile(r"'([^']+)': (\d+(?:\.\d+)?)[,}]")


def stats_of(log: str) -> dict[str, float]:
    return {key: float(value) for key, value in _STAT.findall(log.rsplit("Dumping Scrapy stats:", 1)[-1])}


def crawl(server: FixtureServer, uri: str, database: str, concurrency: int, *args: str) -> dict[str, float]:
    """One `scrapy crawl iproini` of *server* into *database*; its stats, plus requests served."""
    served_before = len(server.requests)
    process = subprocess.run(
        [
            sys.executable, "-m", "scrapy", "crawl", "iproini", "-a", f"base_url={server.url}", "-a", "full=0", *args,
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"CONCURRENT_REQUESTS={concurrency}",
            "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}", "-s", "LOG_LEVEL=INFO",
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "MONGO_URI": uri, "MONGO_DATABASE": database, "NEWSCRAWL_DATA_DIR": tempfile.mkdtemp()},
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    if process.returncode != 0:
        sys.exit(process.stderr[-3000:])
    stats = stats_of(process.stderr)
    stats["served"] = len(server.requests) - served_before
    return stats


def scrapy_bench(seconds: int) -> float:
    """Pages per second of `scrapy bench`, run outside the project so it uses Scrapy's defaults."""
    with tempfile.TemporaryDirectory() as empty:
        process = subprocess.run(
            [sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}", "-s", "LOG_LEVEL=INFO"],
            cwd=empty, capture_output=True, text=True, check=True,
        )  # fmt: skip
    stats = stats_of(process.stderr)
    return stats["response_received_count"] / stats["elapsed_time_seconds"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--new", type=int, default=20, help="new articles of the second day")
    parser.add_argument("--edit", type=int, default=5, help="articles edited on the second day")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--bench-seconds", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work, served_store() as uri:
        site, day2 = Path(work, "site"), Path(work, "day2")
        generate(args.articles, site, new=args.new, edit=args.edit, out2=day2)
        with FixtureServer("iproini", site) as server:
            first = crawl(server, uri, "generated", args.concurrency)
            again = crawl(server, uri, "generated", args.concurrency)
        with FixtureServer("iproini", day2, site, port=int(server.url.rsplit(":", 1)[1])) as server:  # same origin
            next_day = crawl(server, uri, "generated", args.concurrency)
        stored = MongoClient(uri).generated.articles.count_documents({})
        baseline = scrapy_bench(args.bench_seconds)
        with FixtureServer("iproini") as server:
            fixture_first = crawl(server, uri, "fixtures", args.concurrency)
            fixture_again = crawl(server, uri, "fixtures", args.concurrency)

    rate = first["item_scraped_count"] / first["elapsed_time_seconds"]
    print(f"Whole crawl: {args.articles} generated articles, concurrency {args.concurrency}, throttling off")
    print(f"{'':34}{'value':>12}{'vs scrapy bench':>18}")
    print(f"{'scrapy bench, pages/s':34}{baseline:12.1f}{1:17.2f}x")
    print(f"{'newscrawl, articles/s':34}{rate:12.1f}{rate / baseline:17.2f}x")
    print(f"{'newscrawl, pages/s':34}{first['served'] / first['elapsed_time_seconds']:12.1f}")
    print(f"{'peak RSS, MB':34}{first['memusage/max'] / 2**20:12.0f}")
    print(f"{'articles emitted / stored':34}{first['item_scraped_count']:12.0f} / {stored - args.new}")
    print()
    print("Recrawl: requests of an incremental run as a share of the first run's")
    print(f"{'site':34}{'first':>7}{'again':>7}{'share':>8}  stored")
    for name, one, two in (
        (f"generated, {args.articles} articles", first, again),
        (f"  next day: {args.new} new, {args.edit} edited", first, next_day),
        ("fixture copy, 24 articles", fixture_first, fixture_again),
    ):
        written = f"{two.get('newscrawl/mongo/inserted', 0):.0f} new, {two.get('newscrawl/mongo/updated', 0):.0f} updated"
        print(f"{name:34}{one['served']:7.0f}{two['served']:7.0f}{two['served'] / one['served']:8.1%}  {written}")


if __name__ == "__main__":
    main()
