from setuptools import setup

setup(
    name="newscrawl",
    version="1.0",
    packages=["newscrawl", "spiders"],
    entry_points={"scrapy": ["settings = newscrawl.settings"]},
)
