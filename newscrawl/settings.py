"""Scrapy settings for newscrawl.

The project's own settings (``NEWSCRAWL_*``, ``MONGO_*``) are defined, with their defaults and
meaning, in :mod:`newscrawl.default_settings`, and loaded here; below are the Scrapy and Spidermon
settings the project changes, each with its reason.
"""

import os

from newscrawl.default_settings import project_settings
from newscrawl.items import ARTICLE_FIELDS

globals().update(project_settings(os.environ))

BOT_NAME = "newscrawl"

SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Identify ourselves and be polite: robots.txt, AutoThrottle, few parallel requests per site.
USER_AGENT = "newscrawl/1.0 (+https://github.com/newscrawl/newscrawl; news archive crawler)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# What a page yields is processed by this many concurrent tasks, which Scrapy creates for every
# response (100 by default): a news page yields one item and a few requests, so 8 spare the crawl
# some hundred thousand idle tasks per thousand pages (about 8% of a crawl's time, bench/).
CONCURRENT_ITEMS = 8
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORTERS = {"csv": "newscrawl.exporters.ArticleCsvItemExporter"}
FEED_EXPORT_FIELDS = list(ARTICLE_FIELDS)

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# Nothing listens on a port during a crawl: Scrapy's telnet console (whose password it logs, and
# through which the settings, MONGO_URI included, can be read) and its remote-control extension.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Bad input: what a server sends that is not a page to read. Each case is counted under
# newscrawl/request_failed|skipped|dropped|problems/<reason> and logged in one line (docs/crawling.md, "Stats and logs").
DOWNLOADER_MIDDLEWARES = {
    # Scrapy's own, replaced in place: empty and truncated pages are retried too, retries wait for
    # Retry-After, and what is given up on fails with a named reason (newscrawl/middlewares.py).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newscrawl.middlewares.SiteRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "newscrawl.middlewares.SiteRedirectMiddleware": 600,
    # Every request and redirect stays on the crawled origin (scheme, host and port); Scrapy's
    # compares host names only, so a copy of the site would reach the other ports of its host.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "newscrawl.middlewares.SiteOriginMiddleware": 50,
    # A gzip or deflate bomb is counted as too_large, not as a bare IgnoreRequest.
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "newscrawl.middlewares.SiteCompressionMiddleware": 590,
    # A robots.txt that cannot be downloaded is the spider's WARNING (an entry point), not a second ERROR.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newscrawl.middlewares.SiteRobotsTxtMiddleware": 100,
}
# The spider's errback logs every failed request in one line, retries included: not Scrapy too.
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"
# WordPress needs at most three hops (scheme, host, trailing slash); more is a misconfigured server.
REDIRECT_MAX_TIMES = 5
# A news page arrives in seconds; Scrapy's 180 s let a server trickling a page byte by byte hold a
# request for 9 minutes over three tries. A timeout is retried NEWSCRAWL_TIMEOUT_RETRIES times.
DOWNLOAD_TIMEOUT = 60
# An article page weighs well under 1 MB; 10 MB is a file or a runaway page, not something to parse.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# A connection cut mid-body arrives flagged instead of failing in the downloader, so that pages cut
# by the network or by the server are retried and counted in one place (request_failed/truncated).
DOWNLOAD_FAIL_ON_DATALOSS = False

# --- rendering (scrapy-playwright) ---
# Pages that need JavaScript (meta playwright=True, see newscrawl/rendering.py) go through a headless
# Chromium; every other request keeps Scrapy's own downloader. No browser starts unless a page needs one.
DOWNLOAD_HANDLERS = {
    "http": "newscrawl.rendering.RenderingDownloadHandler",
    "https": "newscrawl.rendering.RenderingDownloadHandler",
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
# Flags for containers: root cannot use Chromium's sandbox, there is no GPU, /dev/shm is small,
# and a crawler's browser has no business phoning home.
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "headless": True,
    "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
}
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000  # milliseconds
# Browser pages open at once; each costs far more memory than a plain request.
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4

# --- storage (MongoDB) ---
# Articles are validated against the storage schema, deduplicated within the run, and stored by
# the storage extension (newscrawl/storage/extension.py), which owns the MongoDB connection.
ITEM_PIPELINES = {
    "newscrawl.pipelines.ValidatePipeline": 100,
    "newscrawl.pipelines.DedupePipeline": 200,
    "newscrawl.pipelines.StorePipeline": 300,
}
EXTENSIONS = {
    # Passwords in connection strings (e.g. -s MONGO_URI=...) never reach the log.
    "newscrawl.logredact.LogRedaction": 0,
    "newscrawl.storage.extension.Storage": 100,
    # A progress line a minute (pages, articles found, stored, unchanged, dead-lettered) instead of Scrapy's.
    "scrapy.extensions.logstats.LogStats": None,
    "newscrawl.progress.Progress": 0,
    # Scrapy's, without an error when a crawl that failed to open is closed.
    "scrapy.extensions.corestats.CoreStats": None,
    "newscrawl.corestats.CoreStats": 0,
}
# The console: items are not dumped (Scrapy logs each at DEBUG); -s LOG_FILE=… -s LOG_LEVEL=DEBUG keeps everything.
LOG_LEVEL = "INFO"
# Drops and item errors in one line naming the article, not a dump of the whole item.
LOG_FORMATTER = "newscrawl.logformatter.OneLineLogFormatter"

# --- monitoring (Spidermon) ---
# Every run is checked when the spider closes; a failed check makes `scrapy crawl` exit with status 3.
SPIDERMON_ENABLED = True
# Spidermon's extension, with one line per failed monitor (newscrawl/monitoring/extension.py).
EXTENSIONS["newscrawl.monitoring.extension.Monitoring"] = 500
# Reads this spider's previous runs from MongoDB at start, records this run at close.
EXTENSIONS["newscrawl.monitoring.history.RunHistory"] = 510
# `scrapy check` requests each site's sample article and checks its item (newscrawl/news/contracts.py).
SPIDER_CONTRACTS = {"newscrawl.news.contracts.ArticleContract": 10}
# `crawl` with an exit status per outcome, a one-line console; `check` and `parse` that store nothing.
COMMANDS_MODULE = "newscrawl.commands"

SPIDERMON_SPIDER_CLOSE_MONITORS = ["newscrawl.monitoring.suites.CloseMonitorSuite"]
# Field counts for the coverage monitor; None (a field the page did not have) is not a value.
SPIDERMON_ADD_FIELD_COVERAGE = True
SPIDERMON_FIELD_COVERAGE_SKIP_NONE = True
SPIDERMON_EXPECTED_FINISH_REASONS = ["finished"]
# Errors are things like a spider exception, a batch MongoDB refused, no browser: none is normal.
SPIDERMON_MAX_ERRORS = 0
SPIDERMON_MAX_CRITICALS = 0
# Responses per status a run may get: 403/429 mean we are blocked or throttled, 404s in numbers
# that URLs are built wrongly, 5xx that the site is struggling. Retried responses count each time.
SPIDERMON_UNWANTED_HTTP_CODES = {403: 10, 404: 25, 429: 10, 500: 10, 502: 10, 503: 10, 504: 10}
# Requests given up after RETRY_TIMES retries, and downloader exceptions (timeouts, refused
# connections; retried ones included).
SPIDERMON_MAX_RETRIES = 5
SPIDERMON_MAX_DOWNLOADER_EXCEPTIONS = 10
# The end-of-run report: beside LOG_FILE (job.log -> job.report.txt), else
# NEWSCRAWL_DATA_DIR/reports/<spider>-<finish time>.txt. SPIDERMON_REPORT_FILENAME overrides it.
