import pytest

from newscrawl.urls import SiteUrls, normalize_path
from tests.spiders import ExampleSpider

CANONICAL = "https://www.example.com/council-approves-2026-budget/"
GREEK = "https://www.example.com/%ce%b5%cf%80%ce%b9%cf%83%cf%84%cf%81%ce%bf%cf%86%ce%ae/"


@pytest.fixture
def urls() -> SiteUrls:
    return SiteUrls(ExampleSpider.origin, ExampleSpider.domains)


@pytest.mark.parametrize(
    "variant",
    [
        CANONICAL,
        "http://www.example.com/council-approves-2026-budget/",
        "https://example.org/council-approves-2026-budget/",
        "http://example.net/council-approves-2026-budget",
        "https://www.example.net/council-approves-2026-budget/?utm_source=facebook&utm_medium=social",
        "https://www.example.com/council-approves-2026-budget/?fbclid=IwAR0abc",
        "https://www.example.com/council-approves-2026-budget/?gclid=xyz#comments",
        "https://www.example.com/council-approves-2026-budget/amp/",
        "https://WWW.EXAMPLE.COM/council-approves-2026-budget/amp",
        "  https://www.example.com/council-approves-2026-budget/?amp=1 ",
    ],
)
def test_every_variant_of_a_post_url_has_one_canonical_form(urls: SiteUrls, variant: str) -> None:
    assert urls.canonical(variant) == CANONICAL


@pytest.mark.parametrize(
    "variant",
    [
        GREEK,
        "https://www.example.com/%CE%B5%CF%80%CE%B9%CF%83%CF%84%CF%81%CE%BF%CF%86%CE%AE/",
        "https://www.example.com/επιστροφή/",
        "http://example.org/επιστροφή",
    ],
)
def test_greek_slugs_are_percent_encoded_with_lowercase_hex(urls: SiteUrls, variant: str) -> None:
    assert urls.canonical(variant) == GREEK


def test_shortlink_keeps_its_post_id(urls: SiteUrls) -> None:
    assert urls.canonical("http://example.org/?p=12345&utm_campaign=x") == "https://www.example.com/?p=12345"


@pytest.mark.parametrize(
    "url", ["https://www.google.com/x/", "mailto:desk@example.com", "javascript:void(0)", "https://notexample.com/a/"]
)
def test_off_site_links_have_no_canonical_url(urls: SiteUrls, url: str) -> None:
    assert urls.canonical(url) is None


def test_files_get_no_trailing_slash(urls: SiteUrls) -> None:
    assert (
        urls.canonical("http://example.org/wp-content/uploads/2025/07/a.jpg")
        == "https://www.example.com/wp-content/uploads/2025/07/a.jpg"
    )


def test_base_url_maps_a_mirror_to_production_and_back() -> None:
    urls = SiteUrls(ExampleSpider.origin, ExampleSpider.domains, "http://127.0.0.1:8123/")
    assert urls.canonical("http://127.0.0.1:8123/council-approves-2026-budget") == CANONICAL
    assert urls.to_crawl(CANONICAL) == "http://127.0.0.1:8123/council-approves-2026-budget/"
    assert urls.to_crawl("https://www.example.com/?p=7") == "http://127.0.0.1:8123/?p=7"
    assert urls.canonical("http://127.0.0.1:9999/a/") is None
    assert "127.0.0.1" in urls.allowed_domains and "example.net" in urls.allowed_domains


def test_base_url_must_be_an_origin() -> None:
    with pytest.raises(ValueError, match="base_url"):
        SiteUrls(ExampleSpider.origin, ExampleSpider.domains, "127.0.0.1:8000")


def test_normalize_path_is_idempotent() -> None:
    path = "/%ce%b5-a%20b/"
    assert normalize_path(normalize_path(path)) == normalize_path(path) == "/%ce%b5-a%20b/"


def test_is_crawled_origin_tells_the_live_site_from_a_copy() -> None:
    live = SiteUrls(ExampleSpider.origin, ExampleSpider.domains)
    copy = SiteUrls(ExampleSpider.origin, ExampleSpider.domains, "http://127.0.0.1:8000")
    assert live.is_crawled_origin("http://example.net/a/") and not live.is_crawled_origin("http://127.0.0.1:8000/a/")
    assert copy.is_crawled_origin("http://127.0.0.1:8000/a/") and not copy.is_crawled_origin("https://www.example.com/a/")
    assert not copy.is_crawled_origin("http://[")


@pytest.mark.parametrize(
    ("url", "on_copy"),
    [
        ("http://127.0.0.1:8000/a/", True),
        ("HTTP://127.0.0.1:8000/a/?x=1#y", True),
        ("http://127.0.0.1:8001/a/", False),  # another port of the same host: another service
        ("http://127.0.0.1/a/", False),
        ("https://127.0.0.1:8000/a/", False),  # another scheme
        ("ws://127.0.0.1:8000/socket", False),
        ("http://127.0.0.2:8000/a/", False),  # the same port of another address
        ("http://localhost:8000/a/", True),  # localhost and 127.0.0.1 are one host (a copy given either way)
        ("http://127.0.0.1:99999/a/", False),  # not even a port
        ("javascript:alert(1)", False),
    ],
)
def test_a_copy_is_one_origin_scheme_host_and_port(url: str, on_copy: bool) -> None:
    copy = SiteUrls(ExampleSpider.origin, ExampleSpider.domains, "http://127.0.0.1:8000")
    assert copy.is_crawled_origin(url) is on_copy


@pytest.mark.parametrize(
    ("url", "on_live"),
    [
        ("https://www.example.com/a/", True),
        ("https://www.example.com:443/a/", True),
        ("http://example.org/a/", True),  # WordPress redirects the site's other domains and http to the canonical origin
        ("https://www.example.com:8443/a/", False),
        ("http://www.example.com:8080/a/", False),
        ("https://cdn.example.com/a.js", False),  # a subdomain is another origin too
        ("https://example.com.elsewhere.example/a/", False),
    ],
)
def test_the_live_site_is_its_domains_on_the_default_ports(url: str, on_live: bool) -> None:
    live = SiteUrls(ExampleSpider.origin, ExampleSpider.domains)
    assert live.is_crawled_origin(url) is on_live
