"""Theme layouts: page objects of the themes news sites run, each refining the WordPress layer.

A site module names its theme (``theme = NEWSPAPER``); to change one field for
one site, subclass the theme's page object, override the field's method or
selector, and name ``Theme(…, article_page=MyArticlePage, …)`` instead.
"""

from newscrawl.themes.blocks import BLOCK_THEME
from newscrawl.themes.tagdiv import NEWSPAPER

__all__ = ["BLOCK_THEME", "NEWSPAPER"]
