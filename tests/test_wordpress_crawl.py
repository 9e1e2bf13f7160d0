"""The WordPress layer in a crawl: the sitemaps it tries when robots.txt names none, and a shortlink
that leads nowhere. Harbor Gazette's copy, with one page changed in an overlay."""

from __future__ import annotations

from pathlib import Path

from tests.harness import crawl
from tests.sites import FixtureSite
from tools.fixture_server import FixtureServer

HARBOR = FixtureSite("harborgazette")
NO_STORAGE = {"NEWSCRAWL_STORAGE_ENABLED": False, "SPIDERMON_ENABLED": False}


def overlay(root: Path, path: str, text: str) -> Path:
    file = root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")
    return root


def test_a_site_whose_robots_txt_names_no_sitemap_is_read_from_the_usual_one_quietly(tmp_path: Path) -> None:
    robots = (HARBOR.root / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: " in robots
    unnamed = "".join(line for line in robots.splitlines(keepends=True) if not line.startswith("Sitemap: "))
    with FixtureServer("harborgazette", overlay(tmp_path, "robots.txt", unnamed), HARBOR.root) as server:
        result = crawl(HARBOR.spider, {**NO_STORAGE, "LOG_LEVEL": "DEBUG"}, base_url=server.url)
        fetched = server.requests
    # WordPress's own index (wp-sitemap.xml) is there, Yoast's (sitemap_index.xml) is not.
    assert sorted(path for path in fetched if "sitemap" in path) == [
        "/sitemap_index.xml", "/wp-sitemap-posts-post-1.xml", "/wp-sitemap.xml",
    ]  # fmt: skip
    assert result.stat("newscrawl/pages/sitemap") == 2
    assert sorted(item["url"] for item in result.items) == sorted(HARBOR.expected)
    # The one that is missing is expected to be: said at DEBUG, not a skipped page.
    absent = f"No sitemap at {server.url}/sitemap_index.xml (404): the site does not have this one"
    assert f"DEBUG newscrawl.wordpress.spider: {absent}" in result.log
    assert [line for line in result.log if "sitemap_index" in line and not line.startswith("DEBUG ")] == []
    assert result.stat("newscrawl/skipped/soft_404") == 0


def test_a_shortlink_that_leads_nowhere_is_counted_and_said_in_one_line(tmp_path: Path) -> None:
    path = "2025/07/15/our-view-the-bike-lane-vote-was-close-the-follow-through-shouldnt-be/index.html"
    page = (HARBOR.root / path).read_text(encoding="utf-8")
    assert page.count('href="https://www.harborgazette.example/?p=1449"') == 2  # its related posts link one post by shortlink
    gone = page.replace('href="https://www.harborgazette.example/?p=1449"', 'href="https://www.harborgazette.example/?p=99999"')
    with FixtureServer("harborgazette", overlay(tmp_path, path, gone), HARBOR.root) as server:
        result = crawl(HARBOR.spider, NO_STORAGE, base_url=server.url)
    shortlink = "https://www.harborgazette.example/?p=99999"
    assert result.stat("newscrawl/shortlinks/unresolved") == 1
    assert [line for line in result.log if "?p=99999" in line and "shortlink" in line] == [
        f"WARNING newscrawl.wordpress.spider: Could not resolve shortlink {shortlink}: HTTP 404"
    ]
    article = "https://www.harborgazette.example/" + path.removesuffix("index.html")
    (item,) = [item for item in result.items if item["url"] == article]
    assert shortlink in item["related_urls"]  # left as it is
