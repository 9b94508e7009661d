"""The Spark-free functions the window calls, gathered so a test can substitute any of them.

Each is imported when first called, so opening the window does not pay for the report
writers, and a test can replace one (a failing writer, a settings file in tmp) alone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from logdesk.results import Alert, Analytics, Cube, RecordFilter, RunResult
from logdesk.settings import AlertSettings, AnalyticsSettings, Settings


@dataclass
class Services:
    summarize: Callable[[Cube, RecordFilter, AnalyticsSettings], Analytics]
    # (analytics, alert settings, previous run's error types or None)
    evaluate_alerts: Callable[..., Sequence[Alert]]
    write_reports: Callable[[RunResult, Analytics, Sequence[Alert], Path, Settings], list[Path]]
    read_alert_history: Callable[[Path], list[dict]]
    save_user_settings: Callable[[Mapping[str, Any]], Path]
    report_error: type[BaseException]


def _summarize(cube, record_filter, analytics_settings):
    from logdesk.analysis.summarize import summarize

    return summarize(cube, record_filter, analytics_settings)


def _evaluate_alerts(analytics, alert_settings, previous_error_types=None):
    from logdesk.analysis.alerts import evaluate_alerts

    return evaluate_alerts(analytics, alert_settings, previous_error_types)


def _write_reports(run, analytics, alerts, out_dir, settings):
    from logdesk.reports.writer import write_reports

    return write_reports(run, analytics, alerts, out_dir, settings)


def _read_alert_history(path):
    from logdesk.reports.alerts_log import read_alert_history

    return read_alert_history(path)


def _save_user_settings(changes):
    from logdesk.config_loader import save_user_settings

    return save_user_settings(changes)


def _report_error() -> type[BaseException]:
    try:
        from logdesk.reports.writer import ReportWriteError
    except ImportError:
        return OSError
    return ReportWriteError


def default_services() -> Services:
    return Services(
        summarize=_summarize,
        evaluate_alerts=_evaluate_alerts,
        write_reports=_write_reports,
        read_alert_history=_read_alert_history,
        save_user_settings=_save_user_settings,
        report_error=_report_error(),
    )
