"""Extraction of every fixture page of every fixture site, field by field, against its expected.json."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from scrapy.http import HtmlResponse

from newscrawl.news.extraction import AmpCopy, Article, ArticleExtractor, NeedsRendering, NotArticle, NotFound
from newscrawl.news.spider import NewsSiteSpider
from newscrawl.urls import normalize_path
from tests.sites import CONTENT_FIELDS, SITES, FixtureSite, as_json
from tests.spiders import ExampleSpider

NOW = datetime(2025, 9, 30, 23, 0, tzinfo=UTC)
IPROINI = SITES[0]


def extractor(site: FixtureSite | type[NewsSiteSpider]) -> ArticleExtractor:
    """The extractor of a fixture site's spider, or of a spider of a made-up site."""
    spider = (site if isinstance(site, type) else site.spider)()
    return ArticleExtractor(spider.site, spider.theme, min_body_words=10, fallback=spider.fallback_page)


def shortlinks(site: FixtureSite) -> dict[str, str]:
    return {f"{site.spider.origin}/?p={a['post_id']}": a["url"] for a in site.expected.values()}


ARTICLES = [(site, article) for site in SITES for article in site.article_pages]
NON_ARTICLES = [(site, path) for site in SITES for path in site.non_articles]


@pytest.mark.parametrize(("site", "expected"), ARTICLES, ids=[f"{s.name}:{a['path'][:40]}" for s, a in ARTICLES])
def test_article_fields(site: FixtureSite, expected: dict[str, Any]) -> None:
    """Every field exact; a post split into pages read page by page, as the spider does; a page whose
    text a script fills in sent to the browser, with every other field already exact."""
    reader = extractor(site)
    outcome = reader.extract(site.response(expected["path"], expected["url"]), NOW)
    if expected.get("rendered"):
        assert isinstance(outcome, NeedsRendering)
        assert outcome.reason == expected["rendered"]
        fields = [field for field in CONTENT_FIELDS[:-1] if field != "body"]
    else:
        assert isinstance(outcome, Article)
        fields = list(CONTENT_FIELDS[:-1])
    item = outcome.item
    for later in expected.get("pages", [])[1:]:
        later_url = site.spider.origin + "/" + later.removesuffix("index.html")
        item["body"] += "\n\n" + "\n\n".join(reader.continuation(site.response(later, later_url), NOW).paragraphs)
    for field in fields:
        assert as_json(item[field]) == expected[field], field
    assert item["extractor"] == expected.get("extractor", site.spider.theme.name)
    # The extractor keeps /?p=N shortlinks; the spider resolves them (the crawl tests check that).
    assert [shortlinks(site).get(url, url) for url in item["related_urls"]] == expected["related_urls"]
    assert item["source_url"] == expected["url"]
    assert item["crawled_at"] == NOW


@pytest.mark.parametrize(("site", "path"), NON_ARTICLES, ids=[f"{s.name}:{p}" for s, p in NON_ARTICLES])
def test_non_article_pages_give_no_item(site: FixtureSite, path: str) -> None:
    outcome = extractor(site).extract(site.response(path, site.spider.origin + path), NOW)
    assert isinstance(outcome, NotArticle)


@pytest.mark.parametrize("site", SITES, ids=lambda s: s.name)
def test_the_theme_404_page_is_not_found(site: FixtureSite) -> None:
    assert isinstance(extractor(site).extract(site.response("404.html"), NOW), NotFound)


@pytest.mark.parametrize("path", sorted(str(p.relative_to(IPROINI.root)) for p in IPROINI.root.glob("*/amp/index.html")))
def test_amp_copies_name_their_article(path: str) -> None:
    outcome = extractor(IPROINI).extract(IPROINI.response(path), NOW)
    assert outcome == AmpCopy(IPROINI.spider.origin + normalize_path("/" + path.removesuffix("amp/index.html")))


@pytest.mark.parametrize(
    "change",
    [
        lambda html: html.replace("<article", "<section").replace("</article>", "</section>"),  # no <article>
        lambda html: html.replace("<body", "<article class='promo'></article><body", 1),  # another <article>
    ],
    ids=["no-article-element", "other-article-element"],
)
@pytest.mark.parametrize("expected", list(IPROINI.expected.values())[:8], ids=lambda a: a["path"][:30])
def test_fields_are_found_whatever_wraps_the_post(expected: dict[str, Any], change: Callable[[str], str]) -> None:
    # Without structured data, so that every field has to come from the theme's markup.
    html = re.sub(r"<script[^>]*ld\+json.*?</script>", "", (IPROINI.root / expected["path"]).read_text("utf-8"), flags=re.S)
    as_served, changed = (
        extractor(IPROINI).extract(HtmlResponse(url=expected["url"], body=page_html, encoding="utf-8"), NOW)
        for page_html in (html, change(html))
    )
    assert isinstance(as_served, Article) and isinstance(changed, Article)
    assert {f: as_served.item[f] for f in CONTENT_FIELDS} == {f: changed.item[f] for f in CONTENT_FIELDS}


