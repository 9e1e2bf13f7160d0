"""Proini (iproini.com): Greek-American daily, WordPress with the tagDiv Newspaper theme."""

from newscrawl.themes import NEWSPAPER
from newscrawl.wordpress.spider import WordPressSpider


class IproiniSpider(WordPressSpider):
    name = "iproini"
    origin = "https://www.iproini.com"
    domains = ("iproini.com", "iproini.gr", "i-proini.com", "i-proini.gr")
    timezone = "America/New_York"
    theme = NEWSPAPER
    check_article = "/erdogan-expects-f-35-deliveries-during-trump-presidency-rejects-greek-concerns/"
