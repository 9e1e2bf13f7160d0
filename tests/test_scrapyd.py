"""Deployment: a real Scrapyd on 127.0.0.1, the project deployed with scrapyd-deploy, jobs scheduled over HTTP."""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
from pymongo.database import Database

from newscrawl.fixture_server import FixtureServer
from tests.conftest import PROJECT_ROOT

BIN = Path(sys.executable).parent
USER, PASSWORD = "operator", "s3cret-deploy-pw"
SCRAPYD_CONF = """\
[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
username = {user}
password = {password}
eggs_dir = {root}/eggs
logs_dir = {root}/logs
items_dir = {root}/items
dbs_dir = {root}/dbs
poll_interval = 0.2
max_proc = 2
"""


class Scrapyd:
    def __init__(self, url: str, root: Path):
        self.url = url
        self.root = root

    def call(self, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict:
        request = Request(f"{self.url}/{endpoint}", data=urlencode(data).encode() if data is not None else None)
        request.add_header("Authorization", "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode())
        with urlopen(request, timeout=10) as response:
            return json.load(response)

    def run_job(self, *args: tuple[str, str], timeout: float = 120) -> str:
        """Schedule iproini, wait until it finishes, return its log."""
        job = self.call("schedule.json", [("project", "newscrawl"), ("spider", "iproini"), *args])["jobid"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(j["id"] == job for j in self.call("listjobs.json?project=newscrawl")["finished"]):
                return (self.root / "logs" / "newscrawl" / "iproini" / f"{job}.log").read_text(encoding="utf-8")
            time.sleep(0.3)
        pytest.fail(f"job {job} did not finish within {timeout}s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scrapyd]:
    root = tmp_path_factory.mktemp("scrapyd")
    port = free_port()
    (root / "scrapyd.conf").write_text(SCRAPYD_CONF.format(port=port, root=root, user=USER, password=PASSWORD))
    with open(root / "scrapyd.out", "wb") as out:
        process = subprocess.Popen([BIN / "scrapyd"], cwd=root, stdout=out, stderr=subprocess.STDOUT)
    server = Scrapyd(f"http://127.0.0.1:{port}", root)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                server.call("daemonstatus.json")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("scrapyd did not start: " + (root / "scrapyd.out").read_text())
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def deployed(scrapyd: Scrapyd) -> str:
    """Deploy with scrapyd-deploy to the `scrapyd` target of scrapy.cfg, credentials from the environment."""
    env = {"SCRAPYD_URL": scrapyd.url, "SCRAPYD_USERNAME": USER, "SCRAPYD_PASSWORD": PASSWORD, "PATH": str(BIN)}
    process = subprocess.run(
        [BIN / "scrapyd-deploy", "scrapyd", "-p", "newscrawl", "--version", "r1"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert process.returncode == 0, process.stderr + process.stdout
    return process.stdout + process.stderr


def test_the_egg_holds_both_packages(tmp_path):
    egg = tmp_path / "newscrawl.egg"
    process = subprocess.run(
        [BIN / "scrapyd-deploy", f"--build-egg={egg}"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert process.returncode == 0, process.stderr
    names = zipfile.ZipFile(egg).namelist()
    for module in ("newscrawl/settings.py", "newscrawl/spider.py", "newscrawl/storage/schema.py", "spiders/iproini.py"):
        assert module in names
    assert "EGG-INFO/entry_points.txt" in names
    assert not [name for name in names if name.startswith(("tests/", "fixtures/", "bench/"))]


def test_deploy_lists_the_spider_and_keeps_credentials_out_of_the_output(scrapyd, deployed):
    assert '"status": "ok"' in deployed and '"spiders": 1' in deployed
    assert PASSWORD not in deployed
    assert scrapyd.call("listspiders.json?project=newscrawl")["spiders"] == ["iproini"]


def test_scheduled_jobs_store_the_site_then_only_what_is_new(scrapyd, deployed, mongo_uri, mongo_db: Database, expected_articles, tmp_path):
    settings = [
        ("setting", f"MONGO_URI={mongo_uri}"),
        ("setting", f"MONGO_DATABASE={mongo_db.name}"),
        ("setting", f"NEWSCRAWL_DATA_DIR={tmp_path}"),
        ("setting", "AUTOTHROTTLE_ENABLED=False"),
    ]
    with FixtureServer() as site:
        log = scrapyd.run_job(("base_url", site.url), ("full", "0"), *settings)
        first = len(site.requests)
        site.requests.clear()
        assert "Spider closed (finished)" in log, log[-3000:]
        assert mongo_db.articles.count_documents({}) == len(expected_articles)
        assert {doc["url"] for doc in mongo_db.articles.find({}, {"url": 1})} == set(expected_articles)
        first_seen = {d["url"]: d["first_seen_at"] for d in mongo_db.articles.find({}, {"url": 1, "first_seen_at": 1})}

        log = scrapyd.run_job(("base_url", site.url), ("full", "0"), *settings)
        second = list(site.requests)
    assert "Spider closed (finished)" in log, log[-3000:]
    assert mongo_db.articles.count_documents({}) == len(expected_articles)
    assert {d["url"]: d["first_seen_at"] for d in mongo_db.articles.find({}, {"url": 1, "first_seen_at": 1})} == first_seen
    # Only listing pages again: robots.txt, home, sitemaps, feed, the first page of six sections.
    assert len(second) == 11 and first > 4 * len(second)
    assert "'item_scraped_count'" not in log
