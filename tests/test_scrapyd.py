"""Deployment: real Scrapyd processes on 127.0.0.1, the egg deployed with scrapyd-deploy, jobs scheduled over HTTP.

Two nodes, as the project scales out (one Scrapyd node per group of sites, one MongoDB): each
Scrapyd service gets MONGO_URI from its own environment, never from a job's arguments.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from tests.conftest import PROJECT_ROOT
from tests.sites import FixtureSite
from tools.fixture_server import FixtureServer

BIN = Path(sys.executable).parent
USER, PASSWORD = "operator", "s3cret-deploy-pw"
IPROINI, HARBOR = FixtureSite("iproini"), FixtureSite("harborgazette")
DEPLOY = PROJECT_ROOT / "deploy"


def build_and_deploy(command: Sequence[str | Path], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run scrapyd-deploy in the project. setup.py builds the egg in the checkout itself (``build/``,
    ``*.egg-info``): two builds at once, from two test workers, would trip over each other's files."""
    with (Path(tempfile.gettempdir()) / "newscrawl-egg-build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)


def documented_start(root: Path, mongo_uri: str) -> str:
    """The commands in deploy/scrapyd.conf's header that start Scrapyd, here: the test's paths and password,
    and its connection string in a file only this user reads, as docs/credentials.md says."""
    uri_file = root.parent / f"{root.name}-mongo-uri"  # outside Scrapyd's directory, as /etc/newscrawl is
    uri_file.write_text(mongo_uri + "\n", encoding="utf-8")
    uri_file.chmod(0o600)
    header = [line.removeprefix("#   ") for line in (DEPLOY / "scrapyd.conf").read_text().splitlines() if line.startswith("#   ")]
    script = "\n".join(header).replace("/srv/newscrawl/.venv/bin/", f"{BIN}/").replace("/var/lib/scrapyd", str(root))
    return script.replace("/etc/newscrawl/mongo-uri", str(uri_file)).replace("change-me", PASSWORD)


class Scrapyd:
    def __init__(self, url: str, root: Path):
        self.url = url
        self.root = root

    def call(self, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict[str, Any]:
        request = Request(f"{self.url}/{endpoint}", data=urlencode(data).encode() if data is not None else None)
        request.add_header("Authorization", "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode())
        with urlopen(request, timeout=10) as response:
            return json.load(response)

    def run_job(self, spider: str, *args: tuple[str, str], timeout: float = 120) -> str:
        """Schedule *spider*, wait until it finishes, return its log."""
        job = self.call("schedule.json", [("project", "newscrawl"), ("spider", spider), *args])["jobid"]
        return self.wait(job, spider, timeout)

    def wait(self, job: str, spider: str, timeout: float = 120) -> str:
        """Wait until *job* finishes; its log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(j["id"] == job for j in self.call("listjobs.json?project=newscrawl")["finished"]):
                return (self.root / "logs" / "newscrawl" / spider / f"{job}.log").read_text(encoding="utf-8")
            time.sleep(0.3)
        pytest.fail(f"job {job} did not finish within {timeout}s")

    def deploy(self) -> str:
        """Deploy with scrapyd-deploy to the `scrapyd` target of scrapy.cfg, credentials from the environment."""
        env = {"SCRAPYD_URL": self.url, "SCRAPYD_USERNAME": USER, "SCRAPYD_PASSWORD": PASSWORD, "PATH": str(BIN)}
        process = build_and_deploy([BIN / "scrapyd-deploy", "scrapyd", "-p", "newscrawl", "--version", "r1"], env)
        assert process.returncode == 0, process.stderr + process.stdout
        return process.stdout + process.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_scrapyd(root: Path, environment: dict[str, str], mongo_uri: str) -> tuple[subprocess.Popen[bytes], Scrapyd]:
    """Scrapyd started as deploy/scrapyd.conf says, on a free port (SCRAPYD_HTTP_PORT overrides the file's)."""
    port = free_port()
    script = documented_start(root, mongo_uri)
    with (root / "scrapyd.out").open("wb") as out:
        process = subprocess.Popen(
            ["bash", "-c", script.replace(f"{BIN}/scrapyd", f"exec {BIN}/scrapyd")],
            stdout=out, stderr=subprocess.STDOUT, env={**environment, "SCRAPYD_HTTP_PORT": str(port)},
        )  # fmt: skip
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
def nodes(
    tmp_path_factory: pytest.TempPathFactory, mongo_uri: str, mongo_client: MongoClient[dict[str, Any]]
) -> Iterator[tuple[Scrapyd, Scrapyd, Database[dict[str, Any]]]]:
    """Two Scrapyd nodes storing into one database; MONGO_URI is in each service's environment."""
    database = mongo_client[f"test_scrapyd_{os.getpid()}"]
    processes = []
    try:
        servers = []
        for name in ("node-a", "node-b"):
            root = tmp_path_factory.mktemp(name)
            environment = {**os.environ, "MONGO_DATABASE": database.name, "NEWSCRAWL_DATA_DIR": str(root / "data")}
            process, server = start_scrapyd(root, environment, mongo_uri)
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
    process = build_and_deploy([BIN / "scrapyd-deploy", f"--build-egg={egg}"])
    assert process.returncode == 0, process.stderr
    names = zipfile.ZipFile(egg).namelist()
    for module in ("newscrawl/settings.py", "newscrawl/news/spider.py", "newscrawl/themes/tagdiv.py", "spiders/iproini.py"):
        assert module in names
    assert "EGG-INFO/entry_points.txt" in names
    assert not [name for name in names if name.startswith(("tests/", "fixtures/", "bench/", "tools/"))]


def test_two_sites_on_two_nodes_store_every_article_once_each_with_its_own_history(
    nodes: tuple[Scrapyd, Scrapyd, Database[dict[str, Any]]],
) -> None:
    node_a, node_b, database = nodes
    for node in (node_a, node_b):
        output = node.deploy()
        assert '"status": "ok"' in output and PASSWORD not in output
        assert node.call("listspiders.json?project=newscrawl")["spiders"] == ["harborgazette", "iproini"]
    # A copy of a site is stored apart from the live data unless the job names the database.
    quick = ("setting", "AUTOTHROTTLE_ENABLED=False"), ("setting", f"MONGO_DATABASE={database.name}")
    with FixtureServer("iproini") as proini, FixtureServer("harborgazette") as harbor, ThreadPoolExecutor(2) as pool:
        jobs = [
            pool.submit(node_a.run_job, "iproini", ("base_url", proini.url), ("full", "0"), *quick),
            pool.submit(node_b.run_job, "harborgazette", ("base_url", harbor.url), ("full", "0"), *quick),
        ]
        logs = [job.result() for job in jobs]
        first = len(proini.requests)
        proini.requests.clear()
        again = node_a.run_job("iproini", ("base_url", proini.url), ("full", "0"), *quick)
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


def cron_job() -> tuple[dict[str, str], str]:
    """deploy/newscrawl.cron: its variables, and the command of its one job line."""
    variables, commands = {}, []
    for line in (DEPLOY / "newscrawl.cron").read_text().splitlines():
        if re.match(r"^[A-Z_]+=", line):
            name, value = line.split("=", 1)
            variables[name] = value
        elif line and not line.startswith("#"):
            commands.append(line.split(None, 5)[5])
    (command,) = commands
    return variables, command


def test_the_cron_line_schedules_the_main_job_whose_exit_status_scrapyd_logs(tmp_path: Path) -> None:
    """The scheduled run as deploy/newscrawl.cron writes it, against a node whose MongoDB is down: the job
    runs, stops before its first request with one line, and Scrapyd logs its exit status, 4."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        down = f"mongodb://127.0.0.1:{closed.getsockname()[1]}/"
    environment = {**os.environ, "MONGO_TIMEOUT": "0.5", "NEWSCRAWL_DATA_DIR": str(tmp_path / "data")}
    process, node = start_scrapyd(tmp_path, environment, down)
    try:
        node.deploy()
        variables, command = cron_job()
        assert variables["SCRAPYD_URL"] == "http://127.0.0.1:6800"  # no trailing slash: no //schedule.json
        command = command.replace("/srv/newscrawl", str(PROJECT_ROOT)).replace(".venv/bin/", f"{BIN}/")
        scheduled = subprocess.run(
            ["bash", "-c", command], capture_output=True, text=True, timeout=60,
            env={**os.environ, **variables, "SCRAPYD_URL": node.url, "SCRAPYD_PASSWORD": PASSWORD},
        )  # fmt: skip
        assert scheduled.returncode == 0, scheduled.stderr
        (job,) = re.findall(r"^newscrawl / iproini => (\w+)$", scheduled.stdout, re.M)
        log = node.wait(job, "iproini")
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert "MongoDB storage unavailable, not crawling: cannot reach MongoDB at 127.0.0.1:" in log
    assert "Closing spider (storage_unavailable)" in log and "Traceback" not in log
    assert "'downloader/request_count'" not in log
    scrapyd_log = (tmp_path / "scrapyd.out").read_text()
    assert f"Process died: exitstatus=4 project='newscrawl' spider='iproini' job='{job}'" in scrapyd_log
