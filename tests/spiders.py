"""Spiders of sites that exist for the tests only (not deployed, not in `scrapy list`).

Example: a made-up tagDiv newspaper with no copy, for tests of the layers' decisions on one page
or one URL (no crawl); its origin and domains are those of the synthetic articles (tests/mongo.py).

Νέα Σελίδα: a fictional Greek newspaper on the tagDiv theme, whose copy (``fixtures/neaselida/``)
gathers article pages of several theme versions and of a custom theme, modelled on real ones.
"""

from newscrawl.default_settings import BY_NAME
from newscrawl.themes import NEWSPAPER
from newscrawl.wordpress.spider import WordPressSpider


class ExampleSpider(WordPressSpider):
    name = "example"
    origin = "https://www.example.com"
    domains = ("example.com", "example.org", "example.net")
    timezone = "Europe/Athens"
    theme = NEWSPAPER


class NeaSelidaSpider(WordPressSpider):
    name = "neaselida"
    origin = "https://www.neaselida.example"
    domains = ("neaselida.example",)
    timezone = "Europe/Athens"
    theme = NEWSPAPER
    custom_settings = {  # noqa: RUF012 - Scrapy's own attribute
        # By design: a live blog whose script never fills it in (a stub), and two posts on another theme.
        "NEWSCRAWL_MONITOR_FIELD_COVERAGE": {**BY_NAME["NEWSCRAWL_MONITOR_FIELD_COVERAGE"].default, "body": 0.9},
        "NEWSCRAWL_MONITOR_MAX_FALLBACK_SHARE": 0.2,
        # That live blog's text never comes: do not wait the default 10 s for it.
        "NEWSCRAWL_RENDER_TIMEOUT": 2.0,
    }
