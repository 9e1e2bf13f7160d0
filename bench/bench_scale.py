"""How a crawl behaves as the stored archive grows, and as the site does: start-up, memory, requests.

    python -m bench.bench_scale [--articles 1000] [--stored 0,1000,10000,100000] [--full 1000,5000] [--site iproini]

1. Generates a copy of the site with ``--articles`` articles (bench/sitegen.py: tagDiv Newspaper
   pages, so ``--site`` names a site on that theme; the copy takes its origin), serves it on
   loopback, and crawls it once into a MongoDB server (a fresh embedded store, served from another
   process): the first crawl.
2. For each N of ``--stored``: a database holding what that crawl stored and N more articles of the
   site fetched from the same origin (bench/storegen.py), and one incremental crawl with nothing new
   against it, in a process of its own: its start-up (from the process's start until the site
   receives the first request), its peak RSS (the process's own: see :func:`peak_rss`), its requests.
   Each is also a ratio to the N = 0 run; requests also a share of the first crawl's.
3. A full crawl of a generated site of each size of ``--full``, into an empty database: peak RSS,
   as a ratio to the smallest site's.

Every crawl is ``scrapy crawl SITE`` with throttling off and 16 concurrent requests.
``--project DIR`` crawls with the project at DIR instead (a checkout of an older commit, say).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

from pymongo import MongoClient

from bench import storegen
from bench.bench_storage import served_store
from bench.crawls import PROJECT_ROOT, Run, add_tagdiv_site_option, crawl, tagdiv_site
from bench.sitegen import generate
from newscrawl.news.spider import NewsSiteSpider
from tools.fixture_server import FixtureServer


def store_with(
    client: MongoClient[dict[str, Any]], first: str, database: str, extra: int, spider: type[NewsSiteSpider], origin: str
) -> float:
    """Fill *database* with what the first crawl stored in *first* and *extra* generated articles of *spider*'s
    site fetched from *origin*; the seconds it took."""
    started = time.perf_counter()
    crawled = list(client[first].articles.find({}, {"_id": 0}))
    storegen.seed(client[database], extra, crawled, site=spider.name, origin=spider.origin, fetched_from=origin)
    return time.perf_counter() - started


def listing_the_archive(site: Path, root: Path, extra: int, origin: str) -> Path:
    """An overlay of the generated *site* whose sitemap index also names sitemaps of the *extra* generated
    articles stored beyond it: the site has grown with its archive, as a real one does."""
    root.mkdir()
    names = storegen.write_sitemaps(root, extra, origin, number=len(list(site.glob("post-sitemap*.xml"))) + 1)
    index = (site / "sitemap_index.xml").read_text(encoding="utf-8")
    entries = "".join(f"\t<sitemap>\n\t\t<loc>{origin}/{name}</loc>\n\t</sitemap>\n" for name in names)
    (root / "sitemap_index.xml").write_text(index.replace("</sitemapindex>", entries + "</sitemapindex>"), encoding="utf-8")
    return root


def print_runs(runs: dict[int, Run], first: Run) -> None:
    """One line per N: each figure and its ratio to the first N's run; requests also as a share of the first crawl's."""
    base = next(iter(runs.values()))
    base_time = base.stats["elapsed_time_seconds"]
    print(
        f"{'N':>7} {'start-up s':>11} {'ratio':>6} {'peak RSS MB':>12} {'ratio':>6} {'requests':>9} {'ratio':>6} "
        f"{'of first':>9} {'lookups':>8} {'time s':>7} {'ratio':>6}"
    )
    for extra, run in runs.items():
        elapsed = run.stats["elapsed_time_seconds"]
        print(
            f"{extra:>7} {run.startup:>11.2f} {run.startup / base.startup:>5.2f}x {run.peak_rss:>12.0f} "
            f"{run.peak_rss / base.peak_rss:>5.2f}x {run.requests:>9} {run.requests / base.requests:>5.2f}x "
            f"{run.requests / first.requests:>9.1%} {run.stats.get('newscrawl/incremental/stored_lookups', 0):>8.0f} "
            f"{elapsed:>7.1f} {elapsed / base_time:>5.2f}x"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles of the site the incremental crawls read")
    parser.add_argument("--stored", default="0,1000,10000,100000", help="articles stored beyond the site's")
    parser.add_argument("--full", default="1000,5000", help="sizes of the sites crawled in full")
    parser.add_argument("--project", type=Path, default=PROJECT_ROOT, help="crawl with the project in this directory")
    add_tagdiv_site_option(parser)
    args = parser.parse_args(argv)
    spider = tagdiv_site(parser, args)
    crawl_site = partial(crawl, args.project, site=spider.name)
    stored = [int(n) for n in args.stored.split(",")]
    sizes = [int(n) for n in args.full.split(",") if n]
    with tempfile.TemporaryDirectory() as work, served_store() as uri:
        client: MongoClient[dict[str, Any]] = MongoClient(uri, tz_aware=True)
        site = Path(work, "site")
        generate(args.articles, site, origin=spider.origin)
        with FixtureServer(spider, site) as server:
            first = crawl_site(server, uri, "first", "-a", "full=0")
            runs = {}
            for extra in stored:
                seeded = store_with(client, "first", f"stored_{extra}", extra, spider, server.url)
                print(f"stored {extra} more articles in {seeded:.0f} s", file=sys.stderr)
                runs[extra] = crawl_site(server, uri, f"stored_{extra}", "-a", "full=0")
        port = int(server.url.rsplit(":", 1)[1])  # the same origin: what is stored was fetched from it
        listed = {}
        for extra in stored:
            overlay = listing_the_archive(site, Path(work, f"listed_{extra}"), extra, spider.origin)
            with FixtureServer(spider, overlay, site, port=port) as server:
                listed[extra] = crawl_site(server, uri, f"stored_{extra}", "-a", "full=0")
        full = {}
        for size in sizes:
            generate(size, Path(work, f"site_{size}"), origin=spider.origin)
            with FixtureServer(spider, Path(work, f"site_{size}")) as server:
                full[size] = crawl_site(server, uri, f"full_{size}", "-a", "full=1")

    print(f"Incremental crawl with nothing new of a generated {spider.name} of {args.articles} articles, against stores of")
    print(
        f"{args.articles} articles + N more. The first crawl: {first.requests} requests in "
        f"{first.stats['elapsed_time_seconds']:.0f} s, {first.stats.get('newscrawl/incremental/stored_lookups', 0):.0f} "
        f"lookups, peak RSS {first.peak_rss:.0f} MB"
    )
    print_runs(runs, first)
    print()
    print("The same, the site's sitemaps listing the N stored articles too (each current: nothing to fetch)")
    print_runs(listed, first)
    if not full:
        return
    print()
    print("Full crawl of a generated site")
    print(f"{'articles':>9} {'stored':>7} {'requests':>9} {'peak RSS MB':>12} {'ratio':>6}")
    smallest = full[sizes[0]]
    for size, run in full.items():
        stored_count = run.stats.get("newscrawl/mongo/inserted", 0)
        print(f"{size:>9} {stored_count:>7.0f} {run.requests:>9} {run.peak_rss:>12.0f} {run.peak_rss / smallest.peak_rss:>5.2f}x")


if __name__ == "__main__":
    main()
