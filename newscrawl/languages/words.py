"""The shape of a language's words (:class:`Language`), and folding text for lookups."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field


def fold(text: str) -> str:
    """Lowercase and strip accents (Greek tonos included, final sigma as sigma), for table lookups."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").replace("ς", "σ")


@dataclass(frozen=True)
class Language:
    #: ISO 639-1 code, as the item's ``language`` field carries it
    code: str
    #: regular-expression character class of the letters only this language uses, e.g. ``A-Za-z``
    letters: str
    #: names of each month (1-12), every form a page prints: nominative, genitive, abbreviations
    months: dict[int, tuple[str, ...]]
    #: words for "today", "yesterday"… with how many days back they are
    day_words: dict[str, int]
    #: stems of time units, with the ``timedelta`` keyword each stands for
    units: dict[str, str]
    #: number words a relative date may start with ("an hour ago")
    number_words: dict[str, int]
    #: how a relative date is written, ``{n}`` and ``{unit}`` standing for the count and the unit
    ago_phrases: tuple[str, ...]
    #: words between a date and its time ("at"), and the morning/afternoon markers after a time
    time_joiners: tuple[str, ...] = ()
    am: tuple[str, ...] = ()
    pm: tuple[str, ...] = ()
    #: words that open a byline ("By", "Του")
    byline_markers: tuple[str, ...] = ()
    #: whether the name runs into the sentence without punctuation (Greek genitive bylines), so that
    #: it is capped at a few words, rather than ending at a comma ("By NAME, SOURCE, text")
    byline_runs_on: bool = False
    #: words joining two authors' names ("and")
    name_joiners: tuple[str, ...] = ()
    #: the word of "WRITER for PUBLICATION"
    byline_for: tuple[str, ...] = ()
    #: lowercase words allowed inside names ("of", "van")
    name_particles: frozenset[str] = field(default_factory=frozenset)
    #: capitalised words that start a sentence, never a name ("Monday", "Η")
    sentence_starters: frozenset[str] = field(default_factory=frozenset)
    #: bylines naming a desk or the newsroom rather than a writer
    desk_names: frozenset[str] = field(default_factory=frozenset)
    #: what a page shows where a script will put the article text
    placeholders: tuple[str, ...] = ()
