"""What a run says it stored is what it stored: new, updated, unchanged, repaired and dead-lettered
articles are counted apart in the report, the summary line and the run record; a run record MongoDB
cannot take is kept on disk and recorded by the next run."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import scrapy
from pymongo import MongoClient

from newscrawl.monitoring.summary import RunSummary, StorageCounts
from newscrawl.storage.embedded import EmbeddedServer
from tests.mongo import CRAWL_TIME, article, crawl, emit, found, in_thread, wait_until

RECRAWL_TIME = CRAWL_TIME + timedelta(days=1)


def settings_for(server: EmbeddedServer, data_dir: Path, **overrides: Any) -> dict[str, Any]:
    return {
        "SPIDERMON_ENABLED": True,
        "MONGO_URI": server.uri + "?heartbeatFrequencyMS=500",
        "MONGO_DATABASE": "counts",
        "NEWSCRAWL_DATA_DIR": str(data_dir),
        "MONGO_TIMEOUT": 0.5,
        "MONGO_RETRY_ATTEMPTS": 2,
        "MONGO_RETRY_BACKOFF": 0.05,
        **overrides,
    }


def summary_line(caplog: pytest.LogCaptureFixture) -> str:
    (line,) = [r.getMessage() for r in caplog.records if r.name == "newscrawl.monitoring.actions"]
    return line


def test_dead_letters_are_not_counted_as_stored(
    own_server: EmbeddedServer, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings_for(own_server, data_dir, MONGO_BATCH_SIZE=3)
    crawl(settings, emit([article(n) for n in range(3)]))
    admin: MongoClient[dict[str, Any]] = MongoClient(own_server.uri)
    admin.counts.articles.update_one(
        {"url": "https://www.example.com/article-2/"}, {"$unset": {"body": ""}}, bypass_document_validation=True
    )
    # New articles cannot be inserted (the server keeps answering "shutting down"); updates go through.
    admin.admin.command("configureFailPoint", "failCommand", mode="alwaysOn", data={"failCommands": ["insert"], "errorCode": 91})
    items = [
        article(0, crawled_at=RECRAWL_TIME),
        article(1, crawled_at=RECRAWL_TIME, title="Διορθωμένος τίτλος"),
        article(2, crawled_at=RECRAWL_TIME),
        *[article(n, crawled_at=RECRAWL_TIME) for n in range(3, 7)],
    ]
    caplog.clear()
    with caplog.at_level(logging.INFO):
        stats = crawl(settings, emit(items))
    admin.admin.command("configureFailPoint", "failCommand", mode="off")

    assert stats["item_scraped_count"] == 7
    counts = StorageCounts(new=0, updated=1, unchanged=1, repaired=1, stale=0, dead_lettered=4)
    assert StorageCounts.from_stats(stats) == counts
    stored = "3 stored (0 new, 1 updated, 1 unchanged, 1 repaired), 4 dead-lettered"
    line = summary_line(caplog)
    assert line.startswith(
        f"Run of synthetic FAILED 2 of 13 monitors (Error Count Monitor, Dead letters): 7 articles found, {stored}; coverage "
    )
    report = Path(re.sub(r".*; report ", "", line)).read_text(encoding="utf-8")
    assert "  found      7 (7 kept, 0 dropped as incomplete, 0 dropped as invalid)\n" in report
    assert f"  storage    {stored} (NotPrimaryError 4)\n" in report
    # the run was recorded after the inserts failed: its record went to disk, and is written by the next run
    (kept,) = (data_dir / "runs").glob("synthetic-*.json")
    assert json.loads(kept.read_text(encoding="utf-8"))["run"]["articles"] == {
        "found": 7, "seen": 7, "scraped": 7, "incomplete": 0, "invalid": 0, "skipped_stored": 0,
        "stored": 3, "new": 0, "updated": 1, "unchanged": 1, "repaired": 1, "stale": 0, "dead_lettered": 4,
    }  # fmt: skip
    crawl(settings, emit([]))
    assert not kept.exists()
    runs = list(admin.counts.runs.find().sort("finished_at", 1))
    assert [(run["articles"]["scraped"], run["articles"]["stored"], run["articles"]["dead_lettered"]) for run in runs] == [
        (3, 3, 0),
        (7, 3, 4),
        (0, 0, 0),
    ]
    assert RunSummary.from_document(runs[1]).storage == counts


def test_a_run_record_is_kept_when_the_store_is_down_and_written_by_the_next_run(
    own_server: EmbeddedServer, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings_for(own_server, data_dir)

    async def stop_when_stored(spider: scrapy.Spider) -> AsyncIterator[Any]:
        for n in range(3):
            yield article(n)
        await wait_until(lambda: spider.crawler.stats.get_value("newscrawl/mongo/inserted") == 3)
        await in_thread(own_server.stop)

    with caplog.at_level(logging.INFO):
        crawl({**settings, "MONGO_FLUSH_INTERVAL": 0.1}, stop_when_stored)
    (kept,) = (data_dir / "runs").glob("synthetic-*.json")
    (warning,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Could not record the run")]
    assert warning.startswith("Could not record the run in MongoDB (ServerSelectionTimeoutError: ")
    assert warning.endswith(f"; kept in {kept}, for the next run to record")
    assert json.loads(kept.read_text(encoding="utf-8"))["run"]["articles"]["new"] == 3

    own_server.start()
    caplog.clear()
    with caplog.at_level(logging.INFO), caplog.at_level(logging.DEBUG, "newscrawl.monitoring"):
        crawl(settings, emit([article(n) for n in range(3)]))
    assert f"Recorded the run an earlier crawl kept in {kept}" in caplog.text
    assert not kept.exists()
    client: MongoClient[dict[str, Any]] = MongoClient(own_server.uri)
    runs = list(client.counts.runs.find().sort("finished_at", 1))
    assert [(run["articles"]["new"], run["articles"]["unchanged"]) for run in runs] == [(3, 0), (0, 3)]
    # the kept run was written before the previous runs were read: it is this run's baseline
    assert "Previous runs/Should not fall sharply against previous runs... OK" in caplog.text


def test_unreadable_run_records_are_skipped(own_server: EmbeddedServer, data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = settings_for(own_server, data_dir)
    crawl(settings, emit([article(n) for n in range(3)]))
    client: MongoClient[dict[str, Any]] = MongoClient(own_server.uri)
    runs = client.counts.runs
    good = found(runs.find_one({}, {"_id": 0}))
    runs.insert_many(
        [
            {**good, "articles": "many"},
            {
                **good,
                "articles": {**good["articles"], "incomplete": "3"},
                "finished_at": good["finished_at"] + timedelta(seconds=1),
            },
            {"spider": "synthetic", "kind": "incremental"},
        ]
    )
    caplog.clear()
    with caplog.at_level(logging.INFO), caplog.at_level(logging.DEBUG, "newscrawl.monitoring"):
        stats = crawl(settings, emit([article(n) for n in range(3)]))
    assert "Skipped 3 unreadable records of previous runs of synthetic (incremental)" in caplog.text
    assert stats["newscrawl/monitors/failed"] == 0
    assert "Previous runs/Should not fall sharply against previous runs... OK" in caplog.text
