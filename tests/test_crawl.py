"""End to end: ``scrapy crawl iproini`` against the fixture site served on loopback."""

from __future__ import annotations

import pytest

from tests.conftest import read_jsonl, run_crawl

FIELDS = (
    "url", "site", "title", "description", "body", "authors", "published_at", "modified_at",
    "language", "categories", "tags", "image_url", "related_urls",
)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory, expected_articles):
    """One crawl of the whole fixture site (module-scoped: several tests read it)."""
    from newscrawl.fixture_server import FixtureServer

    out = tmp_path_factory.mktemp("crawl")
    with FixtureServer() as server:
        process = run_crawl(
            "iproini", "-a", f"base_url={server.url}", "-O", str(out / "items.jsonl"),
            "-s", "AUTOTHROTTLE_ENABLED=False",
            env={"NEWSCRAWL_DATA_DIR": str(out / "data")},
        )
        requests = list(server.requests)
    assert process.returncode == 0, process.stderr[-3000:]
    return read_jsonl(out / "items.jsonl"), process.stderr, requests, server.url


def test_every_fixture_article_is_emitted_exactly_once(crawl, expected_articles):
    items, _, _, _ = crawl
    urls = [item["url"] for item in items]
    assert len(urls) == len(set(urls))
    assert set(urls) == set(expected_articles)


def test_items_carry_production_urls_and_exact_fields(crawl, expected_articles):
    items, _, _, origin = crawl
    for item in items:
        expected = expected_articles[item["url"]]
        assert {field: item[field] for field in FIELDS} == {field: expected[field] for field in FIELDS}
        assert item["source_url"] == origin + item["url"].removeprefix("https://www.iproini.com")
        assert item["crawled_at"].endswith("+00:00")


def test_each_article_page_is_fetched_once(crawl, expected_articles):
    _, _, requests, _ = crawl
    article_paths = [path for path in requests if path.rstrip("/").count("/") == 1 and "." not in path and "?" not in path]
    assert len(article_paths) == len(set(article_paths))
    assert not [path for path in requests if path.endswith("/amp/")]


def test_problems_are_counted_and_logged(crawl):
    _, log, _, _ = crawl
    assert "'newscrawl/problems/invalid_date': 1" in log
    assert "'newscrawl/date/missing_published_at': 1" in log
    assert log.count("No publication date for https://www.iproini.com/") == 1


def test_start_urls_replace_the_entry_points(tmp_path, fixture_server, expected_articles):
    some = sorted(expected_articles)[0]
    start = some.replace("https://www.iproini.com", fixture_server.url)
    process = run_crawl(
        "iproini", "-a", f"base_url={fixture_server.url}", "-a", f"start_urls={start}",
        "-O", str(tmp_path / "items.jsonl"), "-s", "AUTOTHROTTLE_ENABLED=False",
        env={"NEWSCRAWL_DATA_DIR": str(tmp_path / "data")},
    )
    assert process.returncode == 0, process.stderr[-3000:]
    items = read_jsonl(tmp_path / "items.jsonl")
    assert items[0]["url"] == some  # then what its "Related Articles" lead to
    assert fixture_server.requests[:2] == ["/robots.txt", start.removeprefix(fixture_server.url)]
    assert not {"/", "/sitemap_index.xml", "/feed/"} & set(fixture_server.requests)


@pytest.mark.parametrize(
    ("arguments", "full"),
    [({}, False), ({"base_url": "http://127.0.0.1:8000"}, True), ({"base_url": "http://127.0.0.1:8000", "full": "0"}, False), ({"full": "1"}, True)],
)
def test_a_copy_of_the_site_is_crawled_in_full_unless_asked(arguments, full):
    from spiders.iproini import IproiniSpider

    assert IproiniSpider(**arguments).full is full


def test_crawling_a_copy_again_emits_every_article_again(tmp_path, fixture_server, expected_articles):
    """What is stored describes the live site: a copy's feed is whole on every run."""
    for run in ("first", "second"):
        process = run_crawl(
            "iproini", "-a", f"base_url={fixture_server.url}", "-O", str(tmp_path / f"{run}.jsonl"),
            "-s", "AUTOTHROTTLE_ENABLED=False", env={"NEWSCRAWL_DATA_DIR": str(tmp_path / "data")},
        )  # fmt: skip
        assert process.returncode == 0, process.stderr[-3000:]
        assert sorted(item["url"] for item in read_jsonl(tmp_path / f"{run}.jsonl")) == sorted(expected_articles)
