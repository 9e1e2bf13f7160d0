"""Generate a large copy of the Proini fixture site, for crawl benchmarks.

    python -m bench.sitegen --articles 2000 --out /tmp/site [--seed 1]
    python -m bench.sitegen --articles 2000 --out /tmp/site --new 50 --out2 /tmp/site-day2 [--edit 5]
    python -m bench.sitegen --articles 200 --out /tmp/other --origin https://www.example.com --permalinks date

The tree has the layout of ``fixtures/iproini/site``, so ``FixtureServer(DIR)`` serves it
(and ``FixtureServer(DIR2, DIR)`` the site one day later). Article pages are made from the
fixture's own article pages (Cloud and classic templates, Greek and English): each generated
post gets its own slug, post id, title, dates, shortlink, canonical/og:url/JSON-LD, a shuffled
body with one added sentence (no two posts share title and body), and "Related Articles"
pointing to other generated posts in the link variants the real site uses (other domain,
``http://``, tracking parameters, missing slash, uppercase or raw Greek, ``/?p=N``). Listing
pages are rebuilt from the fixture's: home, the six category archives with numbered
pagination, Yoast post sitemaps (1000 URLs each) and their index, the RSS feed of the ten
newest posts. ``DIR/manifest.json`` lists the canonical URLs (``articles``, ``count``) and,
under ``posts``, what each post's item should hold (title, dates, categories, related URLs).

With ``--new K --out2 DIR2``, DIR2 is an overlay: K posts newer than any in DIR, ``--edit M``
posts of DIR re-published with a correction paragraph and a newer modified date, and every
listing page re-built for the larger site (archives re-paginate, as WordPress does).
``DIR2/manifest.json`` lists the new URLs (``articles``, ``count``) and the ``edited`` ones.

With ``--origin`` the copy is another site on the same theme: every URL of Proini's four domains
becomes one of the origin's domain (scheme and ``www.`` as they were); with ``--permalinks date``
its posts live at ``/%year%/%monthnum%/%day%/%postname%/`` (the day in the site's timezone)
instead of ``/%postname%/``. Post for post, the same seed gives the same articles either way.

Output is deterministic for a given ``--seed`` and ``--articles``; nothing is fetched.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any, overload
from urllib.parse import quote, urljoin, urlsplit
from zoneinfo import ZoneInfo

from newscrawl.urls import SiteUrls

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURE = PROJECT_ROOT / "fixtures" / "iproini"
SITE = FIXTURE / "site"
EXPECTED = FIXTURE / "expected.json"

ORIGIN = "https://www.iproini.com"
DOMAINS = ("iproini.com", "iproini.gr", "i-proini.com", "i-proini.gr")
LOCAL = ZoneInfo("America/New_York")
#: the newest post of a generated site (the fixture's "today" is 16 July 2025)
NEWEST = datetime(2025, 7, 16, 13, 0, 0, tzinfo=UTC)
PER_PAGE = 20
SITEMAP_SIZE = 1000  # Yoast's split
FEED_SIZE = 10
#: the header's "today" line of every fixture page
FIXTURE_TODAY = "Τετάρτη, 16 Ιουλίου, 2025"
#: the fixture's post whose visible date is impossible (31 February): not a usable template
BROKEN_TEMPLATES = frozenset({"tourkia-nees-diekdikiseis-sto-aigaio/index.html"})

CATEGORY_SLUGS = {
    "Ελλάδα": "ellada",
    "Κύπρος": "kypros",
    "Ομογένεια": "omogeneia",
    "World": "world",
    "Opinion": "opinion",
    "English Edition": "english-edition",
}
MONTHS_GENITIVE = (
    "Ιανουαρίου Φεβρουαρίου Μαρτίου Απριλίου Μαΐου Ιουνίου Ιουλίου Αυγούστου Σεπτεμβρίου Οκτωβρίου Νοεμβρίου Δεκεμβρίου"
).split()
MONTHS_EN = "January February March April May June July August September October November December".split()
WEEKDAYS = "Δευτέρα Τρίτη Τετάρτη Πέμπτη Παρασκευή Σάββατο Κυριακή".split()

# Title variations: "KICKER: template title (PLACE)"; the slug gets "-kicker-place".
KICKERS_EN = ["Update", "Analysis", "Explainer", "Report", "Exclusive", "Watch", "Briefing", "In focus", "Reaction", "Latest"]
PLACES_EN = [
    "Athens",
    "Thessaloniki",
    "Nicosia",
    "New York",
    "Chicago",
    "Brussels",
    "Washington",
    "Ankara",
    "London",
    "Astoria",
    "Boston",
    "Toronto",
    "Melbourne",
    "Crete",
    "Limassol",
    "Patras",
]
# (Greek, transliterated) pairs: transliterated slugs stay ASCII, Greek slugs stay Greek
KICKERS_EL = [
    ("Ανάλυση", "analysi"),
    ("Ενημέρωση", "enimerosi"),
    ("Ρεπορτάζ", "reportaz"),
    ("Αποκλειστικό", "apokleistiko"),
    ("Παρασκήνιο", "paraskinio"),
    ("Εξελίξεις", "exelixeis"),
    ("Σχόλιο", "scholio"),
    ("Συνέντευξη", "synenteyxi"),
    ("Δείτε", "deite"),
    ("Τελευταία", "teleftaia"),
]
PLACES_EL = [
    ("Αθήνα", "athina"),
    ("Θεσσαλονίκη", "thessaloniki"),
    ("Λευκωσία", "lefkosia"),
    ("Νέα Υόρκη", "nea-yorki"),
    ("Σικάγο", "sikago"),
    ("Βρυξέλλες", "vryxelles"),
    ("Ουάσιγκτον", "ouasigkton"),
    ("Άγκυρα", "agkyra"),
    ("Λονδίνο", "londino"),
    ("Αστόρια", "astoria"),
    ("Βοστώνη", "vostoni"),
    ("Τορόντο", "toronto"),
    ("Μελβούρνη", "melvourni"),
    ("Κρήτη", "kriti"),
    ("Λεμεσός", "lemesos"),
    ("Πάτρα", "patra"),
]
# One added sentence per body, so bodies differ even where shuffles coincide.
SENTENCE_EN = (
    [
        "Officials in Athens",
        "A government spokesperson",
        "Analysts in Brussels",
        "Community leaders in Astoria",
        "Diplomats in Nicosia",
        "Opposition lawmakers",
        "Observers in Washington",
        "Local authorities",
    ],
    [
        "said they would review",
        "are expected to discuss",
        "welcomed",
        "raised questions about",
        "will present",
        "called for a debate on",
    ],
    ["the proposal", "the new measures", "the timetable", "the findings", "the agreement", "the final text"],
    [
        "later this week",
        "on Monday",
        "before the end of the month",
        "in the coming days",
        "at a meeting in September",
        "after the summer recess",
    ],
)
SENTENCE_EL = (
    [
        "Κυβερνητικές πηγές",
        "Ο εκπρόσωπος της κυβέρνησης",
        "Αναλυτές στις Βρυξέλλες",
        "Παράγοντες της ομογένειας",
        "Διπλωματικοί κύκλοι στη Λευκωσία",
        "Βουλευτές της αντιπολίτευσης",
        "Παρατηρητές στην Ουάσιγκτον",
        "Οι τοπικές αρχές",
    ],
    [
        "αναμένεται να εξετάσουν",
        "δήλωσαν ότι θα συζητήσουν",
        "χαιρέτισαν",
        "εξέφρασαν επιφυλάξεις για",
        "θα παρουσιάσουν",
        "ζήτησαν διάλογο για",
    ],
    ["την πρόταση", "τα νέα μέτρα", "το χρονοδιάγραμμα", "τα πορίσματα", "τη συμφωνία", "το τελικό κείμενο"],
    [
        "μέσα στην εβδομάδα",
        "τη Δευτέρα",
        "έως το τέλος του μήνα",
        "τις επόμενες ημέρες",
        "σε συνάντηση τον Σεπτέμβριο",
        "μετά τις θερινές διακοπές",
    ],
)
# How "Related Articles" links are written: weights of each variant.
LINK_STYLES = (("plain", 52), ("http", 8), ("domain", 10), ("tracking", 10), ("noslash", 8), ("case", 6), ("shortlink", 6))
OTHER_ORIGINS = ("https://iproini.gr", "http://i-proini.com", "https://www.i-proini.gr", "http://www.iproini.gr")
TRACKING = (
    "?utm_source=facebook&amp;utm_medium=social",
    "?fbclid=IwAR0x9bench",
    "?utm_source=newsletter&amp;utm_medium=email",
    "?gclid=Cj0KCQbench",
)

#: pages besides home and archives whose post modules are re-filled with generated posts
STATIC_LISTINGS = ("404.html", "about-us/index.html", "contact/index.html")

SENTINEL = "\x00"
_HEX = re.compile(r"%[0-9a-fA-F]{2}")
_DIV = re.compile(r"<div\b|</div>")
_HREF = re.compile(r'href="([^"]*)"')
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_ANCHOR = re.compile(r'<a\b[^>]*href="([^"]*)"[^>]*>(.*?)</a>', re.S)
#: containers of post modules: a block's inner div, or the 404 page's plain row
_BLOCK_INNER = re.compile(r'<div id=tdi_\d+ class="td_block_inner[^"]*">|<div class="td-block-row">')
_MODULE = re.compile(r'class="(td_module_flex|tdb_module_loop) ')


_TEXTURIZE = str.maketrans(
    {"–": "&#8211;", "—": "&#8212;", "‘": "&#8216;", "’": "&#8217;", "“": "&#8220;", "”": "&#8221;", "…": "&#8230;"}
)


def texturize(text: str) -> str:
    """HTML the way WordPress prints a title in the theme: escaped, typographic marks as entities."""
    return html.escape(text, quote=False).translate(_TEXTURIZE)


def _tok(key: str) -> str:
    return f"{SENTINEL}{key}{SENTINEL}"


def enc(path: str) -> str:
    """Percent-encode a slug or path the way WordPress writes it: UTF-8, lowercase hex."""
    return _HEX.sub(lambda m: m.group(0).lower(), quote(path, safe="/-"))


def upper_hex(path: str) -> str:
    return _HEX.sub(lambda m: m.group(0).upper(), path)


def div_end(text: str, start: int) -> int:
    """Index just past the ``</div>`` closing the ``<div`` that starts at *start*."""
    depth = 0
    for match in _DIV.finditer(text, start):
        depth += 1 if match.group(0) == "<div" else -1
        if depth == 0:
            return match.end()
    raise ValueError(f"unclosed <div> at {start}")


def inner_span(text: str, open_tag_start: int) -> tuple[int, int]:
    """(start, end) of the content of the ``<div`` starting at *open_tag_start*."""
    end = div_end(text, open_tag_start)
    return text.index(">", open_tag_start) + 1, end - len("</div>")


def greek_date(moment: datetime) -> str:
    local = moment.astimezone(LOCAL)
    return f"{local.day} {MONTHS_GENITIVE[local.month - 1]} {local.year}"


def today_line(moment: datetime) -> str:
    local = moment.astimezone(LOCAL)
    return f"{WEEKDAYS[local.weekday()]}, {local.day} {MONTHS_GENITIVE[local.month - 1]}, {local.year}"


@overload
def iso(moment: datetime) -> str: ...
@overload
def iso(moment: None) -> None: ...
def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None


class Parts:
    """A page cut into literal text and named slots: ``render(values)`` fills the slots."""

    def __init__(self, text: str):
        pieces = text.split(SENTINEL)
        if len(pieces) % 2 == 0:
            raise ValueError("unbalanced slot markers")
        self.pieces = pieces
        self.keys = frozenset(pieces[1::2])

    def render(self, values: dict[str, str]) -> str:
        pieces = list(self.pieces)
        for i in range(1, len(pieces), 2):
            pieces[i] = values[pieces[i]]
        return "".join(pieces)


# --- article templates -------------------------------------------------------------------------


@dataclass
class ArticleTemplate:
    """One fixture article page, compiled into :class:`Parts`."""

    path: str
    parts: Parts
    cloud: bool
    greek_title: bool
    greek_slug: bool
    slug: str
    title: str
    categories: list[str]
    authors: list[str]
    image: str | None
    excerpt: str
    has_modified: bool
    #: how the post header shows the date when no machine-readable date exists
    date_style: str  # "iso" | "date" | "datetime" | "date_en"
    slots: list[str]
    n_related: int
    n_other: int


def _fixture_index(articles: list[dict[str, Any]]) -> tuple[dict[str, str], dict[str, str]]:
    titles = {a["url"]: a["title"] for a in articles}
    ids = {str(a["post_id"]): a["url"] for a in articles}
    return titles, ids


class _Linker:
    """Canonical post URL of a fixture link (shortlinks resolved), or None."""

    def __init__(self, titles: dict[str, str], ids: dict[str, str]):
        self.urls = SiteUrls(ORIGIN, DOMAINS)
        self.titles = titles
        self.ids = ids

    def post(self, href: str, base: str) -> str | None:
        canonical = self.urls.canonical(urljoin(base, html.unescape(href)))
        if canonical is None:
            return None
        if "?p=" in canonical:
            canonical = self.ids.get(canonical.rsplit("=", 1)[1])
        return canonical if canonical in self.titles else None


def _slot_links(text: str, linker: _Linker, own: str, kind: str, slots: dict[str, int]) -> str:
    """Replace the links in *text* to fixture posts other than *own* by numbered slots of *kind*."""

    def slot(match: re.Match[str]) -> str:
        target = linker.post(match.group(1), own)
        if target is None or target == own:
            return match.group(0)
        return f'href="{_tok(f"{kind}:{slots.setdefault(target, len(slots))}")}"'

    return _HREF.sub(slot, text)


def compile_article(meta: dict[str, Any], page: str, linker: _Linker) -> ArticleTemplate:
    own = meta["url"]
    slug = meta["path"].split("/")[0]
    cloud = "tdb_single_content" in page
    page = re.sub(r'<link rel="amphtml"[^>]*>\n?', "", page)  # generated posts have no AMP copy

    # Body: its plain <p> paragraphs become slots the generator shuffles.
    marker = page.index("tdb_single_content") if cloud else page.index('<div class="td-post-content')
    if cloud:
        start, end = inner_span(page, page.index('<div class="tdb-block-inner', marker))
    else:
        start, end = inner_span(page, marker)
    body = page[start:end]
    quotes = [m.span() for m in re.finditer(r"<blockquote\b.*?</blockquote>", body, re.S)]
    slots: list[str] = []

    def slot(match: re.Match[str]) -> str:
        if "<script" in match.group(1) or any(a <= match.start() < b for a, b in quotes):
            return match.group(0)
        slots.append(_ANCHOR.sub(lambda a: a.group(2) if linker.post(a.group(1), own) else a.group(0), match.group(1)))
        return f"<p>{_tok(f'p:{len(slots) - 1}')}</p>"

    page = page[:start] + _PARAGRAPH.sub(slot, body) + page[end:]
    if not slots:
        raise ValueError(f"{meta['path']}: no body paragraphs")

    # "Related Articles": links to other posts become slots, with their titles.
    related_class = "tdb_single_related" if cloud else "td_block_related_posts"
    block = page.rindex("<div", 0, page.index(f"td_block_wrap {related_class}"))
    block_end = div_end(page, block)
    region = page[block:block_end]
    targets: dict[str, int] = {}
    region = _slot_links(region, linker, own, "rel", targets)
    for target, k in targets.items():
        title = linker.titles[target]
        for form in sorted({html.escape(title), html.escape(title, quote=False), texturize(title), title}, key=len, reverse=True):
            region = region.replace(form, _tok(f"reltitle:{k}"))
    page = page[:block] + region + page[block_end:]

    # Every other link to a fixture post (sidebars, previous/next) goes to some generated post.
    others: dict[str, int] = {}
    page = _slot_links(page, linker, own, "other", others)

    # Dates: the machine-readable ones, and the visible date next to them or alone.
    published, modified = meta["published_at"], meta["modified_at"]
    if published in page:
        date_style = "iso"
        page = re.sub(r'(datetime="' + re.escape(published) + r'"\s*>)[^<]*(<)', r"\g<1>" + _tok("visible") + r"\g<2>", page)
    else:
        local = datetime.fromisoformat(published).astimezone(LOCAL)
        hour = local.hour % 12 or 12
        candidates = {
            "datetime": f"{greek_date(local)}, {hour}:{local.minute:02d} {'πμ' if local.hour < 12 else 'μμ'}",
            "date": greek_date(local),
            "date_en": f"{MONTHS_EN[local.month - 1]} {local.day}, {local.year}",
        }
        # the most specific spelling first: a bare date may also be another post's, in a sidebar
        found = [(style, text) for style, text in candidates.items() if f">{text}<" in page]
        if not found:
            raise ValueError(f"{meta['path']}: no visible date found")
        date_style, text = found[0]
        index = page.index(f">{text}<")
        page = page[: index + 1] + _tok("visible") + page[index + 1 + len(text) :]

    # Everything naming the post itself: slug (every spelling), id, title (every escaping), dates.
    title = meta["title"]
    needles: dict[str, str] = {}
    for key, form in (
        ("title:wp", texturize(title)),
        ("title:attr", html.escape(title)),
        ("title:html", html.escape(title, quote=False)),
        ("title:json", json.dumps(title, ensure_ascii=False)[1:-1]),
        ("title:pct", quote(title, safe="")),
        ("title:raw", title),
    ):
        needles.setdefault(form, key)
    encoded = enc(slug)
    for key, form in (
        ("slug:enc", encoded),
        ("slug:ENC", upper_hex(encoded)),
        ("slug:dbl", encoded.replace("%", "%25")),
        ("slug:DBL", upper_hex(encoded).replace("%", "%25")),
        ("slug:raw", slug),
    ):
        needles.setdefault(form, key)
    needles[published] = "published"
    if modified:
        needles[modified] = "modified"
    needles[FIXTURE_TODAY] = "today"
    pattern = "|".join(
        [r"(?<!\d)" + str(meta["post_id"]) + r"(?!\d)"] + [re.escape(n) for n in sorted(needles, key=len, reverse=True)]
    )
    page = re.sub(pattern, lambda m: _tok(needles.get(m.group(0), "id")), page)

    parts = Parts(page)
    return ArticleTemplate(
        path=meta["path"],
        parts=parts,
        cloud=cloud,
        greek_title=bool(re.search("[α-ωΑ-Ω]", title)),
        greek_slug=not slug.isascii(),
        slug=slug,
        title=title,
        categories=list(meta["categories"]),
        authors=list(meta["authors"]),
        image=meta["image_url"],
        excerpt=meta["body"].split("\n\n")[0][:260].rsplit(" ", 1)[0] + " [&#8230;]",
        has_modified="modified" in parts.keys,
        date_style=date_style,
        slots=slots,
        n_related=len(targets),
        n_other=len(others),
    )


def load_templates() -> list[ArticleTemplate]:
    articles = json.loads(EXPECTED.read_text(encoding="utf-8"))["articles"]
    linker = _Linker(*_fixture_index(articles))
    return [
        compile_article(meta, (SITE / meta["path"]).read_text(encoding="utf-8"), linker)
        for meta in articles
        if meta["path"] not in BROKEN_TEMPLATES
    ]


# --- posts ---------------------------------------------------------------------------------------


@dataclass
class Post:
    number: int  # order of creation; also seeds the post's own variations
    template: ArticleTemplate
    slug: str
    title: str
    published: datetime
    modified: datetime | None = None
    post_id: int = 0
    related: list[Post] = field(default_factory=list)
    related_styles: list[str] = field(default_factory=list)
    correction: str | None = None
    #: when the overlay re-published the post (its page shows it only if the template has a modified date)
    edited: datetime | None = None
    #: ``/%year%/%monthnum%/%day%/%postname%/`` permalinks rather than ``/%postname%/``
    dated: bool = False

    @property
    def prefix(self) -> str:
        """What comes before the slug in the post's path (its local date, for dated permalinks)."""
        return f"{self.published.astimezone(LOCAL):%Y/%m/%d}/" if self.dated else ""

    @property
    def path(self) -> str:
        return f"/{self.prefix}{enc(self.slug)}/"

    @property
    def file(self) -> str:
        """Where the post's page is written, relative to the site's root."""
        return f"{self.prefix}{self.slug}/index.html"

    @property
    def url(self) -> str:
        return ORIGIN + self.path

    @property
    def categories(self) -> list[str]:
        return self.template.categories

    @property
    def lastmod(self) -> datetime:
        return max(filter(None, (self.published, self.modified, self.edited)))

    def manifest(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "post_id": self.post_id,
            "title": self.title,
            "published_at": iso(self.published),
            "modified_at": iso(self.modified),
            "lastmod": iso(self.lastmod),
            "categories": self.categories,
            "template": self.template.path,
            "related_urls": list(dict.fromkeys(p.url for p in self.related)),
        }


