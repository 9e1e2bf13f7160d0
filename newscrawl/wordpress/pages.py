"""WordPress page objects: what WordPress itself prints, whatever the theme."""

from __future__ import annotations

import re
from functools import cached_property
from itertools import chain
from typing import ClassVar

from newscrawl.news.pages import ArticlePage, ListingPage, Selectors
from newscrawl.news.selectors import text_of
from newscrawl.urls import join_url
from newscrawl.wordpress.routes import shortlink_id

_POST_ID_CLASS = re.compile(r"\bpostid-(\d+)\b")
#: body_class() on page N > 1 of a post split into pages
_PAGED_CLASS = re.compile(r"\bsingle-paged-(\d+)\b")

#: What the plugins most WordPress news sites run put inside a post's content, never article text:
#: sharing buttons (Jetpack, AddToAny, Sassy Social Share, Shareaholic, Social Warfare, Simple Share
#: Buttons, Easy Social Share Buttons, Monarch, Grow/Social Pug, Shared Counts, Novashare, ShareThis),
#: Jetpack's related posts, newsletter sign-ups (Mailchimp for WordPress, Jetpack
#: subscriptions, any newsletter box) and the page links of a post split into pages.
WORDPRESS_BOILERPLATE = (
    ".sharedaddy, .jp-relatedposts, #jp-relatedposts, .wp-block-jetpack-sharing-buttons, "
    ".addtoany_share_save_container, .a2a_kit, .heateor_sss_sharing_container, .shareaholic-canvas, "
    ".swp_social_panel, .ssba, .essb_links, .et_social_inline, .dpsp-content-wrapper, .shared-counts-wrap, "
    ".ns-buttons, .sharethis-inline-share-buttons, .mc4wp-form, .jetpack_subscription_widget, .wp-block-jetpack-subscriptions, "
    "[class*=newsletter], .page-links, .post-nav-links, .post-page-numbers"
)


class WordPressArticlePage(ArticlePage):
    """A WordPress page, told apart by the classes WordPress puts on ``<body>`` and on the post."""

    # body_class(): "single single-post postid-N" on a post; post_class(): "post type-post".
    article_markers: ClassVar[str] = "body.single-post, body[class*=postid-], article.type-post"
    # Pages, archives, search results, the front page, the blog page and the 404 template.
    not_article_markers: ClassVar[str] = "body.error404, body.archive, body.search, body.page, body.home, body.blog"
    not_found_markers: ClassVar[str] = "body.error404"
    boilerplate_css: ClassVar[str] = WORDPRESS_BOILERPLATE
    #: the page links of a post split with ``<!--nextpage-->`` (``wp_link_pages()``, WordPress 5.1+):
    #: a link per other page, the current page a number without a link
    post_pages_css: ClassVar[str] = ".post-page-numbers"
    #: what wraps those links, each child a page link or the current page: before WordPress 5.1 the only
    #: mark they have (the default themes' ``.post-nav-links``)
    post_pages_nav_css: ClassVar[Selectors] = (".post-nav-links",)

    def post_id(self) -> str | None:
        """The post's WordPress id: from ``<body class="postid-N">``, else its ``rel=shortlink``."""
        body = self.root.find("body")
        if body is not None and (match := _POST_ID_CLASS.search(body.get("class") or "")):
            return match.group(1)
        return shortlink_id(self.meta.links.get("shortlink") or "")

    @cached_property
    def _post_pages(self) -> tuple[int, dict[int, str]]:
        """The number of this page of the post, and the URL of each other page by number.

        The current page is the number without a link; when the links do not show it,
        WordPress's ``single-paged-N`` body class, else the ``/slug/N/`` URL of page N
        of the post whose page 1 is linked.
        """
        current, pages = 0, dict[int, str]()
        navigations = (nav for css in self.post_pages_nav_css for nav in self.select(css, self.scope))
        children = (child for nav in navigations for child in nav if isinstance(child.tag, str))
        for element in chain(self.select(self.post_pages_css, self.scope), children):
            label = text_of(element).strip()
            if not label.isdigit():  # the arrows
                continue
            if href := element.get("href"):
                if url := join_url(self.base_url, href):
                    pages.setdefault(int(label), url)
            else:
                current = int(label)
        return current or self._page_number(pages.get(1)), pages

    def _page_number(self, first_page: str | None) -> int:
        body = self.root.find("body")
        if body is not None and (match := _PAGED_CLASS.search(body.get("class") or "")):
            return int(match.group(1))
        urls = self.site.urls
        if first_page and (first := urls.canonical(first_page)) and (this := urls.canonical(self.response.url)):
            number = this.removeprefix(first.rstrip("/") + "/").rstrip("/")
            if this.startswith(first.rstrip("/") + "/") and number.isdigit():
                return int(number)
        return 1

    def first_page_url(self) -> str | None:
        current, pages = self._post_pages
        return pages.get(1) if current > 1 else None

    def further_pages(self) -> list[str]:
        current, pages = self._post_pages
        return [pages[number] for number in sorted(pages) if number > current] if current == 1 else []


class WordPressListingPage(ListingPage):
    """Links WordPress prints whatever the theme: category archives, and ``rel=next`` (SEO plugins)
    or ``the_posts_pagination()``'s next link."""

    next_page_css: ClassVar[str] = "link[rel=next]::attr(href), a.next.page-numbers::attr(href)"
    pagination_css: ClassVar[str] = "a.page-numbers::attr(href)"
    section_links_css: ClassVar[str] = "a[href*='/category/']::attr(href)"
