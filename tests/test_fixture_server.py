"""The fixture server as test tooling: quiet when a client drops its connection."""

from __future__ import annotations

import socket
import struct
import time
from collections.abc import Callable

import pytest

from tools.fixture_server import FixtureServer


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
