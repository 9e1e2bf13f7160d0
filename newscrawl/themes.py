"""Where a page template puts each part of an article.

A :class:`PageLayout` lists, per field, CSS selectors tried in order (the first
that matches wins). Many news sites run the same WordPress theme, so layouts
for themes live here and a site module picks one (and overrides what its own
templates change) with :func:`dataclasses.replace`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageLayout:
    #: page is a post (not a WordPress page, archive, home or 404)...
    article_page: str
    #: ...unless one of these says otherwise (the theme's 404 page served with status 200)
    not_article_page: str
    #: page is an AMP copy, which carries rel=canonical back to the post
    amp_page: str
    #: the element holding the post (header, text, tags): fields are looked for inside it, which
    #: spares a scan of the whole page per field; without one, in the whole page
    post_scope: str
    title: tuple[str, ...]
    subtitle: tuple[str, ...]
    #: the element(s) holding the article text
    body: tuple[str, ...]
    #: boilerplate inside the body: ads, share widgets, embeds, related boxes
    body_boilerplate: str
    #: author names in the post header (theme author block)
    authors: tuple[str, ...]
    #: machine-readable dates of the post header (``datetime`` attributes), UTC
    header_published: tuple[str, ...]
    header_modified: tuple[str, ...]
    #: visible date text of the post header, in the site's timezone
    header_visible_date: tuple[str, ...]
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    image: tuple[str, ...]
    #: links of the "Related Articles" block
    related_links: tuple[str, ...]
    #: on listing pages: links to articles, to further pages, to category archives
    listing_article_links: str
    pagination_links: str
    section_links: str
    #: an archive's own list of articles (not its sidebars), with their dates
    loop_article_links: str
    loop_dates: str
    #: XPath of the "next page" link of an archive
    next_page: str


# tagDiv "Newspaper" (v12): the Cloud Library (tdb) single template and the classic one.
NEWSPAPER = PageLayout(
    article_page="body.single-post, body[class*=postid-], article.type-post, #tdb-autoload-article",
    not_article_page="body.error404, body.archive, body.search, body.page, body.home, body.blog",
    amp_page="html[amp], html[⚡]",
    post_scope="article",
    title=("h1.tdb-title-text", "header.td-post-title h1.entry-title", "article h1.entry-title"),
    subtitle=(".tdb_single_subtitle p", ".td-post-sub-title"),
    body=("div.tdb_single_content .tdb-block-inner", "div.td-post-content"),
    body_boilerplate=(
        ".td-a-rec, .td-a-ad, .td-g-rec, .td_spot_img_all, ins.adsbygoogle, .wp-caption-text, .td-post-featured-image, .tdb_single_featured_image, "
        ".td-post-sharing, .tdb-share, .td_block_share, [class*=td-social], .tdb_single_post_share, "
        ".sharedaddy, .addtoany_share_save_container, blockquote.twitter-tweet, blockquote.instagram-media, "
        ".tdb_single_related, .td_block_related_posts, .td-post-source-tags, .tdb_single_tags, "
        ".wp-block-embed, .td-fix-index > style, .comments, #comments"
    ),
    authors=(
        ".tdb_single_author .tdb-author-name",
        ".td-post-header .td-post-author-name a",
    ),
    header_published=(
        ".tdb_single_date time::attr(datetime)",
        ".td-post-header time.entry-date::attr(datetime)",
        ".td-post-header .td-post-date time::attr(datetime)",
    ),
    header_modified=(".tdb_single_modified_date time::attr(datetime)",),
    header_visible_date=(
        ".tdb_single_date time",
        ".tdb_single_date .tdb-block-inner",
        ".td-post-header .td-post-date time",
        ".td-post-header .td-post-date",
    ),
    categories=(
        ".tdb_single_categories a.tdb-entry-category",
        ".td-post-header ul.td-category li.entry-category a",
    ),
    tags=(
        "ul.tdb-tags li a",
        ".td-post-source-tags ul.td-tags li a",
    ),
    image=(
        ".tdb_single_featured_image img.entry-thumb::attr(src)",
        ".td-post-featured-image img.entry-thumb::attr(src)",
    ),
    related_links=(
        "div.tdb_single_related div.tdb_module_related .entry-title a::attr(href)",
        "div.td_block_related_posts .td_module_related_posts .entry-title a::attr(href)",
    ),
    listing_article_links=".td-module-title a::attr(href), .entry-title a::attr(href), .tdb_module_loop h3 a::attr(href)",
    pagination_links=".page-nav a::attr(href)",
    section_links="a[href*='/category/']::attr(href)",
    loop_article_links=".tdb_loop .td-module-title a::attr(href), .td-ss-main-content .td-module-title a::attr(href)",
    loop_dates=".tdb_loop time::attr(datetime), .td-ss-main-content time::attr(datetime)",
    next_page="//div[contains(@class, 'page-nav')]//a[i[contains(@class, 'td-icon-menu-right')]]/@href",
)
