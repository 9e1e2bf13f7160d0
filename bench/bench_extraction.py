"""Extraction speed and field accuracy: the project's extractor against trafilatura, same pages, same run.

    python -m bench.bench_extraction [--site iproini --site harborgazette] [--rounds 20] [--profile 15]

Input is the HTML of every article of the fixture sites named (all of them by default; each site's
``fixtures/<site>/expected.json``); ours turns it into a Scrapy ``HtmlResponse`` and runs the
site's extractor (its theme's page object and the item loader) on it, trafilatura runs
``bare_extraction(html, url=..., with_metadata=True)``. Both are timed over the same pages in
alternating rounds, after one warm-up pass each. Accuracy compares each field with the expected
value; dates are compared by calendar day (trafilatura returns days), bodies by token F1 (a page
counts as right at F1 >= 0.95). Accuracy counts the pages one fetch gives whole: not those whose
text a script fills in (``rendered``), the later pages of a post split into pages (``pages``), nor
stubs. ``--profile N`` then runs ours under cProfile and prints its N costliest functions.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import trafilatura
from scrapy.http import HtmlResponse

from newscrawl.news.extraction import Article, ArticleExtractor
from tools.fixture_server import FIXTURES, spider_class

FIELDS = ("title", "description", "body", "authors", "published_at", "categories", "tags", "image_url", "language")
BODY_F1_RIGHT = 0.95
_TOKEN = re.compile(r"\w+")

Extracted = dict[str, Any]


SITES = tuple(sorted(path.parent.name for path in FIXTURES.glob("*/expected.json")))


def ours(sites: list[str]) -> Callable[[bytes, str], Extracted]:
    """The extractor of the site each page belongs to (by its URL's origin)."""
    extractors = {}
    for name in sites:
        spider = spider_class(name)()
        extractors[spider.origin] = ArticleExtractor(spider.site, spider.theme, min_body_words=10, fallback=spider.fallback_page)
    now = datetime.now(UTC)

    def extract(html: bytes, url: str) -> Extracted:
        extractor = next(e for origin, e in extractors.items() if url.startswith(origin + "/"))
        outcome = extractor.extract(HtmlResponse(url=url, body=html, encoding="utf-8"), now)
        item = outcome.item if isinstance(outcome, Article) else {}
        return {field: item.get(field) for field in FIELDS}

    return extract


def fixture_articles(sites: list[str]) -> list[dict[str, Any]]:
    return [
        {**article, "file": FIXTURES / site / "site" / article["path"]}
        for site in sites
        for article in json.loads((FIXTURES / site / "expected.json").read_text(encoding="utf-8"))["articles"]
    ]


def whole_in_one_fetch(article: dict[str, Any]) -> bool:
    """Whether one fetch of the page gives the whole article (no browser, no further pages, no stub)."""
    return not (article.get("rendered") or article.get("pages") or article.get("stub"))


def theirs(html: bytes, url: str) -> Extracted:
    result = trafilatura.bare_extraction(html.decode("utf-8"), url=url, with_metadata=True)
    # trafilatura types its result with the dict of its deprecated as_dict=True, which is not passed here
    doc = result.as_dict() if result else {}  # type: ignore[union-attr]
    return {
        "title": doc.get("title"),
        "description": doc.get("description"),
        "body": doc.get("text"),
        "authors": [a.strip() for a in (doc.get("author") or "").split(";") if a.strip()],
        "published_at": doc.get("date"),
        "categories": doc.get("categories") or [],
        "tags": doc.get("tags") or [],
        "image_url": doc.get("image"),
        "language": doc.get("language"),
    }


def token_f1(got: str | None, want: str | None) -> float:
    got_tokens, want_tokens = Counter(_TOKEN.findall(got or "")), Counter(_TOKEN.findall(want or ""))
    overlap = sum((got_tokens & want_tokens).values())
    if not overlap:
        return float(got_tokens == want_tokens)
    precision, recall = overlap / sum(got_tokens.values()), overlap / sum(want_tokens.values())
    return 2 * precision * recall / (precision + recall)


def day(value: datetime | str | None) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    return value[:10] if value else None


def right(field: str, got: Any, want: Any) -> bool:
    if field == "body":
        return token_f1(got, want) >= BODY_F1_RIGHT
    if field == "published_at":
        return day(got) == day(want)
    return got == want


def timed(extract: Callable[[bytes, str], Extracted], pages: list[tuple[bytes, str]]) -> float:
    start = time.perf_counter()
    for html, url in pages:
        extract(html, url)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--site", action="append", choices=SITES, help="a fixture site (repeat; default: all)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print ours' N costliest functions")
    args = parser.parse_args(argv)
    sites = args.site or list(SITES)
    expected = fixture_articles(sites)
    pages = [(article["file"].read_bytes(), article["url"]) for article in expected]
    extractors = {"newscrawl": ours(sites), "trafilatura": theirs}
    results = {name: [extract(html, url) for html, url in pages] for name, extract in extractors.items()}  # warm-up
    seconds: dict[str, list[float]] = {name: [] for name in extractors}
    for _ in range(args.rounds):
        for name, extract in extractors.items():
            seconds[name].append(timed(extract, pages))

    rate = {name: len(pages) / statistics.median(times) for name, times in seconds.items()}
    print(f"{len(pages)} articles of {', '.join(sites)}, {args.rounds} rounds, median round")
    print(f"{'':14}{'articles/s':>12}{'ratio':>8}")
    for name in extractors:
        print(f"{name:14}{rate[name]:12.0f}{rate[name] / rate['trafilatura']:7.1f}x")
    print()
    scored = [i for i, article in enumerate(expected) if whole_in_one_fetch(article)]
    print(f"field accuracy (pages right of the {len(scored)} one fetch gives whole; body: token F1 >= {BODY_F1_RIGHT})")
    print(f"{'field':14}" + "".join(f"{name:>14}" for name in extractors))
    totals: Counter[str] = Counter()
    for field in FIELDS:
        row = f"{field:14}"
        for name in extractors:
            count = sum(right(field, results[name][i][field], expected[i][field]) for i in scored)
            totals[name] += count
            row += f"{count:>14}"
        print(row)
    print(f"{'all fields':14}" + "".join(f"{totals[n] / (len(FIELDS) * len(scored)):>13.0%} " for n in extractors))
    f1 = {n: statistics.mean(token_f1(results[n][i]["body"], expected[i]["body"]) for i in scored) for n in extractors}
    print(f"{'body mean F1':14}" + "".join(f"{f1[n]:>14.3f}" for n in extractors))
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(timed, extractors["newscrawl"], pages * 5)
        print()
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
