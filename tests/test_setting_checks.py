"""Setting values are checked once before a command runs: a value that cannot be used is one line naming it."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from newscrawl.setting_checks import bad_setting
from newscrawl.storage.config import MongoConfig
from newscrawl.storage.connection import MongoConnection
from newscrawl.storage.errors import StorageMisconfigured, StorageUnavailable


def with_setting(name: str, value: object) -> Settings:
    settings = get_project_settings()
    settings.set(name, value, priority="cmdline")
    return settings


def test_the_project_settings_pass() -> None:
    assert bad_setting(get_project_settings()) is None


@pytest.mark.parametrize(
    ("name", "value", "line"),
    [
        ("MONGO_BATCH_SIZE", "0", "Bad setting MONGO_BATCH_SIZE='0': must be at least 1"),
        ("MONGO_BATCH_SIZE", "2.5", "Bad setting MONGO_BATCH_SIZE='2.5': must be a whole number"),
        ("MONGO_TIMEOUT", "abc", "Bad setting MONGO_TIMEOUT='abc': must be a number"),
        ("MONGO_TIMEOUT", "-1", "Bad setting MONGO_TIMEOUT='-1': must be more than 0"),
        ("MONGO_TIMEOUT", "0", "Bad setting MONGO_TIMEOUT='0': must be more than 0"),
        ("MONGO_RETRY_ATTEMPTS", 0, "Bad setting MONGO_RETRY_ATTEMPTS=0: must be at least 1"),
        (
            "NEWSCRAWL_MONITOR_MAX_ARTICLE_DROP",
            "1.5",
            "Bad setting NEWSCRAWL_MONITOR_MAX_ARTICLE_DROP='1.5': must be from 0 to 1",
        ),
        (
            "NEWSCRAWL_STORAGE_ENABLED",
            "maybe",
            "Bad setting NEWSCRAWL_STORAGE_ENABLED='maybe': must be True or False (or 1 or 0)",
        ),
        (
            "NEWSCRAWL_MONITOR_FIELD_COVERAGE",
            "{title",
            "Bad setting NEWSCRAWL_MONITOR_FIELD_COVERAGE='{title': must be a JSON object",
        ),
        ("MONGO_DATABASE", "bad/name", "Bad setting MONGO_DATABASE='bad/name': a database name cannot hold '/'"),
        ("MONGO_DATABASE", "news.2025 x", "Bad setting MONGO_DATABASE='news.2025 x': a database name cannot hold ' ' '.'"),
        ("MONGO_DATABASE", "", "Bad setting MONGO_DATABASE='': must name a database"),
        ("MONGO_DATABASE", "n" * 64, f"Bad setting MONGO_DATABASE='{'n' * 64}': a database name must be shorter than 64 bytes"),
        ("NEWSCRAWL_COPY_DATABASE", "a$b", "Bad setting NEWSCRAWL_COPY_DATABASE='a$b': a database name cannot hold '$'"),
        (
            "MONGO_COLLECTION",
            "system.articles",
            "Bad setting MONGO_COLLECTION='system.articles': "
            "a collection name cannot hold '$', nor begin with '.' or 'system.', nor end with '.'",
        ),
        # Scrapy's own numbers and switches, by the type of their default
        ("LOGSTATS_INTERVAL", "abc", "Bad setting LOGSTATS_INTERVAL='abc': must be a number"),
        ("ROBOTSTXT_OBEY", "maybe", "Bad setting ROBOTSTXT_OBEY='maybe': must be True or False (or 1 or 0)"),
    ],
)
def test_a_value_that_cannot_be_used_is_named(name: str, value: object, line: str) -> None:
    assert bad_setting(with_setting(name, value)) == line


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MONGO_BATCH_SIZE", "1"),
        ("MONGO_TIMEOUT", "0.5"),
        ("MONGO_RETRY_BACKOFF", "0"),
        ("NEWSCRAWL_MONITOR_MAX_ARTICLE_DROP", "1"),
        ("NEWSCRAWL_STORAGE_ENABLED", "0"),
        ("NEWSCRAWL_MONITOR_FIELD_COVERAGE", '{"title": 1.0}'),
        ("MONGO_DATABASE", "news_2025-staging"),
        ("NEWSCRAWL_COPY_DATABASE", None),
        ("DOWNLOAD_DELAY", "0.5"),  # an int default (0) read as a number
        ("CONCURRENT_REQUESTS", "8"),
        ("TELNETCONSOLE_ENABLED", "True"),  # a switch Scrapy's defaults write as 1
    ],
)
def test_a_usable_value_passes(name: str, value: object) -> None:
    assert bad_setting(with_setting(name, value)) is None


def test_an_srv_address_whose_dns_lookup_fails_is_unavailable_not_misconfigured() -> None:
    """mongodb+srv:// names a DNS record: one that cannot be looked up is a store that cannot be reached."""
    settings = with_setting("MONGO_URI", "mongodb+srv://crawler:s3cret-pw@db.nonexistent.invalid/")
    settings.set("MONGO_TIMEOUT", 0.5, priority="cmdline")
    with pytest.raises(StorageUnavailable) as raised:
        MongoConnection(MongoConfig.from_settings(settings)).open()
    assert not isinstance(raised.value, StorageMisconfigured)
    message = str(raised.value)
    assert message.startswith(
        "cannot look up the MongoDB servers of mongodb+srv://crawler:***@db.nonexistent.invalid/ in DNS (ConfigurationError: "
    )
    assert "s3cret-pw" not in message
