"""Extraction cost in instructions: the extraction benchmark's pages, counted by callgrind, not timed.

    python -m bench.bench_instructions [--rounds 4]

On a shared machine, the time a round takes moves by 20% from one run to the
next; the number of instructions it executes does not. Each extractor of
``bench/bench_extraction.py`` runs under ``valgrind --tool=callgrind`` twice in
a fresh process: once with its warm-up pass only, once with *rounds* more
passes over the same pages. The difference, per page, is what one extraction
costs, start-up and imports left out. Needs valgrind (Debian's ``valgrind``);
takes a few minutes (trafilatura runs one round: it costs ten times more).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.bench_extraction import SITES, fixture_articles, ours, theirs, timed

#: passes over the pages per extractor, the warm-up aside: few for the slow one
ROUNDS = {"newscrawl": 4, "trafilatura": 1}
_COLLECTED = re.compile(rb"Collected : (\d+)")


def run(extractor: str, rounds: int) -> None:
    """The process callgrind counts: a warm-up pass, then *rounds* passes."""
    pages = [(article["file"].read_bytes(), article["url"]) for article in fixture_articles(list(SITES))]
    extract = ours(list(SITES)) if extractor == "newscrawl" else theirs
    for _ in range(rounds + 1):
        timed(extract, pages)


def instructions(extractor: str, rounds: int) -> int:
    """Instructions executed by a process running *extractor* over the pages *rounds* times after its warm-up."""
    with tempfile.TemporaryDirectory() as scratch:
        command = [
            "valgrind", "--tool=callgrind", f"--callgrind-out-file={Path(scratch) / 'out'}",
            sys.executable, "-m", "bench.bench_instructions", "--run", extractor, "--rounds", str(rounds),
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, check=True)
    if not (found := _COLLECTED.search(done.stderr)):
        raise SystemExit(f"callgrind printed no count:\n{done.stderr.decode(errors='replace')[-2000:]}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS["newscrawl"], help="passes for newscrawl (trafilatura: 1)")
    parser.add_argument("--run", choices=ROUNDS, help=argparse.SUPPRESS)  # the counted process
    args = parser.parse_args(argv)
    if args.run:
        run(args.run, args.rounds)
        return
    pages = len(fixture_articles(list(SITES)))
    per_page = {}
    for extractor, default_rounds in ROUNDS.items():
        rounds = args.rounds if extractor == "newscrawl" else default_rounds
        extra = instructions(extractor, rounds) - instructions(extractor, 0)
        per_page[extractor] = extra / rounds / pages
    print(f"{pages} articles of {', '.join(SITES)}, instructions per page (callgrind)")
    for extractor, count in per_page.items():
        print(f"{extractor:14}{count / 1e6:10.2f} M{per_page['trafilatura'] / count:8.1f}x")


if __name__ == "__main__":
    main()
