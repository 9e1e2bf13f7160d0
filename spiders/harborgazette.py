"""The Harbor Gazette: a fictional English-language local daily (reserved ``.example`` domain),
WordPress with the default block theme and date-based permalinks.

The second site of the tests and the worked example of docs/adding-a-site.md: its offline copy is
``fixtures/harborgazette/``. It does not exist on the internet.
"""

from newscrawl.themes import BLOCK_THEME
from newscrawl.wordpress.spider import WordPressSpider


class HarborGazetteSpider(WordPressSpider):
    name = "harborgazette"
    origin = "https://www.harborgazette.example"
    domains = ("harborgazette.example",)
    timezone = "America/Chicago"
    theme = BLOCK_THEME
    check_article = "/2025/07/16/harbor-dredging-project-wins-federal-grant/"
