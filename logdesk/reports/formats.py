"""How reports spell times, filters and numbers."""

from __future__ import annotations

from datetime import datetime, tzinfo

from logdesk.results import LEVELS, Alert, RecordFilter

RATE_DECIMALS = 6


def iso_time(value: datetime | None, tz: tzinfo, timespec: str = "seconds") -> str | None:
    """ISO 8601 with offset; a naive value is wall time in `tz`."""
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=tz)
    return value.isoformat(timespec=timespec)


def iso_ms(value: datetime | None, tz: tzinfo) -> str | None:
    """Record times keep their milliseconds."""
    return iso_time(value, tz, "milliseconds")


def filter_dict(record_filter: RecordFilter, tz: tzinfo) -> dict:
    return {
        "description": record_filter.describe(),
        "start": iso_time(record_filter.start, tz),
        "end": iso_time(record_filter.end, tz),
        "levels": [lv for lv in LEVELS if lv in record_filter.levels]
        + sorted(lv for lv in record_filter.levels if lv not in LEVELS),
    }


def rate(part: int, whole: int) -> float:
    return round(part / whole, RATE_DECIMALS) if whole else 0.0


def alert_dict(alert: Alert, tz: tzinfo) -> dict:
    """An alert as written to summary.json and alerts.log."""
    return {
        "rule": alert.rule,
        "severity": alert.severity,
        "value": alert.value,
        "threshold": alert.threshold,
        "message": alert.message,
        "evidence_start": iso_ms(alert.evidence_start, tz),
        "evidence_end": iso_ms(alert.evidence_end, tz),
    }
