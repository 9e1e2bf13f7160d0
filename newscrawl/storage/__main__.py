"""Storage commands.

``python -m newscrawl.storage serve [--host 127.0.0.1] [--port PORT] [--auth]``
    Serve the embedded store on a port (default: a free one, printed), for pymongo, mongosh or
    Compass, until Ctrl-C. Only on loopback, unless access control is on (``--auth``: users
    created beforehand, see docs/credentials.md).
``python -m newscrawl.storage replay [--uri URI] [FILE ...]``
    Replay dead-letter files (default: every file waiting in NEWSCRAWL_DATA_DIR/deadletter/)
    into MONGO_URI, or into the embedded store when it is unset.
``python -m newscrawl.storage drop [--uri URI] DATABASE``
    Remove a database, e.g. the one a crawl of a copy of the site wrote (never MONGO_DATABASE's).

``--uri`` takes no password: a command line is shown to every user of the machine (``ps``) and
kept in shell histories. A URI with one is refused; MONGO_URI_FILE or MONGO_URI give it instead.

Settings come from the project settings and the environment, as for a crawl.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import signal
import socket
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from newscrawl.commands import one_line_parser_errors, port_number
from newscrawl.logredact import install_log_redaction, uri_password
from newscrawl.storage.config import MongoConfig
from newscrawl.storage.connection import MongoConnection
from newscrawl.storage.deadletter import dead_letter_files
from newscrawl.storage.embedded import EmbeddedServer
from newscrawl.storage.errors import StorageUnavailable
from newscrawl.storage.replay import replay_file
from newscrawl.storage.retry import RetryPolicy, describe


def _config(args: argparse.Namespace) -> MongoConfig:
    settings: Settings = get_project_settings()
    if args.data_dir:
        settings.set("NEWSCRAWL_DATA_DIR", args.data_dir, priority="cmdline")
    if getattr(args, "uri", None):
        settings.set("MONGO_URI", args.uri, priority="cmdline")
    return MongoConfig.from_settings(settings)


def is_loopback(host: str) -> bool:
    """Whether every address *host* names is a loopback one (127.0.0.0/8, ::1)."""
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        return False
    return all(ipaddress.ip_address(address.split("%", 1)[0]).is_loopback for address in addresses)


def serve(args: argparse.Namespace) -> int:
    if not args.auth and not is_loopback(args.host):
        print(
            f"Not serving on {args.host}: it is not a loopback address, and without access control anyone who "
            "reaches it could read and change the store. Serve on 127.0.0.1, or add --auth (see docs/credentials.md).",
            file=sys.stderr,
        )
        return 2
    config = _config(args)
    server = EmbeddedServer(config.embedded_path, args.host, args.port, require_auth=args.auth)
    uri = server.start()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print(
        f"Serving the embedded store {config.embedded_path} on {uri} until Ctrl-C. Query it with: mongosh {uri}{config.database}",
        flush=True,
    )
    stop.wait()
    server.stop()
    return 0


def replay(args: argparse.Namespace) -> int:
    config = _config(args)
    files = [Path(name) for name in args.files] or dead_letter_files(config.deadletter_dir)
    if not files:
        print(f"No dead-letter files in {config.deadletter_dir}")
        return 0
    retry = RetryPolicy(config.retry_attempts, config.retry_backoff)
    done = True
    with MongoConnection(config) as connection:
        print(f"Replaying {len(files)} dead-letter file(s) into {connection.where}")
        for path in files:
            try:
                result = replay_file(connection, path, retry, config.batch_size)
            except Exception as exc:  # noqa: BLE001 - any failure: one line, and the file stays for next time
                print(f"{path}: replay stopped, file kept ({describe(exc)})", file=sys.stderr)
                return 1
            counts = ", ".join(f"{count} {kind}" for kind, count in sorted(result.counts.items())) or "nothing"
            if result.done:
                print(f"{path}: {result.records} records replayed ({counts}); moved to replayed/")
            else:
                done = False
                problems = [f"{len(result.rejected)} of {result.records} records not written"]
                if unreadable := len(result.unreadable):
                    problems.append(f"{unreadable} unreadable line{'s' if unreadable > 1 else ''}")
                print(f"{path}: {', '.join(problems)}; file kept ({counts})", file=sys.stderr)
                for rejection in result.rejected:
                    detail = f": {rejection.detail}" if rejection.detail else ""
                    print(f"  {rejection.write.url}: {rejection.reason}{detail}", file=sys.stderr)
                for line in result.unreadable:
                    print(f"  {line}", file=sys.stderr)
    return 0 if done else 1


def drop(args: argparse.Namespace) -> int:
    config = _config(args)
    if args.database == config.database:
        print(f"Not dropping {args.database}: it is MONGO_DATABASE, the live data", file=sys.stderr)
        return 1
    with MongoConnection(config) as connection:
        assert connection.client is not None
        if args.database not in connection.client.list_database_names():
            print(f"No database {args.database} in {connection.where.split(' (')[0]}")
            return 0
        connection.client.drop_database(args.database)
        print(f"Dropped database {args.database} from {connection.where.split(' (')[0]}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newscrawl.storage", description=__doc__.splitlines()[0])
    data_dir = "NEWSCRAWL_DATA_DIR (default: setting, env, or .data/ in the project)"
    uri_help = "MongoDB connection string without a password (default: MONGO_URI, else the embedded store)"
    parser.add_argument("--data-dir", help=data_dir)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="serve the embedded store on a port")
    serve_parser.add_argument("--host", default="127.0.0.1", help="address to listen on: loopback only, unless --auth")
    serve_parser.add_argument("--auth", action="store_true", help="require authentication (create the users first)")
    serve_parser.add_argument("--port", type=port_number, default=0, help="port (default 0: a free one, printed)")
    serve_parser.set_defaults(run=serve)
    drop_parser = commands.add_parser("drop", help="remove a database (not MONGO_DATABASE)")
    drop_parser.add_argument("database")
    drop_parser.add_argument("--uri", help=uri_help)
    drop_parser.set_defaults(run=drop)
    replay_parser = commands.add_parser("replay", help="replay dead-letter files idempotently")
    replay_parser.add_argument("--uri", help=uri_help)
    replay_parser.add_argument("files", nargs="*", help="dead-letter files (default: all waiting ones)")
    replay_parser.set_defaults(run=replay)
    for command in (serve_parser, drop_parser, replay_parser):
        # also after the command (`serve --port 0 --data-dir DIR`); SUPPRESS keeps one given before it
        command.add_argument("--data-dir", default=argparse.SUPPRESS, help=data_dir)
    for each in (parser, serve_parser, drop_parser, replay_parser):
        one_line_parser_errors(each)
    args = parser.parse_args(argv)
    if getattr(args, "uri", None) and uri_password(args.uri) is not None:
        print(
            "Not using --uri: it holds a password, which a command line shows to every user of this machine "
            "and leaves in shell history. Name a file holding the URI in MONGO_URI_FILE, or set MONGO_URI "
            "in the environment (see docs/credentials.md).",
            file=sys.stderr,
        )
        return 2
    install_log_redaction()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.run(args)
    except StorageUnavailable as exc:
        print(f"MongoDB storage unavailable: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
