"""Whole crawl and recrawl, measured against `scrapy bench` on the same machine in the same run.

    python -m bench.bench_crawl [--articles 2000] [--concurrency 16] [--site iproini] [--profile 25]

1. Generates a copy of the site with N articles (bench/sitegen.py: tagDiv Newspaper pages, so
   ``--site`` names a site on that theme; the copy takes its origin) and serves it on loopback.
2. Crawls it with `scrapy crawl SITE` into a MongoDB server (a fresh embedded secantus store,
   served from another process), throttling off: pages and articles per second, peak RSS (the
   process's own, see :func:`bench.crawls.peak_rss`).
3. Runs `scrapy bench` (Scrapy's own loopback benchmark: Scrapy's defaults but for the same
   ``--concurrency``) for the baseline pages per second and peak RSS.
4. Crawls again with nothing new (incremental), then after a "second day" overlay with new and
   edited articles: requests as a share of the first crawl's, and what got stored.
The site's fixture copy (``fixtures/SITE/site``) is crawled twice too, for its recrawl share.

``--profile N`` also runs a first crawl of the generated copy under cProfile (in the crawl's own
process, into a database of its own, so the measured crawls run without it) and prints its N
costliest functions, by cumulative time and by own time.
"""

from __future__ import annotations

import argparse
import os
import pstats
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from pymongo import MongoClient

from bench.bench_storage import served_store
from bench.crawls import PROJECT_ROOT, add_tagdiv_site_option, crawl, stats_of, tagdiv_site, wait_with_peak_rss
from bench.sitegen import generate
from tools.fixture_server import FixtureServer


@dataclass(frozen=True)
class ScrapyBench:
    pages_per_second: float
    #: the `scrapy bench` process's peak resident set size, MB (its loopback server runs apart)
    peak_rss: float


def scrapy_bench(seconds: int, concurrency: int) -> ScrapyBench:
    """`scrapy bench`, run outside the project so it uses Scrapy's defaults, but for the crawl's concurrency."""
    # Without the settings module that finding the project's spiders set in this process's environment.
    outside_the_project = {name: value for name, value in os.environ.items() if not name.startswith("SCRAPY_")}
    command = [
        sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}", "-s", "LOG_LEVEL=INFO",
        "-s", f"CONCURRENT_REQUESTS={concurrency}", "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}",
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=empty, env=outside_the_project, stdout=subprocess.DEVNULL, stderr=log)
        peak = wait_with_peak_rss(process, started)
        log.seek(0)
        text = log.read()
    if process.returncode != 0:
        sys.exit(f"scrapy bench exited with {process.returncode}:\n{text[-3000:]}")
    stats = stats_of(text)
    return ScrapyBench(stats["response_received_count"] / stats["elapsed_time_seconds"], peak)


#: how ``--profile`` orders the functions, and what it calls each order
PROFILE_ORDERS = {"cumulative": "cumulative time", "tottime": "own time"}


def print_profile(stats: pstats.Stats, count: int) -> None:
    """The *count* costliest functions of a profile, by cumulative time, then by own time."""
    for order, name in PROFILE_ORDERS.items():
        print(f"\nProfiled first crawl: its {count} costliest functions by {name}")
        stats.sort_stats(order).print_stats(count)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--new", type=int, default=20, help="new articles of the second day")
    parser.add_argument("--edit", type=int, default=5, help="articles edited on the second day")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--bench-seconds", type=int, default=20)
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="profile a first crawl: its N costliest functions")
    add_tagdiv_site_option(parser)
    args = parser.parse_args(argv)
    spider = tagdiv_site(parser, args)
    crawl_site = partial(crawl, PROJECT_ROOT, site=spider.name, concurrency=args.concurrency)
    with tempfile.TemporaryDirectory() as work, served_store() as uri:
        site, day2, profile = Path(work, "site"), Path(work, "day2"), Path(work, "crawl.prof")
        generate(args.articles, site, new=args.new, edit=args.edit, out2=day2, origin=spider.origin)
        with FixtureServer(spider, site) as server:
            first = crawl_site(server, uri, "generated", "-a", "full=0")
            again = crawl_site(server, uri, "generated", "-a", "full=0")
            if args.profile:
                crawl_site(server, uri, "profiled", "-a", "full=0", profile=profile)
        with FixtureServer(spider, day2, site, port=int(server.url.rsplit(":", 1)[1])) as server:  # same origin
            next_day = crawl_site(server, uri, "generated", "-a", "full=0")
        stored = MongoClient(uri).generated.articles.count_documents({})
        baseline = scrapy_bench(args.bench_seconds, args.concurrency)
        with FixtureServer(spider) as server:
            fixture_first = crawl_site(server, uri, "fixtures", "-a", "full=0")
            fixture_again = crawl_site(server, uri, "fixtures", "-a", "full=0")
        profiled = pstats.Stats(str(profile), stream=sys.stdout).strip_dirs() if args.profile else None

    elapsed = first.stats["elapsed_time_seconds"]
    pages, articles = first.requests / elapsed, first.stats["item_scraped_count"] / elapsed
    print(f"Whole crawl: {args.articles} generated articles of {spider.name}, concurrency {args.concurrency}, throttling off")
    print(f"{'':30}{'value':>9}{'ratio':>9}  to")
    print(f"{'scrapy bench, pages/s':30}{baseline.pages_per_second:9.1f}{1:8.2f}x  (the baseline)")
    print(f"{'newscrawl, pages/s':30}{pages:9.1f}{pages / baseline.pages_per_second:8.2f}x  scrapy bench's pages/s")
    print(f"{'newscrawl, articles/s':30}{articles:9.1f}{articles / pages:8.2f}x  newscrawl's pages/s")
    print(f"{'scrapy bench, peak RSS, MB':30}{baseline.peak_rss:9.0f}{1:8.2f}x  (the baseline)")
    print(
        f"{'newscrawl, peak RSS, MB':30}{first.peak_rss:9.0f}{first.peak_rss / baseline.peak_rss:8.2f}x  scrapy bench's peak RSS"
    )
    print(f"{'articles emitted / stored':30}{first.stats['item_scraped_count']:9.0f} / {stored - args.new}")
    print()
    print("Recrawl: requests of an incremental run as a share of the first run's")
    print(f"{'site':34}{'first':>7}{'again':>7}{'share':>8}  stored")
    for name, one, two in (
        (f"generated, {args.articles} articles", first, again),
        (f"  next day: {args.new} new, {args.edit} edited", first, next_day),
        (f"fixture copy, {fixture_first.stats['item_scraped_count']:.0f} articles", fixture_first, fixture_again),
    ):
        written = (
            f"{two.stats.get('newscrawl/mongo/inserted', 0):.0f} new, {two.stats.get('newscrawl/mongo/updated', 0):.0f} updated"
        )
        print(f"{name:34}{one.requests:7}{two.requests:7}{two.requests / one.requests:8.1%}  {written}")
    if profiled is not None:
        print_profile(profiled, args.profile)


if __name__ == "__main__":
    main()
