"""The end-of-run report: a plain-text page an operator reads next to the job's log.

The template is Jinja source kept in this module, not a template file: a
Scrapyd egg carries only Python modules.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from spidermon.results.monitor import MonitorResult

from newscrawl.monitoring.summary import DEAD_LETTER_REASONS_PREFIX, RENDER_FAILED_PREFIX, RunSummary, counts_under

REPORT_TEMPLATE = """\
{{ summary.spider }} crawl: {{ "PASSED" if summary.passed else "FAILED" }}
{{ "=" * 72 }}

spider       {{ summary.spider }} ({{ summary.kind }} crawl)
started      {{ started }}
finished     {{ finished }} ({{ summary.finish_reason }})
monitors     {{ monitors | selectattr("failed") | list | length }} failed of {{ monitors | length }}

Articles
  found      {{ summary.found }} ({{ summary.scraped }} kept, \
{{ summary.incomplete }} dropped as incomplete, {{ summary.invalid }} dropped as invalid)
  storage    {{ summary.storage.describe() }}{{ " (" ~ dead_letter_reasons ~ ")" if dead_letter_reasons }}
  seen       {{ summary.seen }} (found, and {{ summary.skipped_stored }} links to already stored articles)

Field coverage: share of the articles found that have the field (an article dropped for
lacking its title or body counts against that field only)
  field            coverage    articles   threshold
{% for row in coverage %}
  {{ "%-16s %8s   %9s   %9s  %s" | format(row.name, row.ratio, row.count, row.threshold, row.mark) | trim }}
{% endfor %}

Monitors
{% for monitor in monitors %}
  {{ "%-8s" | format(monitor.status) }} {{ monitor.name }}{{ ": " ~ monitor.message if monitor.message }}
{% endfor %}

Requests
  sent       {{ requests.sent }}; responses by status: {{ requests.statuses or "none" }}
  problems   {{ requests.gave_up }} gave up after retries, {{ requests.exceptions }} downloader exceptions, \
{{ requests.render_failures }} render failures
"""


def _time(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S %Z}".strip() if value else "?"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _monitor_rows(result: MonitorResult) -> list[dict[str, Any]]:
    failed = {id(item) for item in result.monitors_failed_results}
    rows = []
    for item in result.monitor_results:
        # a failure or skip has a reason; an error in the monitor itself only a traceback
        message = item.reason or (item.error.strip().splitlines()[-1] if item.error else "")
        rows.append({"status": item.status, "name": item.item.monitor_name, "message": message, "failed": id(item) in failed})
    return rows


def report_context(
    summary: RunSummary, result: MonitorResult, stats: Mapping[str, Any], thresholds: Mapping[str, float]
) -> dict[str, Any]:
    """What the template shows, formatted."""
    coverage = []
    for name, value in summary.coverage.items():
        threshold = thresholds.get(name)
        below = threshold is not None and (value.ratio or 0) < float(threshold)
        coverage.append(
            {
                "name": name,
                "ratio": percent(value.ratio),
                "count": f"{value.present} / {value.found}",
                "threshold": "" if threshold is None else f"{float(threshold):.0%}",
                "mark": "BELOW" if below else "",
            }
        )
    statuses = sorted(counts_under(stats, "downloader/response_status_count/").items())
    return {
        "summary": summary,
        "started": _time(summary.started_at),
        "finished": _time(summary.finished_at),
        "coverage": coverage,
        "monitors": _monitor_rows(result),
        "requests": {
            "sent": stats.get("downloader/request_count", 0),
            "statuses": ", ".join(f"{status}: {count}" for status, count in statuses),
            "gave_up": stats.get("retry/max_reached", 0),
            "exceptions": stats.get("downloader/exception_count", 0),
            "render_failures": sum(counts_under(stats, RENDER_FAILED_PREFIX).values()),
        },
        "dead_letter_reasons": ", ".join(
            f"{reason} {count}" for reason, count in sorted(counts_under(stats, DEAD_LETTER_REASONS_PREFIX).items()) if count
        ),
    }
