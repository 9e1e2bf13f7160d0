"""Serve an offline copy of a site on 127.0.0.1, behaving like its WordPress host.

Used by the tests, the benchmarks and the offline demo::

    python -m tools.fixture_server iproini --port 0      # serves fixtures/iproini/site on a free port

A site is named by its spider (``spiders/<name>.py``), whose domains say what
to rewrite; its copy is ``fixtures/<name>/site`` unless roots are given. What
the server does beyond a static file server:

* rewrites the site's production origins in what it serves (``https://www.example.com``,
  ``http://example.gr``, JSON-escaped ``https:\\/\\/example.gr`` …) to its own origin;
* answers ``/?p=N`` shortlinks with a 301 to the post (ids read from each page's
  ``<link rel='shortlink'>``) and slash-less paths with a 301 to the slashed one (the
  other way round for a site whose permalinks have no slash: ``trailing_slash=False``);
* serves the theme's ``404.html`` with status 404 for everything else;
* overlays several roots (the first that has a path wins), for "second day" copies;
* serves what a root's ``responses.json`` says for the paths it lists, to play a
  hostile or broken server (see below);
* replaces made-up host names in what it serves by the ``host:port`` of other
  servers (``hosts``), so that a page can point at a test's canary servers;
* records every request path and when it came, so tests can count what a crawl fetched.

``responses.json`` maps URL paths (exactly as requested, query excluded; a key
ending in ``*`` matches every path that starts with what comes before it) to
rules; every key is optional:

``status``        status code (200)
``headers``       extra headers; a ``Location`` starting with ``/`` gets the server's origin
``times``         the rule answers only the first N requests, then the path is served as usual
``file``          the body is this path's file (looked up like a request), not the rule's own
                  path's; statuses from 300 up have no body unless ``file`` is given
``content_type``  the Content-Type header, instead of the one the file's suffix gives
``encoding``      transcode the (UTF-8) file to this encoding and declare it in the Content-Type
``cut_at``        declare the whole body's Content-Length, send this many bytes, hang up
``repeat``        repeat the file's ``<!-- repeat -->…<!-- /repeat -->`` block N times,
                  with ``{n}`` in it counting from 0 (thousands of links, megabytes of page)
``compress``      send the body compressed, ``gzip`` or ``deflate``, with its Content-Encoding
                  (with ``repeat``: a decompression bomb)
``trickle``       send the body one byte every this many seconds (a server that never quite answers)
``why``           a note for the reader; ignored
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import re
import sys
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from newscrawl.commands import one_line_parser_errors, port_number
from newscrawl.news.spider import NewsSiteSpider
from newscrawl.urls import normalize_path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT_ROOT / "fixtures"
LINK_TAG = re.compile(rb"<link\b[^>]*>", re.I)
SHORTLINK_ID = re.compile(rb"""\?p=(\d+)['"]""")
CONTENT_TYPES = {
    ".html": "text/html; charset=UTF-8",
    ".xml": "application/xml; charset=UTF-8",
    ".txt": "text/plain; charset=UTF-8",
    ".json": "application/json; charset=UTF-8",
    ".pdf": "application/pdf",
    ".png": "image/png",
}
INDEX_FILES = ("index.html", "index.xml")
RULES_FILE = "responses.json"
#: what ``responses.json`` says of one path (see the module's documentation)
Rule = dict[str, Any]
RULE_KEYS = frozenset(
    {"status", "headers", "times", "file", "content_type", "encoding", "cut_at", "repeat", "compress", "trickle", "why"}
)
COMPRESSORS = {"gzip": lambda body: gzip.compress(body, 9), "deflate": lambda body: zlib.compress(body, 9)}
REPEAT_BLOCK = re.compile(rb"<!-- repeat -->(.*?)<!-- /repeat -->", re.S)


#: where the spiders of the fixture sites are: the project's, and the tests' own
SPIDER_MODULES = ("spiders", "tests.spiders")


def spider_class(site: str | type[NewsSiteSpider]) -> type[NewsSiteSpider]:
    """The spider of *site*: itself, or the spider of that name (the project's, else a test site's)."""
    if isinstance(site, str):
        settings = get_project_settings()
        settings.set("SPIDER_MODULES", list(SPIDER_MODULES))
        spider = SpiderLoader.from_settings(settings).load(site)
        assert issubclass(spider, NewsSiteSpider), f"{site} is not a news site's spider"
        return spider
    return site


def site_root(site: str | type[NewsSiteSpider]) -> Path:
    """``fixtures/<name>/site``: the offline copy of a site."""
    return FIXTURES / spider_class(site).name / "site"


def production_origins(domains: Iterable[str]) -> re.Pattern[bytes]:
    """Every origin of the site's *domains*: http or https, with or without ``www.``, JSON-escaped or not."""
    names = b"|".join(re.escape(domain.encode()) for domain in sorted(domains, key=len, reverse=True))
    return re.compile(rb"https?:(?://|\\/\\/)(?:www\.)?(?:" + names + rb")(?![\w-]|\.\w)")


class FixtureSite:
    """The files of an offline site copy, looked up by URL path."""

    def __init__(self, roots: Sequence[Path], origins: re.Pattern[bytes]):
        self.roots = [Path(r).resolve() for r in roots]
        self.origins = origins
        self.shortlinks = self._read_shortlinks()
        self.rules = self._read_rules()
        self.prefix_rules = [(path.removesuffix("*"), rule) for path, rule in self.rules.items() if path.endswith("*")]
        self._rule_hits: Counter[str] = Counter()
        self._lock = threading.Lock()

    def _read_rules(self) -> dict[str, Rule]:
        rules: dict[str, Rule] = {}
        for root in reversed(self.roots):  # earlier roots win
            if (root / RULES_FILE).is_file():
                rules.update(json.loads((root / RULES_FILE).read_text(encoding="utf-8")))
        for path, rule in rules.items():
            if unknown := set(rule) - RULE_KEYS:
                raise ValueError(f"{RULES_FILE}: unknown keys {sorted(unknown)} for {path}")
            if rule.get("compress", "gzip") not in COMPRESSORS:
                raise ValueError(f"{RULES_FILE}: compress must be one of {sorted(COMPRESSORS)} for {path}")
        return rules

    def rule(self, path: str) -> Rule | None:
        """The rule answering this request of *path*, if any (a rule with ``times`` runs out)."""
        rule = self.rules.get(path) or next((rule for prefix, rule in self.prefix_rules if path.startswith(prefix)), None)
        if rule is None or "times" not in rule:
            return rule
        with self._lock:
            self._rule_hits[path] += 1
            return rule if self._rule_hits[path] <= rule["times"] else None

    def _read_shortlinks(self) -> dict[str, str]:
        links: dict[str, str] = {}
        for root in reversed(self.roots):  # earlier roots win
            for page in root.rglob("index.html"):
                if page.parent.name == "amp":
                    continue
                for tag in LINK_TAG.findall(page.read_bytes()):
                    if b"shortlink" in tag and (match := SHORTLINK_ID.search(tag)):
                        links[match.group(1).decode()] = "/" + page.parent.relative_to(root).as_posix() + "/"
        return links

    def find(self, path: str) -> tuple[Path | None, bool]:
        """The file serving *path*, and whether it is a directory's index."""
        relative = unquote(path).lstrip("/")
        for root in self.roots:
            candidate = (root / relative).resolve()
            if not candidate.is_relative_to(root):
                return None, False
            if candidate.is_file():
                return candidate, False
            for index in INDEX_FILES:
                if (candidate / index).is_file():
                    return candidate / index, True
        return None, False

    def not_found_page(self) -> Path | None:
        return next((r / "404.html" for r in self.roots if (r / "404.html").is_file()), None)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    # Keep-alive, and no Nagle delay between the header and body writes (40 ms each otherwise).
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        self.server.request_log.append((time.monotonic(), self.path))
        parts = urlsplit(self.path)
        site = self.server.site
        if (rule := site.rule(parts.path)) is not None:
            return self._send_rule(parts.path, rule)
        post_id = parse_qs(parts.query).get("p", [""])[0]
        if parts.path == "/" and post_id:
            target = site.shortlinks.get(post_id)
            return self._redirect(self._permalink(target)) if target else self._not_found()
        file, is_index = site.find(parts.path)
        if file is None:
            return self._not_found()
        if is_index and (permalink := self._permalink(parts.path)) != parts.path:
            return self._redirect(permalink + (f"?{parts.query}" if parts.query else ""))
        body = self._body(file)
        self._send(200, body, _content_type(file, body))
        return None

    def _permalink(self, path: str) -> str:
        """*path* of a directory as the site writes its permalinks: with the slash, or without."""
        if path == "/":
            return path
        return path.rstrip("/") + ("/" if self.server.trailing_slash else "")

    def _redirect(self, location: str) -> None:
        path, separator, query = location.partition("?")
        self.send_response(301)
        self.send_header("Location", self.server.origin + normalize_path(path) + separator + query)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _not_found(self) -> None:
        page = self.server.site.not_found_page()
        if page is None:
            self.send_error(404)
        else:
            body = self._body(page)
            self._send(404, body, _content_type(page, body))

    def _send_rule(self, path: str, rule: Rule) -> None:
        status = rule.get("status", 200)
        file = self.server.site.find(rule.get("file", path))[0] if "file" in rule or status < 300 else None
        body = self._body(file, rule.get("repeat", 0)) if file else b""
        content_type = _content_type(file, body) if file else "text/html; charset=UTF-8"
        if encoding := rule.get("encoding"):
            body = body.decode("utf-8").encode(encoding, "xmlcharrefreplace")
            content_type = content_type.replace("UTF-8", encoding)
        content_type = rule.get("content_type", content_type)
        headers = {
            name: self.server.origin + value
            if name == "Location" and value.startswith("/")
            else self._aliased(value.encode()).decode()
            for name, value in rule.get("headers", {}).items()
        }
        if compress := rule.get("compress"):
            body, headers["Content-Encoding"] = COMPRESSORS[compress](body), compress
        self._send(status, body, content_type, headers, rule.get("cut_at"), rule.get("trickle"))

    def _aliased(self, data: bytes) -> bytes:
        """*data* with the made-up host names of ``hosts`` replaced by the host:port they stand for."""
        for name, netloc in self.server.hosts.items():
            data = data.replace(name.encode(), netloc.encode())
        return data

    def _body(self, file: Path, repeat: int = 0) -> bytes:
        body = file.read_bytes()
        if repeat:
            body = REPEAT_BLOCK.sub(lambda m: b"".join(m.group(1).replace(b"{n}", b"%d" % n) for n in range(repeat)), body)
        return self.server.site.origins.sub(self.server.origin.encode(), self._aliased(body))

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
        cut_at: int | None = None,
        trickle: float | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if cut_at is not None:
            body, self.close_connection = body[:cut_at], True
        try:
            if trickle:
                self._trickle(body, trickle)
            else:
                self.wfile.write(body)
        except ConnectionError:  # the client gave up on the body (a page over its size limit, or too slow)
            self.close_connection = True

    def _trickle(self, body: bytes, interval: float) -> None:
        self.wfile.flush()
        for index in range(len(body)):
            if self.server.stopping.wait(interval):
                raise ConnectionAbortedError("the server is shutting down")
            self.wfile.write(body[index : index + 1])
            self.wfile.flush()

    def log_message(self, format: str, *args: object) -> None:
        """Silent: tests read :attr:`FixtureServer.requests` instead."""


def _content_type(file: Path, body: bytes) -> str:
    if file.name == "index.xml" and b"<rss" in body[:500]:
        return "application/rss+xml; charset=UTF-8"
    return CONTENT_TYPES.get(file.suffix, "application/octet-stream")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: FixtureSite
    origin: str
    #: made-up host names in served files -> the host:port they stand for
    hosts: Mapping[str, str]
    #: set on shutdown: a trickling answer stops
    stopping: threading.Event
    requests: list[str]
    request_log: list[tuple[float, str]]
    #: whether the site's permalinks end with a slash (a directory reached the other way is redirected)
    trailing_slash: bool

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser closing a keep-alive connection mid-read is routine, not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FixtureServer:
    """A running fixture server of one site; use as a context manager. ``url`` is its origin.

    :param site: the site's spider, or its name
    :param roots: site copies to overlay, the first that has a path wins (default: ``fixtures/<name>/site``)
    :param hosts: made-up host names in the served files (and rule headers), and the ``host:port``
        each stands for (e.g. a test's canary server)
    :param trailing_slash: whether the site's permalinks end with a slash, as WordPress's do but for
        ``/archives/%post_id%``: a directory requested the other way is redirected
    """

    def __init__(
        self,
        site: str | type[NewsSiteSpider],
        *roots: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        hosts: Mapping[str, str] | None = None,
        trailing_slash: bool = True,
    ):
        spider = spider_class(site)
        self._server = _Server((host, port), _Handler)
        origins = production_origins(spider.domains)
        self.site = self._server.site = FixtureSite(roots or (site_root(spider),), origins)
        self._server.hosts = dict(hosts or {})
        self._server.trailing_slash = trailing_slash
        self._server.stopping = threading.Event()
        self._server.requests = []
        self._server.request_log = []
        self.url = self._server.origin = f"http://{host}:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def requests(self) -> list[str]:
        """Paths requested so far, in order (tests may clear it between runs)."""
        return self._server.requests

    @property
    def request_log(self) -> list[tuple[float, str]]:
        """``(time.monotonic(), path)`` of every request since the server started, in order."""
        return list(self._server.request_log)

    def __enter__(self) -> FixtureServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.fixture_server", description=__doc__.split("\n\n")[0])
    parser.add_argument("site", help="the site's spider name, e.g. iproini")
    parser.add_argument("--port", type=port_number, default=8000, help="port on 127.0.0.1 (0: a free one, printed)")
    parser.add_argument("--root", type=Path, action="append", help="site copy to serve (repeat to overlay)")
    one_line_parser_errors(parser)
    args = parser.parse_args(argv)
    try:
        server = FixtureServer(args.site, *(args.root or []), port=args.port)
    except KeyError:
        print(f"No spider named {args.site!r}: `scrapy list` shows the sites", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Cannot serve on 127.0.0.1:{args.port}: {exc.strerror}; choose another --port (0: any free one)", file=sys.stderr)
        return 1
    print(f"Serving {', '.join(map(str, server.site.roots))} at {server.url}/ (Ctrl-C to stop)", flush=True)
    with server, contextlib.suppress(KeyboardInterrupt):
        threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
