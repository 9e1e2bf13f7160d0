"""The rules extraction follows beyond one fixture page: bylines as a reader names them, what leaves a
body, when a page goes to the browser, multi-page posts, and the compiled selectors the speed rests on."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from lxml.html import fromstring
from parsel import Selector
from scrapy.http import HtmlResponse

from newscrawl.bylines import author_names, is_desk, writers
from newscrawl.news.body import read_containers, take_credits
from newscrawl.news.extraction import Article, ArticleExtractor, LaterPage, NeedsRendering, Stub
from newscrawl.news.selectors import ClassIndex, select, values
from newscrawl.themes.tagdiv import NewspaperArticlePage
from tests.sites import SITES, FixtureSite

NOW = datetime(2025, 9, 30, 23, 0, tzinfo=UTC)
NEASELIDA = FixtureSite("neaselida")


def extractor(site: FixtureSite = NEASELIDA) -> ArticleExtractor:
    spider = site.spider()
    return ArticleExtractor(spider.site, spider.theme, min_body_words=10, fallback=spider.fallback_page)


def case(slug_start: str) -> dict[str, Any]:
    return next(article for article in NEASELIDA.article_pages if article["path"].startswith(slug_start))


def served(article: dict[str, Any], change: Callable[[str], str] = lambda html: html) -> HtmlResponse:
    html = (NEASELIDA.root / article["path"]).read_text("utf-8")
    return HtmlResponse(url=article["url"], body=change(html), encoding="utf-8")


# --- bylines ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Helen Carter for Reuters", ["Helen Carter"]),
        ("By Anna Lee and Mark Ortiz", ["Anna Lee", "Mark Ortiz"]),
        ("Anna Lee & Mark Ortiz", ["Anna Lee", "Mark Ortiz"]),
        ("Anna Lee, Mark Ortiz and Nikos Andreou", ["Anna Lee", "Mark Ortiz", "Nikos Andreou"]),
        ("Γιώργου Αλεξίου και Νίκου Σταύρου", ["Γιώργου Αλεξίου", "Νίκου Σταύρου"]),
        ("Ελένη Βλάχου για το ΑΠΕ-ΜΠΕ", ["Ελένη Βλάχου"]),
        ("Center for Policy Studies", ["Center for Policy Studies"]),  # one word before "for": an organisation
        ("Helen Carter, for Reuters", ["Helen Carter"]),
        ("Νίκος Ανδρέου, για το ΑΠΕ-ΜΠΕ", ["Νίκος Ανδρέου"]),
        ("Γράφει η Άννα Ρούσσου", ["Άννα Ρούσσου"]),
        ("Γράφουν οι Άννα Ρούσσου και Νίκος Ανδρέου", ["Άννα Ρούσσου", "Νίκος Ανδρέου"]),
        ("Reporting by Daniel Brooks", ["Daniel Brooks"]),
        ("NPR", ["NPR"]),
    ],
)
def test_author_names_are_what_a_reader_would_give(byline: str, names: list[str]) -> None:
    assert author_names(byline) == names


@pytest.mark.parametrize(
    ("name", "desk"),
    [("Staff", True), ("Σύνταξη", True), ("ΣΥΝΤΑΞΗ", True), ("Νέα Σελίδα", True), ("Νέα Σελίδα Newsroom", True),
     ("agencies", True), ("Πρακτορεία", True), ("Daniel Brooks", False), ("Νέα Σελίδα Daniel", False)],
)  # fmt: skip
def test_desks_and_the_site_itself_are_no_writers(name: str, desk: bool) -> None:
    assert is_desk(name, ("Νέα Σελίδα",)) is desk


def test_staff_and_agencies_is_a_desk_that_gives_way_to_a_writer() -> None:
    assert writers([["Staff and agencies"], ["Daniel Brooks"]]) == ["Daniel Brooks"]
    assert writers([["Staff and agencies"]]) == ["Staff", "agencies"]


@pytest.mark.parametrize(
    ("credit", "author"),
    [
        ("Του Γιώργου Παπαδάκη", "Γιώργου Παπαδάκη"),
        ("Γράφει ο Γιώργος Παπαδάκης", "Γιώργος Παπαδάκης"),
        ("Από τον Γιώργο Παπαδάκη", "Γιώργο Παπαδάκη"),
        ("Ρεπορτάζ: Γιώργος Παπαδάκης", "Γιώργος Παπαδάκης"),
        ("Reporting by Daniel Brooks", "Daniel Brooks"),
    ],
)
def test_a_credit_line_in_any_form_names_the_writer_under_a_desk_byline_and_leaves_the_body(credit: str, author: str) -> None:
    article = case("credit-line-first")
    lead = "<p><strong>Του Γιώργου Παπαδάκη</strong></p>"
    credited = served(article, lambda html: html.replace(lead, f"<p><strong>{credit}</strong></p>"))
    outcome = extractor().extract(credited, NOW)
    assert isinstance(outcome, Article)
    assert (outcome.item["authors"], outcome.item["body"]) == ([author], article["body"])


@pytest.mark.parametrize(
    "opening",
    ["Των Ηνωμένων Πολιτειών η απόφαση να επιβάλει δασμούς προκάλεσε αντιδράσεις.", "Του Αγίου Νικολάου η γιορτή γιορτάστηκε."],
)
def test_a_sentence_opening_with_a_genitive_phrase_is_no_byline(opening: str) -> None:
    assert take_credits([opening, "Δεύτερη παράγραφος."]).paragraphs == [opening, "Δεύτερη παράγραφος."]
    article = case("credit-line-first")  # under a desk byline, the phrase does not become the author
    uncredited = served(article, lambda html: html.replace("<p><strong>Του Γιώργου Παπαδάκη</strong></p>", f"<p>{opening}</p>"))
    outcome = extractor().extract(uncredited, NOW)
    assert isinstance(outcome, Article)
    assert (outcome.item["authors"], outcome.item["body"]) == (["Σύνταξη"], f"{opening}\n\n{article['body']}")


def test_a_byline_running_into_a_new_sentence_or_ending_at_a_comma_leaves_the_body() -> None:
    running = take_credits(["Του Κωστή Μπακογιάννη Η ‘Διακήρυξη’ υπογράφηκε χθες."])
    assert (running.opening_byline, running.paragraphs) == (["Κωστή Μπακογιάννη"], ["Η ‘Διακήρυξη’ υπογράφηκε χθες."])
    comma = take_credits(["Του Κωστή Μπακογιάννη, η ‘Διακήρυξη’ υπογράφηκε χθες."])
    assert (comma.opening_byline, comma.paragraphs) == (["Κωστή Μπακογιάννη"], ["η ‘Διακήρυξη’ υπογράφηκε χθες."])


def test_a_desk_byline_is_kept_when_no_writer_is_named() -> None:
    outcome = extractor().extract(served(case("staff-desk")), NOW)
    assert isinstance(outcome, Article) and outcome.item["authors"] == ["Staff"]


# --- the body -----------------------------------------------------------------------------------


def body_of(html: str) -> list[str]:
    container = fromstring(f"<div class='td-post-content'>{html}</div>")
    return read_containers([container], NewspaperArticlePage.boilerplate_css, NewspaperArticlePage.placeholder_css).paragraphs


def test_a_read_also_list_leaves_the_body_with_its_heading_and_a_list_of_text_stays() -> None:
    html = """<p>First paragraph.</p><p><strong>Read also:</strong></p>
    <ul><li><a href="/a/">Another story</a></li><li><a href="/b/">A third story</a></li></ul>
    <p>Second paragraph.</p><ul><li>Flour, 200 g</li><li><a href="/c/">Sugar</a>, 50 g</li></ul>"""
    assert body_of(html) == ["First paragraph.", "Second paragraph.", "Flour, 200 g", "Sugar, 50 g"]


@pytest.mark.parametrize(
    "widget",
    [
        '<div class="essb_links"><ul class="essb_links_list"><li class="essb_item"><a href="#"><span class="essb_network_name">'
        'Facebook</span></a> <span>Share</span></li><li><a href="#">Twitter</a> <span>Tweet</span></li></ul></div>',
        '<div class="et_social_inline et_social_mobile_on"><div class="et_social_networks"><div class="et_social_network_label">'
        "Share This</div></div></div>",
        '<div class="dpsp-content-wrapper"><p class="dpsp-share-text">Sharing is caring!</p></div>',
        '<div class="shared-counts-wrap"><span class="shared-counts-label">Facebook</span> <span>Pin</span></div>',
        '<div class="ns-inline"><div class="ns-buttons"><span class="ns-button-label">Share</span></div></div>',
        '<div class="sharethis-inline-share-buttons"><div class="st-btn"><span class="st-label">Share</span></div></div>',
        '<p class="post-nav-links">Pages: 1 <a href="/a/2/">2</a></p>',
    ],
    ids=["essb", "monarch", "social-pug", "shared-counts", "novashare", "sharethis", "post-nav-links"],
)
def test_sharing_plugins_of_wordpress_leave_the_body(widget: str) -> None:
    text = ["First paragraph.", "Second paragraph."]
    assert body_of(f"{widget}<p>{text[0]}</p><p>{text[1]}</p>{widget}") == text


def test_placeholders_leave_the_body_by_their_markup_or_their_words() -> None:
    reading = read_containers(
        [fromstring("<div><div class='td-loader-gif'>…</div><p>Φόρτωση...</p><p>Loading the results is slow today.</p></div>")],
        "",
        NewspaperArticlePage.placeholder_css,
    )
    assert reading.paragraphs == ["Loading the results is slow today."] and reading.placeholder


def test_a_closing_credit_leaves_the_body_only_when_emphasised_whole() -> None:
    assert body_of("<p>Text of the article.</p><p><em>By Daniel Brooks</em></p>") == ["Text of the article."]
    assert body_of("<p>Text of the article.</p><p>By Daniel Brooks</p>") == ["Text of the article.", "By Daniel Brooks"]


# --- when a page goes to the browser ---------------------------------------------------------------


def test_a_body_far_shorter_than_the_declared_word_count_is_rendered_and_a_complete_one_is_not() -> None:
    article = case("byline-for-agency")
    assert isinstance(extractor().extract(served(article), NOW), Article)  # 218 words, wordCount 218
    outcome = extractor().extract(served(article, lambda html: html.replace('"wordCount":218', '"wordCount":1000')), NOW)
    assert isinstance(outcome, NeedsRendering)
    assert (outcome.reason, outcome.detail) == ("short_of_word_count", "218 words of the 1000 the page declares")
    assert outcome.min_words == 500  # what the browser waits for in the body


def test_a_loader_beside_a_complete_body_is_a_widget_s_and_the_page_is_not_rendered() -> None:
    """The short post's video player shows a spinner and its poll a "Loading ..." div: its 60 words
    are all its wordCount declares, so the loaders are not the text's."""
    article = case("short-complete")
    outcome = extractor().extract(served(article), NOW)
    assert isinstance(outcome, Article) and outcome.item["body"] == article["body"]
    outcome = extractor().extract(served(article, lambda html: html.replace('"wordCount":60', '"wordCount":400')), NOW)
    assert isinstance(outcome, NeedsRendering)
    assert (outcome.reason, outcome.min_words) == ("placeholder", 200)
    assert outcome.detail == "the body shows a loading placeholder (60 words)"