class Planner:
    """Decides every post's template, title, slug, dates and related posts, deterministically."""

    def __init__(self, templates: list[ArticleTemplate], seed: int, dated: bool = False):
        self.templates = templates
        self.seed = seed
        self.dated = dated
        self.titles: set[str] = set()
        self.slugs: set[str] = set()
        self.uses: dict[str, int] = {}
        self.combos: dict[str, list[tuple[int, int]]] = {}

    def _name(self, template: ArticleTemplate, rng: random.Random) -> tuple[str, str]:
        combos = self.combos.setdefault(template.path, [(k, p) for k in range(len(KICKERS_EN)) for p in range(len(PLACES_EN))])
        if template.path not in self.uses:
            random.Random(f"{self.seed}:{template.path}").shuffle(combos)
        use = self.uses.get(template.path, 0)
        self.uses[template.path] = use + 1
        k, p = combos[use % len(combos)]
        round_ = use // len(combos)
        if template.greek_title:
            kicker, kicker_slug = KICKERS_EL[k]
            place, place_slug = PLACES_EL[p]
            if template.greek_slug:  # WordPress keeps Greek slugs in Greek, lowercase
                kicker_slug, place_slug = kicker.lower(), place.lower().replace(" ", "-")
        else:
            kicker, place = KICKERS_EN[k], PLACES_EN[p]
            kicker_slug, place_slug = kicker.lower().replace(" ", "-"), place.lower().replace(" ", "-")
        title = f"{kicker}: {template.title} ({place})" + (f" – {round_ + 1}" if round_ else "")
        slug = f"{template.slug}-{kicker_slug}-{place_slug}" + (f"-{round_ + 1}" if round_ else "")
        while slug in self.slugs:  # WordPress's answer to a taken slug
            slug += "-2"
        assert title not in self.titles
        self.titles.add(title)
        self.slugs.add(slug)
        return title, slug

    def plan(self, count: int, newest: datetime, first_number: int, first_id: int, pool: Sequence[Post], key: str) -> list[Post]:
        """*count* posts, the newest published at *newest*, ids from *first_id*; related posts from *pool* and themselves."""
        rng = random.Random(f"{self.seed}:{key}")
        order = list(self.templates)
        rng.shuffle(order)
        moments: list[datetime] = []
        moment = newest
        for _ in range(count):
            moments.append(moment)
            moment -= timedelta(seconds=rng.randint(8 * 60, 75 * 60))
        posts = []
        for i, moment in enumerate(reversed(moments)):
            template = order[i % len(order)]
            title, slug = self._name(template, rng)
            published = _as_shown(moment, template.date_style)
            modified = published + timedelta(seconds=rng.randint(300, 8 * 3600)) if template.has_modified else None
            posts.append(Post(first_number + i, template, slug, title, published, modified, dated=self.dated))
        posts.sort(key=lambda p: (p.published, p.number))
        for offset, post in enumerate(posts):
            post.post_id = first_id + offset * 7 + rng.randint(0, 6)  # other post types take ids in between
        candidates = list(pool) + posts
        by_category: dict[str, list[Post]] = {}
        for post in candidates:
            by_category.setdefault(post.categories[0], []).append(post)
        styles, weights = zip(*LINK_STYLES, strict=False)
        for post in posts:
            same = [p for p in by_category[post.categories[0]] if p is not post]
            others = same if len(same) >= post.template.n_related else [p for p in candidates if p is not post]
            post.related = rng.sample(others, min(post.template.n_related, len(others)))
            post.related_styles = rng.choices(styles, weights, k=len(post.related))
        return posts


