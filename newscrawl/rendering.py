"""Rendering pages in a headless browser through scrapy-playwright, only where needed.

Scrapy's own downloader fetches every page; a request goes through the browser
only when it carries ``meta["playwright"] = True``, which
:func:`~newscrawl.render_requests.browser_request` sets. The spider sends two kinds of pages there:

* an article whose server HTML has a title but a body a script fills in (no
  text, a loading placeholder, far fewer words than the page declares):
  requested again once, waiting for the body's words;
* page types a site module declares in ``render_paths``
  (:class:`~newscrawl.render_requests.RenderRule`),
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
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Route, WebSocketRoute
from playwright.async_api import Request as PlaywrightRequest
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy_playwright.handler import BrowserContextWrapper, ScrapyPlaywrightDownloadHandler

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
#: Run in every frame before the page's scripts: takes WebRTC away. Its STUN and TURN requests go
#: over UDP to any host and port, past the proxy of :func:`origin_guard` (which Chromium's
#: ``--force-webrtc-ip-handling-policy`` does not change) and past request routing; no text needs it.
NO_WEBRTC = "for (const name of ['RTCPeerConnection', 'webkitRTCPeerConnection', 'RTCDataChannel']) delete window[name];"


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
        await wrapper.context.add_init_script(NO_WEBRTC)
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
