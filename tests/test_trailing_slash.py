"""Permalinks with or without a trailing slash, learnt from the site rather than declared."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from newscrawl.news.extraction import Article, ArticleExtractor
from newscrawl.urls import SiteUrls
from newscrawl.wordpress.routes import can_be_post, is_section
from tests.harness import crawl
from tests.sites import CONTENT_FIELDS, FixtureSite
from tools.fixture_server import FixtureServer

ORIGIN = "https://www.example.com"


def site_urls(trailing_slash: bool | None = None) -> SiteUrls:
    return SiteUrls(ORIGIN, ["example.com"], trailing_slash=trailing_slash)


def test_links_get_the_slash_until_the_site_says_otherwise() -> None:
    urls = site_urls()
    assert urls.canonical("https://example.com/archives/1462") == f"{ORIGIN}/archives/1462/"
    urls.learn_permalink(f"{ORIGIN}/archives/1462")
    assert urls.canonical("https://example.com/archives/1462/") == f"{ORIGIN}/archives/1462"
    assert urls.canonical("https://example.com/archives/1463?utm_source=x") == f"{ORIGIN}/archives/1463"
    assert urls.key(f"{ORIGIN}/archives/1462/") == urls.key(f"{ORIGIN}/archives/1462")


def test_a_slashed_permalink_keeps_the_slash() -> None:
    urls = site_urls()
    urls.learn_permalink(f"{ORIGIN}/2025/07/16/a-post/")
    assert urls.canonical(f"{ORIGIN}/2025/07/16/another-post") == f"{ORIGIN}/2025/07/16/another-post/"


@pytest.mark.parametrize(
    "declared",
    [
        f"{ORIGIN}/",  # the front page: no name
        f"{ORIGIN}/wp-content/uploads/a.jpg",  # a file
        f"{ORIGIN}/?p=1462",  # a shortlink
        "https://elsewhere.example/archives/1462",  # another site
        "http://[",  # not a URL
    ],
)
def test_what_tells_nothing_of_the_permalinks_is_passed_over(declared: str) -> None:
    urls = site_urls()
    urls.learn_permalink(declared)
    urls.learn_permalink(f"{ORIGIN}/archives/1462")  # the first that tells
    assert urls.canonical(f"{ORIGIN}/archives/1463/") == f"{ORIGIN}/archives/1463"


def test_the_first_permalink_decides_and_a_declared_form_is_kept() -> None:
    learnt = site_urls()
    learnt.learn_permalink(f"{ORIGIN}/archives/1462")
    learnt.learn_permalink(f"{ORIGIN}/about/")  # WordPress writes every permalink alike: not a second opinion
    assert learnt.canonical(f"{ORIGIN}/archives/1463/") == f"{ORIGIN}/archives/1463"
    declared = site_urls(trailing_slash=True)
    declared.learn_permalink(f"{ORIGIN}/archives/1462")
    assert declared.canonical(f"{ORIGIN}/archives/1463") == f"{ORIGIN}/archives/1463/"


@pytest.mark.parametrize(
    ("path", "section", "post"),
    [
        ("/category/local", True, False),
        ("/category/local/waterfront", True, False),
        ("/category/local/page/2", False, False),
        ("/archives/1462", False, True),
        ("/2025/07/16/harbor-dredging-wins-grant", False, True),
        ("/harbor-dredging-wins-grant/comment-page-2", False, False),
    ],
)
def test_wordpress_routes_are_read_without_the_slash_too(path: str, section: bool, post: bool) -> None:
    assert (is_section(ORIGIN + path), can_be_post(ORIGIN + path)) == (section, post)


# --- a site whose permalinks have no slash, crawled -----------------------------------------------

HARBOR = FixtureSite("harborgazette")
#: a permalink of the site with its trailing slash: a path whose last segment is a name (no file)
_SLASHED = re.compile(r"(https://www\.harborgazette\.example(?:/[^/\"'<>\s?#]+)*/[^/.\"'<>\s?#]+)/(?=[\"'<>\s?#])")


def slashless_copy(root: Path) -> Path:
    """Harbor Gazette's copy with every permalink written without its slash, as /archives/%post_id% sites are."""
    shutil.copytree(HARBOR.root, root)
    for file in root.rglob("*"):
        if file.suffix in (".html", ".xml", ".txt") or file.name == "index.xml":
            file.write_text(_SLASHED.sub(r"\1", file.read_text(encoding="utf-8")), encoding="utf-8")
    return root


def test_an_article_s_canonical_link_tells_the_form_of_its_own_url(tmp_path: Path) -> None:
    """A post fetched under the other form, no redirect seen: its rel=canonical decides its URL, and the next links'."""
    root = slashless_copy(tmp_path / "site")
    path = "2025/07/16/harbor-dredging-project-wins-federal-grant/"
    spider = HARBOR.spider()
    extractor = ArticleExtractor(spider.site, spider.theme, min_body_words=10, fallback=spider.fallback_page)
    body = (root / path / "index.html").read_bytes()
    outcome = extractor.extract(HtmlResponse(url=f"{spider.origin}/{path}", body=body), datetime.now(UTC))
    assert isinstance(outcome, Article)
    assert outcome.item["url"] == f"{spider.origin}/{path}".rstrip("/")
    assert spider.site_urls.canonical(f"{spider.origin}/2025/07/15/x/") == f"{spider.origin}/2025/07/15/x"


def test_a_site_whose_permalinks_have_no_slash_is_stored_as_it_writes_them(tmp_path: Path) -> None:
    root = slashless_copy(tmp_path / "site")
    page = (root / "2025/07/16/harbor-dredging-project-wins-federal-grant/index.html").read_text(encoding="utf-8")
    assert (
        'rel="canonical" href="https://www.harborgazette.example/2025/07/16/harbor-dredging-project-wins-federal-grant"' in page
    )
    with FixtureServer("harborgazette", root, trailing_slash=False) as server:
        result = crawl(HARBOR.spider, {"NEWSCRAWL_STORAGE_ENABLED": False, "SPIDERMON_ENABLED": False}, base_url=server.url)
        fetched = list(server.requests)
    expected = {
        url.rstrip("/"): {**article, "url": url.rstrip("/"), "related_urls": [u.rstrip("/") for u in article["related_urls"]]}
        for url, article in HARBOR.expected.items()
    }
    assert sorted(item["url"] for item in result.items) == sorted(expected)
    for item in result.items:
        assert {field: item[field] for field in CONTENT_FIELDS} == {
            field: expected[item["url"]][field] for field in CONTENT_FIELDS
        }
    # Learnt from the first redirect of the slash: only what the front page links, asked for before
    # any answer came, is asked for with the slash (and redirected); every article is fetched once.
    for url in expected:
        path = url.removeprefix(HARBOR.spider.origin)
        assert fetched.count(path) == 1 and fetched.count(path + "/") <= 1, path
    front_page = {path + "/" for path in re.findall(r'href="https://www\.harborgazette\.example(/[^"?#]+)"', home_page(root))}
    slashed = {path for path in fetched if path.endswith("/") and path != "/"}
    assert "/feed/" in slashed  # an entry path, written as WordPress's own
    assert slashed - {"/feed/"} <= front_page
    assert len(slashed) < len(expected)


def home_page(root: Path) -> str:
    return (root / "index.html").read_text(encoding="utf-8")