def _as_shown(moment: datetime, date_style: str) -> datetime:
    """The publication time a reader of the page can recover (visible dates are local, coarse)."""
    if date_style in ("date", "date_en"):
        local = moment.astimezone(LOCAL)
        return datetime(local.year, local.month, local.day, tzinfo=LOCAL).astimezone(UTC)
    if date_style == "datetime":
        return moment.replace(second=0)
    return moment


# --- rendering -----------------------------------------------------------------------------------


def link(post: Post, style: str) -> str:
    """A link to *post* as an editor or a share widget might write it (HTML-attribute escaped)."""
    if style == "http":
        return "http://www.iproini.com" + post.path
    if style == "domain":
        return OTHER_ORIGINS[post.post_id % len(OTHER_ORIGINS)] + post.path
    if style == "tracking":
        return post.url + TRACKING[post.post_id % len(TRACKING)]
    if style == "noslash":
        return post.url.rstrip("/")
    if style == "case" and post.template.greek_slug:
        return ORIGIN + (upper_hex(post.path) if post.post_id % 2 else f"/{post.prefix}{post.slug}/")
    if style == "shortlink" and post.slug.isascii():
        # Only for ASCII slugs: the fixture server cannot send a Location header with Greek letters.
        return f"{ORIGIN}/?p={post.post_id}"
    return post.url


