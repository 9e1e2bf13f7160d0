"""Which URLs of a WordPress site can be posts, whatever its permalink structure.

WordPress's own routes are fixed (``/category/…``, ``/tag/…``, ``/page/N/``,
``/feed/``, date archives, ``/wp-…``); every other path of the site can be a
post under one of the structures WordPress offers (``/%postname%/``,
``/%year%/%monthnum%/%day%/%postname%/``, ``/%category%/%postname%/``,
``/archives/%post_id%``, with or without a trailing slash). So a link is
followed when it is not one of those routes, and the page itself then says
whether it is a post (:class:`~newscrawl.wordpress.pages.WordPressArticlePage`).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

#: first path segments of WordPress's own routes, never posts (``amp`` when an AMP plugin serves /amp/…)
ROUTE_PREFIXES = frozenset(
    "amp author category comments embed feed page search tag trackback wp-admin wp-content wp-includes wp-json".split()
)
#: last path segments of a route added to a post or archive: its feed, AMP copy, trackback, embed
ROUTE_SUFFIXES = frozenset("amp embed feed trackback".split())
#: a section archive's first page: ``/category/SLUG/``, with subcategories, with or without the slash
SECTION_PATH = re.compile(r"^/category/[^/]+(?:/[^/]+)*/?$")
#: ``/page/N/`` at the end of an archive's path; ``/comment-page-N/`` at the end of a post's
_PAGED = re.compile(r"/(?:page/\d+|comment-page-\d+)/?$")


def shortlink_id(url: str) -> str | None:
    """N of a ``/?p=N`` shortlink."""
    parts = urlsplit(url)
    ids = parse_qs(parts.query).get("p") if parts.path in ("", "/") else None
    return ids[0] if ids and ids[0].isdigit() else None


def can_be_post(url: str) -> bool:
    """Whether a canonical URL of the site can be a post: a ``/?p=N`` shortlink, or any path that
    is not one of WordPress's own routes, a date archive, a file or the front page."""
    parts = urlsplit(url)
    if parts.query:
        return shortlink_id(url) is not None
    segments = [segment for segment in parts.path.split("/") if segment]
    if not segments or segments[0] in ROUTE_PREFIXES or segments[-1] in ROUTE_SUFFIXES:
        return False
    if all(segment.isdigit() for segment in segments):  # /2025/, /2025/07/, /2025/07/16/
        return False
    return "." not in segments[-1] and not _PAGED.search(parts.path)


def is_section(url: str) -> bool:
    """Whether a canonical URL is the first page of a category archive (not ``…/page/N/``)."""
    path = urlsplit(url).path
    return SECTION_PATH.match(path) is not None and not _PAGED.search(path)
