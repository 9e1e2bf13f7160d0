"""What the close suite does once its monitors have run: record the run, write the report, log one line."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Template
from scrapy.crawler import Crawler
from spidermon import Action, SkipAction
from spidermon.contrib.actions.reports.files import CreateFileReport
from spidermon.settings import MONITOR

from newscrawl.monitoring.history import RunHistory
from newscrawl.monitoring.report import REPORT_TEMPLATE, percent, report_context
from newscrawl.monitoring.summary import RunSummary

logger = logging.getLogger(__name__)


def run_summary(action: Action) -> RunSummary:
    """The summary of the run an action reports on, with its monitors' outcome."""
    failed = [item.item.monitor_name for item in action.result.monitors_failed_results]
    return RunSummary.from_stats(action.data.stats, action.data.spider).with_outcome(failed)


def default_report_path(crawler: Crawler, summary: RunSummary) -> Path:
    """Beside LOG_FILE (``job.log`` → ``job.report.txt``; under Scrapyd the job's log, served with it),
    else ``NEWSCRAWL_DATA_DIR/reports/<spider>-<finish time>.txt``."""
    if log_file := crawler.settings.get("LOG_FILE"):
        return Path(log_file).with_suffix(".report.txt")
    finished = summary.finished_at or datetime.now(UTC)
    reports = Path(crawler.settings["NEWSCRAWL_DATA_DIR"]) / "reports"
    return reports / f"{summary.spider}-{finished:%Y%m%dT%H%M%SZ}.txt"


class RecordRun(Action):
    """Store the run's summary in the runs collection, for later runs to compare with."""

    def run_action(self) -> None:
        history = self.data.crawler.get_extension(RunHistory)
        if history is None or not history.enabled:
            raise SkipAction("no run history in this crawl")
        history.record(run_summary(self))


class FileReport(CreateFileReport):
    """Spidermon's file report action, writing the run's text report (see report.py).

    ``SPIDERMON_REPORT_FILENAME`` (a Jinja template, as in Spidermon) defaults to
    :func:`default_report_path`, also available to it as ``{{ default_path }}``.
    ``SPIDERMON_REPORT_TEMPLATE`` replaces the built-in text with a template
    file of Spidermon's template folders.
    """

    template = REPORT_TEMPLATE
    filename = "{{ default_path }}"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.path: Path | None = None

    def get_template_context(self) -> dict[str, Any]:
        crawler = self.data.crawler
        summary = run_summary(self)
        thresholds = crawler.settings.getdict("NEWSCRAWL_MONITOR_FIELD_COVERAGE")
        return {
            **super().get_template_context(),
            **report_context(summary, self.result, self.data.stats, thresholds),
            "default_path": default_report_path(crawler, summary),
        }

    def render_report(self) -> None:
        if self.template == REPORT_TEMPLATE:
            template = Template(REPORT_TEMPLATE, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
            self.report = template.render(self.get_template_context())
        else:
            super().render_report()

    def after_render_report(self) -> None:
        self.path = Path(self.render_text_template(self.filename))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(self.report, encoding="utf-8")

    def get_meta(self) -> dict[str, Any]:
        return {"report_path": self.path}


class LogSummary(Action):
    """One log line with the outcome, the article numbers (found; stored, by kind; dead-lettered), the
    thresholded coverage and the report's path."""

    def run_action(self) -> None:
        summary = run_summary(self)
        thresholds = self.data.crawler.settings.getdict("NEWSCRAWL_MONITOR_FIELD_COVERAGE")
        coverage = ", ".join(f"{name} {percent(summary.coverage[name].ratio)}" for name in thresholds)
        total = len(self.result.monitor_results)
        if summary.passed:
            skipped = sum(item.status == MONITOR.STATUS.SKIPPED for item in self.result.monitor_results)
            outcome = f"passed all {total} monitors ({skipped} skipped)"
        else:
            failed = ", ".join(summary.failed_monitors)
            outcome = f"FAILED {len(summary.failed_monitors)} of {total} monitors ({failed})"
        logger.log(
            logging.INFO if summary.passed else logging.ERROR,
            "Run of %s %s: %d articles found, %s; coverage %s; report %s",
            summary.spider,
            outcome,
            summary.found,
            summary.storage.describe(),
            coverage,
            self.data.meta.get("report_path") or "not written",
        )