def sentence(rng: random.Random, greek: bool) -> str:
    who, verb, what, when = (rng.choice(words) for words in (SENTENCE_EL if greek else SENTENCE_EN))
    return f"{who} {verb} {what} {when}."


def render_article(post: Post, others: Sequence[Post], today: datetime, seed: int) -> str:
    template = post.template
    rng = random.Random(f"{seed}:body:{post.post_id}")
    slots = list(template.slots)
    rest = slots[1:]
    rng.shuffle(rest)
    slots[1:] = rest
    where = rng.randrange(1, len(slots)) if len(slots) > 1 else 0
    slots[where] = f"{slots[where]} {sentence(rng, template.greek_title)}"
    if post.correction:
        slots[-1] = f"{slots[-1]}</p>\n<p><em>{post.correction}</em>"
    encoded = post.prefix + enc(post.slug)
    values = {
        "title:wp": texturize(post.title),
        "title:attr": html.escape(post.title),
        "title:html": html.escape(post.title, quote=False),
        "title:json": json.dumps(post.title, ensure_ascii=False)[1:-1],
        "title:pct": quote(post.title, safe=""),
        "title:raw": post.title,
        "slug:enc": encoded,
        "slug:ENC": upper_hex(encoded),
        "slug:dbl": encoded.replace("%", "%25"),
        "slug:DBL": upper_hex(encoded).replace("%", "%25"),
        "slug:raw": post.prefix + post.slug,
        "id": str(post.post_id),
        "published": iso(post.published),
        "modified": iso(post.modified) or "",
        "today": today_line(today),
        "visible": _visible(post),
    }
    for i, text in enumerate(slots):
        values[f"p:{i}"] = text
    for k, (target, style) in enumerate(zip(post.related, post.related_styles, strict=False)):
        values[f"rel:{k}"] = link(target, style)
        values[f"reltitle:{k}"] = html.escape(target.title)
    for k in range(len(post.related), template.n_related):  # fewer posts than the template shows
        values[f"rel:{k}"] = post.url
        values[f"reltitle:{k}"] = values["title:attr"]
    for k in range(template.n_other):
        values[f"other:{k}"] = others[rng.randrange(len(others))].url if others else ORIGIN + "/"
    return template.parts.render(values)


