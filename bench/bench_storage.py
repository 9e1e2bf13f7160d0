"""Items/s through MongoPipeline against a one-insert_one-per-item pipeline, same server, same run.

    python bench/bench_storage.py [--items 3000] [--uri mongodb://...]

Without --uri it serves a fresh embedded store (``python -m newscrawl.storage serve``) in another
process, as a database server would be. Both pipelines run inside the same kind of Scrapy crawl,
write identical documents into collections with the same indexes and validator, and are timed
from the crawl's start until every document is written (the close of the spider).
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
from pathlib import Path
from typing import Any

from pymongo import MongoClient
from scrapy.crawler import Crawler

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from newscrawl.storage import bootstrap  # noqa: E402
from newscrawl.storage.documents import ArticleWrite, article_fields  # noqa: E402
from tests.mongo import article, emit, run_crawl_in_process  # noqa: E402


class InsertOnePipeline:
    """The pipeline of most tutorials: one blocking ``insert_one`` per item."""

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.client: MongoClient = MongoClient(settings["MONGO_URI"])
        database = self.client[settings["MONGO_DATABASE"]]
        bootstrap.prepare(database, settings["MONGO_COLLECTION"], settings["MONGO_VERSIONS_COLLECTION"])
        self.collection = database[settings["MONGO_COLLECTION"]]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> InsertOnePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        fields = article_fields(item, site="iproini", received_at=datetime.now(UTC))
        self.collection.insert_one(ArticleWrite.scraped(fields).document())
        return item

    def close_spider(self) -> None:
        self.client.close()


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
    parser.add_argument("--uri", help="benchmark this MongoDB instead of a fresh embedded store")
    args = parser.parse_args()
    # realistic sizes: a few kB of body per article
    items = [article(n, body=article(n)["body"] * 40) for n in range(args.items)]
    with served_store() if args.uri is None else nullcontext(args.uri) as uri:
        MongoClient(uri).drop_database("bench")
        timed_crawl(uri, InsertOnePipeline, "warm_up", items[:10])  # imports and first connections
        naive = timed_crawl(uri, InsertOnePipeline, "naive", items)
        bulk = timed_crawl(uri, "newscrawl.pipelines.StorePipeline", "bulk", items)
        recrawl = timed_crawl(uri, "newscrawl.pipelines.StorePipeline", "bulk", items)
        client = MongoClient(uri)
        assert client.bench.naive.count_documents({}) == client.bench.bulk.count_documents({}) == len(items)
        client.drop_database("bench")
    rows = [
        ("insert_one per item", naive),
        ("MongoPipeline, new articles", bulk),
        ("MongoPipeline, unchanged recrawl", recrawl),
    ]
    print("server:", "the one given by --uri" if args.uri else "embedded secantus, in another process")
    print(f"{'pipeline':34} {'items':>6} {'seconds':>8} {'items/s':>8} {'vs insert_one':>14}")
    for name, seconds in rows:
        print(f"{name:34} {len(items):>6} {seconds:>8.2f} {len(items) / seconds:>8.0f} {naive / seconds:>13.1f}x")


if __name__ == "__main__":
    main()
