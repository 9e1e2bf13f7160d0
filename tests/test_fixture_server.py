"""The fixture server as test tooling: quiet when a client drops its connection; its command line."""

from __future__ import annotations

import re
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from urllib.request import urlopen

import pytest

from tests.conftest import PROJECT_ROOT
from tools.fixture_server import FixtureServer, main


def test_a_client_resetting_its_connection_prints_no_traceback(
    serve_site: Callable[[str], FixtureServer], capfd: pytest.CaptureFixture[str]
) -> None:
    host, port = serve_site("harborgazette").url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as client:
        client.sendall(b"GET /")  # an unfinished request line: the server is reading
        time.sleep(0.2)
        # SO_LINGER 0: close() sends a reset, as a browser dropping a keep-alive connection does
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    time.sleep(0.3)
    assert "Traceback" not in capfd.readouterr().err


def test_port_0_serves_on_a_free_port_and_says_which() -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "tools.fixture_server", "--port", "0", "harborgazette"],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        found = re.fullmatch(r"Serving \S+ at (http://127\.0\.0\.1:(\d+))/ \(Ctrl-C to stop\)\n", line)
        assert found is not None and int(found[2]) != 0, line
        with urlopen(found[1] + "/robots.txt") as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_busy_port_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["--port", str(port), "harborgazette"]) == 1
    assert capsys.readouterr() == (
        "",
        f"Cannot serve on 127.0.0.1:{port}: Address already in use; choose another --port (0: any free one)\n",
    )


def test_a_port_out_of_range_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--port", "99999", "harborgazette"])
    assert exited.value.code == 1
    assert capsys.readouterr() == ("", "Bad command line: argument --port: '99999' is not a port: 0 (any free one) to 65535\n")