def _visible(post: Post) -> str:
    local = post.published.astimezone(LOCAL)
    style = post.template.date_style
    if style == "date_en":
        return f"{MONTHS_EN[local.month - 1]} {local.day}, {local.year}"
    if style == "datetime":
        hour = local.hour % 12 or 12
        return f"{greek_date(local)}, {hour}:{local.minute:02d} {'πμ' if local.hour < 12 else 'μμ'}"
    return greek_date(local)


# --- listings ------------------------------------------------------------------------------------


@dataclass
class Block:
    kind: str  # "td_module_flex" | "tdb_module_loop"
    count: int
    title: str | None


def compile_listing(page: str, category_url: str | None = None) -> tuple[Parts, list[Block]]:
    """A listing page with its module blocks, pagination and (for archives) paged head as slots."""
    blocks: list[tuple[int, int, Block]] = []
    for match in _BLOCK_INNER.finditer(page):
        start, end = inner_span(page, match.start())
        modules = _MODULE.findall(page, start, end)
        if not modules:
            continue
        wrap = page.rfind('class="td_block_wrap ', 0, match.start())
        heading = re.search(r'<h4 class="(?:block-title )?td-block-title"><span>([^<]+)</span>', page[wrap : match.start()])
        blocks.append((start, end, Block(modules[0], len(modules), heading.group(1) if heading else None)))
    for i, (start, end, _) in reversed(list(enumerate(blocks))):
        page = page[:start] + _tok(f"block:{i}") + page[end:]
    page = page.replace(FIXTURE_TODAY, _tok("today"))
    if category_url:
        page = re.sub(
            r'<div class="page-nav td-pb-padding-side">.*?<div class="clearfix"></div></div>',
            _tok("page_nav"),
            page,
            count=1,
            flags=re.S,
        )
        head_end = page.index("</head>")
        head, rest = page[:head_end], page[head_end:]
        head = re.sub(r'\t<link rel="(?:next|prev)" href="[^"]*" />\n', "", head)
        head = re.sub(
            r"(<title>|og:title\" content=\")([^<\"]+) - Proini",
            lambda m: m.group(1) + m.group(2) + _tok("paged_title") + " - Proini",
            head,
        )
        head = head.replace(f'"{category_url}"', f'"{_tok("page_url")}"')
        head = head.replace(
            f'<link rel="canonical" href="{_tok("page_url")}" />',
            f'<link rel="canonical" href="{_tok("page_url")}" />{_tok("rel_links")}',
        )
        rest = rest.replace('class="archive category ', f'class="archive{_tok("paged_class")} category ', 1)
        page = head + rest
    return Parts(page), [b for _, _, b in blocks]


