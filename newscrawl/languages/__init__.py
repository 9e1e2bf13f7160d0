"""The words of each language the extractor reads: one module per language, listed in :data:`LANGUAGES`.

A module holds only words (month names, "ago" phrases, byline markers, desk
names, placeholder texts); the code that uses them (:mod:`newscrawl.dates`,
:mod:`newscrawl.bylines`, language detection in :mod:`newscrawl.text`) is the
same for every language. Supporting a third language is one more module here.
"""

from newscrawl.languages import el, en
from newscrawl.languages.words import Language, fold

__all__ = ["LANGUAGES", "Language", "fold"]

#: Every language the extractor reads. Ties in language detection go to the first.
LANGUAGES: tuple[Language, ...] = (el.GREEK, en.ENGLISH)