def test_blocks_nested_in_the_body_are_read_once_and_ads_never() -> None:
    html = """<html><body class="single single-post postid-5"><article id="template-id-1">
    <div class="td_block_wrap tdb_title"><div class="tdb-block-inner"><h1 class="tdb-title-text">A title</h1></div></div>
    <div class="td_block_wrap tdb_single_content"><div class="tdb-block-inner td-fix-index">
    <p>First paragraph of the article, long enough to be kept.</p>
    <div class="td_block_wrap td_block_ad_box td-a-rec"><div class="tdb-block-inner">- Advertisement -</div></div>
    <div class="td_block_wrap td_block_inline"><div class="tdb-block-inner"><p>Inline block text</p></div></div>
    <p>Second paragraph.</p></div></div></article></body></html>"""
    url = f"{ExampleSpider.origin}/a/"
    outcome = extractor(ExampleSpider).extract(HtmlResponse(url=url, body=html, encoding="utf-8"), NOW)
    assert isinstance(outcome, Article)
    assert (
        outcome.item["body"]
        == "First paragraph of the article, long enough to be kept.\n\nInline block text\n\nSecond paragraph."
    )


@pytest.mark.parametrize("link", ["http://[", "{origin}:99999/x/", "http://[::1"])
@pytest.mark.parametrize("site", SITES, ids=lambda s: s.name)
def test_malformed_links_are_skipped_not_fatal(site: FixtureSite, link: str) -> None:
    link = link.format(origin=site.spider.origin)
    expected = next(iter(site.expected.values()))
    html = (site.root / expected["path"]).read_text("utf-8")
    html = html.replace("<body", f'<link rel="canonical" href="{link}"><base href="{link}"><body', 1)
    html = html.replace('property="og:image" content="', f'property="og:image" content="{link}', 1)
    outcome = extractor(site).extract(HtmlResponse(url=expected["url"], body=html, encoding="utf-8"), NOW)
    assert isinstance(outcome, Article)
    assert outcome.item["url"] == expected["url"] and outcome.item["title"] == expected["title"]


#: a post whose own article element holds one of its theme's article lists ahead of its own date
POSTS_WITH_AN_ARTICLE_LIST = {
    "iproini": """<html><body class="single single-post postid-5"><article>
    <div class="td_block_wrap"><div class="td_module_flex td_module_flex_1">
    <meta itemprop="datePublished" content="2020-01-02T03:04:05+00:00">
    <h3 class="entry-title td-module-title"><a href="/other/">Other</a></h3></div></div>
    <header class="td-post-title"><h1 class="entry-title">A title</h1></header>
    <meta itemprop="datePublished" content="2025-07-15T10:00:00+00:00">
    <div class="td-post-content"><p>First paragraph of the article, long enough to be kept as one.</p></div>
    </article></body></html>""",
    "harborgazette": """<html><body class="post-template-default single single-post postid-5"><main>
    <ul class="wp-block-post-template"><li class="wp-block-post">
    <meta itemprop="datePublished" content="2020-01-02T03:04:05+00:00">
    <h2 class="wp-block-post-title"><a href="/2020/01/02/other/">Other</a></h2></li></ul>
    <h1 class="wp-block-post-title">A title</h1>
    <meta itemprop="datePublished" content="2025-07-15T10:00:00+00:00">
    <div class="wp-block-post-content"><p>First paragraph of the article, long enough to be kept as one.</p></div>
    </main></body></html>""",
}


@pytest.mark.parametrize("site", SITES[:2], ids=lambda site: site.name)
def test_microdata_of_the_theme_s_article_lists_is_not_the_post_s(site: FixtureSite) -> None:
    """A list module's microdata, inside the post's element and ahead of the post's own, describes another article."""
    url = f"{site.spider.origin}/a/"
    body = POSTS_WITH_AN_ARTICLE_LIST[site.name]
    outcome = extractor(site).extract(HtmlResponse(url=url, body=body, encoding="utf-8"), NOW)
    assert isinstance(outcome, Article)
    assert outcome.item["published_at"] == datetime(2025, 7, 15, 10, tzinfo=UTC)
