"""Input nested deeper than parsers go: markup libxml2 stops building, JSON-LD json.loads cannot read."""

from __future__ import annotations

from datetime import UTC, datetime

from lxml.html import document_fromstring
from parsel import Selector
from scrapy.http import HtmlResponse

from newscrawl.markup import MAX_DEPTH, end_depth, ends_deep, flatten
from newscrawl.news.extraction import Article, ArticleExtractor, readable
from newscrawl.news.metadata import StructuredData
from tests.sites import FixtureSite

IPROINI = FixtureSite("iproini")
DEEP_ARTICLE = IPROINI.directory / "bad" / "deep-markup-article" / "index.html"
LEVELS = 3000


def deep_page(levels: int = LEVELS) -> str:
    return f"<html><body><p>Before</p>{'<div>' * levels}Deep{'</div>' * levels}<p>After</p></body></html>"


def test_libxml2_drops_everything_after_2048_levels_of_nesting() -> None:
    parsed = Selector(text=deep_page())  # as Scrapy parses, huge_tree included
    assert parsed.css("p::text").getall() == ["Before"]  # "After" is gone, and "Deep" with it
    assert end_depth(parsed.root) == 2047 and ends_deep(parsed.root)
    assert not ends_deep(Selector(text=deep_page(levels=400)).root)


def test_flattening_keeps_the_text_and_bounds_the_depth() -> None:
    html, dropped = flatten(deep_page())
    parsed = Selector(text=html)
    assert parsed.xpath("string(//body)").get() == "BeforeDeepAfter"
    assert end_depth(parsed.root) == 2 and max(len(list(e.iterancestors())) for e in parsed.root.iter()) == MAX_DEPTH - 1
    assert dropped == LEVELS - (MAX_DEPTH - 2)  # <html> and <body> are two of the levels kept


def test_flattening_writes_the_rest_of_the_page_as_it_was() -> None:
    head = '<!DOCTYPE html><html lang="el"><head><meta charset="utf-8"><script>if (a < b && c) { x = "</div>"; }</script>'
    page = (
        f"{head}</head><body><!-- c --><p class=\"x\" data-a='1'>A &amp; B &#931; &lt;tag&gt;<br/>x<img src=a.png></p>"
        f"<ul><li>one<li>two</ul>{'<span>' * 600}<script>var hidden = 1;</script>text{'</span>' * 600}</body></html>"
    )
    html, dropped = flatten(page)
    assert html.startswith(
        f"{head}</head><body><!-- c --><p class=\"x\" data-a='1'>A &amp; B &#931; &lt;tag&gt;<br/>x<img src=a.png></p>"
        "<ul><li>one</li><li>two</li></ul>"
    )
    assert "var hidden" not in html  # a script too deep to keep is not turned into text
    assert html.endswith("text" + "</span>" * (MAX_DEPTH - 2) + "</body></html>") and dropped == 600 - (MAX_DEPTH - 2) + 1


def test_an_article_nested_3000_deep_keeps_its_text_tags_and_the_rest() -> None:
    body = DEEP_ARTICLE.read_bytes()
    assert body.count(b"<div>") == LEVELS
    response = HtmlResponse("https://www.iproini.com/deep-markup-article/", body=body, encoding="utf-8")
    read, problems = readable(response)
    assert problems == [
        # the nesting starts 10 levels deep in the page: 512 - 10 of its levels are kept
        ("deep_markup", f"{LEVELS - MAX_DEPTH + 10} tags nested deeper than {MAX_DEPTH} levels left out, their text kept")
    ]
    spider = IPROINI.spider()
    outcome = ArticleExtractor(spider.site, spider.theme, 10).extract(read, datetime(2025, 7, 16, 23, tzinfo=UTC), problems)
    assert isinstance(outcome, Article)
    assert outcome.item["body"].split("\n\n") == [
        "Parliament approved on Tuesday a law that limits new short-term rental licences in the historic centre of Athens "
        "for the next two years.",
        "The measure was backed by 158 members of parliament, while the opposition parties voted against it.",
        "Owners of existing licences will keep them, but will have to register with the tax authorities by the end of the year.",
    ]
    assert outcome.item["tags"] == ["Greece"]  # after the nesting, in the page's footer
    assert outcome.problems[0] == problems[0]


def test_a_page_of_ordinary_depth_is_read_as_served() -> None:
    response = HtmlResponse("https://www.example.com/a/", body=deep_page(levels=400).encode(), encoding="utf-8")
    assert readable(response) == (response, [])


def test_json_ld_nested_5000_deep_is_invalid_and_the_page_read_from_its_other_sources() -> None:
    script = '{"@type": "NewsArticle", "headline": "H", "author": ' + "[" * 5000 + '"A"' + "]" * 5000 + "}"
    root = document_fromstring(f'<html><head><script type="application/ld+json">{script}</script></head><body></body></html>')
    problems: list[tuple[str, str]] = []
    assert StructuredData.from_root(root, problems) == StructuredData()
    assert problems == [("invalid_jsonld", "maximum recursion depth exceeded while decoding a JSON array from a unicode string")]
