"""The project's own Spidermon monitors, run when the spider closes (see suites.py for the full list).

Each failure message names what is wrong in numbers, since it is what the report,
the log and any notification show.
"""

from __future__ import annotations

from spidermon import monitors
from spidermon.contrib.scrapy.monitors.base import BaseScrapyMonitor

from newscrawl.monitoring.history import RunHistory, sharp_drops
from newscrawl.monitoring.summary import DEAD_LETTER_STAT, INVALID_STAT, RENDER_FAILED_PREFIX, RunSummary, counts_under
from newscrawl.news.extraction import FALLBACK
from newscrawl.pipelines.validate import ERRORS_PREFIX, INVALID_ITEMS_STAT


class ProjectMonitor(BaseScrapyMonitor):
    """A monitor of the run's numbers (not itself in the suite)."""

    @property
    def summary(self) -> RunSummary:
        return RunSummary.from_stats(self.stats, self.spider)


@monitors.name("Article count")
class ArticleCountMonitor(ProjectMonitor):
    """Enough articles seen: found, or (incremental crawls) recognised as already stored."""

    @monitors.name("Should see at least NEWSCRAWL_MONITOR_MIN_ARTICLES articles")
    def test_minimum_articles(self) -> None:
        summary = self.summary
        minimum = self.crawler.settings.getint("NEWSCRAWL_MONITOR_MIN_ARTICLES")
        self.assertGreaterEqual(
            summary.seen,
            minimum,
            msg=f"{summary.seen} articles seen, fewer than {minimum} "
            f"({summary.found} found, {summary.skipped_stored} links to stored articles)",
        )


@monitors.name("Field coverage")
class FieldCoverageMonitor(ProjectMonitor):
    """Each field in NEWSCRAWL_MONITOR_FIELD_COVERAGE is filled in on at least its share of the articles found."""

    @monitors.name("Should fill in each field as often as its threshold")
    def test_field_coverage(self) -> None:
        summary = self.summary
        settings = self.crawler.settings
        minimum = settings.getint("NEWSCRAWL_MONITOR_COVERAGE_MIN_ARTICLES")
        if summary.found < minimum:
            self.skipTest(f"{summary.found} articles found, too few to judge (NEWSCRAWL_MONITOR_COVERAGE_MIN_ARTICLES)")
        below = []
        for name, threshold in settings.getdict("NEWSCRAWL_MONITOR_FIELD_COVERAGE").items():
            coverage = summary.coverage[name]
            if (coverage.ratio or 0) < float(threshold):
                below.append(
                    f"{name} {coverage.ratio or 0:.1%} < {float(threshold):.0%} ({coverage.present} of {coverage.found} articles)"
                )
        self.assertFalse(below, msg="Fields below their threshold: " + "; ".join(below))


@monitors.name("Item validation")
class SchemaErrorsMonitor(ProjectMonitor):
    """Articles break the item schema at most NEWSCRAWL_MONITOR_MAX_SCHEMA_ERRORS times."""

    @monitors.name("Should have no more schema errors than allowed")
    def test_schema_errors(self) -> None:
        limit = self.crawler.settings.getint("NEWSCRAWL_MONITOR_MAX_SCHEMA_ERRORS")
        errors = counts_under(self.stats, ERRORS_PREFIX)  # <field>/<error>
        total = sum(errors.values())
        detail = ", ".join(f"{key.replace('/', ': ', 1)} ({count})" for key, count in sorted(errors.items()))
        self.assertLessEqual(
            total,
            limit,
            msg=f"{total} schema errors in {self.stats.get(INVALID_ITEMS_STAT, 0)} articles "
            f"({self.stats.get(INVALID_STAT, 0)} dropped), more than {limit}: {detail}",
        )


