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

# --- rendering (scrapy-playwright) ---
# Pages that need JavaScript (meta playwright=True, see newscrawl/rendering.py) go through a headless
# Chromium; every other request keeps Scrapy's own downloader. No browser starts unless a page needs one.
DOWNLOAD_HANDLERS = {
    "http": "newscrawl.rendering.RenderingDownloadHandler",
    "https": "newscrawl.rendering.RenderingDownloadHandler",
}
# Chromium executable. None: $NEWSCRAWL_CHROMIUM, else /usr/bin/chromium when installed, else
# the browser `playwright install chromium` downloaded.
PLAYWRIGHT_CHROMIUM_PATH = None
PLAYWRIGHT_BROWSER_TYPE = "chromium"
# Flags for containers: root cannot use Chromium's sandbox, there is no GPU, /dev/shm is small,
# and a crawler's browser has no business phoning home.
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "headless": True,
    "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
}
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000  # milliseconds
# Seconds a render waits for content a script inserts, and for each "Load more" to deliver.
NEWSCRAWL_RENDER_TIMEOUT = 10.0
# Browser pages open at once; each costs far more memory than a plain request.
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
# --- rendering (scrapy-playwright) ---

# --- storage (MongoDB) ---
# Articles go through these pipelines into MongoDB (docs/storage.md). The storage settings are
# MONGO_URI, MONGO_DATABASE, MONGO_COLLECTION, MONGO_VERSIONS_COLLECTION, MONGO_BATCH_SIZE,
# MONGO_FLUSH_INTERVAL, MONGO_TIMEOUT, MONGO_RETRY_ATTEMPTS, MONGO_RETRY_BACKOFF and
# NEWSCRAWL_DATA_DIR. None is set here on purpose: each one is read from the Scrapy settings (-s),
# then from the environment variable of the same name, then from its documented default in
# newscrawl/storage/config.py (no MONGO_URI: an embedded server storing under NEWSCRAWL_DATA_DIR).
ITEM_PIPELINES = {
    "newscrawl.pipelines.ValidatePipeline": 100,
    "newscrawl.pipelines.DedupePipeline": 200,
    "newscrawl.pipelines.MongoPipeline": 300,
}
# Passwords in connection strings (e.g. -s MONGO_URI=...) never reach the log.
EXTENSIONS = {"newscrawl.logredact.LogRedaction": 0}
# Drops and item errors in one line naming the article, not a dump of the whole item.
LOG_FORMATTER = "newscrawl.logformatter.OneLineLogFormatter"
# --- storage (MongoDB) ---
