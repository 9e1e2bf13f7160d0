"""Feed exporters that write datetimes as ISO 8601 with their UTC offset.

Scrapy's JSON encoder writes ``datetime`` as ``"%Y-%m-%d %H:%M:%S"``, dropping
the timezone; the item schema promises timezone-aware ISO 8601.
"""

from __future__ import annotations

import datetime
from typing import Any

from scrapy.exporters import JsonItemExporter, JsonLinesItemExporter
from scrapy.utils.serialize import ScrapyJSONEncoder


class IsoDateJSONEncoder(ScrapyJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


class IsoJsonLinesItemExporter(JsonLinesItemExporter):
    def __init__(self, file: Any, **kwargs: Any):
        super().__init__(file, **kwargs)
        self.encoder = IsoDateJSONEncoder(**self._kwargs)


class IsoJsonItemExporter(JsonItemExporter):
    def __init__(self, file: Any, **kwargs: Any):
        super().__init__(file, **kwargs)
        self.encoder = IsoDateJSONEncoder(**self._kwargs)