def test_a_rendered_page_is_judged_as_it_is() -> None:
    stub = case("js-stub-never-filled")
    outcome = extractor().extract(served(stub), NOW, rendered=True)  # the live blog still shows its loader
    assert isinstance(outcome, Stub) and (outcome.reason, outcome.detail) == ("no_body", "only a loading placeholder")
    filled = case("js-inline-fill")
    paragraphs = "".join(f"<p>{p}</p>" for p in filled["body"].split("\n\n"))
    as_rendered = served(
        filled, lambda html: re.sub(r'<div class="ns-content-loader">.*?</p></div>', paragraphs, html, flags=re.S)
    )
    outcome = extractor().extract(as_rendered, NOW, rendered=True)
    assert isinstance(outcome, Article) and outcome.item["body"] == filled["body"]


# --- multi-page posts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["multipage-td10", "πολυσέλιδο-tdb"])  # WordPress 5.0 and 6.x page links
def test_a_later_page_of_a_post_names_its_first_page_and_the_first_names_the_others(slug: str) -> None:
    post = case(slug)
    first, *later = post["pages"]
    for number, path in enumerate(later, start=2):
        assert extractor().extract(NEASELIDA.response(path, f"{post['url']}{number}/"), NOW) == LaterPage(post["url"])
    page = extractor().extract(NEASELIDA.response(first, post["url"]), NOW)
    assert isinstance(page, Article)
    assert page.page.further_pages() == [f"{post['url']}{number}/" for number in range(2, len(post["pages"]) + 1)]


