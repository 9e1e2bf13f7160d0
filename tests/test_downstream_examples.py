"""The example queries given in other forms say what the tested ones say: the mongosh block of
docs/downstream.md and the README's example ask what the pymongo block asks (same collections,
filters, projections, pipelines, sorts and limits). tests/test_downstream_queries.py runs the pymongo
block with ``explain``; these forms are read, never run: the mongosh block by a small converter of
its JavaScript object literals to JSON (no JavaScript is evaluated)."""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from tests.conftest import PROJECT_ROOT
from tests.test_downstream_queries import DOWNSTREAM, example_queries

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
#: the name the examples give the articles collection
COLLECTION = "articles"
_MONGOSH_START = re.compile(r"db\.(\w+)")
_MONGOSH_CALL = re.compile(r"\s*\.(\w+)\(\s*")
_MONGOSH_NEXT_ARGUMENT = re.compile(r"\s*,?\s*")
#: an unquoted key of a JavaScript object literal, after ``{`` or ``,``
_UNQUOTED_KEY = re.compile(r"([{,]\s*)([$\w]+)(\s*:)")
_DATE = re.compile(r'(?:ISODate|new Date)\(\s*"([^"]*)"\s*\)')


@dataclass(frozen=True)
class Query:
    """One example query: its collection and its calls, in order, as (pymongo method name, arguments)."""

    collection: str
    calls: tuple[tuple[str, tuple[Any, ...]], ...]


def normalised(collection: str, calls: list[tuple[str, list[Any]]]) -> Query:
    """*calls* with pymongo's names (``findOne``: ``find_one``) and every sort as a list of (key, direction)."""
    named = []
    for method, arguments in calls:
        name = re.sub(r"([A-Z])", r"_\1", method).lower()
        named.append((name, (_sort_keys(arguments),) if name == "sort" else tuple(arguments)))
    return Query(collection, tuple(named))


def _sort_keys(arguments: list[Any]) -> list[tuple[str, Any]]:
    """pymongo's ``sort(key, direction)`` and ``sort([(key, direction), …])``, mongosh's ``sort({key: direction})``."""
    if len(arguments) == 2:
        return [(arguments[0], arguments[1])]
    keys = arguments[0]
    return [(key, direction) for key, direction in (keys.items() if isinstance(keys, dict) else keys)]


def pymongo_queries(code: str) -> list[Query]:
    """The queries of a pymongo example, in order: each assignment of a call on the collection, its
    arguments evaluated as the code before it leaves them. The collection's own set-up is not run (it
    would connect); the document ``find_one`` returns is known by its filter, which it matches."""
    namespace: dict[str, Any] = {}
    queries = []
    for statement in ast.parse(code).body:
        target = ast.unparse(statement.targets[0]) if isinstance(statement, ast.Assign) else None
        if target == COLLECTION:
            continue
        query = _pymongo_query(statement.value, namespace) if isinstance(statement, ast.Assign) else None
        if query is None:
            exec(compile(ast.Module([statement], type_ignores=[]), "<example>", "exec"), namespace)
            continue
        queries.append(query)
        if query.calls[0][0] == "find_one" and target is not None:
            namespace[target] = query.calls[0][1][0]
    return queries


def _pymongo_query(node: ast.expr, namespace: dict[str, Any]) -> Query | None:
    calls = []
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        assert not node.keywords, f"keyword arguments are not compared: {ast.unparse(node)}"
        arguments = [eval(compile(ast.Expression(argument), "<example>", "eval"), namespace) for argument in node.args]
        calls.append((node.func.attr, arguments))
        node = node.func.value
    path = []
    while isinstance(node, ast.Attribute):
        path.append(node.attr)
        node = node.value
    if not calls or not (isinstance(node, ast.Name) and node.id == COLLECTION):
        return None
    return normalised(path[0] if path else COLLECTION, calls[::-1])


