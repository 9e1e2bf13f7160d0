"""Rendering pages in a headless browser through scrapy-playwright, only where needed.

Scrapy's own downloader fetches every page; a request goes through the browser
only when it carries ``meta["playwright"] = True``, which :func:`browser_request`
sets. The spider sends two kinds of pages there:

* an article whose server HTML has a title but a body a script fills in (no
  text, a loading placeholder, far fewer words than the page declares):
  requested again once, waiting for the body's words;
* page types a site module declares in ``render_paths`` (:class:`RenderRule`),
  such as an archive whose further items come from a JavaScript "Load more".

:class:`RenderingDownloadHandler` is scrapy-playwright's download handler with
what a news crawl needs on top: Playwright and the browser start with the first
page that needs them, so a crawl that renders nothing starts neither; the
browser is the system Chromium; a page loads only what its text needs, from the
crawled origin only (:func:`origin_guard`); and a browser that cannot start fails
the pages that need it, logged once, instead of the crawl.
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Route, WebSocketRoute
from playwright.async_api import Request as PlaywrightRequest
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy_playwright.handler import BrowserContextWrapper, ScrapyPlaywrightDownloadHandler
from scrapy_playwright.page import PageMethod

from newscrawl.middlewares import crawled_site
from newscrawl.urls import SiteUrls

logger = logging.getLogger(__name__)

#: Chromium used when NEWSCRAWL_CHROMIUM names none (Debian's package).
SYSTEM_CHROMIUM = "/usr/bin/chromium"
#: Resource types a page's text never needs; the browser does not fetch them at all.
BLOCKED_RESOURCE_TYPES = frozenset({"image", "media", "font"})
#: The same by file name, for what Chromium files under another type (the favicon is "other").
BLOCKED_FILES = re.compile(
    r"\.(?:ico|png|jpe?g|gif|webp|avif|svg|bmp|woff2?|ttf|otf|eot|mp4|webm|m4v|mov|mp3|m4a|ogg|wav)$", re.I
)
#: In the page, after a "Load more" click: new links arrived, or the control is gone (no more items).
_LOADED_MORE = """([selector, links]) => {
    const control = document.querySelector(selector);
    return document.querySelectorAll("a[href]").length > links || !control || !control.checkVisibility();
}"""
#: In the page: the elements matching a selector hold at least a number of words (a script filled them in).
_HOLDS_WORDS = """([selector, words]) => {
    let count = 0;
    for (const element of document.querySelectorAll(selector)) {
        count += element.innerText.split(/\\s+/).filter(Boolean).length;
    }
    return count >= words;
}"""


@dataclass(frozen=True)
class RenderRule:
    """A page type that only works in a browser; site modules list them in ``render_paths``."""

    #: regular expression searched in the URL path
    path: str
    #: CSS selector of content a script inserts, to wait for before reading the page
    wait_for: str | None = None
    #: CSS selector of a "Load more" control, clicked until it is gone
    load_more: str | None = None
    #: most "Load more" clicks per page (archives can be hundreds of pages deep)
    max_clicks: int = 10

    def matches(self, url: str) -> bool:
        return re.search(self.path, urlsplit(url).path) is not None


def browser_request(
    url: str,
    *,
    callback: Callable[..., Any] | None,
    errback: Callable[..., Any] | None,
    wait_for: str | None,
    load_more: str | None = None,
    max_clicks: int = 0,
    min_words: int = 0,
    reason: str = "no_body",
    dont_filter: bool = True,
    **meta: Any,
) -> Request:
    """A request for *url* through the headless browser.

    :param wait_for: CSS selector to wait for (visible) before reading the page;
        if it never appears the page is read as it is, not failed
    :param min_words: wait instead until what *wait_for* matches holds this many words
    :param load_more: CSS selector of a "Load more" control to click, at most *max_clicks* times
    :param reason: why the page is rendered; stats count renders under ``newscrawl/rendered/<reason>``
    :param dont_filter: True for a second fetch of an URL already downloaded without the browser
    """
    page_methods = []
    if wait_for:
        page_methods.append(PageMethod(wait_for_content, wait_for, min_words))
    if load_more and max_clicks:
        page_methods.append(PageMethod(click_load_more, load_more, max_clicks))
    return Request(
        url,
        callback=callback,
        errback=errback,
        dont_filter=dont_filter,
        meta={"playwright": True, "playwright_page_methods": page_methods, "render_reason": reason, **meta},
    )


async def wait_for_content(page: Page, selector: str, min_words: int = 0) -> bool:
    """Wait until *selector* is visible, or with *min_words* until it holds that many words; whether it did.

    A timeout is not an error: the page is read as it is and the spider decides
    (an article that still has no body is dropped and counted).
    """
    try:
        if min_words:
            await page.wait_for_function(_HOLDS_WORDS, arg=[selector, min_words])
        else:
            await page.wait_for_selector(selector)
    except PlaywrightTimeoutError:
        logger.debug("Rendered %s: %r did not appear", page.url, selector)
        return False
    return True


async def click_load_more(page: Page, selector: str, max_clicks: int) -> int:
    """Click the "Load more" control *selector* until it is gone or hidden; the number of clicks.

    At most *max_clicks* clicks, each followed by a wait for the new items. A
    control that cannot be clicked or brings nothing ends the clicking, not the
    render: the page is read with what it has loaded.
    """
    control = page.locator(selector).first
    clicks = 0
    while clicks < max_clicks and await control.is_visible():
        links = await page.locator("a[href]").count()
        try:
            await control.click()
            clicks += 1
            await page.wait_for_function(_LOADED_MORE, arg=[selector, links])
        except PlaywrightTimeoutError:
            logger.warning("Rendered %s: no more items after %d clicks on %s", page.url, clicks, selector)
            break
    logger.debug("Rendered %s: clicked %s %d times", page.url, selector, clicks)
    return clicks


def origin_guard(site: SiteUrls, refusing: str) -> list[str]:
    """Chromium switches that keep every connection of the browser on the crawled origins.

    Everything goes through a proxy at *refusing*, a ``host:port`` where nothing
    listens, but the crawled origins (scheme, host and port): an iframe, a popup,
    a redirect, a worker's fetch or a preconnect to anywhere else fails before a
    connection opens. Playwright's request routing, which blocks and counts by
    type (:meth:`RenderingDownloadHandler._abort_request`), sees neither redirects
    nor popups nor preconnects. Loopback goes through the proxy too (``<-loopback>``
    first): a copy of the site on one port of a host must not reach the others.
    """
    origins = ";".join(
        f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"
        for scheme, host, port in sorted(site.crawled_origins)
    )
    return [f"--proxy-server=http://{refusing}", f"--proxy-bypass-list=<-loopback>;{origins}"]


def chromium_path(settings: BaseSettings) -> str | None:
    """The Chromium to launch: NEWSCRAWL_CHROMIUM (setting or environment), else the system one.

    None (no system Chromium either) lets Playwright use its own, from ``playwright install chromium``.
    """
    if path := settings.get("NEWSCRAWL_CHROMIUM"):
        return str(path)
    return SYSTEM_CHROMIUM if Path(SYSTEM_CHROMIUM).exists() else None


class BrowserUnavailable(Exception):
    """The browser cannot be started, so a page that needs it cannot be rendered."""


class RenderingDownloadHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's download handler, starting the browser only for the first page that needs it.

    Requests without ``meta["playwright"]`` go to Scrapy's HTTP/1.1 handler, as
    in scrapy-playwright. On top: the system Chromium, what a page does not need
    is blocked, nothing leaves the crawled origin (:func:`origin_guard`; WebSockets
    and popups are closed), renders are counted under ``newscrawl/rendered/...``,
    and a browser that cannot start fails the renders (:exc:`BrowserUnavailable`)
    rather than the crawl.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        if path := chromium_path(crawler.settings):
            self.config.launch_options.setdefault("executable_path", path)
        self.render_timeout_ms = crawler.settings.getfloat("NEWSCRAWL_RENDER_TIMEOUT") * 1000
        self._start_lock = asyncio.Lock()
        self._unavailable: str | None = None
        #: bound and never listening: the proxy of everything off the crawled origin (:func:`origin_guard`)
        self._refusing: socket.socket | None = None

    async def _maybe_launch_in_thread(self) -> None:
        """Start nothing with the engine, where scrapy-playwright starts Playwright's driver: see :meth:`_start`."""

    async def _start(self) -> None:
        """Start Playwright's driver, once, for the first page that needs the browser."""
        if self._unavailable is not None:
            raise BrowserUnavailable(self._unavailable)
        async with self._start_lock:
            if getattr(self, "browser_provider", None) is None:
                try:
                    await self._launch()
                except Exception as exc:  # noqa: BLE001 - whatever stops Playwright, no page can render
                    self._give_up(exc)

    async def _maybe_launch_browser(self) -> None:
        # Pages queued behind the failed launch (scrapy-playwright serialises it) do not retry it.
        if self._unavailable is not None:
            raise BrowserUnavailable(self._unavailable)
        self._guard_origin()
        try:
            await super()._maybe_launch_browser()
        except PlaywrightError as exc:
            self._give_up(exc)

    def _guard_origin(self) -> None:
        """Add :func:`origin_guard`'s switches to the launch options, once, for the spider's site."""
        site = crawled_site(self._crawler)
        if self._refusing is not None or site is None:
            return
        self._refusing = socket.socket()
        self._refusing.bind(("127.0.0.1", 0))  # a port of its own, that nothing else can listen on
        host, port = self._refusing.getsockname()
        options = self.config.launch_options
        options["args"] = [*options.get("args", []), *origin_guard(site, f"{host}:{port}")]

    async def _close(self) -> None:
        await super()._close()
        if self._refusing is not None:
            self._refusing.close()

    def _give_up(self, exc: Exception) -> NoReturn:
        """Fail this and every later render with :exc:`BrowserUnavailable`, saying why once."""
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        if self._unavailable is None:
            self._unavailable = reason
            logger.error(
                "No browser (%s): pages that need JavaScript are counted as failed, the rest of the crawl "
                "goes on. Executable: %s; install Chromium or set NEWSCRAWL_CHROMIUM.",
                reason,
                self.config.launch_options.get("executable_path", "Playwright's own"),
            )
        raise BrowserUnavailable(reason) from exc

    async def _create_browser_context(
        self, name: str, context_kwargs: dict[str, Any] | None, spider: Spider | None = None
    ) -> BrowserContextWrapper:
        wrapper = await super()._create_browser_context(name, context_kwargs, spider)
        # WebSockets bypass request routing: each is answered here, and closed, without a connection.
        await wrapper.context.route_web_socket("**", self._refuse_web_socket)
        wrapper.context.on("page", self._close_popup)
        return wrapper

    async def _refuse_web_socket(self, websocket: WebSocketRoute) -> None:
        self.stats.inc_value("newscrawl/rendered/blocked/websocket")
        await websocket.close()

    async def _close_popup(self, page: Page) -> None:
        """Close a window a page opened: nothing reads it (its requests are confined all the same)."""
        if await page.opener() is not None:
            self.stats.inc_value("newscrawl/rendered/blocked/popup")
            await page.close()

    async def _create_page(self, request: Request, spider: Spider) -> Page:
        page = await super()._create_page(request, spider)
        # Bounds waiting for injected content and for each "Load more" (navigation has its own timeout).
        page.set_default_timeout(self.render_timeout_ms)
        return page

    async def _download_request(self, request: Request, spider: Spider | None = None) -> Response:
        try:
            await self._start()
            response = await super()._download_request(request, spider)
        except BrowserUnavailable:
            self.stats.inc_value("newscrawl/rendered/failed/browser_unavailable")
            raise
        except Exception as exc:
            self.stats.inc_value(f"newscrawl/rendered/failed/{type(exc).__name__}")
            raise
        self.stats.inc_value(f"newscrawl/rendered/{request.meta.get('render_reason', 'other')}")
        return response

    def _make_request_handler(self, *args: Any, **kwargs: Any) -> Callable[[Route, PlaywrightRequest], Awaitable[None]]:
        """scrapy-playwright's handler of a page's requests, behind :meth:`_abort_request`.

        A request skipped is aborted as "aborted", not scrapy-playwright's "failed":
        a page that sends its own window elsewhere (``location = …``) keeps its
        document, where a failed navigation would put Chromium's error page in its place.
        """
        handle = super()._make_request_handler(*args, **kwargs)

        async def handle_unless_aborted(route: Route, request: PlaywrightRequest) -> None:
            if self._abort_request(request):
                await route.abort("aborted")
            else:
                await handle(route, request)

        return handle_unless_aborted

    def _abort_request(self, request: PlaywrightRequest) -> bool:
        """Whether the browser skips *request*: what no text needs, and anything off the crawled origin.

        Off the origin are third-party scripts, ads and trackers, and whatever a
        hostile page sends elsewhere (beacons, iframes, another port of its host):
        blocking them here keeps renders fast and counts them by type; :func:`origin_guard`
        stops what request routing never sees.
        """
        site = crawled_site(self._crawler)
        if request.resource_type in BLOCKED_RESOURCE_TYPES or BLOCKED_FILES.search(urlsplit(request.url).path):
            blocked = request.resource_type
        elif site is not None and not site.is_crawled_origin(request.url):
            blocked = "off_site"
        else:
            return False
        self.stats.inc_value(f"newscrawl/rendered/blocked/{blocked}")
        return True
