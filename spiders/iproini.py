"""Proini (iproini.com): Greek-American daily, WordPress with the tagDiv Newspaper theme."""

from newscrawl.spider import NewsSiteSpider
from newscrawl.themes import NEWSPAPER


class IproiniSpider(NewsSiteSpider):
    name = "iproini"
    canonical_origin = "https://www.iproini.com"
    domains = ("iproini.com", "iproini.gr", "i-proini.com", "i-proini.gr")
    site_timezone = "America/New_York"
    layout = NEWSPAPER
