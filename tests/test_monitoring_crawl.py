"""The Proini crawl with its monitors: the fixture site passes them all; a theme change is read
by the fallback extractor and fails the fallback and coverage monitors, and ``scrapy crawl`` exits
with status 3.

``fixtures/iproini/theme-changed/`` is served over the fixture site. It holds six articles as a
theme update would serve them: on four classic-template pages the title, date and content blocks
have new class names, so the theme's layout does not match them and the fallback reads them (from
their JSON-LD and meta tags, the text by trafilatura); on two Cloud Library pages the title, date
and content blocks are renamed too, the body is still found through the classic class the content
block keeps, and the title through Open Graph, but the date was only in the renamed block.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from pymongo.database import Database

from newscrawl.commands import ExitStatus
from tests.conftest import run_scrapy
from tests.harness import Crawl
from tests.harness import crawl as run
from tests.sites import FixtureSite
from tools.fixture_server import FixtureServer

IPROINI = FixtureSite("iproini")
THEME_CHANGED = IPROINI.directory / "theme-changed"
ORIGIN = "https://www.iproini.com"
CLASSIC_PAGES = (
    "netanyahu-to-meet-president-trump-on-monday",
    "wildfire-forces-evacuations-in-villages-east-of-athens",
    "mitsotakis-synantisi-me-erntogan-sto-perithorio-tis-nato",
    "nato-allies-back-new-defense-spending-target-at-the-hague-summit",
)
CLOUD_PAGES = (
    "η-ελλάδα-και-η-νέα-γεωπολιτική-της-ανατολικής-μεσογείου",
    "κυπριακό-νέα-άτυπη-διάσκεψη-στη-νέα-υόρκη",
)


def url(slug: str) -> str:
    return f"{ORIGIN}/{quote(slug).lower()}/"


def crawl(server: FixtureServer, mongo_uri: str, database: Database[dict[str, Any]], data_dir: Path, **settings: str) -> Crawl:
    storage = {"MONGO_URI": mongo_uri, "MONGO_DATABASE": database.name, "NEWSCRAWL_DATA_DIR": str(data_dir)}
    return run(IPROINI.spider, {**storage, **settings}, base_url=server.url, full="0")


def summary_line(log: str) -> str:
    (line,) = re.findall(r"newscrawl\.monitoring\.actions: (Run of .*)", log)
    return line


def test_the_fixture_site_passes_every_monitor_and_each_run_is_recorded(
    mongo_uri: str, mongo_db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    expected_articles = IPROINI.expected
    total = len(expected_articles)
    dated = sum(1 for article in expected_articles.values() if article["published_at"])
    with FixtureServer("iproini") as server:
        first = crawl(server, mongo_uri, mongo_db, tmp_path, LOG_FILE=str(tmp_path / "job.log"))
        second = crawl(server, mongo_uri, mongo_db, tmp_path)  # incremental: nothing new
    assert (first.stat("newscrawl/monitors/failed"), first.stat("newscrawl/monitors/passed")) == (0, 13)
    assert summary_line(first.text) == (
        f"Run of iproini passed all 13 monitors (4 skipped): {total} articles found, "
        f"{total} stored ({total} new, 0 updated, 0 unchanged), 0 dead-lettered; "
        f"coverage title 100.0%, body 100.0%, language 100.0%, categories 100.0%, published_at {dated / total:.1%}, "
        f"authors {sum(1 for a in expected_articles.values() if a['authors']) / total:.1%}; "
        f"report {tmp_path / 'job.report.txt'}"
    )
    report = (tmp_path / "job.report.txt").read_text(encoding="utf-8")
    assert report.startswith("iproini crawl: PASSED\n")
    assert f"  found      {total} ({total} kept, 0 dropped as incomplete, 0 dropped as invalid)\n" in report
    assert f"  storage    {total} stored ({total} new, 0 updated, 0 unchanged), 0 dead-lettered\n" in report
    assert f"  published_at     {dated / total:>8.1%}   {f'{dated} / {total}':>9}         90%\n" in report
    assert "  FAIL" not in report

    assert summary_line(second.text).startswith(
        "Run of iproini passed all 13 monitors (5 skipped): 0 articles found, 0 stored (0 new, 0 updated, 0 unchanged), "
        "0 dead-lettered; "
    )
    runs = list(mongo_db.runs.find().sort("finished_at", 1))
    # runs of a copy of the site (here the fixtures) are told apart from the live site's
    assert [(run["kind"], run["articles"]["found"], run["passed"]) for run in runs] == [
        (f"incremental of {server.url}", total, True),
        (f"incremental of {server.url}", 0, True),
    ]
    # nothing new, but navigation still finds every article: the run is no drop against the first
    assert runs[1]["articles"]["seen"] >= total


def test_a_theme_change_is_read_by_the_fallback_and_fails_its_monitor(
    mongo_uri: str, mongo_db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    expected_articles = IPROINI.expected
    total = len(expected_articles)
    fallback = {url(slug) for slug in CLASSIC_PAGES}
    dated = sum(
        1
        for address, article in expected_articles.items()
        if article["published_at"] and address not in {url(slug) for slug in CLOUD_PAGES}
    )
    with FixtureServer("iproini", THEME_CHANGED, IPROINI.root) as server:
        # The command line, for its exit status.
        process = run_scrapy(
            "crawl", "iproini", "-a", f"base_url={server.url}", "-a", "full=0",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"MONGO_DATABASE={mongo_db.name}",
            "-s", "LOG_LEVEL=DEBUG",  # for the stats dump, on the console at DEBUG only
            env={"MONGO_URI": mongo_uri, "NEWSCRAWL_DATA_DIR": str(tmp_path)},
        )  # fmt: skip
        fetched = Counter(unquote(path) for path in server.requests)
    log = process.stderr
    assert process.returncode == ExitStatus.MONITORS_FAILED.value == 3, log[-3000:]
    # What the run did, from the store and the server, not from the stats the console prints:
    # every article stored once, four of them read by the fallback; none dropped, none rendered
    # (a render would fetch its page a second time, through the browser).
    extractors = Counter(doc["extractor"] for doc in mongo_db.articles.find())
    assert extractors == {IPROINI.spider.theme.name: total - len(fallback), "fallback": len(fallback)}
    (record,) = mongo_db.runs.find()
    assert (record["articles"]["found"], record["articles"]["incomplete"], record["articles"]["invalid"]) == (total, 0, 0)
    assert record["failed_monitors"] == ["Field coverage", "Fallback extraction"]
    changed = [unquote(urlsplit(address).path) for address in (*fallback, *map(url, CLOUD_PAGES))]
    assert [fetched[path] for path in changed] == [1] * len(changed)
    # Data keeps flowing: the fallback's articles are stored with their title, dates, language and body right.
    stored = {doc["url"]: doc for doc in mongo_db.articles.find({"extractor": "fallback"})}
    assert set(stored) == fallback
    for address, doc in stored.items():
        expected = expected_articles[address]
        for field in ("title", "body", "language", "authors", "description", "image_url"):
            assert doc[field] == expected[field], (address, field)
        for field in ("published_at", "modified_at"):
            assert (doc[field].isoformat() if doc[field] else None) == expected[field], (address, field)
    fallback_failure = (
        f"{len(fallback)} of {total} articles ({len(fallback) / total:.1%}) read by the fallback extractor, "
        "more than 10%: the theme's layout no longer matches the site's pages"
    )
    coverage_failure = f"Fields below their threshold: published_at {dated / total:.1%} < 90% ({dated} of {total} articles)"
    # One line for each failed monitor, no traceback.
    assert f"[newscrawl.monitoring.extension] WARNING: [Spidermon] FAIL Fallback extraction: {fallback_failure}\n" in log
    assert f"[newscrawl.monitoring.extension] WARNING: [Spidermon] FAIL Field coverage: {coverage_failure}\n" in log
    assert "Traceback" not in log
    (line,) = re.findall(r"\[newscrawl\.monitoring\.actions\] \w+: (Run of .*)", log)
    assert line.startswith(
        f"Run of iproini FAILED 2 of 13 monitors (Field coverage, Fallback extraction): {total} articles found, "
        f"{total} stored ({total} new, 0 updated, 0 unchanged), 0 dead-lettered; "
    )
    (report,) = (tmp_path / "reports").glob("iproini-*.txt")
    text = report.read_text(encoding="utf-8")
    assert text.startswith("iproini crawl: FAILED\n")
    assert f"  FAIL     Fallback extraction: {fallback_failure}\n" in text
    assert f"  FAIL     Field coverage: {coverage_failure}\n" in text
    assert [line.split()[0] for line in text.splitlines() if line.endswith("BELOW")] == ["published_at"]
    (run,) = mongo_db.runs.find()
    assert (run["passed"], run["failed_monitors"]) == (False, ["Field coverage", "Fallback extraction"])
