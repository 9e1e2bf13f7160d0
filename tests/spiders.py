"""Spiders of fixture sites that exist for the tests only (not deployed, not in `scrapy list`).

Νέα Σελίδα: a fictional Greek newspaper on the tagDiv theme, whose copy (``fixtures/neaselida/``)
gathers article pages of several theme versions and of a custom theme, modelled on real ones.
"""

from newscrawl.themes import NEWSPAPER
from newscrawl.wordpress.spider import WordPressSpider


class NeaSelidaSpider(WordPressSpider):
    name = "neaselida"
    origin = "https://www.neaselida.example"
    domains = ("neaselida.example",)
    timezone = "Europe/Athens"
    theme = NEWSPAPER
