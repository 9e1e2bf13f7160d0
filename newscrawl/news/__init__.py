"""The generic news-site layer: what every news site has, whatever it runs on.

* :mod:`~newscrawl.news.spider`: discovery (entry pages, sitemaps, feeds, listing pages),
  requests and incremental crawling;
* :mod:`~newscrawl.news.frontier`: which links become requests (URL identity, this run's
  requests, what is stored);
* :mod:`~newscrawl.news.pages`: page objects, an article page and a listing page, whose fields
  a platform (:mod:`newscrawl.wordpress`) and a theme (:mod:`newscrawl.themes`) refine;
* :mod:`~newscrawl.news.metadata`: what a page publishes for machines (meta tags, JSON-LD,
  microdata);
* :mod:`~newscrawl.news.extraction`: a page in, a typed outcome out;
* :mod:`~newscrawl.news.loader`: the item loader that cleans every field.
"""
