"""The benchmarks: each runs the named site's spider on its pages, and measures against the baseline it claims."""

from __future__ import annotations

import pstats
from pathlib import Path
from typing import Any

import pytest
from pymongo.database import Database

from bench import bench_crawl, bench_rendering, bench_scale, bench_storage
from bench.crawls import PROJECT_ROOT, crawl
from tests.mongo import CommandLog, article, emit
from tests.mongo import crawl as synthetic_crawl
from tests.sites import FixtureSite
from tools.fixture_server import FixtureServer

HARBOR = FixtureSite("harborgazette")


def test_a_crawl_runs_the_named_sites_spider_and_can_write_its_own_profile(
    mongo_uri: str, mongo_db: Database[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = tmp_path / "crawl.prof"
    with FixtureServer(HARBOR.spider) as server:
        run = crawl(PROJECT_ROOT, server, mongo_uri, mongo_db.name, site=HARBOR.name, profile=profile)
    # the named site's spider, storing every article of its copy
    assert run.stats["item_scraped_count"] == len(HARBOR.expected)
    assert sorted(document["url"] for document in mongo_db.articles.find()) == sorted(HARBOR.expected)
    assert {document["site"] for document in mongo_db.articles.find()} == {HARBOR.name}
    stats = pstats.Stats(str(profile)).strip_dirs()
    functions = stats.stats  # type: ignore[attr-defined]  # (file, line, name) -> (primitive calls, calls, times, callers)
    extractions = [calls for (file, _, name), (_, calls, *_) in functions.items() if (file, name) == ("extraction.py", "extract")]
    assert len(extractions) == 1
    assert len(HARBOR.expected) <= extractions[0] <= run.requests
    bench_crawl.print_profile(stats, 3)
    printed = capsys.readouterr().out
    assert printed.count(" function calls ") == 2
    assert "costliest functions by cumulative time" in printed
    assert "Ordered by: internal time" in printed.split("costliest functions by own time")[1]


def test_scrapy_bench_reports_its_pages_per_second_and_its_own_peak_rss() -> None:
    baseline = bench_crawl.scrapy_bench(1, concurrency=4)
    assert baseline.pages_per_second > 0
    assert 20 < baseline.peak_rss < 1000  # MB: a Scrapy process, its own alone


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


@pytest.mark.parametrize(
    ("pipeline", "batches"), [(bench_storage.InsertManyPipeline, [40, 40, 20]), (bench_storage.InsertOnePipeline, [1] * 100)]
)
def test_storage_baselines_write_the_storage_pipelines_documents_into_a_collection_like_its(
    pipeline: type,
    batches: list[int],
    storage_settings: dict[str, Any],
    mongo_db: Database[dict[str, Any]],
    mongo_log: CommandLog,
) -> None:
    items = [article(n) for n in range(100)]
    synthetic_crawl({**storage_settings, "MONGO_BATCH_SIZE": 40}, emit(items))  # the storage pipeline, into "articles"
    mongo_log.start()
    baseline = {"ITEM_PIPELINES": {pipeline: 300}, "MONGO_COLLECTION": "bare", "MONGO_VERSIONS_COLLECTION": "bare_versions"}
    synthetic_crawl({**storage_settings, "MONGO_BATCH_SIZE": 40, **baseline}, emit(items))
    assert [len(command["documents"]) for command in mongo_log.commands if "insert" in command] == batches
    stored, bare = mongo_db.articles, mongo_db.bare
    assert bare.index_information() == stored.index_information()
    assert mongo_db.bare_versions.index_information() == mongo_db.article_versions.index_information()
    (options,) = (info["options"] for info in mongo_db.list_collections(filter={"name": "bare"}))
    assert options == next(mongo_db.list_collections(filter={"name": "articles"}))["options"]
    assert options["validator"]
    times = {"_id": 0, "first_seen_at": 0, "last_seen_at": 0, "updated_at": 0}
    assert list(bare.find({}, times).sort("url")) == list(stored.find({}, times).sort("url"))
