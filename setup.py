"""Packaging for Scrapyd: `scrapyd-deploy` builds an egg of the `newscrawl` and `spiders` packages."""

from setuptools import find_packages, setup

setup(
    name="newscrawl",
    version="1.0",
    packages=find_packages(include=["newscrawl", "newscrawl.*", "spiders", "spiders.*"]),
    entry_points={"scrapy": ["settings = newscrawl.settings"]},
    zip_safe=True,
)
