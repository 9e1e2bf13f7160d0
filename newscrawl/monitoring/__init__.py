"""Data quality: run monitors with Spidermon (docs/monitoring.md); item validation is :mod:`newscrawl.pipelines.validate`.

* ``summary``: a run's numbers from its stats (articles found, stored,
  dropped; coverage of each field among the articles found).
* ``monitors``, ``suites``: the checks run when the spider closes.
* ``history``: previous runs in MongoDB and the sharp-drop comparison.
* ``actions``, ``report``: the run's record, its text report and summary line.
* ``extension``: Spidermon with one line per failed monitor, and no verdict on a crawl that never crawled.
"""

import warnings

from scrapy.exceptions import ScrapyDeprecationWarning

# Spidermon 1.27 logs its monitor results through Spider.log(), deprecated in Scrapy 2.19: one
# WARNING per crawl that says nothing about the crawl. Silenced for Spidermon's own call only.
warnings.filterwarnings(
    "ignore", message=r"Spider\.log\(\) is deprecated", category=ScrapyDeprecationWarning, module=r"spidermon\."
)
