"""Item validation and run monitors in in-process crawls storing into the test server (tests/mongo.py)."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pymongo.database import Database
from spidermon import Action

from newscrawl.monitoring.summary import crawl_kind
from tests.mongo import article, crawl, emit
from tests.spiders import ExampleSpider

MONITORED = {"SPIDERMON_ENABLED": True}


class Notify(Action):
    """Stands for Spidermon's Slack, e-mail or Sentry action in NEWSCRAWL_MONITOR_FAILED_ACTIONS."""

    sent: ClassVar[list[list[str]]] = []

    def run_action(self) -> None:
        Notify.sent.append([item.item.monitor_name for item in self.result.monitors_failed_results])


@pytest.fixture
def settings(storage_settings: dict[str, Any]) -> dict[str, Any]:
    return {**storage_settings, **MONITORED}


def messages(caplog: pytest.LogCaptureFixture, logger: str) -> list[tuple[str, str]]:
    return [(record.levelname, record.getMessage()) for record in caplog.records if record.name == logger]


def test_invalid_articles_are_counted_and_reported_with_their_field(
    settings: dict[str, Any], mongo_db: Database[dict[str, Any]], data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    items = [
        article(1),
        article(2, modified_at=datetime(2025, 7, 16, 12, 0)),  # no offset: kept, flagged
        article(3, title=["Two", "titles"]),  # not a string: dropped
        article(4, image_url="https://www.example.com/wp-content/uploads/a b.jpg"),  # not a URI: kept, flagged
    ]
    with caplog.at_level(logging.INFO):
        stats = crawl(settings, emit(items))

    assert stats["item_scraped_count"] == 3
    assert stats["item_dropped_reasons_count/InvalidArticle"] == 1
    assert {key: value for key, value in stats.items() if key.startswith("newscrawl/validation/")} == {
        "newscrawl/validation/items": 4,
        "newscrawl/validation/items_with_errors": 3,
        "newscrawl/validation/errors/modified_at/not_date_time": 1,
        "newscrawl/validation/errors/title/wrong_type": 1,
        "newscrawl/validation/errors/image_url/not_uri": 1,
    }
    assert messages(caplog, "newscrawl.pipelines.validate") == [
        ("WARNING", "Kept https://www.example.com/article-2/ with schema errors: modified_at: not date time"),
        ("WARNING", "Kept https://www.example.com/article-4/ with schema errors: image_url: not uri"),
    ]
    assert ("WARNING", "Dropped https://www.example.com/article-3/: InvalidArticle: title: wrong type") in messages(
        caplog, "scrapy.core.scraper"
    )
    assert sorted(doc["url"] for doc in mongo_db.articles.find()) == [
        "https://www.example.com/article-1/",
        "https://www.example.com/article-2/",
        "https://www.example.com/article-4/",
    ]

    # the schema monitor fails the run, naming the fields
    assert (stats["newscrawl/monitors/failed"], stats["newscrawl/monitors/passed"]) == (1, 12)
    failure = (
        "3 schema errors in 3 articles (1 dropped), more than 0: "
        "image_url: not_uri (1), modified_at: not_date_time (1), title: wrong_type (1)"
    )
    (report,) = (data_dir / "reports").glob("synthetic-*.txt")
    assert f"  FAIL     Item validation: {failure}\n" in report.read_text(encoding="utf-8")
    ((level, line),) = messages(caplog, "newscrawl.monitoring.actions")
    assert level == "ERROR"
    assert line.startswith(
        "Run of synthetic FAILED 1 of 13 monitors (Item validation): "
        "4 articles found, 3 stored (3 new, 0 updated, 0 unchanged), 0 dead-lettered; "
    )
    assert line.endswith(f"; report {report}")


def test_a_sharp_drop_against_previous_passing_runs_fails_the_run(
    settings: dict[str, Any], mongo_db: Database[dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    def run(*items: Any) -> dict[str, Any]:
        caplog.clear()
        with caplog.at_level(logging.DEBUG, "newscrawl.monitoring"):
            return crawl({**settings, "NEWSCRAWL_MONITOR_FAILED_ACTIONS": [f"{__name__}.Notify"]}, emit(items))

    Notify.sent.clear()

    drop = "Sharp drop against the previous 2 passing runs: "
    normal = [article(n) for n in range(20)]
    assert run(*normal)["newscrawl/monitors/failed"] == 0
    assert run(*normal)["newscrawl/monitors/failed"] == 0
    assert "Previous runs/Should not fall sharply against previous runs... OK" in caplog.text

    # as many articles, none with authors: the coverage of authors collapses
    stats = run(*[article(n, authors=[]) for n in range(20)])
    assert stats["newscrawl/monitors/failed"] == 2
    # each failed monitor in one line
    assert f"[Spidermon] FAIL Previous runs: {drop}authors coverage 0.0%, previously 100.0%" in caplog.messages
    coverage = "[Spidermon] FAIL Field coverage: Fields below their threshold: authors 0.0% < 60% (0 of 20 articles)"
    assert coverage in caplog.messages

    # far fewer articles; the failed run above is not part of the baseline
    stats = run(*normal[:5])
    assert stats["newscrawl/monitors/failed"] == 1
    assert f"[Spidermon] FAIL Previous runs: {drop}articles seen 5, previously 20 (-75%)" in caplog.messages

    assert Notify.sent == [["Field coverage", "Previous runs"], ["Previous runs"]]  # failed runs only
    runs = list(mongo_db.runs.find({}, {"_id": 0}).sort("finished_at", 1))
    assert [(r["spider"], r["kind"], r["articles"]["found"], r["passed"], r["failed_monitors"]) for r in runs] == [
        ("synthetic", "incremental", 20, True, []),
        ("synthetic", "incremental", 20, True, []),
        ("synthetic", "incremental", 20, False, ["Field coverage", "Previous runs"]),
        ("synthetic", "incremental", 5, False, ["Previous runs"]),
    ]
    assert runs[2]["coverage"]["authors"] == {"present": 0, "found": 20, "ratio": 0.0}
    assert runs[0]["finish_reason"] == "finished" and runs[0]["finished_at"] > runs[0]["started_at"]


def test_without_storage_there_is_no_history(data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = {**MONITORED, "NEWSCRAWL_DATA_DIR": str(data_dir), "NEWSCRAWL_STORAGE_ENABLED": False}
    with caplog.at_level(logging.DEBUG, "newscrawl.monitoring"):
        stats = crawl(settings, emit([article(1)]))
    assert stats["newscrawl/monitors/failed"] == 0
    assert "No MongoDB storage in this crawl: runs are neither compared nor recorded" in caplog.text
    assert "Previous runs/Should not fall sharply against previous runs... SKIPPED (no run history" in caplog.text
    assert "RecordRun... SKIPPED (no run history in this crawl)" in caplog.text


@pytest.mark.parametrize(
    ("arguments", "kind"),
    [
        ({}, "incremental"),
        ({"full": "1"}, "full"),
        ({"since": "2025-07-01"}, "since"),
        ({"start_urls": "https://www.example.com/a/"}, "partial"),
        ({"base_url": "http://127.0.0.1:8000"}, "full of http://127.0.0.1:8000"),
        ({"base_url": "http://127.0.0.1:8000", "full": "0"}, "incremental of http://127.0.0.1:8000"),
        ({"base_url": "https://www.example.com"}, "incremental"),
    ],
)
def test_runs_compare_with_runs_of_the_same_kind_and_site_copy(arguments: dict[str, str], kind: str) -> None:
    assert crawl_kind(ExampleSpider(**arguments)) == kind
