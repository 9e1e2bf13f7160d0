"""The README and the docs say what the project does: its demo runs as written, its commands are
the ones CI and the tests run, and the generated reference pages match their sources."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from pymongo import MongoClient

from newscrawl.commands import ExitStatus
from newscrawl.default_settings import SETTINGS
from newscrawl.monitoring.summary import INVALID_STAT
from newscrawl.news.arguments import NewsSiteArguments, argument_names
from newscrawl.pipelines.validate import ERRORS_PREFIX, INVALID_ITEMS_STAT, ITEMS_STAT, KEPT_ERRORS
from newscrawl.storage.embedded import EmbeddedServer
from tests.conftest import PROJECT_ROOT
from tests.sites import FixtureSite
from tools.docs import stale_pages

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
BIN = f"{Path(sys.executable).parent}/"
#: the README's offline demo crawls Proini's copy
IPROINI = FixtureSite("iproini")


def section(text: str, heading: str) -> str:
    return text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def code_blocks(text: str) -> list[str]:
    return [block.strip() for block in re.findall(r"```(?:sh|cron)\n(.*?)```", text, re.S)]


def test_the_readme_is_short() -> None:
    assert len(README.splitlines()) <= 300


def test_the_readme_test_command_runs_what_ci_runs() -> None:
    _, tests = code_blocks(section(README, "Set-up on a fresh machine"))
    readme_steps = [step.strip() for step in tests.split("&&")]
    ci_steps = [line for line in (PROJECT_ROOT / ".ci/run").read_text().splitlines() if line.startswith(".venv/bin/")]
    assert [step.removesuffix(" -q") for step in ci_steps] == [
        step for step in readme_steps if step in {s.removesuffix(" -q") for s in ci_steps}
    ]
    assert [s.removesuffix(" -q") for s in ci_steps] == [
        ".venv/bin/ruff check .", ".venv/bin/mypy", ".venv/bin/mkdocs build --strict", ".venv/bin/python -m pytest",
    ]  # fmt: skip


def test_the_generated_pages_match_their_sources() -> None:
    assert stale_pages() == []


def test_the_readme_names_every_spider_argument() -> None:
    table = section(README, "Spider arguments")
    assert [name for name in argument_names(NewsSiteArguments) if not name.startswith("_")] == re.findall(
        r"^\| `(\w+)=", table, re.M
    )


def test_the_scrapyd_commands_of_the_docs_are_the_tested_ones() -> None:
    """tests/test_scrapyd.py runs deploy/scrapyd.conf's start commands and deploy/newscrawl.cron's line."""
    header = [
        line.removeprefix("#   ")
        for line in (PROJECT_ROOT / "deploy/scrapyd.conf").read_text().splitlines()
        if line.startswith("#   ")
    ]
    cron = [line for line in (PROJECT_ROOT / "deploy/newscrawl.cron").read_text().splitlines() if line.startswith("*/15 ")]
    operations = (PROJECT_ROOT / "docs/operations.md").read_text(encoding="utf-8")
    for text in (README, operations):
        assert "\n".join(header) in code_blocks(text)
    assert cron[0] in code_blocks(operations)


def test_the_offline_demo_runs_as_written(tmp_path: Path) -> None:
    """The README's demo, block by block (the venv where the tests run; the data directory in tmp)."""
    serve, crawl, clean = (block.replace(".venv/bin/", BIN) for block in code_blocks(section(README, "Offline demo")))
    environment = {"NEWSCRAWL_DATA_DIR": str(tmp_path), "MONGO_URI": "", "PATH": "/usr/bin:/bin"}
    items = PROJECT_ROOT / "items.jsonl"
    server = subprocess.Popen(["bash", "-c", f"exec {serve}"], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        assert server.stdout.readline().endswith("at http://127.0.0.1:8089/ (Ctrl-C to stop)\n")
        run = subprocess.run(
            ["bash", "-c", crawl], cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, timeout=300
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    try:
        assert run.returncode == ExitStatus.OK, run.stderr[-3000:]
        urls = [line.split('"url": "', 1)[1].split('"', 1)[0] for line in items.read_text(encoding="utf-8").splitlines()]
        assert sorted(urls) == sorted(IPROINI.expected)
        console = run.stderr.splitlines()
        assert (
            " INFO: Crawling a copy of iproini at http://127.0.0.1:8089: storing into database newscrawl_copy_127_0_0_1_8089, "
            in console[0]
        )
        assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[", line) for line in console), console  # a line a record
        # the summary, then the feed written and "Spider closed"; Scrapy's listings only at DEBUG
        assert " INFO: Run of iproini passed all 13 monitors" in console[-3]
        assert console[-1].endswith(" [scrapy.core.engine] INFO: Spider closed (finished)")
        assert [
            re.fullmatch(r"iproini-\d{8}T\d{6}Z\.txt", path.name) is not None for path in (tmp_path / "reports").iterdir()
        ] == [True]  # where the README says the demo's report stays
        assert not [line for line in console if " DEBUG: " in line or "Traceback" in line]
        store = EmbeddedServer(tmp_path / "mongo")
        client: MongoClient[dict[str, Any]] = MongoClient(store.start())
        try:
            assert client.newscrawl_copy_127_0_0_1_8089.articles.count_documents({}) == len(IPROINI.expected)
            assert client.newscrawl.articles.count_documents({}) == 0  # the live database is not touched
        finally:
            client.close()
            store.stop()
        removed = subprocess.run(
            ["bash", "-c", clean], cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, timeout=60
        )
        assert removed.returncode == 0, removed.stderr
        assert removed.stdout == f"Dropped database newscrawl_copy_127_0_0_1_8089 from embedded store {tmp_path / 'mongo'}\n"
        assert not items.exists()
    finally:
        items.unlink(missing_ok=True)


#: the docs' pages, the README among them
PAGES = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").rglob("*.md"))]
SETTING_NAME = re.compile(r"\b(?:NEWSCRAWL|SPIDERMON|MONGO)_[A-Z_]+\b")
CODE_BLOCK = re.compile(r"```.*?```", re.S)


def test_the_docs_name_only_settings_the_project_has() -> None:
    """A setting the docs' prose names is the project's (the registry, settings.py) or one its code reads.
    Others (a notification's) appear only where an example shows what to add."""
    code = "".join(path.read_text(encoding="utf-8") for path in (PROJECT_ROOT / "newscrawl").rglob("*.py"))
    known = {setting.name for setting in SETTINGS} | set(SETTING_NAME.findall(code))
    texts = [page.read_text(encoding="utf-8") for page in PAGES]
    examples = {name for text in texts for block in CODE_BLOCK.findall(text) for name in SETTING_NAME.findall(block)}
    named = {name for text in texts for name in SETTING_NAME.findall(CODE_BLOCK.sub("", text))}
    assert sorted(named - known - examples) == []


def test_the_docs_describe_the_validation_the_code_does() -> None:
    validation = section((PROJECT_ROOT / "docs/monitoring.md").read_text(encoding="utf-8"), "Item validation")
    assert "`ValidatePipeline`" in validation
    for stat in (ITEMS_STAT, INVALID_ITEMS_STAT, f"{ERRORS_PREFIX}<field>/<error>", INVALID_STAT):
        assert f"`{stat}`" in validation, stat
    (kept,) = [line for line in validation.splitlines() if "**kept**" in line]
    assert sorted(re.findall(r"`(\w+)`", kept.split("|")[1])) == sorted(KEPT_ERRORS)
    # every validation stat any page names is one the pipeline counts
    named = {stat for page in PAGES for stat in re.findall(r"`((?:newscrawl|spidermon)/valid[^`]*)`", page.read_text())}
    assert {stat for stat in named if not stat.startswith((ITEMS_STAT, ERRORS_PREFIX))} == set()
