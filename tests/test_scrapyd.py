"""Deployment: real Scrapyd processes on 127.0.0.1, the egg deployed with scrapyd-deploy, jobs scheduled over HTTP.

Two nodes, as the project scales out (one Scrapyd node per group of sites, one MongoDB): each
Scrapyd service gets MONGO_URI from its own environment, never from a job's arguments.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
from pymongo.database import Database

from tests.conftest import PROJECT_ROOT
from tests.sites import FixtureSite
from tools.fixture_server import FixtureServer

BIN = Path(sys.executable).parent
USER, PASSWORD = "operator", "s3cret-deploy-pw"
IPROINI, HARBOR = FixtureSite("iproini"), FixtureSite("harborgazette")
SCRAPYD_CONF = """\
[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
username = {user}
password = {password}
eggs_dir = {root}/eggs
logs_dir = {root}/logs
items_dir =
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

    def run_job(self, spider: str, *args: tuple[str, str], timeout: float = 120) -> str:
        """Schedule *spider*, wait until it finishes, return its log."""
        job = self.call("schedule.json", [("project", "newscrawl"), ("spider", spider), *args])["jobid"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(j["id"] == job for j in self.call("listjobs.json?project=newscrawl")["finished"]):
                return (self.root / "logs" / "newscrawl" / spider / f"{job}.log").read_text(encoding="utf-8")
            time.sleep(0.3)
        pytest.fail(f"job {job} did not finish within {timeout}s")

    def deploy(self) -> str:
        """Deploy with scrapyd-deploy to the `scrapyd` target of scrapy.cfg, credentials from the environment."""
        env = {"SCRAPYD_URL": self.url, "SCRAPYD_USERNAME": USER, "SCRAPYD_PASSWORD": PASSWORD, "PATH": str(BIN)}
        process = subprocess.run(
            [BIN / "scrapyd-deploy", "scrapyd", "-p", "newscrawl", "--version", "r1"],
            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert process.returncode == 0, process.stderr + process.stdout
        return process.stdout + process.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_scrapyd(root: Path, environment: dict[str, str]) -> tuple[subprocess.Popen[bytes], Scrapyd]:
    port = free_port()
    (root / "scrapyd.conf").write_text(SCRAPYD_CONF.format(port=port, root=root, user=USER, password=PASSWORD))
    with (root / "scrapyd.out").open("wb") as out:
        process = subprocess.Popen([BIN / "scrapyd"], cwd=root, stdout=out, stderr=subprocess.STDOUT, env=environment)
    server = Scrapyd(f"http://127.0.0.1:{port}", root)
    deadline = time.monotonic() + 30
    while True:
        try:
            server.call("daemonstatus.json")
            return process, server
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("scrapyd did not start: " + (root / "scrapyd.out").read_text())
            time.sleep(0.2)


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory, mongo_uri: str, mongo_client) -> Iterator[tuple[Scrapyd, Scrapyd, Database]]:
    """Two Scrapyd nodes storing into one database; MONGO_URI is in each service's environment."""
    database = mongo_client[f"test_scrapyd_{os.getpid()}"]
    processes = []
    try:
        servers = []
        for name in ("node-a", "node-b"):
            root = tmp_path_factory.mktemp(name)
            environment = {
                **os.environ, "MONGO_URI": mongo_uri, "MONGO_DATABASE": database.name, "NEWSCRAWL_DATA_DIR": str(root / "data"),
            }  # fmt: skip
            process, server = start_scrapyd(root, environment)
            processes.append(process)
            servers.append(server)
        yield servers[0], servers[1], database
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        mongo_client.drop_database(database.name)


def test_the_egg_holds_the_packages_and_nothing_of_the_tests(tmp_path: Path) -> None:
    egg = tmp_path / "newscrawl.egg"
    process = subprocess.run(
        [BIN / "scrapyd-deploy", f"--build-egg={egg}"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert process.returncode == 0, process.stderr
    names = zipfile.ZipFile(egg).namelist()
    for module in ("newscrawl/settings.py", "newscrawl/news/spider.py", "newscrawl/themes/tagdiv.py", "spiders/iproini.py"):
        assert module in names
    assert "EGG-INFO/entry_points.txt" in names
    assert not [name for name in names if name.startswith(("tests/", "fixtures/", "bench/", "tools/"))]


def test_two_sites_on_two_nodes_store_every_article_once_each_with_its_own_history(nodes) -> None:
    node_a, node_b, database = nodes
    for node in (node_a, node_b):
        output = node.deploy()
        assert '"status": "ok"' in output and PASSWORD not in output
        assert node.call("listspiders.json?project=newscrawl")["spiders"] == ["harborgazette", "iproini"]
    quick = ("setting", "AUTOTHROTTLE_ENABLED=False")
    with FixtureServer("iproini") as proini, FixtureServer("harborgazette") as harbor, ThreadPoolExecutor(2) as pool:
        jobs = [
            pool.submit(node_a.run_job, "iproini", ("base_url", proini.url), ("full", "0"), quick),
            pool.submit(node_b.run_job, "harborgazette", ("base_url", harbor.url), ("full", "0"), quick),
        ]
        logs = [job.result() for job in jobs]
        first = len(proini.requests)
        proini.requests.clear()
        again = node_a.run_job("iproini", ("base_url", proini.url), ("full", "0"), quick)
        second = list(proini.requests)
    for log in [*logs, again]:
        assert "Spider closed (finished)" in log, log[-3000:]
    stored = [doc["url"] for doc in database.articles.find({}, {"url": 1})]
    assert sorted(stored) == sorted([*IPROINI.expected, *HARBOR.expected])  # each once
    runs = {(run["spider"], run["articles"]["found"]) for run in database.runs.find()}
    assert runs == {("iproini", len(IPROINI.expected)), ("harborgazette", len(HARBOR.expected)), ("iproini", 0)}
    # The second Proini run: listing pages only (robots.txt twice, home, sitemaps, feed, six sections).
    assert len(second) == 12 and first > 3 * len(second)
    assert "'item_scraped_count'" not in again
