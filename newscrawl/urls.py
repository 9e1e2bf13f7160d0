"""Canonical URLs for a site served under several domains.

One WordPress site answers on several hosts, over http or https, with or
without ``www.``; links add tracking parameters, drop the trailing slash, point
at AMP copies or spell Greek slugs in three ways (lowercase hex, uppercase hex,
raw letters). :class:`SiteUrls` maps every such variant to the one production
URL the site itself calls canonical, and maps that back to the origin actually
being crawled (the live site, a staging mirror or the fixture server).

It also says which origins (scheme, host and port) the crawl may send anything
to: the crawled copy's, or the live site's own. A host name alone is not enough:
a staging copy shares its host with other services on other ports.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import SplitResult, parse_qsl, unquote, urlencode, urljoin, urlsplit

# Query parameters that do not change the page: click tracking (Jetpack's related posts too), and the AMP switch.
VARIANT_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_[ce]id|igshid|_ga|ref|amp|relatedposts_\w+)$", re.I)

# Characters WordPress leaves unescaped in a post slug path.
_PATH_SAFE = "/-._~!$&'()*+,;=:@"
DEFAULT_PORTS = {"http": 80, "https": 443}

#: scheme, host and port: what a browser means by an origin
Origin = tuple[str, str, int]


def origin_of(url: str) -> Origin | None:
    """The origin of an http(s) *url*, its port made explicit; None for another scheme or a malformed URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


# Each byte of a UTF-8 path as WordPress writes it: itself if safe (letters, digits, _PATH_SAFE), else
# %xx in lowercase hex. One lookup per byte: what quote() does, without a second pass to lowercase.
_SAFE_BYTES = frozenset((string.ascii_letters + string.digits + _PATH_SAFE).encode())
_PATH_BYTES = tuple(chr(byte) if byte in _SAFE_BYTES else f"%{byte:02x}" for byte in range(256))


def join_url(base: str, href: str) -> str | None:
    """*href* resolved against *base*; None for a link too malformed to parse (``http://[``)."""
    href = href.strip()
    try:
        # Most links are absolute already: nothing to join them to (a path to normalise aside, which
        # canonical URLs do anyway).
        joined = href if href.startswith(("https://", "http://")) and "/." not in href else urljoin(base, href)
        urlsplit(joined).port  # noqa: B018 - parses the authority: raises on a bad host or port
    except ValueError:
        return None
    return joined


def normalize_path(path: str) -> str:
    """Percent-encode *path* the way WordPress does: UTF-8, lowercase hex.

    ``/%CE%B5/``, ``/%ce%b5/`` and ``/ε/`` all become ``/%ce%b5/``.
    """
    return "".join(map(_PATH_BYTES.__getitem__, unquote(path).encode()))


LOOPBACK_NAMES = ("localhost", "127.0.0.1")
#: distinct URLs whose canonical form a crawl keeps at hand (about 25 MB at most)
CANONICAL_CACHE_SIZE = 65_536


def _loopback_aliases(netloc: str) -> list[str]:
    """``127.0.0.1:8000`` for ``localhost:8000`` and the other way round; nothing for other hosts."""
    host, colon, port = netloc.partition(":")
    return [name + colon + port for name in LOOPBACK_NAMES if host in LOOPBACK_NAMES and name != host]


