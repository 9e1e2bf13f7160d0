"""Downloader middlewares: Scrapy's offsite, retry, redirect and decompression handling, made safe
against hostile servers.

* :class:`SiteOriginMiddleware` refuses every request off the crawled origin
  (scheme, host and port), where Scrapy's compares host names only.
* :class:`SiteRetryMiddleware` also retries pages that arrive empty or cut short,
  waits before a retry as long as the response's ``Retry-After`` asks (Scrapy
  retries at once), up to ``NEWSCRAWL_RETRY_AFTER_MAX``, and retries a timeout at
  most ``NEWSCRAWL_TIMEOUT_RETRIES`` times.
* :class:`SiteRedirectMiddleware` fails redirects that loop, leave the crawled
  origin or never end, and tells the site's URLs which way it writes the trailing slash.
* :class:`SiteCompressionMiddleware` names a body that decompresses beyond
  ``DOWNLOAD_MAXSIZE`` (a gzip or deflate bomb).
* :class:`SiteRobotsTxtMiddleware` logs a robots.txt it cannot download at DEBUG:
  the spider says so itself.

Each replaces Scrapy's own at the same place in ``DOWNLOADER_MIDDLEWARES``. What
they give up on reaches the request's errback as a :class:`BadResponse` whose
``reason`` the spider counts (``newscrawl/request_failed/<reason>``), where Scrapy
would have passed a broken page on, dropped the request silently or said only
"max redirections reached".
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import ClassVar, Self

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep

from newscrawl.urls import SiteUrls


class BadResponse(IgnoreRequest):
    """A request that gives the crawl nothing to read: refused, or answered with what it cannot use.

    ``reason`` names it in stats, the message says what was seen.
    """

    reason: ClassVar[str]
    #: the level of the spider's line about it (DEBUG where Scrapy has already said it)
    level: ClassVar[int] = logging.WARNING


class OffsiteRequest(BadResponse):
    reason = "offsite_request"


class EmptyResponse(BadResponse):
    reason = "empty_response"


class TruncatedResponse(BadResponse):
    reason = "truncated"


class RedirectLoop(BadResponse):
    reason = "redirect_loop"


class OffsiteRedirect(BadResponse):
    reason = "offsite_redirect"


class TooManyRedirects(BadResponse):
    reason = "too_many_redirects"


class TooLarge(BadResponse):
    reason = "too_large"
    # Scrapy has said it at WARNING, in one line with the URL and the sizes.
    level = logging.DEBUG


def crawled_site(crawler: Crawler) -> SiteUrls | None:
    """The URLs of the site a news site's spider crawls; None for any other spider, which has no origin to keep to."""
    return getattr(crawler.spider, "site_urls", None)


class SiteOriginMiddleware:
    """Refuses every request off the crawled origin (:meth:`SiteUrls.is_crawled_origin`): :class:`OffsiteRequest`.

    In place of Scrapy's OffsiteMiddleware, which compares host names only (a
    copy of the site on one port of a host would reach the services on its other
    ports) and lets every ``dont_filter`` request through (retries, renders). No
    request is exempt here: what the spider derives from links is always on the
    crawled origin, so this catches what a hostile page slips past it (a meta
    refresh, a sitemap index naming another host).
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        site = crawled_site(self.crawler)
        if site is not None and not site.is_crawled_origin(request.url):
            raise OffsiteRequest(f"{request.url} is not on {site.base_url}")


def incomplete(response: Response) -> BadResponse | None:
    """What is wrong with a response that is not a whole page; None when it is one.

    DOWNLOAD_FAIL_ON_DATALOSS is off so that a connection cut mid-body arrives
    here, flagged, instead of failing in the downloader; a page the server itself
    cut short (a PHP worker killed mid-page) arrives whole, but its ``</html>``
    never comes. HTML may leave out ``</html>``, and ``</body>`` too, but a page
    that ends without either and stops inside its body is taken as cut.
    """
    body = response.body
    if not body or body.isspace():
        return EmptyResponse()
    if "dataloss" in response.flags:
        expected = (response.headers.get("Content-Length") or b"?").decode("latin-1")
        return TruncatedResponse(f"connection lost after {len(body)} of {expected} bytes")
    if isinstance(response, HtmlResponse) and not _ends_whole(response.text):
        return TruncatedResponse(f"no </html> in {len(body)} bytes")
    return None


def _ends_whole(text: str) -> bool:
    """Whether an HTML page reaches its end: ``</html>`` or ``</body>``, or it ends on a closed tag.

    Read as text, not bytes: in UTF-16 ``</html>`` is not those bytes.
    """
    tail = text[-4096:].lower()
    return "</html" in tail or "</body" in tail or (text.rstrip().endswith(">") and "<body" not in tail)


def retry_after(response: Response) -> float | None:
    """Seconds the response's ``Retry-After`` asks to wait (delay-seconds or an HTTP date); None without one."""
    value = (response.headers.get("Retry-After") or b"").decode("latin-1").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # absent or unreadable: retry as if it were not there
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class SiteRetryMiddleware(RetryMiddleware):
    """Scrapy's :class:`~scrapy.downloadermiddlewares.retry.RetryMiddleware`, for what news servers send.

    * A 2xx response that is empty or cut short (:func:`incomplete`) is retried
      like a 503, and raises :class:`EmptyResponse` or :class:`TruncatedResponse`
      once the retries are used up.
    * A retryable response (``RETRY_HTTP_CODES``: 429, 503…) with ``Retry-After``
      is retried after that many seconds, holding one of ``CONCURRENT_REQUESTS``
      meanwhile (the site's other pages go on downloading; a server rate limiting
      them all fills that budget and slows the crawl, as it asks). One asking for
      more than ``NEWSCRAWL_RETRY_AFTER_MAX`` seconds is not retried at all and
      goes on to the errback as it is: a hostile or day-long value cannot stall
      the crawl, and the next run fetches the page.
    * A download that took longer than ``DOWNLOAD_TIMEOUT`` is retried at most
      ``NEWSCRAWL_TIMEOUT_RETRIES`` times: a server that trickles a page byte by
      byte costs the crawl that many timeouts, not ``RETRY_TIMES`` + 1 of them.
    """

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.max_wait = settings.getfloat("NEWSCRAWL_RETRY_AFTER_MAX")
        self.timeout_retries = settings.getint("NEWSCRAWL_TIMEOUT_RETRIES")

    def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:  # type: ignore[override]
        if not isinstance(exception, DownloadTimeoutError) or request.meta.get("dont_retry"):
            return super().process_exception(request, exception)
        assert self.crawler.spider
        return get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=exception,
            max_retry_times=min(request.meta.get("max_retry_times", self.max_retry_times), self.timeout_retries),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level),
        )

    # Scrapy 2.19 awaits a middleware's coroutine, and no longer passes the spider.
    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry"):
            return response
        if 200 <= response.status < 300:
            if problem := incomplete(response):
                if retry := self._retry(request, problem.reason):
                    return retry
                raise problem
            return response
        wait = retry_after(response)
        if wait is None or response.status not in self.retry_http_codes:
            return super().process_response(request, response)
        if wait > self.max_wait:
            return response
        result = super().process_response(request, response)
        if isinstance(result, Request):  # not when the retries are used up
            await sleep(wait)
        return result


