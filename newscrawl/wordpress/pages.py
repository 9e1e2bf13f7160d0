"""WordPress page objects: what WordPress itself prints, whatever the theme."""

from __future__ import annotations

import re
from typing import ClassVar

from newscrawl.news.pages import ArticlePage, ListingPage
from newscrawl.wordpress.routes import shortlink_id

_POST_ID_CLASS = re.compile(r"\bpostid-(\d+)\b")


class WordPressArticlePage(ArticlePage):
    """A WordPress page, told apart by the classes WordPress puts on ``<body>`` and on the post."""

    # body_class(): "single single-post postid-N" on a post; post_class(): "post type-post".
    article_markers: ClassVar[str] = "body.single-post, body[class*=postid-], article.type-post"
    # Pages, archives, search results, the front page, the blog page and the 404 template.
    not_article_markers: ClassVar[str] = "body.error404, body.archive, body.search, body.page, body.home, body.blog"
    not_found_markers: ClassVar[str] = "body.error404"

    def post_id(self) -> str | None:
        """The post's WordPress id: from ``<body class="postid-N">``, else its ``rel=shortlink``."""
        if match := _POST_ID_CLASS.search(self.response.css("body::attr(class)").get() or ""):
            return match.group(1)
        return shortlink_id(self.meta.links.get("shortlink") or "")


class WordPressListingPage(ListingPage):
    """Links WordPress prints whatever the theme: category archives, and ``rel=next`` (SEO plugins)
    or ``the_posts_pagination()``'s next link."""

    next_page_css: ClassVar[str] = "link[rel=next]::attr(href), a.next.page-numbers::attr(href)"
    pagination_css: ClassVar[str] = "a.page-numbers::attr(href)"
    section_links_css: ClassVar[str] = "a[href*='/category/']::attr(href)"
