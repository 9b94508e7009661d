"""evaluate_alerts: each rule below, at and above its threshold."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from logdesk.analysis.alerts import evaluate_alerts
from logdesk.results import LEVELS, MISSING_KEY, Analytics, ErrorTypeStat, RecordFilter
from logdesk.settings import AlertSettings

FIRST_ERROR = datetime(2024, 5, 1, 8, 0, tzinfo=timezone.utc)
LAST_ERROR = datetime(2024, 5, 1, 17, 30, tzinfo=timezone.utc)
FIRST_CRITICAL = datetime(2024, 5, 1, 9, 15, tzinfo=timezone.utc)
LAST_CRITICAL = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def analytics(total: int, errors: int, critical: int = 0) -> Analytics:
    by_level = {name: 0 for name in LEVELS}
    by_level.update(INFO=total - errors, ERROR=errors - critical, CRITICAL=critical)
    return Analytics(
        filter=RecordFilter(), time_zone="UTC", bucket_seconds=3600, trend_window_seconds=3600,
        total=total, errors=errors, by_level=by_level,
        first_seen=FIRST_ERROR, last_seen=LAST_ERROR,
        errors_by_type=(), top_errors=(), errors_by_hour=(), errors_by_day=(), error_trend=(),
        errors_by_severity=(), per_ip=(), per_service=(), per_endpoint=(),
        first_error=FIRST_ERROR if errors else None, last_error=LAST_ERROR if errors else None,
        first_critical=FIRST_CRITICAL if critical else None,
        last_critical=LAST_CRITICAL if critical else None,
    )


def by_rule(alerts):
    return {a.rule: a for a in alerts}


# Only one rule can fire in each case below: the others get thresholds out of reach.
RATE_ONLY = dict(error_count_threshold=10**9, critical_error_count=10**9)
COUNT_ONLY = dict(error_rate_threshold=1.0, critical_error_count=10**9)
CRITICAL_ONLY = dict(error_rate_threshold=1.0, error_count_threshold=10**9)


@pytest.mark.parametrize(
    "errors, fires, severity",
    [(99, False, None), (100, False, None), (101, True, "warning"), (200, True, "warning"), (201, True, "critical")],
)
def test_error_rate_fires_strictly_above_threshold(errors, fires, severity):
    alerts = evaluate_alerts(analytics(1000, errors), AlertSettings(error_rate_threshold=0.10, **RATE_ONLY))
    if not fires:
        assert alerts == ()
        return
    (alert,) = alerts
    assert (alert.rule, alert.severity) == ("high_error_rate", severity)
    assert alert.value == pytest.approx(errors / 1000) and alert.threshold == 0.10
    assert (alert.evidence_start, alert.evidence_end) == (FIRST_ERROR, LAST_ERROR)
    assert "\n" not in alert.message


def test_error_rate_message_names_rate_threshold_and_counts():
    (alert,) = evaluate_alerts(analytics(1000, 125), AlertSettings(error_rate_threshold=0.1, **RATE_ONLY))
    assert alert.message == "Error rate 12.5% is above the 10.0% threshold (125 errors in 1,000 records)"


def test_error_rate_of_no_records_does_not_fire():
    assert evaluate_alerts(analytics(0, 0), AlertSettings(error_rate_threshold=0.0, **RATE_ONLY)) == ()


@pytest.mark.parametrize(
    "errors, fires, severity",
    [(99, False, None), (100, False, None), (101, True, "warning"), (200, True, "warning"), (201, True, "critical")],
)
def test_error_count_fires_strictly_above_threshold(errors, fires, severity):
    alerts = evaluate_alerts(analytics(10_000, errors), AlertSettings(error_count_threshold=100, **COUNT_ONLY))
    if not fires:
        assert alerts == ()
        return
    (alert,) = alerts
    assert (alert.rule, alert.severity, alert.value, alert.threshold) == (
        "high_error_count", severity, float(errors), 100.0
    )
    assert alert.message == f"{errors} errors, above the threshold of 100"
    assert (alert.evidence_start, alert.evidence_end) == (FIRST_ERROR, LAST_ERROR)


@pytest.mark.parametrize("critical, fires", [(4, False), (5, True), (6, True)])
def test_critical_errors_fire_from_threshold_on(critical, fires):
    alerts = evaluate_alerts(analytics(100, 10, critical), AlertSettings(critical_error_count=5, **CRITICAL_ONLY))
    if not fires:
        assert alerts == ()
        return
    (alert,) = alerts
    assert (alert.rule, alert.severity, alert.value, alert.threshold) == (
        "critical_errors", "critical", float(critical), 5.0
    )
    assert alert.message == f"{critical} records at CRITICAL level (alert from 5)"
    assert (alert.evidence_start, alert.evidence_end) == (FIRST_CRITICAL, LAST_CRITICAL)


def test_critical_threshold_zero_needs_at_least_one_record():
    settings = AlertSettings(critical_error_count=0, **CRITICAL_ONLY)
    assert evaluate_alerts(analytics(100, 10, 0), settings) == ()
    assert [a.rule for a in evaluate_alerts(analytics(100, 10, 1), settings)] == ["critical_errors"]


def test_all_rules_fire_together_in_rule_order():
    alerts = evaluate_alerts(analytics(1000, 500, 20), AlertSettings())
    assert [(a.rule, a.severity) for a in alerts] == [
        ("high_error_rate", "critical"),
        ("high_error_count", "critical"),
        ("critical_errors", "critical"),
    ]
    assert by_rule(alerts)["high_error_rate"].value == 0.5
    alerts = evaluate_alerts(with_types(analytics(1000, 500, 20)), AlertSettings(), frozenset())
    assert [a.rule for a in alerts] == [
        "high_error_rate", "high_error_count", "critical_errors", "new_error_type",
    ]


# -- new error type -----------------------------------------------------------------------

NO_THRESHOLDS = dict(error_rate_threshold=1.0, error_count_threshold=10**9, critical_error_count=10**9)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 5, 1, hour, minute, tzinfo=timezone.utc)


TYPES = (  # most frequent first, as summarize orders them
    ErrorTypeStat("Disk full on <path>", 9, at(9), at(10)),
    ErrorTypeStat("User <*> failed login from <ip>", 5, at(8), at(9, 30)),
    ErrorTypeStat("Queue <*> is full", 3, at(11), at(12)),
    ErrorTypeStat(MISSING_KEY, 2, at(7), at(13)),
    ErrorTypeStat("Timeout after <num> ms " + "x" * 100, 1, at(10), at(10, 5)),
)


def with_types(a: Analytics, types=TYPES) -> Analytics:
    return replace(a, errors_by_type=types, top_errors=types[:3])


def test_new_error_type_stays_silent_on_a_first_run():
    assert evaluate_alerts(with_types(analytics(100, 20)), AlertSettings(**NO_THRESHOLDS), None) == ()
    # and when the caller does not pass the previous run at all
    assert evaluate_alerts(with_types(analytics(100, 20)), AlertSettings(**NO_THRESHOLDS)) == ()


def test_new_error_type_stays_silent_when_every_type_was_seen_before():
    previous = frozenset(s.error_type for s in TYPES if s.error_type != MISSING_KEY) | {"Gone <*>"}
    assert evaluate_alerts(with_types(analytics(100, 20)), AlertSettings(**NO_THRESHOLDS), previous) == ()


def test_new_error_type_names_the_new_templates_and_spans_their_evidence():
    previous = frozenset({"User <*> failed login from <ip>"})
    (alert,) = evaluate_alerts(with_types(analytics(100, 20)), AlertSettings(**NO_THRESHOLDS), previous)
    assert (alert.rule, alert.severity, alert.value, alert.threshold) == ("new_error_type", "warning", 3.0, 0.0)
    assert alert.message == (
        '3 new error types since the previous run: "Disk full on <path>", "Queue <*> is full", '
        '"Timeout after <num> ms ' + "x" * 56 + '…"'
    )
    # first/last seen of the new types only (not of the known one nor of untyped errors)
    assert (alert.evidence_start, alert.evidence_end) == (at(9), at(12))


def test_new_error_type_counts_beyond_the_named_ones_and_can_be_switched_off():
    types = tuple(ErrorTypeStat(f"Event {c} failed", 1, at(8), at(9 + i)) for i, c in enumerate("abcde"))
    (alert,) = evaluate_alerts(with_types(analytics(100, 5), types), AlertSettings(**NO_THRESHOLDS), frozenset())
    assert alert.message == (
        '5 new error types since the previous run: "Event a failed", "Event b failed", '
        '"Event c failed" and 2 more'
    )
    assert (alert.value, alert.evidence_end) == (5.0, at(13))
    (single,) = evaluate_alerts(with_types(analytics(100, 1), types[:1]), AlertSettings(**NO_THRESHOLDS), frozenset())
    assert single.message == '1 new error type since the previous run: "Event a failed"'
    off = AlertSettings(new_error_type=False, **NO_THRESHOLDS)
    assert evaluate_alerts(with_types(analytics(100, 5), types), off, frozenset()) == ()