class SiteUrls:
    """Canonicalises links of one site and maps them to the crawled origin.

    :param canonical_origin: the production origin, e.g. ``https://www.example.com``
    :param domains: registered domains the site answers on (``www.`` is implied)
    :param base_url: origin actually crawled; defaults to the production origin
    :param trailing_slash: whether the site's permalinks end with a slash (WordPress's
        structures do, but for ``/archives/%post_id%``): canonical URLs get or lose it. None:
        learnt from the first permalink the site declares canonical (:meth:`learn_permalink`),
        a slash until then
    """

    def __init__(
        self,
        canonical_origin: str,
        domains: Iterable[str],
        base_url: str | None = None,
        *,
        trailing_slash: bool | None = None,
    ):
        self.canonical_origin = canonical_origin.rstrip("/")
        self.base_url = (base_url or canonical_origin).rstrip("/")
        base = urlsplit(self.base_url)
        if not base.scheme or not base.netloc or base.path or base.query:
            raise ValueError(f"base_url must be an origin such as http://127.0.0.1:8000, got {base_url!r}")
        netloc = base.netloc.lower()
        #: the crawled origin under each of its names: ``localhost`` and ``127.0.0.1`` are one host
        self._base_netlocs = {netloc, *_loopback_aliases(netloc)}
        self._domains = frozenset(d.lower() for d in domains)
        self.trailing_slash = True if trailing_slash is None else trailing_slash
        #: whether the slash is still to be learnt from the site
        self._learning = trailing_slash is None
        #: where requests may go: the copy's origin, or every origin of the live site
        self.crawled_origins = self._crawled_origins()
        # Every page of a news site links the same few hundred URLs (menus, "Latest", "Hot this
        # week"): each distinct one is canonicalised once, in a cache of bounded size.
        self._canonical_of = lru_cache(maxsize=CANONICAL_CACHE_SIZE)(self._canonical)

    def _crawled_origins(self) -> frozenset[Origin]:
        copy = origin_of(self.base_url)
        if copy is None:
            raise ValueError(f"base_url must be an http or https origin, got {self.base_url!r}")
        scheme, host, port = copy
        # localhost and 127.0.0.1 are one host: a copy served on one is crawled under either name
        names = LOOPBACK_NAMES if host in LOOPBACK_NAMES else (host,)
        if self.base_url != self.canonical_origin:
            return frozenset((scheme, name, port) for name in names)
        hosts = {host for domain in self._domains for host in (domain, f"www.{domain}")}
        return frozenset((scheme, host, port) for scheme, port in DEFAULT_PORTS.items() for host in hosts) | {copy}

    @property
    def allowed_domains(self) -> list[str]:
        """Hosts for Scrapy's OffsiteMiddleware (the production domains and the crawled host)."""
        return sorted(self._domains | {urlsplit(f"//{netloc}").hostname or "" for netloc in self._base_netlocs})

    def is_site_url(self, url: str) -> bool:
        """Whether *url* belongs to this site (any of its domains, or the crawled origin)."""
        return self._is_site(urlsplit(url))

    def _is_site(self, parts: SplitResult) -> bool:
        if parts.scheme not in ("http", "https"):
            return False
        if parts.netloc.lower() in self._base_netlocs:
            return True
        host = (parts.hostname or "").lower()
        return host.removeprefix("www.") in self._domains

    def is_crawled_origin(self, url: str) -> bool:
        """Whether *url* is on an origin this crawl fetches from: the crawled copy's scheme, host
        and port, or (crawling the live site) http or https on any of the site's domains, with
        or without ``www.``, on the default port. Every request and every redirect must be."""
        return origin_of(url) in self.crawled_origins

    def canonical(self, url: str) -> str | None:
        """The production URL of *url*, or None if it is not on this site.

        Drops the fragment and tracking parameters, strips an AMP suffix, adds
        the trailing slash WordPress redirects to (or drops it, for a site whose
        permalinks have none) and normalises the percent-encoding. Other query parameters (``?p=N`` shortlinks, search)
        are kept: they name a different resource until the site redirects.
        """
        return self._canonical_of(url)

    def learn_permalink(self, declared: str) -> None:
        """Take the site's trailing slash from *declared*, a URL the site itself gives as canonical:
        a page's ``rel=canonical``, where a redirect of the slash leads.

        WordPress writes every permalink of a site the same way, with the slash its permalink
        structure ends with; the first declared URL of the site whose last segment is a name tells
        it, once. Links canonicalised before keep the other form; their keys are the same. Links in
        pages are no evidence: people write them, with or without the slash.
        """
        if not self._learning:
            return
        try:
            parts = urlsplit(declared.strip())
        except ValueError:
            return
        segment = parts.path.rstrip("/").rsplit("/", 1)[-1]
        if not self._is_site(parts) or parts.query or not segment or "." in segment:
            return
        self._learning = False
        if parts.path.endswith("/") != self.trailing_slash:
            self.trailing_slash = not self.trailing_slash
            self._canonical_of.cache_clear()

    def learn_redirect(self, source: str, target: str) -> None:
        """A redirect from *source* to *target* that only adds or drops the slash: the site's own form."""
        source_path, target_path = urlsplit(source).path, urlsplit(target).path
        if source_path != target_path and source_path.rstrip("/") == target_path.rstrip("/"):
            self.learn_permalink(target)

    def _canonical(self, url: str) -> str | None:
        try:
            parts = urlsplit(url.strip())
            if not self._is_site(parts):
                return None
        except ValueError:  # a malformed authority (http://[)
            return None
        path = normalize_path(parts.path or "/")
        if path.endswith("/amp/"):
            path = path[: -len("amp/")]
        elif path.endswith("/amp"):
            path = path[: -len("amp")]
        last_segment = path.rstrip("/").rsplit("/", 1)[-1]
        if last_segment and "." not in last_segment:
            path = path.rstrip("/") + ("/" if self.trailing_slash else "")
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not VARIANT_PARAMS.match(k)]
        query_string = urlencode(query) if query else ""
        return self.canonical_origin + path + (f"?{query_string}" if query_string else "")

    @staticmethod
    def key(canonical: str) -> str:
        """The identity of a canonical URL: two URLs with the same key are the same page.

        The trailing slash is not part of it, so that a link written without the
        slash of the site's permalinks (or with one it does not use) is never a
        second article.
        """
        path, separator, query = canonical.partition("?")
        return (path.rstrip("/") if path.count("/") > 2 else path) + separator + query

    def to_crawl(self, url: str) -> str:
        """The URL to request for a canonical (or any on-site) *url*: same path on the crawled origin."""
        parts = urlsplit(url)
        return self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
