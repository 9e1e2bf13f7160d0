"""Downloader middlewares: Scrapy's retry and redirect handling, made safe against hostile servers.

* :class:`SiteRetryMiddleware` also retries pages that arrive empty or cut short,
  and waits before a retry as long as the response's ``Retry-After`` asks (Scrapy
  retries at once), up to ``NEWSCRAWL_RETRY_AFTER_MAX``.
* :class:`SiteRedirectMiddleware` fails redirects that loop, leave the site or
  never end.

Both replace Scrapy's own at the same place in ``DOWNLOADER_MIDDLEWARES``. What
they give up on reaches the request's errback as a :class:`BadResponse` whose
``reason`` the spider counts (``newscrawl/request_failed/<reason>``), where Scrapy
would have passed a broken page on, dropped the request silently or said only
"max redirections reached".
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import ClassVar

from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep


class BadResponse(IgnoreRequest):
    """A response the crawl cannot use; ``reason`` names it in stats, the message says what was seen."""

    reason: ClassVar[str]


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
    if isinstance(response, HtmlResponse) and not _ends_whole(body):
        return TruncatedResponse(f"no </html> in {len(body)} bytes")
    return None


def _ends_whole(body: bytes) -> bool:
    """Whether an HTML body reaches its end: ``</html>`` or ``</body>``, or it ends on a closed tag."""
    tail = body[-4096:].lower()
    return b"</html" in tail or b"</body" in tail or (body.rstrip().endswith(b">") and b"<body" not in tail)


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
    """

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.max_wait = settings.getfloat("NEWSCRAWL_RETRY_AFTER_MAX")

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
    * off the site by OffsiteMiddleware's rules (``allowed_domains``), unless the
      request has ``allow_offsite``: :class:`OffsiteRedirect`, where OffsiteMiddleware
      would drop the redirected request without a word, or let it through when
      it is a retry (retries have ``dont_filter``);
    * more than ``REDIRECT_MAX_TIMES``: :class:`TooManyRedirects`.
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
        offsite = self.crawler.get_downloader_middleware(OffsiteMiddleware)
        spider = self.crawler.spider
        if offsite and spider and not request.meta.get("allow_offsite") and not offsite.should_follow(result, spider):
            raise OffsiteRedirect(chain)
        return result
