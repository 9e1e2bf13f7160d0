"""Items/s through the storage pipeline against the store's own limit and a one-insert_one-per-item pipeline.

    python -m bench.bench_storage [--items 3000] [--uri mongodb://...]

Without --uri it serves a fresh embedded store (``python -m newscrawl.storage serve``) in another
process, as a database server would be. Every writer is an item pipeline in the same kind of Scrapy
crawl, timed from the crawl's start until every document is written (the close of the spider), so
each pays the same crawl. The baseline is the store's own limit: a pipeline that builds each
document and writes them with bare ``insert_many`` calls of ``MONGO_BATCH_SIZE`` documents. Every
collection has the same indexes and validator. Each figure is the best of ``--rounds`` (fresh
collections each round), and a ratio to the baselines measured in the same run.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any, Self

from pymongo import MongoClient
from scrapy.crawler import Crawler

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from newscrawl.default_settings import BY_NAME  # noqa: E402
from newscrawl.storage import bootstrap  # noqa: E402
from newscrawl.storage.documents import ArticleWrite, article_fields  # noqa: E402
from tests.mongo import article, emit, run_crawl_in_process  # noqa: E402

BATCH_SIZE = BY_NAME["MONGO_BATCH_SIZE"].default


class BarePipeline:
    """Writes each item's document straight into the collection the storage pipeline would use
    (its indexes and validator prepared the same way), with none of its checks or batching."""

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.client: MongoClient[dict[str, Any]] = MongoClient(settings["MONGO_URI"])
        database = self.client[settings["MONGO_DATABASE"]]
        bootstrap.prepare(database, settings["MONGO_COLLECTION"], settings["MONGO_VERSIONS_COLLECTION"])
        self.collection = database[settings["MONGO_COLLECTION"]]
        self.spider_name = crawler.spidercls.name  # ``site`` of items that lack one, as the storage says

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def document(self, item: Any) -> dict[str, Any]:
        now = datetime.now(UTC)
        return ArticleWrite.scraped(article_fields(item, site=self.spider_name, received_at=now)).document(now)

    def close_spider(self) -> None:
        self.client.close()


class InsertOnePipeline(BarePipeline):
    """The pipeline of most tutorials: one blocking ``insert_one`` per item."""

    def process_item(self, item: Any) -> Any:
        self.collection.insert_one(self.document(item))
        return item


class InsertManyPipeline(BarePipeline):
    """The store's own limit: documents buffered and written by one bare ``insert_many`` a batch
    (``MONGO_BATCH_SIZE``), the rest at close."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.batch_size = crawler.settings.getint("MONGO_BATCH_SIZE")
        self.buffer: list[dict[str, Any]] = []

    def process_item(self, item: Any) -> Any:
        self.buffer.append(self.document(item))
        if len(self.buffer) >= self.batch_size:
            self.write()
        return item

    def write(self) -> None:
        if self.buffer:
            self.collection.insert_many(self.buffer)
            self.buffer = []

    def close_spider(self) -> None:
        self.write()
        super().close_spider()


def timed_crawl(uri: str, pipeline: type | str, collection: str, items: list[Any]) -> float:
    settings = {
        "ITEM_PIPELINES": {pipeline: 300},
        "MONGO_URI": uri,
        "MONGO_DATABASE": "bench",
        "MONGO_COLLECTION": collection,
        "MONGO_VERSIONS_COLLECTION": f"{collection}_versions",
        "LOG_LEVEL": "WARNING",
    }
    started = time.perf_counter()
    (crawler,) = run_crawl_in_process(settings, emit(items))
    elapsed = time.perf_counter() - started
    assert crawler.stats.get_value("item_scraped_count") == len(items), crawler.stats.get_stats()
    return elapsed


@contextmanager
def served_store() -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as data_dir:
        server = subprocess.Popen(
            [sys.executable, "-m", "newscrawl.storage", "--data-dir", data_dir, "serve", "--port", str(port)],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert server.stdout is not None and server.stdout.readline().startswith("Serving")
        try:
            yield f"mongodb://127.0.0.1:{port}/"
        finally:
            server.terminate()
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--uri", help="benchmark this MongoDB instead of a fresh embedded store")
    args = parser.parse_args()
    # realistic sizes: a few kB of body per article
    items = [article(n, body=article(n)["body"] * 40) for n in range(args.items)]
    store = "newscrawl.pipelines.StorePipeline"
    times: dict[str, list[float]] = {"bare": [], "bulk": [], "recrawl": [], "naive": []}
    with served_store() if args.uri is None else nullcontext(args.uri) as uri:
        client: MongoClient[dict[str, Any]] = MongoClient(uri)
        client.drop_database("bench")
        timed_crawl(uri, InsertOnePipeline, "warm_up", items[:10])  # imports and first connections
        for n in range(args.rounds):
            times["bare"].append(timed_crawl(uri, InsertManyPipeline, f"bare{n}", items))
            times["bulk"].append(timed_crawl(uri, store, f"bulk{n}", items))
            times["recrawl"].append(timed_crawl(uri, store, f"bulk{n}", items))
            times["naive"].append(timed_crawl(uri, InsertOnePipeline, f"naive{n}", items))
            counts = {name: client.bench[f"{name}{n}"].count_documents({}) for name in ("bare", "bulk", "naive")}
            assert set(counts.values()) == {len(items)}, counts
        client.drop_database("bench")
    best = {name: min(runs) for name, runs in times.items()}
    rows = [
        (f"bare insert_many, {BATCH_SIZE} a call", best["bare"]),
        ("storage pipeline, new articles", best["bulk"]),
        ("storage pipeline, unchanged recrawl", best["recrawl"]),
        ("insert_one per item", best["naive"]),
    ]
    server = "the one given by --uri" if args.uri else f"embedded secantus {version('secantusdb')}, in another process"
    print(
        f"server: {server}; {len(items)} articles of ~3 kB; each writer a pipeline of the same crawl; best of {args.rounds} rounds"
    )
    print(f"{'writer':36} {'seconds':>8} {'items/s':>8} {'vs insert_many':>15} {'vs insert_one':>14}")
    for name, seconds in rows:
        rate = len(items) / seconds
        print(f"{name:36} {seconds:>8.2f} {rate:>8.0f} {best['bare'] / seconds:>14.2f}x {best['naive'] / seconds:>13.1f}x")


if __name__ == "__main__":
    main()
