"""newscrawl: a Scrapy project that crawls news sites into MongoDB."""