class SiteRedirectMiddleware(RedirectMiddleware):
    """Scrapy's :class:`~scrapy.downloadermiddlewares.redirect.RedirectMiddleware`, failing bad redirects by name.

    * back to a URL already visited in the chain: :class:`RedirectLoop`, at once
      rather than after ``REDIRECT_MAX_TIMES`` requests;
    * off the crawled origin (another scheme, host or port; :meth:`SiteUrls.is_crawled_origin`):
      :class:`OffsiteRedirect`, naming the chain, where Scrapy's OffsiteMiddleware
      compares host names only, and lets a retry through (retries have ``dont_filter``);
    * more than ``REDIRECT_MAX_TIMES``: :class:`TooManyRedirects`.

    A redirect that only adds or drops the trailing slash is the site saying how its URLs end
    (:meth:`SiteUrls.learn_redirect`).
    """

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        try:
            result = super().process_response(request, response)
        except IgnoreRequest as exc:  # the only one RedirectMiddleware raises: max redirections reached
            raise TooManyRedirects(f"more than {self.max_redirect_times}") from exc
        if not isinstance(result, Request):
            return result
        chain = " → ".join([*result.meta["redirect_urls"], result.url])
        if result.url in result.meta["redirect_urls"]:
            raise RedirectLoop(chain)
        site = crawled_site(self.crawler)
        if site is not None and not site.is_crawled_origin(result.url):
            raise OffsiteRedirect(chain)
        if site is not None:
            site.learn_redirect(request.url, result.url)
        return result


class SiteCompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's :class:`~scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware`,
    naming a decompression bomb.

    A body that inflates beyond ``DOWNLOAD_MAXSIZE`` raises :class:`TooLarge`, counted
    like a body over the limit as it arrives, where Scrapy raises a bare ``IgnoreRequest``.
    """

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:  # the only one it raises: decompressed beyond DOWNLOAD_MAXSIZE
            raise TooLarge(str(exc)) from exc


class RobotsTxtErrorsAtDebug(logging.Filter):
    """Scrapy's "Error downloading <GET …>" when robots.txt cannot be fetched, lowered to DEBUG.

    The spider requests robots.txt itself, as an entry point: a failure is a WARNING of
    its own, and a site whose every entry point fails is the one ERROR line that says
    so. Scrapy's line, with its traceback, would be a second ERROR for the same cause.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.ERROR and str(record.msg).startswith("Error downloading"):
            record.levelno, record.levelname = logging.DEBUG, logging.getLevelName(logging.DEBUG)
        return True


class SiteRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, whose download errors are logged at DEBUG (:class:`RobotsTxtErrorsAtDebug`)."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        scrapy_logger = logging.getLogger(RobotsTxtMiddleware.__module__)
        if not any(isinstance(existing, RobotsTxtErrorsAtDebug) for existing in scrapy_logger.filters):
            scrapy_logger.addFilter(RobotsTxtErrorsAtDebug())
