"""Where a crawl of a copy of a site (``-a base_url``) stores: a database of its own.

A copy (a staging mirror, the fixture server) carries the production URLs, so
its articles would overwrite the live site's in the live database. Unless the
operator names the database for this run (``-s MONGO_DATABASE=…``, or
Scrapyd's ``setting=MONGO_DATABASE=…``), a copy is stored in
``NEWSCRAWL_COPY_DATABASE``, by default ``<MONGO_DATABASE>_copy_<host>_<port>``.
The environment's ``MONGO_DATABASE`` is the deployment's live database, so it
does not count as naming one.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

logger = logging.getLogger(__name__)

#: MongoDB refuses longer database names
MAX_NAME = 63


def copy_database_name(database: str, base_url: str) -> str:
    """``newscrawl_copy_127_0_0_1_8000`` for the copy at ``http://localhost:8000``."""
    parts = urlsplit(base_url)
    host = "127.0.0.1" if parts.hostname == "localhost" else parts.hostname or ""
    copy = re.sub(r"[^A-Za-z0-9]+", "_", f"{host}_{parts.port}" if parts.port else host)
    return f"{database}_copy_{copy}"[:MAX_NAME]


def use_copy_database(settings: BaseSettings, site: str, base_url: str) -> None:
    """Point this crawl's storage at the copy's database, unless the operator named one; say where."""
    if not settings.getbool("NEWSCRAWL_STORAGE_ENABLED"):
        return
    if (settings.getpriority("MONGO_DATABASE") or 0) >= SETTINGS_PRIORITIES["cmdline"]:
        logger.info(
            "Crawling a copy of %s at %s into database %s, as MONGO_DATABASE says", site, base_url, settings["MONGO_DATABASE"]
        )
        return
    database = settings.get("NEWSCRAWL_COPY_DATABASE") or copy_database_name(settings["MONGO_DATABASE"], base_url)
    settings.set("MONGO_DATABASE", database, priority="spider")
    logger.info(
        "Crawling a copy of %s at %s: storing into database %s, apart from the live data "
        "(`python -m newscrawl.storage drop %s` removes it)",
        site, base_url, database, database,
    )  # fmt: skip
