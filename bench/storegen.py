"""Generate a store of many article documents of one site, quickly: for the scale benchmark and the query-plan test.

    python -m bench.storegen --articles 100000 --uri mongodb://127.0.0.1:27017/ --database scale

Documents keep the article schema, with the field values a real archive has in number (two
languages, six sections, a few hundred tags, one article every ten minutes back from the fixture's
"today", a third of them edited since), but short bodies: what is measured is how the store's size
weighs on crawls and queries, not how many bytes it holds. They are inserted without the validator
and indexes, which are then set as a crawl sets them (:func:`newscrawl.storage.bootstrap.prepare`):
indexes built once over a full collection cost half what keeping them up to date through the
inserts does.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pymongo import MongoClient
from pymongo.database import Database

from bench.sitegen import SITEMAP_SIZE, url_entry
from newscrawl.storage import bootstrap
from newscrawl.storage.documents import ArticleWrite, article_fields

#: the newest generated article (the fixture's "today" is 16 July 2025)
NEWEST = datetime(2025, 7, 16, 12, 0, tzinfo=UTC)
SECTIONS = ("Ελλάδα", "Κύπρος", "Ομογένεια", "World", "Opinion", "English Edition")
BATCH = 5000
_URLSET = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'


def article(n: int, site: str = "iproini", origin: str = "https://www.iproini.com", fetched_from: str = "") -> dict[str, Any]:
    """The fields of the generated article *n* (0 is the newest), as a crawl of *fetched_from* (an origin; by
    default the site's own) would scrape them."""
    published = NEWEST - timedelta(minutes=10 * n)
    english = n % 4 == 0
    path = f"/generated-article-{n}/"
    url = origin + path
    return {
        "url": url,
        "site": site,
        "title": f"Generated article {n}" if english else f"Άρθρο {n}",
        "description": f"Standfirst of article {n}.",
        "body": f"First paragraph of the generated article {n}.\n\nSecond paragraph, which says a little more.",
        "authors": [f"Author {n % 40}"],
        "published_at": published,
        "modified_at": published + timedelta(hours=3) if n % 3 == 0 else None,
        "language": "en" if english else "el",
        "categories": [SECTIONS[n % len(SECTIONS)]],
        "tags": [f"tag {n % 300}", f"tag {n % 7}"],
        "image_url": f"{origin}/wp-content/uploads/{n}.jpg",
        "related_urls": [f"{origin}/generated-article-{n + 1}/"],
        "source_url": (fetched_from or origin) + path,
        "crawled_at": published + timedelta(hours=4),
        "extractor": "tagdiv-newspaper",
    }


def documents(count: int, first: int = 0, **site: str) -> Iterator[dict[str, Any]]:
    """Stored documents of the generated articles *first* to *first* + *count* - 1."""
    for n in range(first, first + count):
        fields = article_fields(article(n, **site), site="", received_at=NEWEST)
        yield ArticleWrite.scraped(fields).document(fields["crawled_at"])


def seed(database: Database[dict[str, Any]], count: int, extra: Sequence[dict[str, Any]] = (), **site: str) -> None:
    """Fill the empty ``articles`` collection of *database* with *count* generated documents (and *extra* ones),
    then give it the validator and indexes of a crawl's store."""
    articles = database.articles
    if extra:
        articles.insert_many(list(extra))
    batch: list[dict[str, Any]] = []
    for document in documents(count, first=0, **site):
        batch.append(document)
        if len(batch) == BATCH:
            articles.insert_many(batch, ordered=False)
            batch = []
    if batch:
        articles.insert_many(batch, ordered=False)
    bootstrap.prepare(database, "articles", "article_versions")


def write_sitemaps(root: Path, count: int, origin: str, number: int = 1, size: int = SITEMAP_SIZE) -> list[str]:
    """Yoast's post sitemaps under *root* (``post-sitemapN.xml``, N from *number*) listing the generated
    articles 0 to *count* - 1 of *origin*, each with the last-modified time a crawl that stored it has
    seen (so an incremental crawl skips it), *size* to a file; their names. With them a site lists its
    whole archive, as WordPress's do."""
    names = []
    for start in range(0, count, size):
        entries = []
        for n in range(start, min(count, start + size)):
            fields = article(n, origin=origin)
            lastmod = (fields["modified_at"] or fields["published_at"]).isoformat()
            entries.append(url_entry(fields["url"], lastmod))
        names.append(name := f"post-sitemap{number + start // size}.xml")
        (root / name).write_text(_URLSET + "".join(entries) + "</urlset>\n", encoding="utf-8")
    return names


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--uri", required=True)
    parser.add_argument("--database", required=True, help="a new database: its articles collection must not exist")
    args = parser.parse_args(argv)
    client: MongoClient[dict[str, Any]] = MongoClient(args.uri, tz_aware=True)
    started = time.perf_counter()
    seed(client[args.database], args.articles)
    print(f"{args.articles} articles stored in {args.database}.articles in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
