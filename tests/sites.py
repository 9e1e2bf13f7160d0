"""The fixture sites the tests crawl: each a spider, an offline copy and its expected articles.

Every site-generic test takes the site as a parameter (``SITES``); only a site's own
tests name it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from scrapy.http import HtmlResponse

from newscrawl.news.spider import NewsSiteSpider
from tools.fixture_server import FIXTURES, spider_class

#: item fields a fixture's expected.json gives for every article
CONTENT_FIELDS = (
    "url", "site", "title", "description", "body", "authors", "published_at", "modified_at",
    "language", "categories", "tags", "image_url", "related_urls",
)  # fmt: skip


@dataclass(frozen=True)
class FixtureSite:
    name: str

    @cached_property
    def spider(self) -> type[NewsSiteSpider]:
        return spider_class(self.name)

    @property
    def directory(self) -> Path:
        return FIXTURES / self.name

    @property
    def root(self) -> Path:
        return self.directory / "site"

    @cached_property
    def expected_file(self) -> dict[str, Any]:
        return json.loads((self.directory / "expected.json").read_text(encoding="utf-8"))

    @property
    def article_pages(self) -> list[dict[str, Any]]:
        """Every article page of the copy with its expected fields, stubs included.

        Keys beyond the item's: ``path`` (the file), ``post_id``; ``stub`` (a page that
        gives no article, its item as read); ``rendered`` (why the served page goes to the
        browser first, e.g. ``placeholder``); ``pages`` (the files of a post split into
        pages, first page first); ``extractor`` (when not the theme: ``fallback``).
        """
        return list(self.expected_file["articles"])

    @property
    def expected(self) -> dict[str, dict[str, Any]]:
        """Expected fields of every article the crawl stores, by canonical URL."""
        return {article["url"]: article for article in self.article_pages if not article.get("stub")}

    @property
    def non_articles(self) -> list[str]:
        return list(self.expected_file["non_articles"])

    def file(self, path: str) -> Path:
        """The file serving a URL path (``/a/b/`` → ``a/b/index.html``), or the path itself."""
        relative = unquote(path).strip("/")
        index = self.root / relative / "index.html" if relative else self.root / "index.html"
        return index if index.exists() else self.root / relative

    def response(self, path: str, url: str | None = None) -> HtmlResponse:
        """A page of the copy as the production site serves it (absolute production links)."""
        file = self.root / path if (self.root / path).is_file() else self.file(path)
        production = url or self.spider.origin + "/" + path.removesuffix("index.html").lstrip("/")
        return HtmlResponse(url=production, body=file.read_bytes(), encoding="utf-8")


SITES = (FixtureSite("iproini"), FixtureSite("harborgazette"), FixtureSite("neaselida"))


def as_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