def flex_module(post: Post, href: str) -> str:
    category = post.categories[0]
    return f"""
            <div class="td_module_flex td_module_flex_1 td_module_wrap td-animation-stack td-cpt-post">
                <div class="td-module-container td-category-pos-image">
                    <div class="td-image-container">
                        <a href="{ORIGIN}/category/{CATEGORY_SLUGS[category]}/" class="td-post-category" >{category}</a><div class="td-module-thumb"><a href="{href}"  rel="bookmark" class="td-image-wrap " title="{html.escape(post.title)}" ><span class="entry-thumb td-thumb-css " data-type="css_image" data-img-url="{_thumb(post, "218x150")}"  ></span></a></div>
                    </div>
                    <div class="td-module-meta-info">
                        <h3 class="entry-title td-module-title"><a href="{href}" rel="bookmark" title="{html.escape(post.title)}">{html.escape(post.title, quote=False)}</a></h3>
                        <div class="td-editor-date">
                            <span class="td-author-date">
                                <span class="td-post-date"><time class="entry-date updated td-module-date" datetime="{iso(post.published)}" >{greek_date(post.published)}</time></span>
                            </span>
                        </div>
                        <div class="td-excerpt">{post.template.excerpt.removesuffix(" [&#8230;]")}...</div>
                    </div>
                </div>
            </div>"""


def loop_module(post: Post, href: str, category: str) -> str:
    author = post.template.authors[0] if post.template.authors else None
    byline = (
        f'<span class="td-post-author-name"><a href="{ORIGIN}/author/staff/">{author}</a> <span>-</span> </span>'
        if author
        else ""
    )
    return f"""
        <div class="tdb_module_loop td_module_wrap td-animation-stack td-cpt-post">
            <div class="td-module-container td-category-pos-image">
                <div class="td-image-container">
                    <a href="{ORIGIN}/category/{CATEGORY_SLUGS[category]}/" class="td-post-category" >{category}</a>
                    <div class="td-module-thumb"><a href="{href}"  rel="bookmark" class="td-image-wrap " title="{html.escape(post.title)}" ><span class="entry-thumb td-thumb-css " data-type="css_image" data-img-url="{_thumb(post, "324x235")}"  ></span></a></div>
                </div>
                <div class="td-module-meta-info">
                    <h3 class="entry-title td-module-title"><a href="{href}" rel="bookmark" title="{html.escape(post.title)}">{html.escape(post.title, quote=False)}</a></h3>
                    <div class="td-editor-date">
                        <span class="td-author-date">
                            {byline}<span class="td-post-date"><time class="entry-date updated td-module-date" datetime="{iso(post.published)}" >{greek_date(post.published)}</time></span>
                        </span>
                    </div>
                    <div class="td-excerpt">{post.template.excerpt.removesuffix(" [&#8230;]")}...</div>
                </div>
            </div>
        </div>"""


def _thumb(post: Post, size: str) -> str:
    image = post.template.image or f"{ORIGIN}/wp-content/uploads/2025/07/proini-placeholder.jpg"
    stem, _, ext = image.rpartition(".")
    return f"{stem}-{size}.{ext}"


def _listing_href(post: Post, page_key: str) -> str:
    """Mostly the canonical link; now and then a variant, as on the real site."""
    roll = random.Random(f"{page_key}:{post.post_id}").random()
    if roll < 0.04:
        return link(post, "tracking")
    if roll < 0.08:
        return link(post, "domain")
    if roll < 0.10:
        return link(post, "case")
    return post.url


def fill_blocks(
    blocks: list[Block],
    newest: list[Post],
    by_category: dict[str, list[Post]],
    page_key: str,
    main: list[Post] | None = None,
    category: str | None = None,
) -> dict[str, str]:
    values = {}
    main_done = False
    for i, block in enumerate(blocks):
        if main is not None and not main_done and block.kind == "tdb_module_loop":
            chosen, main_done = main, True
        elif block.title in CATEGORY_SLUGS:
            chosen = by_category.get(block.title, [])[: block.count]
        else:
            chosen = newest[: block.count]
        if block.kind == "tdb_module_loop":
            values[f"block:{i}"] = "".join(
                loop_module(p, _listing_href(p, page_key), category or p.categories[0]) for p in chosen
            )
        else:
            values[f"block:{i}"] = "".join(flex_module(p, _listing_href(p, page_key)) for p in chosen)
    return values


def page_url(category_url: str, number: int) -> str:
    return category_url if number == 1 else f"{category_url}page/{number}/"


def page_nav(category_url: str, current: int, last: int) -> str:
    if last <= 1:
        return ""
    out = ['<div class="page-nav td-pb-padding-side">']
    if current > 1:
        out.append(
            f'<a href="{page_url(category_url, current - 1)}" aria-label="prev-page" ><i class="td-icon-menu-left"></i></a>'
        )
    low, high = max(1, current - 2), min(last, current + 2)
    if low > 1:
        out.append(f'<a href="{category_url}" class="first" title="1">1</a>')
        if low > 2:
            out.append('<span class="extend">...</span>')
    for number in range(low, high + 1):
        if number == current:
            out.append(f'<span class="current">{number}</span>')
        else:
            out.append(f'<a href="{page_url(category_url, number)}" class="page" title="{number}">{number}</a>')
    if high < last:
        if high < last - 1:
            out.append('<span class="extend">...</span>')
        out.append(f'<a href="{page_url(category_url, last)}" class="last" title="{last}">{last}</a>')
    if current < last:
        out.append(
            f'<a href="{page_url(category_url, current + 1)}"  aria-label="next-page" ><i class="td-icon-menu-right"></i></a>'
        )
    out.append(f'<span class="pages">Σελίδα {current} από {last}</span><div class="clearfix"></div></div>')
    return "".join(out)


