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

# Bad input: what a server sends that is not a page to read. Each case is counted under
# newscrawl/request_failed|skipped|dropped|problems/<reason> and logged in one line (README, "Stats and logs").
DOWNLOADER_MIDDLEWARES = {
    # Scrapy's own, replaced in place: empty and truncated pages are retried too, retries wait for
    # Retry-After, and what is given up on fails with a named reason (newscrawl/middlewares.py).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newscrawl.middlewares.SiteRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "newscrawl.middlewares.SiteRedirectMiddleware": 600,
}
# Longest Retry-After (seconds) waited for; a response asking for longer is not retried this run.
NEWSCRAWL_RETRY_AFTER_MAX = 60.0
# The spider's errback logs every failed request in one line, retries included: not Scrapy too.
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"
# WordPress needs at most three hops (scheme, host, trailing slash); more is a misconfigured server.
REDIRECT_MAX_TIMES = 5
# An article page weighs well under 1 MB; 10 MB is a file or a runaway page, not something to parse.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# A connection cut mid-body arrives flagged instead of failing in the downloader, so that pages cut
# by the network or by the server are retried and counted in one place (request_failed/truncated).
DOWNLOAD_FAIL_ON_DATALOSS = False
# Articles with fewer words in their body are stubs: dropped (newscrawl/dropped/short_body).
NEWSCRAWL_MIN_BODY_WORDS = 10

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

# --- storage (MongoDB) ---
# Articles go through these pipelines into MongoDB (README.md, "Storage in MongoDB"). The storage settings are
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

# --- monitoring (Spidermon) ---
# Every article is validated against the item schema, and every run is checked when the spider
# closes; a failed check makes `scrapy crawl` exit with status 3 (README.md, "Data quality").
SPIDERMON_ENABLED = True
EXTENSIONS["spidermon.contrib.scrapy.extensions.Spidermon"] = 500
# Reads this spider's previous runs from MongoDB at start, records this run at close.
EXTENSIONS["newscrawl.monitoring.history.RunHistory"] = 510
# `crawl` with the exit status above.
COMMANDS_MODULE = "newscrawl.monitoring.commands"

# Item validation: after ValidatePipeline (which drops articles without url, title or body) and
# before DedupePipeline, so that an article dropped here never becomes the "kept" copy of a duplicate.
ITEM_PIPELINES["newscrawl.monitoring.validation.ArticleValidationPipeline"] = 150
SPIDERMON_VALIDATION_SCHEMAS = ["newscrawl.storage.schema.ARTICLE_ITEM_SCHEMA"]
# Drop the articles storage cannot take (wrong types, empty title, non-http url); keep and flag the
# rest (dates without offset, URLs that are not strict URIs). False: keep every article.
SPIDERMON_VALIDATION_DROP_ITEMS_WITH_ERRORS = True
# Schema errors (dropped or flagged) a run may have.
SPIDERMON_MAX_ITEM_VALIDATION_ERRORS = 0

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

# Articles a run must see: found, or (incremental crawls) linked and already stored. 1 only
# catches a crawl that found nothing; set a site's own floor in its spider's custom_settings.
NEWSCRAWL_MONITOR_MIN_ARTICLES = 1
# Least share of the articles found (stored, or dropped for a missing title or body) that must have
# each field. The fixture copy of Proini gives 100% for all of these but published_at (95.8%: one
# impossible date) and authors (75%: agency copy without a byline).
NEWSCRAWL_MONITOR_FIELD_COVERAGE = {
    "title": 1.0,
    "body": 1.0,
    "language": 1.0,
    "categories": 0.9,
    "published_at": 0.9,
    "authors": 0.6,
}
# Coverage is judged only on runs that found this many articles: a quiet incremental run's
# handful says more about those articles than about the extraction.
NEWSCRAWL_MONITOR_COVERAGE_MIN_ARTICLES = 10
# Pages that needed the browser and could not be rendered; articles sent to the dead-letter file.
NEWSCRAWL_MONITOR_MAX_RENDER_FAILURES = 0
NEWSCRAWL_MONITOR_MAX_DEAD_LETTERS = 0

# Previous runs, in this collection of MONGO_DATABASE: the last NEWSCRAWL_MONITOR_HISTORY_RUNS of the
# same spider and kind (full, incremental, since) that passed their monitors are the baseline. The
# run fails when the articles it saw fall by more than NEWSCRAWL_MONITOR_MAX_ARTICLE_DROP (a share of
# the baseline's median) or a field's coverage by more than NEWSCRAWL_MONITOR_MAX_COVERAGE_DROP
# (a difference of shares: 0.2 = 20 points).
NEWSCRAWL_RUNS_COLLECTION = "runs"
NEWSCRAWL_MONITOR_HISTORY_RUNS = 5
NEWSCRAWL_MONITOR_MAX_ARTICLE_DROP = 0.5
NEWSCRAWL_MONITOR_MAX_COVERAGE_DROP = 0.2
# The end-of-run report: beside LOG_FILE (job.log -> job.report.txt), else
# NEWSCRAWL_DATA_DIR/reports/<spider>-<finish time>.txt. SPIDERMON_REPORT_FILENAME overrides it.
# Spidermon actions run when a monitor failed, e.g. its Slack, e-mail or Sentry notifications
# (README.md, "Notifications"), as import paths.
NEWSCRAWL_MONITOR_FAILED_ACTIONS = []
