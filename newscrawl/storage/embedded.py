"""The embedded MongoDB-compatible server (secantus) over the project's data directory."""

from __future__ import annotations

import contextlib
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from newscrawl.storage.errors import StorageUnavailable

if TYPE_CHECKING:
    from secantus import SecantusDBServer


class EmbeddedServer:
    """A secantus server on loopback storing into ``path``; its data survives restarts.

    After a first start on port 0, later starts reuse the port it got. ``test_commands``
    enables ``configureFailPoint`` and the like, as for a mongod started for tests;
    ``require_auth`` turns access control on (users are created beforehand, with it off).
    """

    def __init__(
        self, path: Path, host: str = "127.0.0.1", port: int = 0, *, test_commands: bool = False, require_auth: bool = False
    ):
        self.path = path
        self.host = host
        self.port = port
        self.test_commands = test_commands
        self.require_auth = require_auth
        self._server: SecantusDBServer | None = None
        # secantus must be stopped by the thread that started it: on close it persists its oplog
        # metadata through that thread's storage session, and logs an ERROR from any other thread.
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="secantus")

    @property
    def uri(self) -> str:
        return f"mongodb://{self.host}:{self.port}/"

    def start(self) -> str:
        """Start serving; return the connection string."""
        return self._thread.submit(self._start).result()

    def stop(self) -> None:
        """Stop serving and close the store cleanly (WiredTiger checkpoints on close)."""
        self._thread.submit(self._stop).result()

    def _start(self) -> str:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageUnavailable(
                f"cannot create the embedded store's directory {self.path} ({exc.strerror}); "
                "set NEWSCRAWL_DATA_DIR to a directory the crawl can write"
            ) from None
        # Imported here: secantus brings numpy and shapely (0.13 s), which a crawl of a MongoDB server,
        # `scrapy list` or `scrapy check` never needs.
        from secantus import SecantusDBServer  # noqa: PLC0415
        from wiredtiger import WiredTigerError  # noqa: PLC0415

        try:
            self._server = SecantusDBServer(
                self.host,
                self.port,
                storage_path=str(self.path),
                enable_test_commands=self.test_commands,
                require_auth=self.require_auth,
            )
        except WiredTigerError as exc:
            hint = (
                ": another process (a crawl, or `python -m newscrawl.storage serve`) has it open; "
                "set MONGO_URI to that server instead"
                if "busy" in str(exc)
                else ""
            )
            raise StorageUnavailable(f"cannot open the embedded store {self.path} ({exc}){hint}") from None
        try:
            self._server.start()
        except OSError as exc:
            self._server.stop()
            self._server = None
            raise StorageUnavailable(
                f"cannot listen on {self.host}:{self.port} ({exc.strerror}); choose another port (0: any free one)"
            ) from None
        self.port = self._server.address[1]
        return self.uri

    def _stop(self) -> None:
        if self._server is not None:
            # secantus 0.7 closes its listening socket without shutting it down, which on Linux
            # leaves its accept() thread blocked until stop() gives up joining it after 2 s.
            with contextlib.suppress(OSError, AttributeError):
                self._server._socket.shutdown(socket.SHUT_RDWR)
            self._server.stop()
            self._server = None