def rss_item(post: Post) -> str:
    creator = post.template.authors[0] if post.template.authors else "iproini"
    categories = "".join(f"\t\t<category><![CDATA[{c}]]></category>\n" for c in post.categories)
    return f"""	<item>
		<title>{html.escape(post.title, quote=False)}</title>
		<link>{post.url}</link>
					<comments>{post.url}#respond</comments>

		<dc:creator><![CDATA[{creator}]]></dc:creator>
		<pubDate>{format_datetime(post.published)}</pubDate>
{categories}		<guid isPermaLink="false">{ORIGIN}/?p={post.post_id}</guid>

					<description><![CDATA[{post.template.excerpt}]]></description>

			</item>
"""


def sitemap_entry(post: Post) -> str:
    return url_entry(post.url, iso(post.lastmod), post.template.image)


def url_entry(loc: str, lastmod: str, image: str | None = None) -> str:
    """A ``<url>`` of a Yoast sitemap, as Yoast writes it."""
    picture = f"\t\t<image:image>\n\t\t\t<image:loc>{image}</image:loc>\n\t\t</image:image>\n" if image else ""
    return f"\t<url>\n\t\t<loc>{loc}</loc>\n\t\t<lastmod>{lastmod}</lastmod>\n{picture}\t</url>\n"


#: a URL's start on one of Proini's domains: scheme (JSON-escaped or not, or none), ``www.``
_PROINI_URL = re.compile(r"((?:https?:)?(?://|\\/\\/))(www\.)?(?:iproini|i-proini)\.(?:com|gr)(?![\w-]|\.\w)")


# --- the site ------------------------------------------------------------------------------------


class Writer:
    """Writes the site's files; with *origin*, every URL of Proini's domains becomes one of that origin's domain."""

    def __init__(self, root: Path, origin: str | None = None):
        self.root = root
        self.domain = (urlsplit(origin).hostname or "").removeprefix("www.") if origin else None
        self.files = 0
        self.bytes = 0
        self._dirs: set[Path] = set()

    def __call__(self, relative: str, text: str) -> None:
        path = self.root / relative
        if path.parent not in self._dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(path.parent)
        if domain := self.domain:
            text = _PROINI_URL.sub(lambda m: m.group(1) + (m.group(2) or "") + domain, text)
        data = text.encode("utf-8")
        path.write_bytes(data)
        self.files += 1
        self.bytes += len(data)


