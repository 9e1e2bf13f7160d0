"""Feed exports: what ``-O articles.csv`` writes differently from Scrapy's defaults.

Dates need no exporter of their own: the item's date fields declare an ISO 8601
serializer (:mod:`newscrawl.items`), which every feed format uses.
"""

from __future__ import annotations

from typing import Any

from scrapy.exporters import CsvItemExporter

#: what separates the values of a list field (authors, categories, tags, related URLs) in a CSV cell;
#: never part of a name, a tag or a URL, unlike Scrapy's ","
LIST_SEPARATOR = " | "


class ArticleCsvItemExporter(CsvItemExporter):
    """Scrapy's CSV exporter, with list fields joined by :data:`LIST_SEPARATOR`."""

    def __init__(self, file: Any, *, join_multivalued: str = LIST_SEPARATOR, **kwargs: Any):
        super().__init__(file, join_multivalued=join_multivalued, **kwargs)
