"""Contracts for ``scrapy check`` (``SPIDER_CONTRACTS``): a site's sample article, end to end.

``@article`` in a callback's docstring requests the spider's ``check_article``
(a path on the site that is an article) on the crawled origin (``-a base_url``
checks a copy, e.g. the fixture server), through the project's downloader
middlewares and the callback, and checks the item: its canonical URL, a title, a
body, a publication date and a language. ``scrapy check`` stores nothing
(:mod:`newscrawl.commands.check`).

A spider without ``check_article`` cannot be checked: ``scrapy check`` says so
in one line (:func:`missing_sample`) and does not crawl it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from itemadapter import ItemAdapter, is_item
from scrapy import Spider
from scrapy.contracts import Contract, ContractsManager
from scrapy.exceptions import ContractFail

#: fields the sample article must have filled in
REQUIRED = ("title", "body", "published_at", "language")
ARTICLE_TAG = re.compile(r"^\s*@article\b", re.M)


def missing_sample(spidercls: type[Spider]) -> str | None:
    """Why *spidercls* cannot be checked, in one line: a callback has an ``@article`` contract, but the
    spider names no ``check_article``. None if it can be."""
    tested = ContractsManager(()).tested_methods_from_spidercls(spidercls)
    if any(ARTICLE_TAG.search(getattr(spidercls, name).__doc__) for name in tested) and not hasattr(spidercls, "check_article"):
        return f"{spidercls.__name__} declares no check_article (the path of one of its articles)"
    return None


class ArticleContract(Contract):
    name = "article"

    def __init__(self, method: Callable[..., Any], *args: Any):
        super().__init__(method, *args)
        self.spider = method.__self__  # type: ignore[attr-defined]

    @property
    def canonical(self) -> str:
        return str(self.spider.site_urls.canonical_origin + self.spider.check_article)

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        args["url"] = self.spider.site_urls.to_crawl(self.canonical)
        return args

    def post_process(self, output: list[Any]) -> None:
        items = [ItemAdapter(result) for result in output if is_item(result)]
        if len(items) != 1:
            raise ContractFail(f"{len(items)} items from {self.canonical}, expected its article")
        (item,) = items
        if item.get("url") != self.canonical:
            raise ContractFail(f"item url {item.get('url')!r}, expected {self.canonical!r}")
        if missing := [field for field in REQUIRED if not item.get(field)]:
            raise ContractFail(f"{self.canonical} has no {', '.join(missing)}")
