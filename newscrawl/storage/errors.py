"""The storage's own exception."""


class StorageUnavailable(Exception):
    """MongoDB cannot be used. The message is one line for a person and never holds credentials."""
