"""Storage settings: names, defaults and where their values come from.

Each setting is read from the Scrapy settings (``-s``, spider or project
settings) and, when unset there, from the environment variable of the same
name, then falls back to the default below. README.md ("Storage settings") lists them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.settings import BaseSettings

#: The project root (the directory holding scrapy.cfg): the default data directory lives there.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: Deployed as an egg (Scrapyd), the code has no project root on disk: use the job's directory.
DATA_ROOT = PROJECT_ROOT if (PROJECT_ROOT / "scrapy.cfg").is_file() else Path.cwd()

DEFAULTS: dict[str, Any] = {
    "MONGO_URI": None,  # unset: an embedded server on NEWSCRAWL_DATA_DIR/mongo
    "MONGO_DATABASE": "newscrawl",
    "MONGO_COLLECTION": "articles",
    "MONGO_VERSIONS_COLLECTION": "article_versions",
    "MONGO_BATCH_SIZE": 100,  # documents per bulk write
    "MONGO_FLUSH_INTERVAL": 5.0,  # seconds a scraped item may wait in the buffer
    "MONGO_TIMEOUT": 10.0,  # seconds: server selection, connect and socket timeouts
    "MONGO_RETRY_ATTEMPTS": 3,  # tries of a failing batch before it is dead-lettered
    "MONGO_RETRY_BACKOFF": 0.5,  # seconds before the first retry, doubled for each next one
    "NEWSCRAWL_DATA_DIR": str(DATA_ROOT / ".data"),
}


def _value(settings: BaseSettings, name: str) -> Any:
    value = settings.get(name)
    if value is None or value == "":
        value = os.environ.get(name) or DEFAULTS[name]
    return value


@dataclass(frozen=True)
class MongoConfig:
    uri: str | None
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
            uri=_value(settings, "MONGO_URI"),
            database=_value(settings, "MONGO_DATABASE"),
            collection=_value(settings, "MONGO_COLLECTION"),
            versions_collection=_value(settings, "MONGO_VERSIONS_COLLECTION"),
            batch_size=int(_value(settings, "MONGO_BATCH_SIZE")),
            flush_interval=float(_value(settings, "MONGO_FLUSH_INTERVAL")),
            timeout=float(_value(settings, "MONGO_TIMEOUT")),
            retry_attempts=int(_value(settings, "MONGO_RETRY_ATTEMPTS")),
            retry_backoff=float(_value(settings, "MONGO_RETRY_BACKOFF")),
            data_dir=Path(_value(settings, "NEWSCRAWL_DATA_DIR")).resolve(),
        )
        if config.batch_size < 1 or config.retry_attempts < 1:
            raise ValueError("MONGO_BATCH_SIZE and MONGO_RETRY_ATTEMPTS must be at least 1")
        return config

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
