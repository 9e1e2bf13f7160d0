"""The benchmarks take the site as a parameter: each runs the named site's spider on its pages."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.database import Database

from bench import bench_crawl, bench_rendering, bench_scale
from bench.crawls import PROJECT_ROOT, crawl
from tests.sites import FixtureSite
from tools.fixture_server import FixtureServer

HARBOR = FixtureSite("harborgazette")


def test_a_crawl_runs_the_named_sites_spider(mongo_uri: str, mongo_db: Database[dict[str, Any]]) -> None:
    with FixtureServer(HARBOR.spider) as server:
        run = crawl(PROJECT_ROOT, server, mongo_uri, mongo_db.name, site=HARBOR.name)
    assert run.stats["item_scraped_count"] == len(HARBOR.expected)
    assert sorted(document["url"] for document in mongo_db.articles.find()) == sorted(HARBOR.expected)
    assert {document["site"] for document in mongo_db.articles.find()} == {HARBOR.name}


@pytest.mark.parametrize("bench", [bench_crawl, bench_scale])
def test_generated_copies_refuse_a_site_on_another_theme_in_one_line(bench: Any, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        bench.main(["--site", HARBOR.name])
    assert exit_.value.code == 2
    last_line = capsys.readouterr().err.splitlines()[-1]  # after the usage lines
    assert last_line.endswith(
        ": error: --site harborgazette: its theme is wordpress-block, and bench/sitegen.py generates tagdiv-newspaper pages only"
    )


def test_rendering_bench_times_the_named_sites_articles_with_its_spider() -> None:
    paths = bench_rendering.article_paths(HARBOR.spider)
    assert sorted(HARBOR.spider.origin + path for path in paths) == sorted(article["url"] for article in HARBOR.article_pages)
    spider = bench_rendering.bench_spider(HARBOR.spider)
    assert issubclass(spider, HARBOR.spider)
    assert spider.name == "harborgazette_bench"
    assert spider.theme is HARBOR.spider.theme
