"""What the operator's console must show of a failure: checks shared by the command-line tests."""

from __future__ import annotations

import socket
import subprocess

from newscrawl.commands import ExitStatus

PASSWORD = "s3cret-pw"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def one_line(process: subprocess.CompletedProcess[str], status: ExitStatus, line: str) -> None:
    """The exit status, the failure said once in one line (the only ERROR), no traceback, no password."""
    console = process.stdout + process.stderr
    assert process.returncode == status, console[-3000:]
    lines = console.splitlines()
    assert [text for text in lines if line in text] == [next(t for t in lines if line in t)]
    errors = [text for text in lines if "ERROR:" in text]
    assert errors == [text for text in lines if line in text and "ERROR:" in text], errors
    for noise in ("Traceback", "Error caught on signal handler", "Task exception was never retrieved", PASSWORD):
        assert noise not in console