class SiteBuilder:
    def __init__(self, templates: list[ArticleTemplate], seed: int, per_page: int = PER_PAGE, sitemap_size: int = SITEMAP_SIZE):
        self.templates = templates
        self.seed = seed
        self.per_page = per_page
        self.sitemap_size = sitemap_size
        self.home = compile_listing((SITE / "index.html").read_text(encoding="utf-8"))
        #: other pages with post modules (the theme's 404 page, WordPress pages' sidebars)
        self.pages = {name: compile_listing((SITE / name).read_text(encoding="utf-8")) for name in STATIC_LISTINGS}
        self.archives = {
            name: compile_listing(
                (SITE / f"category/{slug}/index.html").read_text(encoding="utf-8"), f"{ORIGIN}/category/{slug}/"
            )
            for name, slug in CATEGORY_SLUGS.items()
        }
        feed = (SITE / "feed/index.xml").read_text(encoding="utf-8")
        self.feed_head = feed[: feed.index("\t<item>")]
        self.feed_tail = feed[feed.rindex("</item>") + len("</item>\n") :]
        sitemap = (SITE / "post-sitemap.xml").read_text(encoding="utf-8")
        self.sitemap_head = sitemap[: sitemap.index("\t<url>")]

    def articles(self, write: Writer, posts: Sequence[Post], pool: Sequence[Post], today: datetime) -> None:
        for post in posts:
            write(post.file, render_article(post, pool, today, self.seed))

    def listings(self, write: Writer, posts: Sequence[Post]) -> None:
        """Home, archives, sitemaps and feed of the site made of *posts*."""
        newest = sorted(posts, key=lambda p: (p.published, p.post_id), reverse=True)
        today = newest[0].published
        by_category: dict[str, list[Post]] = {}
        for post in newest:
            for category in post.categories:
                by_category.setdefault(category, []).append(post)

        parts, blocks = self.home
        values = fill_blocks(blocks, newest, by_category, "home")
        values["today"] = today_line(today)
        write("index.html", parts.render(values))
        for name, (parts, blocks) in self.pages.items():
            values = fill_blocks(blocks, newest, by_category, name)
            values["today"] = today_line(today)
            write(name, parts.render(values))

        for name, slug in CATEGORY_SLUGS.items():
            parts, blocks = self.archives[name]
            url = f"{ORIGIN}/category/{slug}/"
            members = by_category.get(name, [])
            last = max(1, -(-len(members) // self.per_page))
            for number in range(1, last + 1):
                chunk = members[(number - 1) * self.per_page : number * self.per_page]
                values = fill_blocks(blocks, newest, by_category, f"{slug}:{number}", main=chunk, category=name)
                rel = []
                if number > 1:
                    rel.append(f'\n\t<link rel="prev" href="{page_url(url, number - 1)}" />')
                if number < last:
                    rel.append(f'\n\t<link rel="next" href="{page_url(url, number + 1)}" />')
                values.update(
                    today=today_line(today),
                    page_nav=page_nav(url, number, last),
                    page_url=page_url(url, number),
                    rel_links="".join(rel),
                    paged_title="" if number == 1 else f" - Page {number} of {last}",
                    paged_class="" if number == 1 else f" paged paged-{number} category-paged-{number}",
                )
                write(f"category/{slug}/" + ("" if number == 1 else f"page/{number}/") + "index.html", parts.render(values))

        by_lastmod = sorted(posts, key=lambda p: (p.lastmod, p.post_id))
        maps = []
        for index in range(0, len(by_lastmod), self.sitemap_size):
            chunk = by_lastmod[index : index + self.sitemap_size]
            name = "post-sitemap.xml" if index == 0 else f"post-sitemap{index // self.sitemap_size + 1}.xml"
            write(
                name,
                self.sitemap_head
                + "".join(sitemap_entry(p) for p in chunk)
                + "</urlset>\n<!-- XML Sitemap generated by Yoast SEO -->",
            )
            maps.append((name, chunk[-1].lastmod))
        maps += [("page-sitemap.xml", NEWEST), ("category-sitemap.xml", by_lastmod[-1].lastmod)]
        index_xml = (
            '<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" href="//www.iproini.com/wp-content/plugins/wordpress-seo/css/main-sitemap.xsl"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "".join(
                f"\t<sitemap>\n\t\t<loc>{ORIGIN}/{name}</loc>\n\t\t<lastmod>{iso(moment)}</lastmod>\n\t</sitemap>\n"
                for name, moment in maps
            )
            + "</sitemapindex>\n<!-- XML Sitemap generated by Yoast SEO -->"
        )
        write("sitemap_index.xml", index_xml)

        head = re.sub(
            r"<lastBuildDate>[^<]*</lastBuildDate>",
            f"<lastBuildDate>{format_datetime(max(p.lastmod for p in posts))}</lastBuildDate>",
            self.feed_head,
        )
        write("feed/index.xml", head + "".join(rss_item(p) for p in newest[:FEED_SIZE]) + self.feed_tail)

    @staticmethod
    def statics(out: Path) -> None:
        for name in ("robots.txt", "page-sitemap.xml", "category-sitemap.xml"):
            shutil.copyfile(SITE / name, out / name)


def _manifest(posts: Sequence[Post], **extra: object) -> str:
    ordered = sorted(posts, key=lambda p: (p.published, p.post_id))
    data = {"articles": [p.url for p in ordered], "count": len(ordered), **extra, "posts": [p.manifest() for p in ordered]}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _fresh(directory: Path) -> None:
    if directory.exists():
        if not (directory / "manifest.json").exists() and any(directory.iterdir()):
            sys.exit(f"{directory} exists, is not empty and holds no manifest.json: not overwriting it")
        shutil.rmtree(directory)
    directory.mkdir(parents=True)


def generate(
    articles: int,
    out: Path,
    seed: int = 1,
    new: int = 0,
    out2: Path | None = None,
    edit: int = 0,
    per_page: int = PER_PAGE,
    sitemap_size: int = SITEMAP_SIZE,
    origin: str | None = None,
    permalinks: str = "postname",
) -> dict[str, float]:
    """Write the site (and, with *out2*, the overlay); return counts and the time taken.

    *origin*: the site is another one at that origin (Proini's own changes nothing); *permalinks*:
    ``postname`` or ``date``.
    """
    started = time.perf_counter()
    origin = None if origin == ORIGIN else origin
    templates = load_templates()
    builder = SiteBuilder(templates, seed, per_page, sitemap_size)
    planner = Planner(templates, seed, dated=permalinks == "date")
    base = planner.plan(articles, NEWEST, 0, 400_000, [], "base")
    _fresh(out)
    write = Writer(out, origin)
    builder.articles(write, base, base, base[-1].published)
    builder.listings(write, base)
    builder.statics(out)
    write("manifest.json", _manifest(base, seed=seed))
    report: dict[str, float] = {"articles": len(base), "files": write.files, "bytes": write.bytes}
    if out2 is not None:
        start = base[-1].published + timedelta(hours=24)
        fresh = planner.plan(new, start, len(base), base[-1].post_id + 100, base, "new") if new else []
        rng = random.Random(f"{seed}:edit")
        edited = sorted(rng.sample(base, min(edit, len(base))), key=lambda p: p.post_id)
        newest = max([start] + [p.published for p in fresh])
        for i, post in enumerate(edited):
            post.edited = newest + timedelta(minutes=17 * (i + 1))
            if post.template.has_modified:
                post.modified = post.edited
            post.correction = (
                "Διόρθωση: Σε προηγούμενη εκδοχή του άρθρου αναφέρθηκε λανθασμένη ημερομηνία."
                if post.template.greek_title
                else "Correction: An earlier version of this article gave a wrong date."
            )
        _fresh(out2)
        write2 = Writer(out2, origin)
        everything = base + fresh
        today = max(p.lastmod for p in everything)
        builder.articles(write2, fresh + edited, everything, today)
        builder.listings(write2, everything)
        write2(
            "manifest.json",
            _manifest(
                fresh,
                edited=[p.url for p in edited],
                base={"count": len(base)},
                seed=seed,
                edited_posts=[p.manifest() for p in edited],
            ),
        )
        report.update(new=len(fresh), edited=len(edited), files2=write2.files, bytes2=write2.bytes)
    report["seconds"] = round(time.perf_counter() - started, 2)
    return report


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, required=True, help="number of posts")
    parser.add_argument("--out", type=Path, required=True, help="directory to write the site to (replaced)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--new", type=int, default=0, help="posts of the second-day overlay (needs --out2)")
    parser.add_argument("--edit", type=int, default=0, help="posts the overlay re-publishes with a correction")
    parser.add_argument("--out2", type=Path, help="directory of the second-day overlay (replaced)")
    parser.add_argument("--per-page", type=int, default=PER_PAGE, help="posts per archive page")
    parser.add_argument("--sitemap-size", type=int, default=SITEMAP_SIZE, help="URLs per post sitemap")
    parser.add_argument("--origin", help="another site on the same theme, at this origin (default: Proini's)")
    parser.add_argument("--permalinks", choices=("postname", "date"), default="postname")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    if (args.new or args.edit) and args.out2 is None:
        parser.error("--new/--edit need --out2")
    if args.per_page < 1 or args.sitemap_size < 1:
        parser.error("--per-page and --sitemap-size must be at least 1")
    report = generate(
        args.articles, args.out, args.seed, args.new, args.out2, args.edit, args.per_page, args.sitemap_size,
        origin=args.origin, permalinks=args.permalinks,
    )  # fmt: skip
    print(json.dumps(report))


if __name__ == "__main__":
    main()
