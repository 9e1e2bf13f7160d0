"""Bylines: the names at the start of an article's text ("By NAME, SOURCE,", "Του ΟΝΟΜΑΤΟΣ").

The words come from :mod:`newscrawl.languages`; the two shapes a byline takes
are handled here once for every language:

* ending at a comma, as in English: ``By NAME,``, ``By: NAME, SOURCE, text``,
  ``by NAME, SOURCE,``, an organisation alone (``By NPR,``);
* running on into the sentence, as Greek genitive bylines do: ``Του Κωστή
  Μπακογιάννη Η ‘Διακήρυξη…’``, ``Των ΟΝΟΜΑΤΟΣ και ΟΝΟΜΑΤΟΣ``: at most three
  words per name (initials aside), names kept as written (in the genitive).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from newscrawl.languages import LANGUAGES, Language, fold
from newscrawl.text import clean_text

# What follows a name word's capital: letters, apostrophes, periods (initials), hyphens.
_NAME_WORD_REST = re.compile(r"[\w'’.\-]*")
#: words per name in a running byline, initials aside
_RUNNING_NAME_WORDS = 3
#: words per name, and per source organisation, in a byline that ends at a comma
_NAME_WORDS = 6
_SOURCE_WORDS = 7


def _marker(language: Language) -> re.Pattern[str]:
    markers = "|".join(re.escape(m) for m in sorted(language.byline_markers, key=len, reverse=True))
    if language.byline_runs_on:  # a genitive article, then a capitalised name
        return re.compile(rf"^(?:{markers})\s+(?P<rest>\S.*)$", re.S)
    return re.compile(rf"^(?:{markers})\s*:?\s+(?P<rest>.+)$", re.I | re.S)


_MARKERS = tuple((language, _marker(language)) for language in LANGUAGES if language.byline_markers)


def _is_capital(char: str) -> bool:
    """Whether *char* is a capital letter of any alphabet ("É", "Ж", "Ώ", titlecase "ᾈ")."""
    return char.isupper() or char.istitle()


def _is_name_word(word: str) -> bool:
    return _is_capital(word[:1]) and _NAME_WORD_REST.fullmatch(word, 1) is not None


def _is_initial(word: str) -> bool:
    """A middle initial ("Ι.", "J."): its period does not end the name."""
    return len(word) == 2 and _is_capital(word[0]) and word[1] == "."


def _after_marker(text: str) -> tuple[Language, str] | None:
    """The language of the byline marker opening *text*, and the text after it."""
    for language, marker in _MARKERS:
        # A genitive article opens a byline only before a capitalised name ("Του Κωστή", not "Του πρωθυπουργού").
        if (match := marker.match(text)) and (not language.byline_runs_on or _is_capital(match["rest"][0])):
            return language, match["rest"]
    return None


def _is_proper_phrase(text: str, max_words: int, language: Language) -> bool:
    """Whether *text* reads like a name or an organisation: short, capitalised words."""
    words = text.split()
    if not 0 < len(words) <= max_words or not _is_name_word(words[0]):
        return False
    return all(_is_name_word(w) or w.lower() in language.name_particles for w in words)


def _comma_byline(rest: str, language: Language) -> tuple[list[str], str] | None:
    segments = rest.split(",")
    name = segments[0].strip()
    if not _is_proper_phrase(name, _NAME_WORDS, language) or name.split()[0].lower() in language.sentence_starters:
        return None
    consumed = 1
    # "By: NAME, SOURCE, text": a second short proper phrase followed by a comma is the source.
    if len(segments) >= 3 and _is_proper_phrase(segments[1].strip(), _SOURCE_WORDS, language):
        consumed = 2
    return [name], ",".join(segments[consumed:]).strip()


def _running_byline(rest: str, language: Language) -> tuple[list[str], str] | None:
    words = rest.split()
    names: list[str] = []
    current: list[str] = []
    index = 0

    def full_words() -> int:
        return sum(1 for word in current if not _is_initial(word))

    while index < len(words):
        word = words[index]
        bare = word if _is_initial(word) else word.rstrip(",.:;")
        if bare.lower() in language.sentence_starters or not _is_name_word(bare) or full_words() == _RUNNING_NAME_WORDS:
            if bare in language.name_joiners and current:
                names.append(" ".join(current))
                current = []
                index += 1
                continue
            break
        current.append(bare)
        index += 1
        if bare != word:  # punctuation after a word ends the byline
            break
    if full_words() == _RUNNING_NAME_WORDS and index < len(words) and not words[index - 1].endswith((",", ".", ":", ";")):
        # Running into the sentence: a third capitalised word more likely starts it.
        current.pop()
        index -= 1
    if current:
        names.append(" ".join(current))
    if not names or any(len(n.split()) < 2 for n in names):
        return None
    return names, " ".join(words[index:])


def split_byline(paragraph: str) -> tuple[list[str], str] | None:
    """Split a byline off the start of a body's first paragraph.

    Returns ``(authors, remaining_text)``, or None when the paragraph does not
    start with a byline in any known language.
    """
    if not (found := _after_marker(paragraph)):
        return None
    language, rest = found
    read = _running_byline if language.byline_runs_on else _comma_byline
    return read(rest, language)


# --- names as a reader gives them ----------------------------------------------------------

_JOINERS = sorted({joiner for language in LANGUAGES for joiner in language.name_joiners}, key=len, reverse=True)
#: between two names: a comma, or a joining word ("and", "&", "και")
_NAME_SEPARATOR = re.compile(r"\s*,\s*|\s+(?:" + "|".join(map(re.escape, _JOINERS)) + r")\s+")
_FOR_WORDS = "|".join(re.escape(word) for language in LANGUAGES for word in language.byline_for)
#: "WRITER for PUBLICATION": a writer of two to four words, then the publication
_WRITER_FOR = re.compile(rf"^(?P<writer>(?:\S+\s+){{1,3}}\S+?)\s+(?:{_FOR_WORDS})\s+\S", re.I)
#: "for PUBLICATION" after a comma
_FOR_PUBLICATION = re.compile(rf"^(?:{_FOR_WORDS})\s", re.I)
_DESKS = frozenset(fold(name) for language in LANGUAGES for name in language.desk_names)


def author_names(byline: str) -> list[str]:
    """The writers a byline names, as a reader would give them.

    ``By Anna Lee and Mark Ortiz`` gives two names; ``Helen Carter for Reuters``
    and ``Helen Carter, for Reuters`` give ``Helen Carter`` (an organisation of one word and "for" is left
    whole: ``Center for Policy Studies``); a marker ("By", "Του") opening it goes.
    """
    text = byline.strip()
    if found := _after_marker(text):
        text = found[1]
    names = []
    for part in _NAME_SEPARATOR.split(text):
        name = part.strip(" .;:")
        if _FOR_PUBLICATION.match(name):  # "Helen Carter, for Reuters": the publication, no writer
            continue
        if match := _WRITER_FOR.match(name):
            name = match.group("writer")
        if name:
            names.append(name)
    return names


def is_desk(name: str, site_names: tuple[str, ...] = ()) -> bool:
    """Whether a byline names a desk or the site itself rather than a writer ("Staff", "Σύνταξη",
    "Proini Newsroom", the paper's own name)."""
    folded = " ".join(fold(name).split())
    if folded in _DESKS:
        return True
    for site in site_names:
        site_words = fold(site).split()
        if site_words and folded.split()[: len(site_words)] == site_words:
            rest = " ".join(folded.split()[len(site_words) :])
            if not rest or rest in _DESKS:
                return True
    return False


def writers(sources: Iterable[Sequence[str | None]], site_names: tuple[str, ...] = ()) -> list[str]:
    """The names of the first source that names a writer; else of the first that names a desk or the site.

    Sources are read lazily, so those after the one used are never computed.
    """
    desk: list[str] = []
    for source in sources:
        names = list(dict.fromkeys(_names(source)))
        if names and not all(is_desk(name, site_names) for name in names):
            return names
        desk = desk or names
    return desk


def _names(source: Sequence[str | None]) -> Iterator[str]:
    for value in source:
        if text := clean_text(value):
            yield from author_names(text)
