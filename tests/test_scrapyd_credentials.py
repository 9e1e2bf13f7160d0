"""The MongoDB password given to Scrapyd jobs through MONGO_URI_FILE, against a server with access
control on, shows nowhere: not in Scrapyd's log, the job's log or report, listjobs, nor the job
process's command line or environment while it runs. ``storage serve`` listens beyond loopback only
with access control on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.errors import OperationFailure

from newscrawl.storage.__main__ import is_loopback
from newscrawl.storage.embedded import EmbeddedServer
from tests.conftest import PROJECT_ROOT
from tests.sites import FixtureSite
from tests.test_scrapyd import free_port, start_scrapyd
from tools.fixture_server import FixtureServer

IPROINI = FixtureSite("iproini")
MONGO_PASSWORD = "Mongo-s3cret-4-jobs"
DATABASE = "news"


def create_crawler_user(path: Path, password: str = MONGO_PASSWORD) -> None:
    """The crawl's user, with the privileges docs/credentials.md names, created with access control off."""
    server = EmbeddedServer(path)
    server.start()
    try:
        roles = [{"role": "readWrite", "db": DATABASE}, {"role": "dbAdmin", "db": DATABASE}]
        MongoClient(server.uri).admin.command("createUser", "crawler", pwd=password, roles=roles)
    finally:
        server.stop()


@pytest.fixture
def protected_server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    """A secantus server with access control on, and one user: the crawler."""
    create_crawler_user(tmp_path / "protected")
    server = EmbeddedServer(tmp_path / "protected", require_auth=True)
    server.start()
    yield server
    server.stop()


def running_pid(node, job: str, timeout: float = 60) -> int:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running = node.call("listjobs.json?project=newscrawl")["running"]
        if pids := [j["pid"] for j in running if j["id"] == job and j.get("pid")]:
            return int(pids[0])
        time.sleep(0.05)
    pytest.fail(f"job {job} did not start within {timeout}s")


def test_a_scrapyd_job_reads_the_uri_from_a_file_and_shows_its_password_nowhere(
    protected_server: EmbeddedServer, tmp_path: Path
) -> None:
    uri = f"mongodb://crawler:{MONGO_PASSWORD}@127.0.0.1:{protected_server.port}/?authSource=admin"
    root = tmp_path / "scrapyd"
    root.mkdir()
    environment = {name: value for name, value in os.environ.items() if not name.startswith("MONGO_")}
    environment |= {"MONGO_DATABASE": DATABASE, "NEWSCRAWL_DATA_DIR": str(root / "data")}
    # Started as deploy/scrapyd.conf says: MONGO_URI_FILE names a file only this user reads.
    process, node = start_scrapyd(root, environment, uri)
    uri_file = tmp_path / "scrapyd-mongo-uri"
    try:
        node.deploy()
        with FixtureServer("iproini") as site:
            # A short delay keeps the job running while its process is looked at.
            # (a copy of the site goes to a database of its own unless a setting names one: the user's)
            arguments = [
                ("base_url", site.url), ("setting", f"MONGO_DATABASE={DATABASE}"),
                ("setting", "AUTOTHROTTLE_ENABLED=False"), ("setting", "DOWNLOAD_DELAY=0.05"),
            ]  # fmt: skip
            job = node.call("schedule.json", [("project", "newscrawl"), ("spider", "iproini"), *arguments])["jobid"]
            pid = running_pid(node, job)
            command_line = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            job_environment = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")
            listings = []
            while not any(j["id"] == job for j in node.call("listjobs.json?project=newscrawl")["finished"]):
                listings.append(json.dumps(node.call("listjobs.json?project=newscrawl")))
                time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert "scrapyd.runner crawl iproini" in command_line and f"MONGO_URI_FILE={uri_file}" in job_environment
    log = (root / "logs" / "newscrawl" / "iproini" / f"{job}.log").read_text(encoding="utf-8")
    assert "Spider closed (finished)" in log, log[-3000:]
    assert f"MongoDB storage: mongodb://crawler:***@127.0.0.1:{protected_server.port}/?authSource=admin" in log
    # stored, through access control
    stored = MongoClient(uri)[DATABASE].articles.count_documents({})
    assert stored == len(IPROINI.expected)
    # and the password is nowhere: command line, environment, listjobs, nor any file Scrapyd or the job wrote
    assert MONGO_PASSWORD not in command_line + job_environment + "".join(listings)
    files = [path for path in root.rglob("*") if path.is_file() and path.suffix != ".egg"]
    assert root / "scrapyd.out" in files and any(path.name == f"{job}.report.txt" for path in files)
    assert [path for path in files if MONGO_PASSWORD.encode() in path.read_bytes()] == []


def test_without_credentials_the_protected_server_refuses(protected_server: EmbeddedServer) -> None:
    with pytest.raises(OperationFailure) as refused:
        MongoClient(protected_server.uri).news.articles.find_one()
    assert refused.value.code == 13  # Unauthorized


def serve(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "newscrawl.storage", "--data-dir", str(data_dir), "serve", *args],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_serve_refuses_a_non_loopback_address_without_access_control(tmp_path: Path) -> None:
    process = serve(tmp_path, "--host", "0.0.0.0", "--port", str(free_port()))
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2 and out == ""
    assert err == (
        "Not serving on 0.0.0.0: it is not a loopback address, and without access control anyone who reaches it "
        "could read and change the store. Serve on 127.0.0.1, or add --auth (see docs/credentials.md).\n"
    )
    assert not (tmp_path / "mongo").exists()


def test_serve_with_access_control_wants_credentials(tmp_path: Path) -> None:
    create_crawler_user(tmp_path / "mongo")
    port = free_port()
    process = serve(tmp_path, "--host", "127.0.0.1", "--port", str(port), "--auth")
    try:
        assert process.stdout is not None and process.stdout.readline().startswith(f"Serving the embedded store {tmp_path}")
        with pytest.raises(OperationFailure) as refused:
            MongoClient(f"mongodb://127.0.0.1:{port}/").news.articles.find_one()
        assert refused.value.code == 13
        signed_in: MongoClient[dict[str, Any]] = MongoClient(
            f"mongodb://crawler:{MONGO_PASSWORD}@127.0.0.1:{port}/?authSource=admin"
        )
        signed_in.news.articles.insert_one({"url": "https://www.iproini.com/a/"})
        assert signed_in.news.articles.count_documents({}) == 1
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.3.2.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False), ("::", False),
     ("10.1.2.3", False), ("", False)],
)  # fmt: skip
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
