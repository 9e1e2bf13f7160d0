"""Whole crawl and recrawl, measured against `scrapy bench` on the same machine in the same run.

    python -m bench.bench_crawl [--articles 2000] [--concurrency 16] [--site iproini]

1. Generates a copy of the site with N articles (bench/sitegen.py: tagDiv Newspaper pages, so
   ``--site`` names a site on that theme; the copy takes its origin) and serves it on loopback.
2. Crawls it with `scrapy crawl SITE` into a MongoDB server (a fresh embedded secantus store,
   served from another process), throttling off: articles per second, peak RSS (the process's own,
   see :func:`bench.crawls.peak_rss`).
3. Runs `scrapy bench` (Scrapy's own loopback benchmark, default settings) for the baseline
   pages per second.
4. Crawls again with nothing new (incremental), then after a "second day" overlay with new and
   edited articles: requests as a share of the first crawl's, and what got stored.
The site's fixture copy (``fixtures/SITE/site``) is crawled twice too, for its recrawl share.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

from pymongo import MongoClient

from bench.bench_storage import served_store
from bench.crawls import PROJECT_ROOT, add_tagdiv_site_option, crawl, stats_of, tagdiv_site
from bench.sitegen import generate
from tools.fixture_server import FixtureServer


def scrapy_bench(seconds: int) -> float:
    """Pages per second of `scrapy bench`, run outside the project so it uses Scrapy's defaults."""
    # Without the settings module that finding the project's spiders set in this process's environment.
    outside_the_project = {name: value for name, value in os.environ.items() if not name.startswith("SCRAPY_")}
    with tempfile.TemporaryDirectory() as empty:
        process = subprocess.run(
            [sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}", "-s", "LOG_LEVEL=INFO"],
            cwd=empty, env=outside_the_project, capture_output=True, text=True, check=False,
        )  # fmt: skip
    if process.returncode != 0:
        sys.exit(f"scrapy bench exited with {process.returncode}:\n{process.stderr[-3000:]}")
    stats = stats_of(process.stderr)
    return stats["response_received_count"] / stats["elapsed_time_seconds"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--new", type=int, default=20, help="new articles of the second day")
    parser.add_argument("--edit", type=int, default=5, help="articles edited on the second day")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--bench-seconds", type=int, default=20)
    add_tagdiv_site_option(parser)
    args = parser.parse_args(argv)
    spider = tagdiv_site(parser, args)
    crawl_site = partial(crawl, PROJECT_ROOT, site=spider.name, concurrency=args.concurrency)
    with tempfile.TemporaryDirectory() as work, served_store() as uri:
        site, day2 = Path(work, "site"), Path(work, "day2")
        generate(args.articles, site, new=args.new, edit=args.edit, out2=day2, origin=spider.origin)
        with FixtureServer(spider, site) as server:
            first = crawl_site(server, uri, "generated", "-a", "full=0")
            again = crawl_site(server, uri, "generated", "-a", "full=0")
        with FixtureServer(spider, day2, site, port=int(server.url.rsplit(":", 1)[1])) as server:  # same origin
            next_day = crawl_site(server, uri, "generated", "-a", "full=0")
        stored = MongoClient(uri).generated.articles.count_documents({})
        baseline = scrapy_bench(args.bench_seconds)
        with FixtureServer(spider) as server:
            fixture_first = crawl_site(server, uri, "fixtures", "-a", "full=0")
            fixture_again = crawl_site(server, uri, "fixtures", "-a", "full=0")

    elapsed = first.stats["elapsed_time_seconds"]
    rate = first.stats["item_scraped_count"] / elapsed
    print(f"Whole crawl: {args.articles} generated articles of {spider.name}, concurrency {args.concurrency}, throttling off")
    print(f"{'':34}{'value':>12}{'vs scrapy bench':>18}")
    print(f"{'scrapy bench, pages/s':34}{baseline:12.1f}{1:17.2f}x")
    print(f"{'newscrawl, pages/s':34}{first.requests / elapsed:12.1f}{first.requests / elapsed / baseline:17.2f}x")
    print(f"{'newscrawl, articles/s':34}{rate:12.1f}{rate / baseline:17.2f}x")
    print(f"{'peak RSS, MB':34}{first.peak_rss:12.0f}")
    print(f"{'articles emitted / stored':34}{first.stats['item_scraped_count']:12.0f} / {stored - args.new}")
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


if __name__ == "__main__":
    main()
