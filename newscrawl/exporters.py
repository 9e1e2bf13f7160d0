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


class _IsoDates:
    """Mixin for Scrapy's JSON exporters: their encoder, built in __init__, replaced by ours."""

    def __init__(self, file: Any, **kwargs: Any):
        super().__init__(file, **kwargs)  # type: ignore[call-arg]
        self.encoder = IsoDateJSONEncoder(**self._kwargs)  # type: ignore[attr-defined]


class IsoJsonLinesItemExporter(_IsoDates, JsonLinesItemExporter):
    pass


class IsoJsonItemExporter(_IsoDates, JsonItemExporter):
    pass
