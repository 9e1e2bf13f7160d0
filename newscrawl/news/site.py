"""One news site as the code that reads its pages sees it: name, URLs and timezone."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from newscrawl.urls import SiteUrls


@dataclass(frozen=True)
class Site:
    #: the spider's name, which items carry as ``site``
    name: str
    urls: SiteUrls
    #: the timezone visible dates are written in
    timezone: ZoneInfo
