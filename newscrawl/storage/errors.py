"""The storage's own exceptions."""


class StorageUnavailable(Exception):
    """MongoDB cannot be used. The message is one line for a person and never holds credentials."""

    #: the finish reason of a crawl that stops for it (``scrapy crawl`` exits with its own status)
    reason = "storage_unavailable"


class StorageMisconfigured(StorageUnavailable):
    """A storage setting cannot be used as written (e.g. a malformed ``MONGO_URI``)."""

    reason = "storage_misconfigured"
