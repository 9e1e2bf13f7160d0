"""Which MongoDB failures are worth retrying, and retrying them with backoff."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from pymongo.errors import (
    BulkWriteError,
    ConnectionFailure,
    ExecutionTimeout,
    OperationFailure,
    WriteConcernError,
)

T = TypeVar("T")

#: Server error codes of a server going away or stepping down (mongod's error_codes.yml):
#: HostUnreachable, HostNotFound, NetworkTimeout, ShutdownInProgress, PrimarySteppedDown,
#: ExceededTimeLimit, SocketException, NotWritablePrimary, InterruptedAtShutdown,
#: InterruptedDueToReplStateChange, NotPrimaryNoSecondaryOk, NotPrimaryOrSecondary.
TRANSIENT_CODES = frozenset({6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436})


def is_transient(exc: BaseException) -> bool:
    """True for failures a later attempt can succeed at: lost connections, timeouts, step-downs.

    ``ConnectionFailure`` covers AutoReconnect, NetworkTimeout, NotPrimaryError
    and ServerSelectionTimeoutError.
    """
    if isinstance(exc, BulkWriteError):
        details = exc.details or {}
        return bool(details.get("writeConcernErrors")) or any(
            error.get("code") in TRANSIENT_CODES for error in details.get("writeErrors", ())
        )
    if isinstance(exc, (ConnectionFailure, ExecutionTimeout, WriteConcernError)):
        return True
    if isinstance(exc, OperationFailure):
        return exc.code in TRANSIENT_CODES or exc.has_error_label("RetryableWriteError")
    return False


def describe(exc: BaseException) -> str:
    """``ErrorClass: first line of the message``, short enough for a one-line log."""
    message = str(exc).splitlines()[0] if str(exc) else ""
    # pymongo appends a topology description to server-selection errors; it adds nothing here.
    message = message.split(", Timeout:", 1)[0]
    return f"{type(exc).__name__}: {message[:200]}"


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int
    backoff: float

    def run(self, operation: Callable[[], T], on_retry: Callable[[BaseException, int, float], None]) -> T:
        """Call ``operation`` until it succeeds, retrying transient failures with exponential backoff.

        ``on_retry(exc, attempt, delay)`` is called before each wait. The last
        failure, or any non-transient one, is raised.
        """
        attempt = 1
        while True:
            try:
                return operation()
            except Exception as exc:
                if attempt >= self.attempts or not is_transient(exc):
                    raise
                delay = self.backoff * 2 ** (attempt - 1)
                on_retry(exc, attempt, delay)
                time.sleep(delay)
                attempt += 1
