"""The WordPress layer on its own: which URLs can be posts under any permalink structure, and the
spider's link decisions on one page (no crawl needed)."""

from __future__ import annotations

import asyncio
import logging

import pytest
from scrapy.http import HtmlResponse, XmlResponse

from newscrawl.wordpress.routes import can_be_post, is_section
from tests.harness import unstarted_spider
from tests.spiders import ExampleSpider

SITE = ExampleSpider.origin


@pytest.mark.parametrize(
    "path",
    [
        "/harbor-dredging-wins-grant/",  # /%postname%/
        "/2025/07/16/harbor-dredging-wins-grant/",  # /%year%/%monthnum%/%day%/%postname%/
        "/2025/07/harbor-dredging-wins-grant/",  # /%year%/%monthnum%/%postname%/
        "/local/harbor-dredging-wins-grant/",  # /%category%/%postname%/
        "/local/waterfront/harbor-dredging-wins-grant/",  # a subcategory
        "/archives/1462",  # /archives/%post_id%, no trailing slash
        "/archives/1462/",
        "/news/harbor-dredging-wins-grant",  # a structure without the trailing slash
        "/%ce%b5%cf%80%ce%b9%cf%83%cf%84%cf%81%ce%bf%cf%86%ce%ae/",  # a Greek slug
        "/?p=1462",  # a shortlink
    ],
)
def test_a_post_is_recognised_whatever_the_permalink_structure(path: str) -> None:
    assert can_be_post(SITE + path)


@pytest.mark.parametrize(
    "path",
    [
        "/", "/category/local/", "/category/local/page/2/", "/tag/harbor/", "/author/maria/", "/page/2/",
        "/2025/", "/2025/07/", "/2025/07/16/", "/feed/", "/harbor-dredging-wins-grant/feed/",
        "/harbor-dredging-wins-grant/amp/", "/harbor-dredging-wins-grant/comment-page-2/", "/wp-json/wp/v2/posts",
        "/wp-content/uploads/2025/07/a.jpg", "/wp-login.php", "/sitemap_index.xml", "/?s=harbor",
        "/harbor-dredging-wins-grant/?share=facebook", "/search/harbor/", "/comments/feed/",
    ],
)  # fmt: skip
def test_wordpress_routes_files_and_date_archives_are_never_posts(path: str) -> None:
    assert not can_be_post(SITE + path)


@pytest.mark.parametrize(
    ("path", "section"),
    [("/category/local/", True), ("/category/local/waterfront/", True), ("/category/local/page/2/", False), ("/tag/x/", False)],
)
def test_section_archives_are_first_pages_of_categories(path: str, section: bool) -> None:
    assert is_section(SITE + path) is section


LISTING = """<html><body class="archive category">
<div class="td_module_flex"><h3 class="entry-title td-module-title"><a href="http://[">Broken</a></h3></div>
<div class="td_module_flex"><h3 class="entry-title td-module-title"><a href="javascript:void(0)">Script</a></h3></div>
<div class="td_module_flex"><h3 class="entry-title td-module-title"><a href="https://example.org/good-one?utm_source=x&ref=home">Good</a></h3></div>
<div class="td_module_flex"><h3 class="entry-title td-module-title"><a href="http://www.example.net/good-one/?ref=sidebar">Same</a></h3></div>
<div class="td_module_flex"><h3 class="entry-title td-module-title"><a href="/2025/07/16/dated-one/">Dated</a></h3></div>
</body></html>"""


@pytest.fixture
def spider() -> ExampleSpider:
    return unstarted_spider(ExampleSpider, base_url="http://127.0.0.1:8000")


def test_a_listing_page_leads_to_each_article_once_and_counts_the_dead_links(spider: ExampleSpider) -> None:
    response = HtmlResponse(url="http://127.0.0.1:8000/category/world/", body=LISTING, encoding="utf-8")
    listing = spider.theme.listing_page(response, spider.site)
    requests = asyncio.run(spider.follow_listing(listing))
    # tracking parameters (`ref` among them) are not part of an article's URL
    assert [request.url for request in requests] == [
        "http://127.0.0.1:8000/good-one/",
        "http://127.0.0.1:8000/2025/07/16/dated-one/",
    ]
    stats = spider.crawler.stats.get_stats()
    assert stats["newscrawl/links/ignored/malformed"] == 1
    assert stats["newscrawl/links/ignored/javascript"] == 1
    assert stats["newscrawl/links/ignored/duplicate"] == 1


