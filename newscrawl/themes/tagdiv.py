"""tagDiv "Newspaper" (v12): the Cloud Library (tdb) single template and the classic one."""

from __future__ import annotations

from typing import ClassVar

from newscrawl.news.pages import Selectors, Theme
from newscrawl.wordpress.pages import WORDPRESS_BOILERPLATE, WordPressArticlePage, WordPressListingPage


class NewspaperArticlePage(WordPressArticlePage):
    # The tdb template's <article> is the template's, not the post's; the post id is on the autoload block.
    article_markers: ClassVar[str] = WordPressArticlePage.article_markers + ", #tdb-autoload-article"
    post_scope: ClassVar[str] = "article"
    title_css: ClassVar[Selectors] = ("h1.tdb-title-text", "header.td-post-title h1.entry-title", "article h1.entry-title")
    subtitle_css: ClassVar[Selectors] = (".tdb_single_subtitle p", ".td-post-sub-title")
    body_css: ClassVar[Selectors] = ("div.tdb_single_content .tdb-block-inner", "div.td-post-content")
    # Ads; sharing buttons of every version (6.x .td-default-sharing and .td-classic-sharing, 10.x
    # .td-social-sharing-button, tdb .tdb_single_post_share); the "follow us" title and icons of the tdm
    # blocks; the post's page navigation (.page-nav); embeds, related posts, tags and comments.
    boilerplate_css: ClassVar[str] = (
        ".td-a-rec, .td-a-ad, .td-g-rec, .td_spot_img_all, ins.adsbygoogle, .wp-caption-text, .td-post-featured-image, "
        ".tdb_single_featured_image, .td-post-sharing, .td-post-sharing-top, .td-post-sharing-bottom, "
        ".td-default-sharing, .td-classic-sharing, .tdb-share, .td_block_share, [class*=td-social], "
        ".tdb_single_post_share, .tdm_block_socials, .tdm_block_column_title:has(+ .tdm_block_socials), .page-nav, "
        "blockquote.twitter-tweet, blockquote.instagram-media, .tdb_single_related, .td_block_related_posts, "
        ".td-post-source-tags, .tdb_single_tags, .wp-block-embed, .td-fix-index > style, .comments, #comments, "
        + WORDPRESS_BOILERPLATE
    )
    # The post's page links in tagDiv's page navigation, whatever WordPress printed them: before 5.1, links
    # without a class and the current page a bare <div>.
    post_pages_nav_css: ClassVar[Selectors] = (*WordPressArticlePage.post_pages_nav_css, ".page-nav-post")
    # tdb's header byline block; the classic header's (6.x to 12.x, "By" in its own .td-author-by).
    authors_css: ClassVar[Selectors] = (".tdb_single_author .tdb-author-name", ".td-post-header .td-post-author-name a")
    author_box_css: ClassVar[Selectors] = (".tdb_single_author_box .tdb-author-name", ".author-box-wrap .td-author-name")
    published_css: ClassVar[Selectors] = (
        ".tdb_single_date time::attr(datetime)",
        ".td-post-header time.entry-date::attr(datetime)",
        ".td-post-header .td-post-date time::attr(datetime)",
    )
    modified_css: ClassVar[Selectors] = (".tdb_single_modified_date time::attr(datetime)",)
    visible_date_css: ClassVar[Selectors] = (
        ".tdb_single_date time",
        ".tdb_single_date .tdb-block-inner",
        ".td-post-header .td-post-date time",
        ".td-post-header .td-post-date",
    )
    categories_css: ClassVar[Selectors] = (
        ".tdb_single_categories a.tdb-entry-category",
        ".td-post-header ul.td-category li.entry-category a",
    )
    tags_css: ClassVar[Selectors] = ("ul.tdb-tags li a", ".td-post-source-tags ul.td-tags li a")
    image_css: ClassVar[Selectors] = (
        ".tdb_single_featured_image img.entry-thumb::attr(src)",
        ".td-post-featured-image img.entry-thumb::attr(src)",
    )
    related_css: ClassVar[Selectors] = (
        "div.tdb_single_related div.tdb_module_related .entry-title a::attr(href)",
        "div.td_block_related_posts .td_module_related_posts .entry-title a::attr(href)",
    )
    # Sidebars and related blocks: their microdata describes other articles.
    list_module_classes: ClassVar[tuple[str, ...]] = ("td_module", "tdb_module")


class NewspaperListingPage(WordPressListingPage):
    article_links_css: ClassVar[str] = (
        ".td-module-title a::attr(href), .entry-title a::attr(href), .tdb_module_loop h3 a::attr(href)"
    )
    loop_links_css: ClassVar[str] = ".tdb_loop .td-module-title a::attr(href), .td-ss-main-content .td-module-title a::attr(href)"
    loop_dates_css: ClassVar[str] = ".tdb_loop time::attr(datetime), .td-ss-main-content time::attr(datetime)"
    # The next arrow of the numbered page navigation; without it, every numbered page.
    next_page_css: ClassVar[str] = "div.page-nav a:has(> i.td-icon-menu-right)::attr(href)"
    pagination_css: ClassVar[str] = ".page-nav a::attr(href)"


NEWSPAPER = Theme("tagdiv-newspaper", NewspaperArticlePage, NewspaperListingPage)
