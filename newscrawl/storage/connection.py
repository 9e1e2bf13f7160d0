"""Open the configured MongoDB, or the embedded one, ready for writing."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from bson.codec_options import DatetimeConversion
from dns.exception import DNSException
from pymongo import MongoClient
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import ConfigurationError, ConnectionFailure, InvalidURI, OperationFailure, PyMongoError

from newscrawl.logredact import redact_uri
from newscrawl.storage import bootstrap
from newscrawl.storage.config import MongoConfig, uri_hosts
from newscrawl.storage.embedded import EmbeddedServer
from newscrawl.storage.errors import StorageMisconfigured, StorageUnavailable
from newscrawl.storage.retry import describe

AUTHENTICATION_FAILED = 18
UNAUTHORIZED = 13


class MongoConnection:
    """A client on ``MONGO_URI``, or on an embedded server started over the data directory."""

    def __init__(self, config: MongoConfig):
        self.config = config
        self.embedded: EmbeddedServer | None = None
        self.client: MongoClient[dict[str, Any]] | None = None
        #: the connection string used (MONGO_URI, or MONGO_URI_FILE's); None for the embedded store
        self.uri: str | None = None
        #: whether the server accepted the $jsonSchema validator
        self.validated = False

    @property
    def is_open(self) -> bool:
        return self.client is not None

    @property
    def where(self) -> str:
        """The store for a log line: the URI without password, or the embedded data path."""
        target = f"database {self.config.database}, collection {self.config.collection}"
        if self.uri is None:
            return f"embedded store {self.config.embedded_path} ({target})"
        return f"{redact_uri(self.uri, self.uri)} ({target})"

    def open(self) -> None:
        """Connect, check the server answers, prepare the collections. Blocking.

        Raises :class:`StorageUnavailable` with a one-line explanation.
        """
        uri = self.uri = self.config.connection_uri()
        if uri is None:
            self.embedded = EmbeddedServer(self.config.embedded_path)
            uri = self.embedded.start()
        try:
            self.client = self._client(uri)
            self.client.admin.command("ping")
            self.validated = bootstrap.prepare(
                self.client[self.config.database], self.config.collection, self.config.versions_collection
            )
        except PyMongoError as exc:
            self.close()
            # Whatever the URI's shape, its password appears in no message, pymongo's own included.
            raise StorageUnavailable(redact_uri(self._explain(exc, uri), uri)) from None

    def _client(self, uri: str) -> MongoClient[dict[str, Any]]:
        """A client on *uri*; raises :class:`StorageMisconfigured` for a URI that cannot be one (its password masked)."""
        timeout_ms = int(self.config.timeout * 1000)
        try:
            return MongoClient(
                uri,
                appname="newscrawl",
                tz_aware=True,
                tzinfo=UTC,
                # A stored date beyond Python's range comes back as a DatetimeMS instead of failing the
                # whole read: the document it is in is then seen as damaged, and repaired.
                datetime_conversion=DatetimeConversion.DATETIME_AUTO,
                serverSelectionTimeoutMS=timeout_ms,
                connectTimeoutMS=timeout_ms,
                socketTimeoutMS=timeout_ms,
            )
        except (ConfigurationError, ValueError, TypeError) as exc:  # pymongo's parser raises ValueError for a bad port
            self.close()
            if isinstance(exc.__cause__, DNSException):  # a mongodb+srv:// address whose DNS records cannot be read
                raise StorageUnavailable(
                    redact_uri(f"cannot look up the MongoDB servers of {uri} in DNS ({describe(exc)})", uri)
                ) from None
            cause = describe(InvalidURI(str(exc)) if isinstance(exc, ValueError) else exc)
            raise StorageMisconfigured(
                redact_uri(
                    f"MONGO_URI is not a usable MongoDB connection string: {uri} ({cause}); "
                    "write it like mongodb://db1.example.com:27017/",
                    uri,
                )
            ) from None

    def _explain(self, exc: PyMongoError, uri: str) -> str:
        hosts = uri_hosts(uri)
        if isinstance(exc, ConfigurationError):
            return f"MONGO_URI {uri} cannot be used ({describe(exc)})"
        if isinstance(exc, ConnectionFailure):
            return f"cannot reach MongoDB at {hosts} within {self.config.timeout:g}s ({describe(exc)})"
        if isinstance(exc, OperationFailure) and exc.code == AUTHENTICATION_FAILED:
            return f"MongoDB at {hosts} rejected the credentials in MONGO_URI (AuthenticationFailed)"
        if isinstance(exc, OperationFailure) and exc.code == UNAUTHORIZED:
            return (
                f"the MongoDB user lacks a privilege on {hosts}: it needs readWrite and dbAdmin on "
                f"{self.config.database} ({describe(exc)})"
            )
        return f"MongoDB at {hosts} failed: {describe(exc)}"

    @property
    def database(self) -> Database[dict[str, Any]]:
        assert self.client is not None, "open() first"
        return self.client[self.config.database]

    @property
    def articles(self) -> Collection[dict[str, Any]]:
        return self.database[self.config.collection]

    @property
    def versions(self) -> Collection[dict[str, Any]]:
        return self.database[self.config.versions_collection]

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.embedded is not None:
            self.embedded.stop()
            self.embedded = None

    def __enter__(self) -> MongoConnection:
        self.open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
