"""Storage settings, read once per crawl or command (defined in :mod:`newscrawl.default_settings`)."""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from pathlib import Path

from scrapy.settings import BaseSettings

from newscrawl.storage.errors import StorageUnavailable


@dataclass(frozen=True)
class MongoConfig:
    uri: str | None
    #: a file holding the connection string, used when ``uri`` is unset
    uri_file: Path | None
    database: str
    collection: str
    versions_collection: str
    batch_size: int
    flush_interval: float
    timeout: float
    retry_attempts: int
    retry_backoff: float
    data_dir: Path

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> MongoConfig:
        config = cls(
            uri=settings.get("MONGO_URI") or None,
            uri_file=Path(settings["MONGO_URI_FILE"]) if settings.get("MONGO_URI_FILE") else None,
            database=settings["MONGO_DATABASE"],
            collection=settings["MONGO_COLLECTION"],
            versions_collection=settings["MONGO_VERSIONS_COLLECTION"],
            batch_size=settings.getint("MONGO_BATCH_SIZE"),
            flush_interval=settings.getfloat("MONGO_FLUSH_INTERVAL"),
            timeout=settings.getfloat("MONGO_TIMEOUT"),
            retry_attempts=settings.getint("MONGO_RETRY_ATTEMPTS"),
            retry_backoff=settings.getfloat("MONGO_RETRY_BACKOFF"),
            data_dir=Path(settings["NEWSCRAWL_DATA_DIR"]).resolve(),
        )
        if config.batch_size < 1 or config.retry_attempts < 1:
            raise ValueError("MONGO_BATCH_SIZE and MONGO_RETRY_ATTEMPTS must be at least 1")
        return config

    def connection_uri(self) -> str | None:
        """``MONGO_URI``; else what ``MONGO_URI_FILE`` holds; else None (the embedded store).

        The file must be readable by its owner only, as ssh wants of a private key:
        a connection string holds a password. Raises :class:`StorageUnavailable`.
        """
        if self.uri is not None or self.uri_file is None:
            return self.uri
        path = self.uri_file
        try:
            mode = path.stat().st_mode
            if not stat.S_ISREG(mode):
                raise StorageUnavailable(f"MONGO_URI_FILE {path} is not a file")
            if mode & 0o077:
                raise StorageUnavailable(
                    f"MONGO_URI_FILE {path} can be read by other users (mode {stat.S_IMODE(mode):04o}): "
                    "make it readable by the service user only (chmod 600)"
                )
            uri = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise StorageUnavailable(f"cannot read MONGO_URI_FILE {path} ({exc.strerror})") from None
        if not uri:
            raise StorageUnavailable(f"MONGO_URI_FILE {path} is empty")
        return uri

    @property
    def embedded_path(self) -> Path:
        """Where the embedded server keeps its data."""
        return self.data_dir / "mongo"

    @property
    def deadletter_dir(self) -> Path:
        return self.data_dir / "deadletter"


def uri_hosts(uri: str) -> str:
    """The host list of a connection string, e.g. ``db1:27017,db2:27017`` (never credentials)."""
    return re.sub(r"^[a-zA-Z+]+://(?:[^/]*@)?", "", uri).split("/", 1)[0].split("?", 1)[0]
