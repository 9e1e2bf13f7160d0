"""Canary servers: a crawl must never reach them, so any connection they get is a leak.

A :class:`Canary` listens where a hostile page points a crawler off its origin:
another port of the crawled host, or another loopback address. It records every
connection it accepts, with the first line of what was sent (``GET /beacon
HTTP/1.1``, or nothing for a bare connection such as a preconnect), and answers
like a permissive server would (HTTP 200 open to every origin, or a WebSocket
handshake), so that a leak, if there is one, succeeds in full. On the same port
it listens for UDP too, where WebRTC sends its STUN and TURN requests (which no
HTTP proxy sees), and records every datagram.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import socket
import threading
from socketserver import BaseRequestHandler, ThreadingTCPServer

_WEBSOCKET_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_OK = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n"
    b"Access-Control-Allow-Origin: *\r\nConnection: close\r\n\r\ncanary"
)


class _Handler(BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        self.request.settimeout(2)
        head = b""
        try:
            while b"\r\n\r\n" not in head and len(head) < 65536 and (chunk := self.request.recv(4096)):
                head += chunk
        except OSError:
            pass
        self.server.connections.append(head.split(b"\r\n", 1)[0].decode("latin-1"))
        key = next(
            (line.split(b":", 1)[1].strip() for line in head.split(b"\r\n") if line.lower().startswith(b"sec-websocket-key:")),
            None,
        )
        try:
            if key:
                accept = base64.b64encode(hashlib.sha1(key + _WEBSOCKET_GUID).digest())
                self.request.sendall(
                    b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n"
                )
            elif head:
                self.request.sendall(_OK)
        except OSError:
            pass


class _Server(ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    connections: list[str]


class _Datagrams(threading.Thread):
    """Records every UDP datagram sent to *address*, as ``UDP <size> bytes from <port>``."""

    def __init__(self, address: tuple[str, int]):
        super().__init__(daemon=True)
        self.received: list[str] = []
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind(address)

    def run(self) -> None:
        while True:
            try:
                data, sender = self._socket.recvfrom(65536)
            except OSError:  # closed
                return
            if sender is None:  # shut down
                return
            self.received.append(f"UDP {len(data)} bytes from {sender[1]}")

    def close(self) -> None:
        # shutdown() wakes the blocked recvfrom (close() alone would not, on Linux)
        with contextlib.suppress(OSError):
            self._socket.shutdown(socket.SHUT_RDWR)
        self._socket.close()


class Canary:
    """A server at *host* (port *port*, else a free one) recording every connection; a context manager.

    ``netloc`` is its ``host:port``; ``connections`` the first line of each TCP connection, then
    each UDP datagram it received on the same port, in order.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self._server = _Server((host, port), _Handler)
        self._server.connections = []
        self.netloc = f"{host}:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._datagrams = _Datagrams((host, self._server.server_address[1]))

    @property
    def connections(self) -> list[str]:
        return [*self._server.connections, *self._datagrams.received]

    def __enter__(self) -> Canary:
        self._thread.start()
        self._datagrams.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._datagrams.close()


def free_port(host: str) -> int:
    """A port nothing listens on at *host* now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])
