"""Scrapy settings for newscrawl. Every project setting is documented in README.md ("Settings")."""

from newscrawl.items import ARTICLE_FIELDS

BOT_NAME = "newscrawl"

SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Identify ourselves and be polite: robots.txt, AutoThrottle, few parallel requests per site.
USER_AGENT = "newscrawl/1.0 (+https://github.com/newscrawl/newscrawl; news archive crawler)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 4
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORTERS = {
    "json": "newscrawl.exporters.IsoJsonItemExporter",
    "jsonlines": "newscrawl.exporters.IsoJsonLinesItemExporter",
    "jsonl": "newscrawl.exporters.IsoJsonLinesItemExporter",
    "jl": "newscrawl.exporters.IsoJsonLinesItemExporter",
}
FEED_EXPORT_FIELDS = list(ARTICLE_FIELDS)

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
