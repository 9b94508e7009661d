"""Threshold alerts over one Analytics result.

Rate and count fire when the value is strictly above the threshold (a threshold is the most
that is still fine); the critical rule fires when the count of CRITICAL records reaches its
threshold (a threshold of 5 means "5 or more"). Rate and count become "critical" instead of
"warning" when the value is more than twice the threshold.
"""

from __future__ import annotations

from logdesk.results import Alert, Analytics
from logdesk.settings import AlertSettings

HIGH_ERROR_RATE = "high_error_rate"
HIGH_ERROR_COUNT = "high_error_count"
CRITICAL_ERRORS = "critical_errors"
RULES: tuple[str, ...] = (HIGH_ERROR_RATE, HIGH_ERROR_COUNT, CRITICAL_ERRORS)


def _severity(value: float, threshold: float) -> str:
    return "critical" if value > 2 * threshold else "warning"


def _records(n: int) -> str:
    return f"{n:,} record" + ("" if n == 1 else "s")


def evaluate_alerts(analytics: Analytics, alerts: AlertSettings) -> tuple[Alert, ...]:
    """The alerts that fire for `analytics`, in RULES order."""
    fired: list[Alert] = []
    rate = analytics.error_rate
    threshold = float(alerts.error_rate_threshold)
    if analytics.total > 0 and rate > threshold:
        fired.append(
            Alert(
                rule=HIGH_ERROR_RATE,
                severity=_severity(rate, threshold),
                value=rate,
                threshold=threshold,
                message=(
                    f"Error rate {rate:.1%} is above the {threshold:.1%} threshold "
                    f"({analytics.errors:,} errors in {_records(analytics.total)})"
                ),
                evidence_start=analytics.first_error,
                evidence_end=analytics.last_error,
            )
        )
    errors = analytics.errors
    threshold = float(alerts.error_count_threshold)
    if errors > threshold:
        fired.append(
            Alert(
                rule=HIGH_ERROR_COUNT,
                severity=_severity(errors, threshold),
                value=float(errors),
                threshold=threshold,
                message=f"{errors:,} errors, above the threshold of {alerts.error_count_threshold:,}",
                evidence_start=analytics.first_error,
                evidence_end=analytics.last_error,
            )
        )
    critical = int(analytics.by_level.get("CRITICAL", 0))
    threshold = float(alerts.critical_error_count)
    # with a threshold of 0 the rule would fire on no records at all
    if critical > 0 and critical >= threshold:
        fired.append(
            Alert(
                rule=CRITICAL_ERRORS,
                severity="critical",
                value=float(critical),
                threshold=threshold,
                message=(
                    f"{_records(critical)} at CRITICAL level "
                    f"(alert from {alerts.critical_error_count:,})"
                ),
                evidence_start=analytics.first_critical,
                evidence_end=analytics.last_critical,
            )
        )
    return tuple(fired)