def test_links_over_a_pages_cap_are_left_out_and_can_be_followed_from_another_page(spider: ExampleSpider) -> None:
    spider.max_links_per_page = 1
    response = HtmlResponse(url="http://127.0.0.1:8000/category/world/", body=LISTING, encoding="utf-8")
    listing = spider.theme.listing_page(response, spider.site)
    assert [request.url for request in asyncio.run(spider.follow_listing(listing))] == ["http://127.0.0.1:8000/good-one/"]
    assert spider.crawler.stats.get_value("newscrawl/links/ignored/over_page_cap") == 1
    # The link left out is not taken as requested: another page (or the sitemap) still leads to it.
    other = HtmlResponse(url="http://127.0.0.1:8000/category/greece/", body=LISTING, encoding="utf-8")
    requests = asyncio.run(spider.follow_listing(spider.theme.listing_page(other, spider.site)))
    assert [request.url for request in requests] == ["http://127.0.0.1:8000/2025/07/16/dated-one/"]


SECTIONS = """<html><body class="archive category">
<div class="td_module_flex"><h3 class="entry-title td-module-title"><a href="/an-article/">Article</a></h3></div>
<ul class="menu"><li><a href="/category/world/">World</a></li><li><a href="/category/greece/">Greece</a></li>
<li><a href="/category/cyprus/">Cyprus</a></li><li><a href="/category/world/">World again</a></li></ul>
<div class="page-nav"><a href="/category/world/page/2/"><i class="td-icon-menu-right"></i></a></div>
</body></html>"""


def test_listing_links_spend_the_pages_budget_too_and_each_is_requested_once(spider: ExampleSpider) -> None:
    spider.max_links_per_page = 4
    response = HtmlResponse(url="http://127.0.0.1:8000/category/world/page/1/", body=SECTIONS, encoding="utf-8")
    requests = asyncio.run(spider.follow_listing(spider.theme.listing_page(response, spider.site)))
    # the article first, then the next page, then sections while the budget lasts (the repeated one costs nothing)
    assert [request.url for request in requests] == [
        "http://127.0.0.1:8000/an-article/",
        "http://127.0.0.1:8000/category/world/page/2/",
        "http://127.0.0.1:8000/category/world/",
        "http://127.0.0.1:8000/category/greece/",
    ]
    assert spider.crawler.stats.get_value("newscrawl/links/ignored/over_page_cap") == 1
    # another page leads to the section left out, and to none requested already
    other = HtmlResponse(url="http://127.0.0.1:8000/category/greece/", body=SECTIONS, encoding="utf-8")
    requests = asyncio.run(spider.follow_listing(spider.theme.listing_page(other, spider.site)))
    assert [request.url for request in requests] == ["http://127.0.0.1:8000/category/cyprus/"]


def test_entries_of_a_feed_off_the_site_are_counted_and_the_first_five_named(
    spider: ExampleSpider, caplog: pytest.LogCaptureFixture
) -> None:
    elsewhere = [f"http://127.0.0.1:{8001 + n}/moved-{n}/" for n in range(6)] + ["https://news.elsewhere.example/moved/"]
    items = "".join(f"<item><link>{url}</link></item>" for url in [*elsewhere, "https://www.example.com/kept/"])
    response = XmlResponse(url="http://127.0.0.1:8000/feed/", body=f"<rss><channel>{items}</channel></rss>".encode())
    with caplog.at_level(logging.WARNING):
        requests = asyncio.run(spider.parse_feed(response))
    assert [request.url for request in requests] == ["http://127.0.0.1:8000/kept/"]
    assert spider.crawler.stats.get_value("newscrawl/links/ignored/offsite") == 7
    assert [record.getMessage() for record in caplog.records] == [
        f"Ignored 7 entries of http://127.0.0.1:8000/feed/: not on the site ({', '.join(elsewhere[:5])}, and 2 more)"
    ]
