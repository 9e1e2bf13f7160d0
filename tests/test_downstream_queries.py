"""The example queries of docs/downstream.md, run as written against a generated store of 100,000
articles, each explained: every one uses the index its comment names, and none scans the collection."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.cursor import Cursor
from pymongo.database import Database

from bench import storegen
from newscrawl.storage.documents import ArticleWrite, article_fields
from newscrawl.storage.embedded import EmbeddedServer
from tests.conftest import PROJECT_ROOT
from tests.mongo import CommandLog, fresh_database, plan_indexes
from tests.sites import FixtureSite

DOWNSTREAM = (PROJECT_ROOT / "docs" / "downstream.md").read_text(encoding="utf-8")
ARCHIVE = 100_000
#: the examples name one of the articles of Proini's copy
IPROINI = FixtureSite("iproini")
#: the commands that read
READS = ("find", "aggregate", "count", "distinct")


def example_queries() -> tuple[str, list[tuple[str, str, str]]]:
    """The pymongo block of "Example queries": its set-up, and each query as (comment, index named, code)."""
    section = DOWNSTREAM.split("\n## Example queries\n", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, re.S)
    assert block is not None
    setup, *examples = re.split(r"^## ", block.group(1), flags=re.M)
    queries = []
    for example in examples:
        comment, code = example.split("\n", 1)
        named = re.search(r"\(index (\w+)\)$", comment)
        assert named is not None, f"the example {comment!r} names no index"
        queries.append((comment, named.group(1), code))
    return setup, queries


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database[dict[str, Any]]]]:
    """A store of 100,000 generated articles and those of Proini's copy (the examples name one of them): its
    server's URI, and its database. Without TEST_MONGO_URI, on an embedded server of its own, stopped
    afterwards: dropping the database would take secantus longer than filling it."""
    fixture_articles = [
        ArticleWrite.scraped(article_fields(expected, site="", received_at=storegen.NEWEST)).document(storegen.NEWEST)
        for expected in IPROINI.expected.values()
    ]
    with ExitStack() as stack:
        uri = os.environ.get("TEST_MONGO_URI", "")
        own_server = not uri
        if own_server:
            server = EmbeddedServer(tmp_path_factory.mktemp("archive"))
            uri = server.start()
            stack.callback(server.stop)
        client: MongoClient[dict[str, Any]] = stack.enter_context(MongoClient(uri, tz_aware=True))
        database = client.archive if own_server else stack.enter_context(fresh_database(client))
        storegen.seed(database, ARCHIVE, fixture_articles)
        yield uri, database


def test_every_example_query_uses_the_index_it_names(
    archive: tuple[str, Database[dict[str, Any]]], mongo_log: CommandLog
) -> None:
    uri, database = archive
    setup, queries = example_queries()
    assert len(queries) == 7
    # the examples' server and database are the generated store's
    namespace: dict[str, Any] = {}
    exec(setup.replace("mongodb://127.0.0.1:27017/", uri).replace(".newscrawl.", f".{database.name}."), namespace)
    for comment, index, code in queries:
        before, sent = set(namespace), len(mongo_log.commands)
        exec(code, namespace)
        for name in set(namespace) - before:  # a cursor sends its query when first read
            if isinstance(namespace[name], Cursor):
                next(namespace[name], None)
        reads = [command for command in mongo_log.commands[sent:] if next(iter(command)) in READS]
        assert reads, f"{comment}: no query sent"
        for command in reads:
            plan = database.command({"explain": command, "verbosity": "queryPlanner"})
            assert set(plan_indexes(plan)) == {index}, f"{comment}: {command}"
