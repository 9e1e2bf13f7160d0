"""The benchmark site generator and the "second day" fixture, each crawled end to end."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

from bench.sitegen import generate
from newscrawl.themes import NEWSPAPER
from newscrawl.urls import SiteUrls
from newscrawl.wordpress.spider import WordPressSpider
from tests.harness import crawl as run
from tests.sites import FixtureSite
from tools.fixture_server import FixtureServer

IPROINI = FixtureSite("iproini")
DAY2_ROOT = IPROINI.directory / "day2"
EXPECTED_DAY2 = IPROINI.directory / "expected-day2.json"
# Compared with the manifest for every generated post (the generator knows no more of the item).
MANIFEST_FIELDS = ("title", "published_at", "modified_at", "categories", "related_urls")
NOT_COMPARED = {"path", "post_id", "source_url", "crawled_at"}
# One-segment paths that are not posts: WordPress pages and endpoints the theme links.
NOT_POSTS = {"about-us", "contact", "feed", "comments", "wp-json", "wp-admin"}


def crawl(tmp_path: Path, *roots: Path, fast: bool = False) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Serve *roots* (overlaid) and crawl them, storing nothing; the items and the stats."""
    settings: dict[str, Any] = {"NEWSCRAWL_STORAGE_ENABLED": False, "SPIDERMON_ENABLED": False}
    if fast:  # the crawl waits on the network, not the CPU: more requests in flight finish sooner
        settings["CONCURRENT_REQUESTS_PER_DOMAIN"] = 16
    with FixtureServer("iproini", *roots) as server:
        result = run(IPROINI.spider, settings, base_url=server.url)
    assert result.error is None
    return result.items, result.stats


def assert_once_each(items: list[dict[str, Any]], expected_urls: Iterable[str]) -> None:
    urls = [item["url"] for item in items]
    assert len(urls) == len(set(urls)), "an article was emitted twice"
    assert set(urls) == set(expected_urls)


# --- the generator -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """60 posts on archive pages of 5 and sitemaps of 25, and an overlay of 4 new and 2 edited posts."""
    root = tmp_path_factory.mktemp("generated")
    site, day2 = root / "site", root / "day2"
    generate(60, site, seed=3, new=4, out2=day2, edit=2, per_page=5, sitemap_size=25)
    return site, day2


def manifest(directory: Path) -> dict[str, Any]:
    return json.loads((directory / "manifest.json").read_text(encoding="utf-8"))


def test_generator_is_deterministic_and_links_only_generated_posts(tmp_path: Path, generated: tuple[Path, Path]) -> None:
    site, _ = generated
    again = tmp_path / "again"
    generate(60, again, seed=3, per_page=5, sitemap_size=25)
    assert manifest(again) == manifest(site)
    pages = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert pages == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert all((site / p).read_bytes() == (again / p).read_bytes() for p in pages)
    generate(60, tmp_path / "other", seed=4, per_page=5, sitemap_size=25)
    assert manifest(tmp_path / "other")["articles"] != manifest(site)["articles"]

    data = manifest(site)
    assert data["count"] == 60 == len(set(data["articles"]))
    assert len({p["title"] for p in data["posts"]}) == 60
    assert {"post-sitemap.xml", "post-sitemap2.xml", "post-sitemap3.xml"} <= {p.name for p in site.iterdir()}
    assert (site / "category" / "ellada" / "page" / "2" / "index.html").is_file()
    # every link to a post, in any page, leads to a generated post (no fixture post left behind)
    origin = IPROINI.spider.origin
    urls = SiteUrls(origin, IPROINI.spider.domains)
    posts = set(data["articles"])
    ids = {str(p["post_id"]) for p in data["posts"]}
    for page in site.rglob("*.html"):
        for href in re.findall(r'href="([^"]*)"', page.read_text(encoding="utf-8")):
            canonical = urls.canonical(urljoin(origin + "/", html.unescape(href)))
            if canonical is None:
                continue
            path = canonical.removeprefix(origin)
            if path.startswith("/?p="):
                assert path[4:] in ids, (page, href)
            elif re.fullmatch(r"/[^/.?]+/", path) and path.strip("/") not in NOT_POSTS:
                assert canonical in posts, (page, href)


def test_the_template_sites_own_origin_generates_the_same_copy(tmp_path: Path, generated: tuple[Path, Path]) -> None:
    """A benchmark passes its site's origin whatever the site: Proini's own keeps Proini's link variants
    (other domains, ``http://``)."""
    generate(60, tmp_path / "site", seed=3, per_page=5, sitemap_size=25, origin=IPROINI.spider.origin)
    files = sorted(path.relative_to(generated[0]) for path in generated[0].rglob("*") if path.is_file())
    assert files == sorted(path.relative_to(tmp_path / "site") for path in (tmp_path / "site").rglob("*") if path.is_file())
    assert all((tmp_path / "site" / f).read_bytes() == (generated[0] / f).read_bytes() for f in files)
    assert b"https://www.iproini.gr/" in b"".join((generated[0] / f).read_bytes() for f in files)