@monitors.name("Rendering")
class RenderFailuresMonitor(ProjectMonitor):
    """Pages that needed the browser were rendered: at most NEWSCRAWL_MONITOR_MAX_RENDER_FAILURES failed."""

    @monitors.name("Should render the pages that need a browser")
    def test_render_failures(self) -> None:
        limit = self.crawler.settings.getint("NEWSCRAWL_MONITOR_MAX_RENDER_FAILURES")
        failures = counts_under(self.stats, RENDER_FAILED_PREFIX)
        total = sum(failures.values())
        detail = ", ".join(f"{reason} {count}" for reason, count in sorted(failures.items()))
        self.assertLessEqual(total, limit, msg=f"{total} pages failed to render ({detail}), more than {limit}")


@monitors.name("Dead letters")
class DeadLetterMonitor(ProjectMonitor):
    """Articles MongoDB did not take went to the dead-letter file: at most NEWSCRAWL_MONITOR_MAX_DEAD_LETTERS."""

    @monitors.name("Should store every article in MongoDB")
    def test_dead_letters(self) -> None:
        limit = self.crawler.settings.getint("NEWSCRAWL_MONITOR_MAX_DEAD_LETTERS")
        count = self.stats.get(DEAD_LETTER_STAT, 0)
        self.assertLessEqual(
            count,
            limit,
            msg=f"{count} articles in the dead-letter file, more than {limit}: "
            "replay them with `python -m newscrawl.storage replay`",
        )


#: Articles by what read them: the theme's layout by name, or the fallback (newscrawl.news.spider).
EXTRACTOR_PREFIX = "newscrawl/extractor/"


@monitors.name("Fallback extraction")
class FallbackShareMonitor(ProjectMonitor):
    """At most NEWSCRAWL_MONITOR_MAX_FALLBACK_SHARE of the articles were read by the fallback extractor.

    Their data keeps flowing, but a rising share means the theme's layout no longer
    matches the site (a redesign): someone should write the new layout.
    """

    @monitors.name("Should read the articles with the theme's layout")
    def test_fallback_share(self) -> None:
        settings = self.crawler.settings
        by_extractor = counts_under(self.stats, EXTRACTOR_PREFIX)
        total = sum(by_extractor.values())
        if total < settings.getint("NEWSCRAWL_MONITOR_COVERAGE_MIN_ARTICLES"):
            self.skipTest(f"{total} articles read, too few to judge (NEWSCRAWL_MONITOR_COVERAGE_MIN_ARTICLES)")
        fallback = by_extractor.get(FALLBACK, 0)
        limit = settings.getfloat("NEWSCRAWL_MONITOR_MAX_FALLBACK_SHARE")
        self.assertLessEqual(
            fallback / total,
            limit,
            msg=f"{fallback} of {total} articles ({fallback / total:.1%}) read by the fallback extractor, more than "
            f"{limit:.0%}: the theme's layout no longer matches the site's pages",
        )


@monitors.name("Previous runs")
class PreviousRunsMonitor(ProjectMonitor):
    """No sharp drop in articles seen or field coverage against the previous passing runs of this spider."""

    @monitors.name("Should not fall sharply against previous runs")
    def test_no_sharp_drop(self) -> None:
        history = self.crawler.get_extension(RunHistory)
        if history is None or (not history.enabled and history.error is None):
            self.skipTest("no run history in this crawl (no MongoDB storage)")
        self.assertIsNone(history.error, msg=f"previous runs could not be read: {history.error}")
        summary = self.summary
        baseline = [run for run in history.previous or () if run.passed]
        if not baseline:
            self.skipTest(f"no passing {summary.kind} run of {summary.spider} among the last {history.limit}")
        settings = self.crawler.settings
        drops = sharp_drops(
            summary,
            baseline,
            max_article_drop=settings.getfloat("NEWSCRAWL_MONITOR_MAX_ARTICLE_DROP"),
            max_coverage_drop=settings.getfloat("NEWSCRAWL_MONITOR_MAX_COVERAGE_DROP"),
            min_articles=settings.getint("NEWSCRAWL_MONITOR_COVERAGE_MIN_ARTICLES"),
        )
        self.assertFalse(drops, msg=f"Sharp drop against the previous {len(baseline)} passing runs: " + "; ".join(drops))
