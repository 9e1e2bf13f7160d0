"""What a page rendered in the headless browser costs next to a plain Scrapy download.

Serves a fixture site (``--site``), with its JavaScript pages (``fixtures/<site>/js-site``,
when it has them) over it, on 127.0.0.1 and, in one Scrapy run with the project's settings,
fetches every article of its ``expected.json`` (and ``expected-js.json``) one at a time: with Scrapy's downloader, and through Chromium
the way the spider's re-render does (same download handler and blocking, waiting for
the body to hold the words an article needs), extracting the article each time. Prints a table::

    .venv/bin/python bench/bench_rendering.py [--rounds 3] [--site iproini]

Pages go one at a time so that a time is one page's own cost (download, or render,
plus extraction). The first render also starts Playwright and Chromium; it is
reported on its own line and left out of the per-page figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from scrapy import Request  # noqa: E402 - after the path set-up, like everything below
from scrapy.crawler import CrawlerProcess  # noqa: E402
from scrapy.http import TextResponse  # noqa: E402
from scrapy.utils.project import get_project_settings  # noqa: E402

from bench.crawls import project_sites  # noqa: E402
from newscrawl.news.extraction import Article  # noqa: E402
from newscrawl.news.spider import NewsSiteSpider  # noqa: E402
from newscrawl.render_requests import browser_request  # noqa: E402
from tools.fixture_server import FixtureServer, site_root  # noqa: E402

#: the site's articles, and those a script fills in
EXPECTED_FILES = ("expected.json", "expected-js.json")


def article_paths(spider: type[NewsSiteSpider]) -> list[str]:
    """URL paths of every fixture article of the site, ordinary and JavaScript ones."""
    fixture = site_root(spider).parent
    return [
        article["url"].removeprefix(spider.origin)
        for file in EXPECTED_FILES
        if (fixture / file).is_file()
        for article in json.loads((fixture / file).read_text("utf-8"))["articles"]
    ]


class Timings:
    """Seconds per (way, path), and whether the extracted article had a body."""

    def __init__(self) -> None:
        self.seconds: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        self.has_body: dict[str, dict[str, bool]] = defaultdict(dict)

    def per_page(self, way: str, paths: list[str]) -> list[float]:
        """Median milliseconds of each page in *paths* over the rounds."""
        return [statistics.median(self.seconds[way][path]) * 1000 for path in paths]


class RenderingBench(NewsSiteSpider):
    """Downloads the pages itself in ``start()``, timing download (or render) plus extraction; mixed
    into the site's spider (:func:`bench_spider`)."""

    def __init__(self, *args: Any, paths: list[str], rounds: int, timings: Timings, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.paths, self.rounds, self.timings = paths, rounds, timings

    async def start(self) -> AsyncIterator[Request]:
        body_css = ", ".join(self.theme.article_page.body_css)

        def rendered(url: str) -> Request:
            return browser_request(url, callback=None, errback=None, wait_for=body_css, min_words=self.extractor.min_body_words)

        await self._fetch("first render", rendered, self.paths[:1])
        for _ in range(self.rounds):
            await self._fetch("plain", Request, self.paths)
            await self._fetch("rendered", rendered, self.paths)
        requests: list[Request] = []  # none for the engine: the crawl ends once the pages are timed
        for request in requests:
            yield request

    async def _fetch(self, way: str, make_request: Callable[[str], Request], paths: list[str]) -> None:
        for path in paths:
            started = perf_counter()
            response = await self.crawler.engine.download_async(make_request(self.site_urls.base_url + path))
            assert isinstance(response, TextResponse)
            outcome = self.extractor.extract(response, datetime.now(UTC))
            self.timings.seconds[way][path].append(perf_counter() - started)
            self.timings.has_body[way][path] = isinstance(outcome, Article)


def bench_spider(spider: type[NewsSiteSpider]) -> type[RenderingBench]:
    """The site's spider, its pages fetched and timed by :class:`RenderingBench`."""
    return type(f"{spider.__name__}Bench", (RenderingBench, spider), {"name": f"{spider.name}_bench"})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="times each page is fetched each way (default 3)")
    parser.add_argument("--site", default="iproini", choices=project_sites(), help="the fixture site (default: iproini)")
    args = parser.parse_args(argv)
    spider = project_sites()[args.site]
    paths = article_paths(spider)
    timings = Timings()
    settings = get_project_settings()
    # No storage, no throttling: only download and extraction are timed.
    settings.setdict(
        {"LOG_LEVEL": "WARNING", "AUTOTHROTTLE_ENABLED": False, "NEWSCRAWL_STORAGE_ENABLED": False, "SPIDERMON_ENABLED": False},
        priority="cmdline",
    )
    js_root = site_root(spider).parent / "js-site"
    with FixtureServer(spider, *[root for root in (js_root, site_root(spider)) if root.is_dir()]) as server:
        process = CrawlerProcess(settings)
        process.crawl(bench_spider(spider), base_url=server.url, paths=paths, rounds=args.rounds, timings=timings)
        process.start()

    scripted = [path for path in paths if not timings.has_body["plain"][path]]
    served = [path for path in paths if path not in scripted]
    plain = timings.per_page("plain", paths)
    rendered = timings.per_page("rendered", paths)
    print(
        f"{len(paths)} fixture articles of {spider.name} ({len(scripted)} filled in by JavaScript), {args.rounds} rounds each way"
    )
    print(f"{'ms per page':34} {'median':>7} {'mean':>7} {'with body':>10}")
    for label, way, subset in (
        ("plain Scrapy download + extract", "plain", paths),
        ("rendered in Chromium + extract", "rendered", paths),
        ("  of which server-rendered pages", "rendered", served),
        ("  of which script-filled pages", "rendered", scripted),
    ):
        if not subset:  # a site with no script-filled pages
            continue
        times = timings.per_page(way, subset)
        bodies = sum(timings.has_body[way][path] for path in subset)
        print(f"{label:34} {statistics.median(times):7.1f} {statistics.mean(times):7.1f} {bodies:>6}/{len(subset)}")
    print(f"{'rendered / plain (medians)':34} {statistics.median(rendered) / statistics.median(plain):6.0f}x")
    print(f"{'first render, starting Chromium':34} {timings.seconds['first render'][paths[0]][0] * 1000:7.0f}")


if __name__ == "__main__":
    main()