def mongosh_queries(block: str) -> list[Query]:
    """The queries of a mongosh example, in order: every statement on ``db.<collection>``."""
    statements = re.split(r"\n(?=\w)", block.strip())  # a statement starts a line with a name
    return [_mongosh_query(statement) for statement in statements if statement.startswith("db.")]


def _mongosh_query(statement: str) -> Query:
    text = _DATE.sub(r'{"$date": "\1"}', _UNQUOTED_KEY.sub(r'\1"\2"\3', statement.strip()))
    decoder = json.JSONDecoder(object_hook=_dated)
    start = _MONGOSH_START.match(text)
    assert start is not None, statement
    calls, position = [], start.end()
    while position < len(text):
        call = _MONGOSH_CALL.match(text, position)
        assert call is not None, f"not a call at {text[position:]!r}"
        arguments, position = [], call.end()
        while text[position] != ")":
            value, position = decoder.raw_decode(text, position)
            arguments.append(value)
            separator = _MONGOSH_NEXT_ARGUMENT.match(text, position)
            assert separator is not None  # it matches the empty string too
            position = separator.end()
        calls.append((call.group(1), arguments))
        position += 1
    return normalised(start.group(1), calls)


def _dated(value: dict[str, Any]) -> Any:
    """A date written ``ISODate("…")`` (converted to ``{"$date": "…"}``) as the datetime pymongo sends."""
    if value.keys() == {"$date"}:
        return datetime.fromisoformat(value["$date"])
    return value


def block(text: str, language: str) -> str:
    """The first ``language`` code block of *text*."""
    found = re.search(rf"```{language}\n(.*?)```", text, re.S)
    assert found is not None, f"no {language} block"
    return found.group(1)


def downstream_pymongo() -> list[Query]:
    setup, examples = example_queries()
    return pymongo_queries("\n".join([setup, *(code for _, _, code in examples)]))


#: the mongosh block of "Example queries"
MONGOSH = block(DOWNSTREAM.split("\n## Example queries\n", 1)[1], "javascript")


def readme_queries(text: str = README) -> list[Query]:
    return pymongo_queries(block(text.split("\n## For downstream teams\n", 1)[1], "python"))


def test_the_mongosh_examples_ask_what_the_pymongo_ones_ask() -> None:
    tested = downstream_pymongo()
    assert len(tested) == 7
    assert mongosh_queries(MONGOSH) == tested
    assert tested[0] == Query(
        "articles",
        (("find", ({"language": "el"}, {"body": 0})), ("sort", ([("published_at", -1)],)), ("limit", (20,))),
    )


def test_the_readme_example_is_one_of_them() -> None:
    queries = readme_queries()
    assert len(queries) == 1
    assert queries[0] in downstream_pymongo()


@pytest.mark.parametrize(
    ("written", "drifted"),
    [
        ("sort({ updated_at: 1 })", "sort({ updated_at: -1 })"),  # a sort
        ("{ body: 0 }", "{ body: 1 }"),  # a projection
        ("limit(20)", "limit(10)"),
        ('ISODate("2025-07-01T00:00:00Z")', 'ISODate("2025-07-02T00:00:00Z")'),  # a filter's date
        ('site: "iproini"', 'site: "harborgazette"'),  # a filter's value
        ("{ $sort: { n: -1 } }", "{ $sort: { n: 1 } }"),  # a pipeline
        ("db.article_versions.", "db.articles."),  # the collection
        ("findOne(", "find("),  # the method
    ],
)
def test_a_drifted_mongosh_example_is_told_apart(written: str, drifted: str) -> None:
    assert written in MONGOSH
    assert mongosh_queries(MONGOSH.replace(written, drifted, 1)) != downstream_pymongo()


def test_a_drifted_readme_example_is_told_apart() -> None:
    written = '.sort("published_at", DESCENDING).limit(20)'
    assert written in README
    drifted = readme_queries(README.replace(written, '.sort("modified_at", DESCENDING).limit(20)', 1))
    assert drifted[0] not in downstream_pymongo()