def test_generated_site_is_crawled_completely(tmp_path: Path, generated: tuple[Path, Path]) -> None:
    site, _ = generated
    items, stats = crawl(tmp_path, site, fast=True)
    posts = {post["url"]: post for post in manifest(site)["posts"]}
    assert_once_each(items, manifest(site)["articles"])
    for item in items:
        assert {f: item[f] for f in MANIFEST_FIELDS} == {f: posts[item["url"]][f] for f in MANIFEST_FIELDS}
    assert len({(item["title"], item["body"]) for item in items}) == len(items)
    assert not [key for key in stats if key.startswith("newscrawl/request_failed")]


def test_generated_second_day_adds_new_posts_and_corrections(tmp_path: Path, generated: tuple[Path, Path]) -> None:
    site, day2 = generated
    overlay = manifest(day2)
    assert overlay["count"] == 4 and len(overlay["edited"]) == 2
    items, _ = crawl(tmp_path, day2, site, fast=True)
    assert_once_each(items, manifest(site)["articles"] + overlay["articles"])
    by_url = {item["url"]: item for item in items}
    new = {post["url"]: post for post in overlay["posts"]}
    for url, post in new.items():
        assert {f: by_url[url][f] for f in MANIFEST_FIELDS} == {f: post[f] for f in MANIFEST_FIELDS}
    for post in overlay["edited_posts"]:
        item = by_url[post["url"]]
        assert item["body"].rsplit("\n\n", 1)[-1].startswith(("Correction:", "Διόρθωση:"))
        assert item["modified_at"] == post["modified_at"]
    newest_before = max(p["published_at"] for p in manifest(site)["posts"])
    assert all(post["published_at"] > newest_before for post in new.values())


# --- the "second day" fixture ------------------------------------------------------------------


def test_second_day_fixture_adds_three_articles_and_edits_one(tmp_path: Path) -> None:
    expected_articles = IPROINI.expected
    day2 = json.loads(EXPECTED_DAY2.read_text(encoding="utf-8"))
    expected_day2 = {article["url"]: article for article in day2["articles"]}
    assert set(expected_day2) == set(day2["new"]) | set(day2["edited"])
    assert len(day2["new"]) == 3 and not set(day2["new"]) & set(expected_articles)
    assert len(day2["edited"]) == 1 and set(day2["edited"]) <= set(expected_articles)

    items, _ = crawl(tmp_path, DAY2_ROOT, IPROINI.root)
    assert len(items) == 27
    assert_once_each(items, set(expected_articles) | set(expected_day2))
    by_url = {item["url"]: item for item in items}
    for url, expected in {**expected_articles, **expected_day2}.items():
        fields = [field for field in expected if field not in NOT_COMPARED]
        assert {f: by_url[url][f] for f in fields} == {f: expected[f] for f in fields}, url

    [edited] = day2["edited"]
    before, after = expected_articles[edited], expected_day2[edited]
    assert after["title"] != before["title"] and after["body"] != before["body"]
    assert after["modified_at"] > before["modified_at"]


# --- a new site on the same theme ---------------------------------------------------------------


class EllinikosTyposSpider(WordPressSpider):
    """spiders/iproini.py with only the name, the origin and the domains changed."""

    name = "ellinikostypos"
    origin = "https://www.ellinikos-typos.example"
    domains = ("ellinikos-typos.example",)
    timezone = "America/New_York"
    theme = NEWSPAPER


def test_a_new_tagdiv_site_with_date_permalinks_is_crawled_as_completely_and_correctly_as_proini(tmp_path: Path) -> None:
    """The same 40 generated posts, once as Proini's (/%postname%/) and once as another site's
    (/%year%/%monthnum%/%day%/%postname%/): the new site's crawl finds every post, and every field
    is what Proini's crawl gives for the same post."""
    proini, other = tmp_path / "proini", tmp_path / "other"
    generate(40, proini, seed=5, per_page=6, sitemap_size=15)
    generate(40, other, seed=5, per_page=6, sitemap_size=15, origin=EllinikosTyposSpider.origin, permalinks="date")
    settings = {"NEWSCRAWL_STORAGE_ENABLED": False, "SPIDERMON_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 16}
    with FixtureServer("iproini", proini) as server:
        reference = run(IPROINI.spider, settings, base_url=server.url)
    with FixtureServer(EllinikosTyposSpider, other) as server:
        result = run(EllinikosTyposSpider, settings, base_url=server.url)
    posts = manifest(other)["articles"]
    assert all(re.fullmatch(r"https://www\.ellinikos-typos\.example/2025/0[67]/\d\d/[^/]+/", url) for url in posts)
    assert_once_each(result.items, posts)
    assert len(reference.items) == len(result.items) == 40

    def as_proini(value: Any) -> Any:
        """A value of the new site's item as Proini's item has it: its URLs on Proini's origin, without the date."""
        if isinstance(value, list):
            return [as_proini(v) for v in value]
        if isinstance(value, str) and value.startswith(EllinikosTyposSpider.origin):
            return re.sub(r"^https://www\.ellinikos-typos\.example(/\d{4}/\d\d/\d\d)?", "https://www.iproini.com", value)
        return value

    expected = {item["url"]: item for item in reference.items}
    fields = [field for field in expected[next(iter(expected))] if field not in ("site", "source_url", "crawled_at")]
    for item in result.items:
        want = expected[as_proini(item["url"])]
        assert {f: as_proini(item[f]) for f in fields} == {f: want[f] for f in fields}, item["url"]
        assert item["site"] == "ellinikostypos"
