"""WordPress block themes (Twenty Twenty-Two to Twenty Twenty-Five and their children): the
markup of core blocks (post title, date, author, terms, content, query loop)."""

from __future__ import annotations

from typing import ClassVar

from newscrawl.news.pages import Selectors, Theme
from newscrawl.wordpress.pages import WORDPRESS_BOILERPLATE, WordPressArticlePage, WordPressListingPage

#: Jetpack's related posts, server-rendered under the post
_RELATED = "#jp-relatedposts a.jp-relatedposts-post-a::attr(href)"


class BlockArticlePage(WordPressArticlePage):
    post_scope: ClassVar[str] = "main"
    title_css: ClassVar[Selectors] = ("h1.wp-block-post-title",)
    subtitle_css: ClassVar[Selectors] = ()
    body_css: ClassVar[Selectors] = ("div.wp-block-post-content",)
    # Embeds, comments and query loops of core, and what plugins put in the content.
    boilerplate_css: ClassVar[str] = ".wp-block-embed, .wp-block-comments, .wp-block-query, " + WORDPRESS_BOILERPLATE
    authors_css: ClassVar[Selectors] = (".wp-block-post-author-name", ".wp-block-post-author__name")
    published_css: ClassVar[Selectors] = (".wp-block-post-date:not(.wp-block-post-date__modified-date) time::attr(datetime)",)
    modified_css: ClassVar[Selectors] = (".wp-block-post-date__modified-date time::attr(datetime)",)
    visible_date_css: ClassVar[Selectors] = (".wp-block-post-date:not(.wp-block-post-date__modified-date) time",)
    categories_css: ClassVar[Selectors] = (".taxonomy-category a",)
    tags_css: ClassVar[Selectors] = (".taxonomy-post_tag a",)
    image_css: ClassVar[Selectors] = (".wp-block-post-featured-image img::attr(src)",)
    related_css: ClassVar[Selectors] = (_RELATED,)
    list_module_classes: ClassVar[tuple[str, ...]] = ("wp-block-post-template",)


class BlockListingPage(WordPressListingPage):
    article_links_css: ClassVar[str] = f".wp-block-post-title a::attr(href), {_RELATED}"
    # The page's main query loop; a single post's "More posts" loop is not an archive.
    loop_links_css: ClassVar[str] = "main .wp-block-query .wp-block-post-title a::attr(href)"
    loop_dates_css: ClassVar[str] = "main .wp-block-query .wp-block-post-date time::attr(datetime)"
    next_page_css: ClassVar[str] = "a.wp-block-query-pagination-next::attr(href)"
    pagination_css: ClassVar[str] = ".wp-block-query-pagination-numbers a::attr(href)"


BLOCK_THEME = Theme("wordpress-block", BlockArticlePage, BlockListingPage)