def _without_current_page(post: dict[str, Any], url: str, body_class: str = "") -> HtmlResponse:
    """Page 2 of the post with the default themes' page links, where the current page is bare text."""
    html = (NEASELIDA.root / post["pages"][1]).read_text("utf-8")
    links = f'<p class="post-nav-links">Pages: <a href="{post["url"]}">1</a> 2 <a href="{post["url"]}3/">3</a></p>'
    html = re.sub(r'<div class="page-nav page-nav-post.*?</div></a></div>', links, html, count=1, flags=re.S)
    return HtmlResponse(url, body=html.replace('<body class="', f'<body class="{body_class} ', 1), encoding="utf-8")


def test_a_later_page_is_told_by_its_url_or_body_class_when_its_links_do_not_show_it() -> None:
    post = case("multipage-td10")
    assert extractor().extract(_without_current_page(post, post["url"] + "2/"), NOW) == LaterPage(post["url"])
    # Plain permalinks: page 2 is ?p=N&page=2, which WordPress's body class says.
    plain = "https://www.neaselida.example/?p=51390&page=2"
    assert extractor().extract(_without_current_page(post, plain, "paged-2 single-paged-2"), NOW) == LaterPage(post["url"])


# --- selectors ------------------------------------------------------------------------------------------


def _selectors_of(site: FixtureSite) -> list[str]:
    page = site.spider.theme.article_page
    groups = [
        page.amp_markers, page.article_markers, page.not_article_markers, page.boilerplate_css, page.placeholder_css,
        *page.title_css, *page.subtitle_css, *page.body_css, *page.authors_css, *page.author_box_css,
        *page.published_css, *page.modified_css, *page.visible_date_css, *page.categories_css, *page.tags_css,
        *page.image_css, *page.related_css,
    ]  # fmt: skip
    return [css for css in groups if css]


