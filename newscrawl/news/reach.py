"""Whether the crawled site can be reached at all: a crawl whose every entry point fails to connect stops.

When the name does not resolve, nothing listens, or the connection times out on
every entry point (robots.txt, the front page, the feed, or ``-a start_urls``),
there is nothing to crawl and nothing to judge: the spider closes with the
finish reason :data:`UNREACHABLE` and one line saying so, and ``scrapy crawl``
exits with its own status (docs/operations.md, "Exit codes").
"""

from __future__ import annotations

from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, DownloadTimeoutError
from twisted.internet.error import ConnectError, DNSLookupError, TimeoutError

from newscrawl.storage.retry import describe

#: the finish reason of a crawl that could not reach the site
UNREACHABLE = "site_unreachable"
#: download errors that mean no connection could be made (as opposed to a server that answered badly)
CONNECTION_ERRORS = (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    DNSLookupError,
    ConnectError,
    TimeoutError,
)


class Reach:
    """Counts the entry points that failed to connect (after their retries)."""

    def __init__(self) -> None:
        self.failed = 0
        self.last_error: BaseException | None = None

    def unreachable(self, error: BaseException | None) -> bool:
        """Whether *error* means no connection; if so it is counted."""
        if not isinstance(error, CONNECTION_ERRORS):
            return False
        self.failed += 1
        self.last_error = error
        return True

    def all_failed(self, entry_points: int) -> bool:
        return self.failed >= entry_points

    def explain(self, site: str, origin: str, entry_points: int) -> str:
        """The one line an operator reads."""
        cause = describe(self.last_error) if self.last_error is not None else "no connection"
        return (
            f"Cannot reach {site} at {origin}: all {entry_points} entry points failed to connect ({cause}). "
            "Check the network and that the site is up, or the host and port of base_url."
        )
