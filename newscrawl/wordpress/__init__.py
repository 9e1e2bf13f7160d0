"""The WordPress layer: what every WordPress site has, whatever its theme.

* :mod:`~newscrawl.wordpress.pages`: posts recognised by WordPress's own markers (body classes,
  ``article.type-post``), its 404 template, post ids;
* :mod:`~newscrawl.wordpress.routes`: which URLs can be posts, whatever the permalink structure;
* :mod:`~newscrawl.wordpress.spider`: entry points (robots.txt sitemaps, Yoast and core sitemaps,
  feeds), section archives and their pagination, ``?p=N`` shortlinks.
"""
