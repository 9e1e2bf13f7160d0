"""Requests for pages that need a browser, and what the browser does on them before the page is read.

:func:`browser_request` marks a request for :class:`~newscrawl.rendering.RenderingDownloadHandler`
(``meta["playwright"]``), with the page methods scrapy-playwright runs once the page has loaded:
wait for the body's words (:func:`wait_for_content`), click "Load more" (:func:`click_load_more`).
A site module declares the page types that always need the browser as :class:`RenderRule` values.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Page
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from scrapy.http import Request
from scrapy_playwright.page import PageMethod

logger = logging.getLogger(__name__)

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
