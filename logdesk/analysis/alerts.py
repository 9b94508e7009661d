"""Threshold alerts over one Analytics result.

Rate and count fire when the value is strictly above the threshold (a threshold is the most
that is still fine); the critical rule fires when the count of CRITICAL records reaches its
threshold (a threshold of 5 means "5 or more"). Rate and count become "critical" instead of
"warning" when the value is more than twice the threshold. The new-error-type rule fires when
the analysed errors hold a type that the folder's previous run did not have; with no previous
run there is nothing to compare with and it stays silent.
"""

from __future__ import annotations

from collections.abc import Set

from logdesk.results import MISSING_KEY, Alert, Analytics
from logdesk.settings import AlertSettings

HIGH_ERROR_RATE = "high_error_rate"
HIGH_ERROR_COUNT = "high_error_count"
CRITICAL_ERRORS = "critical_errors"
NEW_ERROR_TYPE = "new_error_type"
RULES: tuple[str, ...] = (HIGH_ERROR_RATE, HIGH_ERROR_COUNT, CRITICAL_ERRORS, NEW_ERROR_TYPE)
# New templates named in the alert's message (the most frequent ones).
NAMED_NEW_TYPES = 3
_NAMED_TYPE_CHARS = 80


def _severity(value: float, threshold: float) -> str:
    return "critical" if value > 2 * threshold else "warning"


def _records(n: int) -> str:
    return f"{n:,} record" + ("" if n == 1 else "s")


def evaluate_alerts(
    analytics: Analytics,
    alerts: AlertSettings,
    previous_error_types: Set[str] | None = None,
) -> tuple[Alert, ...]:
    """The alerts that fire for `analytics`, in RULES order.

    previous_error_types: the templates of the folder's previous run (RunResult's
    previous_error_types); None when there was no previous run."""
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
    if alerts.new_error_type and previous_error_types is not None:
        new_type = _new_error_type(analytics, previous_error_types)
        if new_type is not None:
            fired.append(new_type)
    return tuple(fired)


def _new_error_type(analytics: Analytics, previous: Set[str]) -> Alert | None:
    # most frequent first; errors without a message have no type to be new
    new = [
        s for s in analytics.errors_by_type if s.error_type not in previous and s.error_type != MISSING_KEY
    ]
    if not new:
        return None
    named = ", ".join(_quoted(s.error_type) for s in new[:NAMED_NEW_TYPES])
    more = f" and {len(new) - NAMED_NEW_TYPES:,} more" if len(new) > NAMED_NEW_TYPES else ""
    noun = "error type" if len(new) == 1 else "error types"
    return Alert(
        rule=NEW_ERROR_TYPE,
        severity="warning",
        value=float(len(new)),
        threshold=0.0,
        message=f"{len(new):,} new {noun} since the previous run: {named}{more}",
        evidence_start=min(s.first_seen for s in new),
        evidence_end=max(s.last_seen for s in new),
    )


def _quoted(template: str) -> str:
    short = template if len(template) <= _NAMED_TYPE_CHARS else template[: _NAMED_TYPE_CHARS - 1] + "…"
    return f'"{short}"'