@pytest.mark.parametrize("site", SITES, ids=lambda s: s.name)
def test_compiled_selectors_select_what_parsel_selects(site: FixtureSite) -> None:
    """Grouped walks, class prefilters and the class index change how, never what."""
    for article in site.article_pages[:6]:
        root = site.response(article["path"], article["url"]).selector.root
        index = ClassIndex(root, site.spider.theme.article_page.indexed_classes())
        for css in _selectors_of(site):
            expected = Selector(root=root).css(css)
            want = expected.getall() if "::" in css else [m.root for m in expected]
            assert (values(css, root) if "::" in css else select(css, root)) == want, css
            if (indexed := index.matches(css)) is not None:
                assert indexed == want, css


def test_a_word_count_given_as_a_string_or_nonsense_is_read_or_ignored() -> None:
    article = case("byline-for-agency")
    for declared, reason in (('"1000"', "short_of_word_count"), ('"many"', None), ("-5", None), ("true", None)):

        def declare(text: str, value: str = declared) -> str:
            return text.replace('"wordCount":218', f'"wordCount":{value}')

        html = served(article, declare)
        outcome = extractor().extract(html, NOW)
        assert (outcome.reason if isinstance(outcome, NeedsRendering) else None) == reason, declared


def _later_page(post: dict[str, Any], change: Callable[[str], bytes]) -> HtmlResponse:
    html = (NEASELIDA.root / post["pages"][1]).read_text("utf-8")
    return HtmlResponse(post["url"] + "2/", body=change(html), headers={"Content-Type": "text/html; charset=UTF-8"})


def test_a_further_page_is_read_as_every_page_is_its_encoding_and_depth_made_good() -> None:
    post = case("πολυσέλιδο-tdb")
    first = extractor().extract(NEASELIDA.response(post["pages"][0], post["url"]), NOW)
    assert isinstance(first, Article)
    second = post["body"].removeprefix(first.item["body"] + "\n\n").split("\n\n")
    assert len(second) == 4

    def windows_1253(html: str) -> bytes:  # declared in the page, not in the header, which says UTF-8
        return html.replace('charset="UTF-8"', 'charset="windows-1253"').encode("cp1253", "xmlcharrefreplace")

    further = extractor().continuation(_later_page(post, windows_1253), NOW)
    assert (further.paragraphs, further.problems, further.missing) == (second, [], "")

    def deep(html: str) -> bytes:
        return html.replace("<p>", "<p>" + "<span>" * 3000, 1).encode()

    further = extractor().continuation(_later_page(post, deep), NOW)
    assert further.paragraphs == second
    assert further.problems == [("deep_markup", "2504 tags nested deeper than 512 levels left out, their text kept")]


@pytest.mark.parametrize(("path", "missing"), [("404.html", "the site's 404 page"), ("about/index.html", "not an article page")])
def test_a_further_page_that_is_no_page_of_a_post_adds_nothing(path: str, missing: str) -> None:
    further = extractor().continuation(NEASELIDA.response(path, "https://www.neaselida.example/x/2/"), NOW)
    assert (further.paragraphs, further.missing) == ([], missing)


# --- dates -------------------------------------------------------------------------------------------


def test_microdata_dates_given_as_the_element_s_text_are_read() -> None:
    def microdata_text_only(html: str) -> str:
        html = re.sub(r'"date(Published|Modified)":"[^"]*",', "", html)
        html = re.sub(r'<meta property="article:(published|modified)_time"[^>]*>', "", html)
        html = html.replace('datetime="2025-09-04T15:05:12+00:00"', "")
        return html.replace(
            "<footer>",
            '<footer><span itemprop="datePublished">2025-09-04T18:05:12+03:00</span>'
            ' <time itemprop="dateModified">2025-09-04T18:40:00+03:00</time>',
            1,
        )

    outcome = extractor().extract(served(case("byline-for-agency"), microdata_text_only), NOW)
    assert isinstance(outcome, Article)
    assert (outcome.item["published_at"], outcome.item["modified_at"]) == (
        datetime(2025, 9, 4, 15, 5, 12, tzinfo=UTC),
        datetime(2025, 9, 4, 15, 40, tzinfo=UTC),
    )
