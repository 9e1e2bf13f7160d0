"""Hand articles to the storage extension, which batches them into MongoDB."""

from __future__ import annotations

from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, NotConfigured

from newscrawl.storage.errors import StorageUnavailable
from newscrawl.storage.extension import Storage


class StorePipeline:
    """Opens the storage before the first request (a crawl that cannot store does not start),
    stores every article that reaches it, and writes what is buffered when the spider closes."""

    def __init__(self, storage: Storage):
        self.storage = storage

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        storage = crawler.get_extension(Storage)
        if storage is None:
            raise NotConfigured  # NEWSCRAWL_STORAGE_ENABLED is off: nothing to say, nothing stored
        return cls(storage)

    async def open_spider(self) -> None:
        try:
            await self.storage.open()
        except StorageUnavailable as exc:
            # Scrapy then opens and closes every other component as usual, and sends no request.
            raise CloseSpider(exc.reason) from None

    async def process_item(self, item: Any) -> Any:
        await self.storage.save(item)
        return item

    async def close_spider(self) -> None:
        await self.storage.flush()
