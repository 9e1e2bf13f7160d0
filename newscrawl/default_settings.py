"""The project's own settings: each one's name, default and meaning, in one registry.

As Scrapy's ``default_settings.py`` is for Scrapy's settings, this is the one
place a project setting is defined; ``newscrawl/settings.py`` loads the
defaults, code reads them from the crawler's settings (``-s NAME=VALUE`` and a
spider's ``custom_settings`` override them), and the settings reference in the
docs is generated from :data:`SETTINGS`. Scrapy's and Spidermon's own settings
that the project changes are set, with the reason, in ``newscrawl/settings.py``.

Deployment settings (where MongoDB is, where data goes) are also read from the
environment variable of the same name, so that a Scrapyd service or a cron job
passes them without a command line that would show them; ``-s`` still wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The project root (the directory holding scrapy.cfg): the default data directory lives there.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: Deployed as an egg (Scrapyd), the code has no project root on disk: use the job's directory.
DATA_ROOT = PROJECT_ROOT if (PROJECT_ROOT / "scrapy.cfg").is_file() else Path.cwd()


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    #: one line for the settings reference
    doc: str
    #: also read from the environment variable of the same name
    from_env: bool = False
    #: the section of the settings reference
    group: str = "Crawl"
    #: the least value of a number, and the value it must be more than; checked before a command runs
    minimum: float | None = None
    exclusive_minimum: float | None = None
    #: the greatest value of a number
    maximum: float | None = None
    #: what the value names in MongoDB, checked as such: "database" or "collection"
    names: str | None = None


SETTINGS: tuple[Setting, ...] = (
    # --- storage -----------------------------------------------------------------------
    Setting(
        "NEWSCRAWL_STORAGE_ENABLED", True, "Store articles in MongoDB (the storage extension and pipeline).", group="Storage"
    ),
    Setting(
        "MONGO_URI",
        None,
        "MongoDB connection string. Unset: an embedded store under `NEWSCRAWL_DATA_DIR/mongo`.",
        from_env=True,
        group="Storage",
    ),
    Setting(
        "MONGO_URI_FILE",
        None,
        "File holding the connection string, readable by its owner only; used when `MONGO_URI` is unset (docs/credentials.md).",
        from_env=True,
        group="Storage",
    ),
    Setting(
        "MONGO_DATABASE",
        "newscrawl",
        "Database of the articles, their versions and the run history.",
        True,
        "Storage",
        names="database",
    ),
    Setting(
        "NEWSCRAWL_COPY_DATABASE",
        None,
        "Database of a crawl of a copy of the site (`-a base_url`) when `-s MONGO_DATABASE` names none. "
        "Unset: `<MONGO_DATABASE>_copy_<host>_<port>`.",
        group="Storage",
        names="database",
    ),
    Setting("MONGO_COLLECTION", "articles", "Collection of the articles.", True, "Storage", names="collection"),
    Setting(
        "MONGO_VERSIONS_COLLECTION",
        "article_versions",
        "Collection of the replaced versions of articles.",
        True,
        "Storage",
        names="collection",
    ),
    Setting("MONGO_BATCH_SIZE", 100, "Articles per bulk write.", True, "Storage", minimum=1),
    Setting(
        "MONGO_FLUSH_INTERVAL",
        5.0,
        "Seconds an article may wait in the buffer before it is written.",
        True,
        "Storage",
        exclusive_minimum=0,
    ),
    Setting(
        "MONGO_TIMEOUT", 10.0, "Seconds to select a server, connect, or wait for an answer.", True, "Storage", exclusive_minimum=0
    ),
    Setting(
        "MONGO_RETRY_ATTEMPTS", 3, "Tries of a failing batch before it goes to the dead-letter file.", True, "Storage", minimum=1
    ),
    Setting(
        "MONGO_RETRY_BACKOFF",
        0.5,
        "Seconds before the first retry of a batch, doubled for each next one.",
        True,
        "Storage",
        minimum=0,
    ),
    Setting(
        "NEWSCRAWL_DATA_DIR",
        str(DATA_ROOT / ".data"),
        "Embedded store, dead-letter files and reports (default: `.data/` in the project, or the job's directory).",
        from_env=True,
        group="Storage",
    ),
    # --- crawl --------------------------------------------------------------------------
    Setting(
        "NEWSCRAWL_MIN_BODY_WORDS",
        10,
        "Articles with fewer words in their body are stubs: dropped (`dropped/short_body`).",
        minimum=0,
    ),
    Setting(
        "NEWSCRAWL_RETRY_AFTER_MAX",
        60.0,
        "Longest `Retry-After` (seconds) waited for; a longer one is not retried this run.",
        minimum=0,
    ),
    Setting(
        "NEWSCRAWL_TIMEOUT_RETRIES",
        1,
        "Retries of a request that timed out (`DOWNLOAD_TIMEOUT`), at most `RETRY_TIMES`: a page that never ends "
        "costs that many more timeouts.",
        minimum=0,
    ),
    Setting(
        "NEWSCRAWL_MAX_LINKS_PER_PAGE",
        500,
        "New links followed from one page (not a sitemap): to articles, then to further pages and sections; "
        "the rest are counted (`links/ignored/over_page_cap`).",
        minimum=0,
    ),
    # --- rendering ----------------------------------------------------------------------
    Setting(
        "NEWSCRAWL_CHROMIUM",
        None,
        "Chromium executable for pages that need JavaScript. Unset: `/usr/bin/chromium`, else Playwright's own.",
        from_env=True,
        group="Rendering",
    ),
    Setting(
        "NEWSCRAWL_RENDER_TIMEOUT",
        10.0,
        'Seconds a render waits for content a script inserts, and for each "Load more".',
        group="Rendering",
        exclusive_minimum=0,
    ),
    # --- validation and monitors --------------------------------------------------------
    Setting(
        "NEWSCRAWL_DROP_INVALID_ARTICLES",
        True,
        "Drop articles storage cannot take (wrong types, empty title or body, non-http url); False keeps every article.",
        group="Data quality",
    ),
    Setting(
        "NEWSCRAWL_MONITOR_MAX_SCHEMA_ERRORS",
        0,
        "Schema errors (dropped or flagged articles) a run may have.",
        group="Data quality",
        minimum=0,
    ),
    Setting(
        "NEWSCRAWL_MONITOR_MIN_ARTICLES",
        1,
        "Articles a run must see (found, or linked and already stored); set a site's floor in its `custom_settings`.",
        group="Data quality",
        minimum=0,
    ),
    Setting(
        "NEWSCRAWL_MONITOR_FIELD_COVERAGE",
        {"title": 1.0, "body": 1.0, "language": 1.0, "categories": 0.9, "published_at": 0.9, "authors": 0.6},
        "Least share of the articles found that must have each field.",
        group="Data quality",
    ),
    Setting(
        "NEWSCRAWL_MONITOR_COVERAGE_MIN_ARTICLES",
        10,
        "Coverage is judged only on runs that found this many articles.",
        group="Data quality",
        minimum=0,
    ),
    Setting(
        "NEWSCRAWL_MONITOR_MAX_RENDER_FAILURES",
        0,
        "Pages that needed the browser and could not be rendered.",
        group="Data quality",
        minimum=0,
    ),
    Setting(
        "NEWSCRAWL_MONITOR_MAX_DEAD_LETTERS",
        0,
        "Articles a run may send to the dead-letter file.",
        group="Data quality",
        minimum=0,
    ),
    Setting(
        "NEWSCRAWL_MONITOR_MAX_FALLBACK_SHARE",
        0.1,
        "Largest share of the articles read by the fallback extractor, the theme's layout not matching them (a redesign).",
        group="Data quality",
        minimum=0,
        maximum=1,
    ),
    Setting(
        "NEWSCRAWL_RUNS_COLLECTION",
        "runs",
        "Collection (in `MONGO_DATABASE`) of the run history.",
        group="Data quality",
        names="collection",
    ),
    Setting(
        "NEWSCRAWL_MONITOR_HISTORY_RUNS",
        5,
        "Previous passing runs of the same spider and kind that form the baseline.",
        group="Data quality",
        minimum=1,
    ),
    Setting(
        "NEWSCRAWL_MONITOR_MAX_ARTICLE_DROP",
        0.5,
        "Largest fall of the articles seen against the baseline's median (a share).",
        group="Data quality",
        minimum=0,
        maximum=1,
    ),
    Setting(
        "NEWSCRAWL_MONITOR_MAX_COVERAGE_DROP",
        0.2,
        "Largest fall of a field's coverage against the baseline (0.2 = 20 points).",
        group="Data quality",
        minimum=0,
        maximum=1,
    ),
    Setting(
        "NEWSCRAWL_MONITOR_FAILED_ACTIONS",
        [],
        "Spidermon actions (import paths) run when a monitor failed: Slack, e-mail, Sentry.",
        group="Data quality",
    ),
)

BY_NAME: dict[str, Setting] = {setting.name: setting for setting in SETTINGS}


def project_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """Every project setting's value: its default, or for a deployment setting the environment's, if set."""
    return {
        setting.name: environ[setting.name] if setting.from_env and environ.get(setting.name) else setting.default
        for setting in SETTINGS
    }
