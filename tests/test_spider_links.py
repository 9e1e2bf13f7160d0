"""Navigation on one page: which links become requests (no crawl needed)."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from spiders.iproini import IproiniSpider

LISTING = """<html><body class="archive category">
<div class="td_module_flex"><h3 class="entry-title td-module-title"><a href="http://[">Broken</a></h3></div>
<div class="td_module_flex"><h3 class="entry-title td-module-title"><a href="javascript:void(0)">Script</a></h3></div>
<div class="td_module_flex"><h3 class="entry-title td-module-title"><a href="https://iproini.gr/good-one?utm_source=x">Good</a></h3></div>
<div class="td_module_flex"><h3 class="entry-title td-module-title"><a href="http://www.i-proini.com/good-one/">Same</a></h3></div>
</body></html>"""


@pytest.fixture
def spider() -> IproiniSpider:
    crawler = get_crawler(IproiniSpider)
    crawler._apply_settings()
    return IproiniSpider.from_crawler(crawler, base_url="http://127.0.0.1:8000")


def test_a_malformed_link_is_counted_and_the_rest_of_the_page_still_followed(spider):
    response = HtmlResponse(url="http://127.0.0.1:8000/category/world/", body=LISTING, encoding="utf-8")
    requests = list(spider.follow_listing(response, response.url))
    assert [request.url for request in requests] == ["http://127.0.0.1:8000/good-one/"]
    stats = spider.crawler.stats.get_stats()
    assert stats["newscrawl/links/ignored/malformed"] == 1
    assert stats["newscrawl/links/ignored/javascript"] == 1
    assert stats["newscrawl/links/ignored/duplicate"] == 1
