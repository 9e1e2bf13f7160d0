"""Extraction on every fixture page, field by field, against fixtures/iproini/expected.json."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote
from datetime import datetime, timezone

import pytest
from scrapy.http import HtmlResponse

from newscrawl.fixture_server import DEFAULT_ROOT
from newscrawl.urls import normalize_path
from spiders.iproini import IproiniSpider

EXPECTED = json.loads((DEFAULT_ROOT.parent / "expected.json").read_text(encoding="utf-8"))
SHORTLINKS = {f"https://www.iproini.com/?p={a['post_id']}": a["url"] for a in EXPECTED["articles"]}
NOW = datetime(2025, 7, 16, 16, 0, tzinfo=timezone.utc)
FIELDS = (
    "url", "site", "title", "description", "body", "authors", "published_at", "modified_at",
    "language", "categories", "tags", "image_url", "related_urls",
)


@pytest.fixture(scope="module")
def spider() -> IproiniSpider:
    return IproiniSpider()


def page(path: str, url: str) -> HtmlResponse:
    """A fixture file as the production site serves it (absolute production links)."""
    return HtmlResponse(url=url, body=(DEFAULT_ROOT / path).read_bytes(), encoding="utf-8")


def as_json(value):
    return value.isoformat() if isinstance(value, datetime) else value


@pytest.mark.parametrize("expected", EXPECTED["articles"], ids=lambda a: a["path"].split("/")[0][:40])
def test_article_fields(spider, expected):
    extraction = spider.extractor.extract(page(expected["path"], expected["url"]), NOW)
    assert extraction.skipped is None
    item = extraction.item
    for field in FIELDS[:-1]:
        assert as_json(item[field]) == expected[field], field
    # The extractor keeps /?p=N shortlinks; the spider resolves them (test_crawl checks that).
    assert [SHORTLINKS.get(url, url) for url in item["related_urls"]] == expected["related_urls"]
    assert item["source_url"] == expected["url"]
    assert item["crawled_at"] == NOW


@pytest.mark.parametrize("path", EXPECTED["non_articles"])
def test_non_article_pages_give_no_item(spider, path):
    relative = unquote(path).strip("/") + "/index.html" if path.strip("/") else "index.html"
    if not (DEFAULT_ROOT / relative).exists():
        relative = path.strip("/")
    extraction = spider.extractor.extract(page(relative, "https://www.iproini.com" + path), NOW)
    assert extraction.item is None
    assert extraction.skipped in {"not_article", "amp_copy"}


@pytest.mark.parametrize("path", ["404.html", *(str(p.relative_to(DEFAULT_ROOT)) for p in DEFAULT_ROOT.glob("*/amp/index.html"))])
def test_theme_404_and_amp_copies_are_not_articles(spider, path):
    extraction = spider.extractor.extract(page(path, "https://www.iproini.com/" + path.removesuffix("index.html")), NOW)
    assert extraction.item is None
    if path.endswith("amp/index.html"):  # an AMP copy names the post it copies
        assert extraction.skipped == "amp_copy"
        assert extraction.canonical_url == "https://www.iproini.com" + normalize_path("/" + path.removesuffix("amp/index.html"))
    else:
        assert extraction.skipped == "not_article"


@pytest.mark.parametrize(
    "change",
    [
        lambda html: html.replace("<article", "<section").replace("</article>", "</section>"),  # no <article>
        lambda html: html.replace("<body", "<article class='promo'></article><body", 1),  # another <article>
    ],
    ids=["no-article-element", "other-article-element"],
)
@pytest.mark.parametrize("expected", EXPECTED["articles"][:8], ids=lambda a: a["path"].split("/")[0][:30])
def test_fields_are_found_whatever_wraps_the_post(spider, expected, change):
    # Without structured data, so that every field has to come from the theme's markup.
    html = re.sub(r"<script[^>]*ld\+json.*?</script>", "", (DEFAULT_ROOT / expected["path"]).read_text("utf-8"), flags=re.S)
    as_served, changed = (
        spider.extractor.extract(HtmlResponse(url=expected["url"], body=page_html, encoding="utf-8"), NOW).item
        for page_html in (html, change(html))
    )
    assert {f: as_served[f] for f in FIELDS} == {f: changed[f] for f in FIELDS}


def test_blocks_nested_in_the_body_are_read_once_and_ads_never(spider):
    html = """<html><body class="single single-post postid-5"><article id="template-id-1">
    <div class="td_block_wrap tdb_title"><div class="tdb-block-inner"><h1 class="tdb-title-text">A title</h1></div></div>
    <div class="td_block_wrap tdb_single_content"><div class="tdb-block-inner td-fix-index">
    <p>First paragraph of the article.</p>
    <div class="td_block_wrap td_block_ad_box td-a-rec"><div class="tdb-block-inner">- Advertisement -</div></div>
    <div class="td_block_wrap td_block_inline"><div class="tdb-block-inner"><p>Inline block text</p></div></div>
    <p>Second paragraph.</p></div></div></article></body></html>"""
    item = spider.extractor.extract(HtmlResponse(url="https://www.iproini.com/a/", body=html, encoding="utf-8"), NOW).item
    assert item["body"] == "First paragraph of the article.\n\nInline block text\n\nSecond paragraph."


@pytest.mark.parametrize(
    "link",
    ["http://[", "https://www.iproini.com:99999/x/", "http://[::1"],
)
def test_malformed_links_are_skipped_not_fatal(spider, link):
    expected = EXPECTED["articles"][0]
    html = (DEFAULT_ROOT / expected["path"]).read_text("utf-8")
    html = html.replace("<body", f'<link rel="canonical" href="{link}"><base href="{link}"><body', 1)
    html = html.replace('property="og:image" content="', f'property="og:image" content="{link}', 1)
    item = spider.extractor.extract(HtmlResponse(url=expected["url"], body=html, encoding="utf-8"), NOW).item
    assert item["url"] == expected["url"] and item["title"] == expected["title"]
