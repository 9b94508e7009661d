"""The report files for one run and filter: CSV tables, JSON documents and the alert history.

All files are written together (logdesk.reports.atomic): after a failure the folder holds
the previous reports, never a mix or a half-written file. Times are ISO 8601 with the offset
of the analysis time zone; CSV is UTF-8 with a header row, LF line ends and formula-safe
cells; JSON is UTF-8, indented by 2, keys sorted (list order is meaningful and kept).
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from logdesk.reports.alerts_log import ALERTS_LOG_NAME, data_fingerprint, new_history_content
from logdesk.reports.atomic import PendingFile, ReportWriteError, commit_files, write_error
from logdesk.reports.csv_safety import LfCsvWriter, neutralize
from logdesk.reports.formats import alert_dict, filter_dict, iso_ms, iso_time, rate
from logdesk.reports.registry import remember_reports_folder
from logdesk.results import (
    FATE_READ,
    FATE_SKIPPED,
    FATE_UNREADABLE,
    MALFORMED_COLUMNS,
    Alert,
    Analytics,
    ErrorTypeInfo,
    ErrorTypeStat,
    LEVELS,
    KeyStat,
    PatternStat,
    RunResult,
)
from logdesk.settings import Settings

CSV_FILES: tuple[str, ...] = (
    "csv/errors_by_type.csv",
    "csv/errors_by_hour.csv",
    "csv/top_errors.csv",
    "csv/errors_per_ip.csv",
    "csv/errors_per_service.csv",
    "csv/errors_per_endpoint.csv",
    "csv/patterns.csv",
    "csv/malformed_rows.csv",
)
JSON_FILES: tuple[str, ...] = (
    "json/error_trends.json",
    "json/errors_by_day.json",
    "json/errors_by_severity.json",
    "json/summary.json",
    "json/ingest_report.json",
)
# Every file write_reports writes, relative to the output folder, in the order it returns them.
REPORT_FILES: tuple[str, ...] = (*CSV_FILES, *JSON_FILES, ALERTS_LOG_NAME)

RATE_FORMAT = "{:.4f}"

__all__ = ["REPORT_FILES", "ReportWriteError", "write_reports"]


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = LfCsvWriter(buffer)
    writer.writerow(header)
    writer.writerows([neutralize(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _json(document: object) -> bytes:
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _error_type_rows(
    stats: Sequence[ErrorTypeStat], errors: int, tz: ZoneInfo, ranked: bool,
    infos: Sequence[ErrorTypeInfo],
):
    # services come from the run's per-type details (over the run's applied filter)
    services = {i.template: i.services_label for i in infos}
    for rank, s in enumerate(stats, start=1):
        row = [s.error_type, s.count, RATE_FORMAT.format(rate(s.count, errors)),
               iso_ms(s.first_seen, tz), iso_ms(s.last_seen, tz), s.sample,
               services.get(s.error_type, "")]
        yield [rank, *row] if ranked else row


PATTERN_HEADER: tuple[str, ...] = (
    "template", "count", *(level.lower() for level in LEVELS), "first_seen", "last_seen", "sample",
)


def _pattern_rows(stats: Sequence[PatternStat], tz: ZoneInfo):
    for s in stats:
        yield [s.template, s.count, *(s.by_level.get(level, 0) for level in LEVELS),
               iso_ms(s.first_seen, tz), iso_ms(s.last_seen, tz), s.sample]


def _key_csv(key_name: str, stats: Sequence[KeyStat]) -> bytes:
    return _csv(
        [key_name, "total", "errors", "error_rate"],
        ([s.key, s.total, s.errors, RATE_FORMAT.format(s.error_rate)] for s in stats),
    )


def _csv_files(analytics: Analytics, tz: ZoneInfo, infos: Sequence[ErrorTypeInfo]) -> dict[str, bytes]:
    type_header = ["error_type", "count", "share_of_errors", "first_seen", "last_seen", "sample", "services"]
    a = analytics
    return {
        "csv/errors_by_type.csv": _csv(
            type_header, _error_type_rows(a.errors_by_type, a.errors, tz, False, infos)
        ),
        "csv/errors_by_hour.csv": _csv(
            ["hour_start", "total", "errors", "error_rate"],
            ([iso_time(h.start, tz), h.total, h.errors, RATE_FORMAT.format(rate(h.errors, h.total))]
             for h in a.errors_by_hour),
        ),
        "csv/top_errors.csv": _csv(
            ["rank", *type_header], _error_type_rows(a.top_errors, a.errors, tz, True, infos)
        ),
        "csv/errors_per_ip.csv": _key_csv("ip", a.per_ip),
        "csv/errors_per_service.csv": _key_csv("service", a.per_service),
        "csv/errors_per_endpoint.csv": _key_csv("endpoint", a.per_endpoint),
        "csv/patterns.csv": _csv(PATTERN_HEADER, _pattern_rows(a.patterns, tz)),
    }


def _malformed_copy(source: str) -> Callable[[BinaryIO], None]:
    """Writes the header, then the engine's malformed-rows CSV (a file, or a Spark output folder
    of part files) without its own header line(s)."""
    header = (",".join(MALFORMED_COLUMNS) + "\n").encode("utf-8")
    if not source:
        return lambda fh: fh.write(header)
    path = Path(source)

    def write(fh: BinaryIO) -> None:
        parts = (
            sorted(p for p in path.glob("part-*") if not p.name.endswith(".crc"))
            if path.is_dir() else [path]
        )
        fh.write(header)
        for part in parts:
            with open(part, "rb") as src:
                first = src.readline()
                if first.rstrip(b"\r\n") != header.rstrip(b"\n"):
                    fh.write(first)
                shutil.copyfileobj(src, fh)

    return write


def _time_points(points, tz: ZoneInfo) -> list[dict]:
    return [
        {"start": iso_time(p.start, tz), "total": p.total, "errors": p.errors,
         "error_rate": rate(p.errors, p.total)}
        for p in points
    ]


def _json_files(
    run: RunResult, a: Analytics, alerts: Sequence[Alert], settings: Settings, now: datetime, tz: ZoneInfo
) -> dict[str, bytes]:
    ingest = run.ingest
    days = _time_points(a.errors_by_day, tz)
    for day, point in zip(days, a.errors_by_day):
        day["date"] = point.start.astimezone(tz).date().isoformat()
    # the records these numbers are of: the filter the run read with (CLI) and the one the
    # analytics were summarized with (app), as one
    shown = filter_dict(run.applied_filter.narrowed_by(a.filter), tz)
    summary = {
        "generated_at": iso_time(now, tz),
        "input_folder": run.input_folder,
        "time_zone": a.time_zone,
        "run": {
            "started_at": iso_ms(run.started_at, tz),
            "duration_seconds": round(run.duration_seconds, 3),
            "stage_seconds": {k: round(v, 3) for k, v in run.stage_seconds.items()},
        },
        "filter": shown,
        "totals": {
            "records": a.total,
            "errors": a.errors,
            "error_rate": rate(a.errors, a.total),
            "files": len(ingest.files),
            "data_lines": ingest.data_lines,
            "parsed_rows": ingest.parsed_rows,
            "malformed_rows": ingest.malformed_rows,
        },
        "by_level": dict(a.by_level),
        "time_span": {"first_seen": iso_ms(a.first_seen, tz), "last_seen": iso_ms(a.last_seen, tz)},
        "bucket_seconds": a.bucket_seconds,
        "trend_window_seconds": a.trend_window_seconds,
        "alerts": [alert_dict(alert, tz) for alert in alerts],
        "alert_thresholds": {
            "error_rate_threshold": settings.alerts.error_rate_threshold,
            "error_count_threshold": settings.alerts.error_count_threshold,
            "critical_error_count": settings.alerts.critical_error_count,
        },
    }
    return {
        "json/error_trends.json": _json({
            "time_zone": a.time_zone,
            "window_seconds": a.trend_window_seconds,
            "filter": shown,
            "points": _time_points(a.error_trend, tz),
        }),
        "json/errors_by_day.json": _json({
            "time_zone": a.time_zone, "filter": shown, "days": days,
        }),
        "json/errors_by_severity.json": _json({
            "total": a.total,
            "filter": shown,
            "levels": [{"level": s.level, "count": s.count, "share": round(s.share, 6)}
                       for s in a.errors_by_severity],
        }),
        "json/summary.json": _json(summary),
        "json/ingest_report.json": _json({
            "folder": ingest.folder,
            "files": [
                {"path": f.path, "fate": f.fate, "format": f.format,
                 "timestamp_layout": f.timestamp_layout, "encoding": f.encoding,
                 "data_lines": f.data_lines,
                 "parsed_rows": f.parsed_rows, "malformed_rows": f.malformed_rows, "note": f.note,
                 "continuation_lines": f.continuation_lines,
                 "malformed_samples": [{"line": m.line, "reason": m.reason, "raw": m.raw}
                                       for m in f.malformed_samples]}
                for f in ingest.files
            ],
            "totals": {"files": len(ingest.files), "files_read": ingest.count(FATE_READ),
                       "files_skipped": ingest.count(FATE_SKIPPED),
                       "files_unreadable": ingest.count(FATE_UNREADABLE),
                       "data_lines": ingest.data_lines,
                       "parsed_rows": ingest.parsed_rows, "malformed_rows": ingest.malformed_rows,
                       "continuation_lines": ingest.continuation_lines},
        }),
    }


def write_reports(
    run: RunResult,
    analytics: Analytics,
    alerts: Sequence[Alert],
    out_dir: Path,
    settings: Settings,
    now: datetime | None = None,
) -> list[Path]:
    """Write REPORT_FILES into `out_dir` (created if needed) and return their paths.

    alerts.log keeps its earlier entries and gains the alerts it does not hold yet.
    Raises ReportWriteError when the folder cannot take the files."""
    out_dir = Path(out_dir).expanduser()
    tz = ZoneInfo(analytics.time_zone)
    now = now or datetime.now(tz)
    contents = {**_csv_files(analytics, tz, run.error_types), **_json_files(run, analytics, alerts, settings, now, tz)}
    try:
        history, _ = new_history_content(
            out_dir / ALERTS_LOG_NAME,
            alerts,
            run.started_at,
            run.input_folder,
            data_fingerprint(run, analytics),
        )
    except OSError as exc:
        raise write_error(out_dir, exc) from exc
    contents[ALERTS_LOG_NAME] = history
    pending = []
    for name in REPORT_FILES:
        if name == "csv/malformed_rows.csv":
            pending.append(PendingFile(out_dir / name, write=_malformed_copy(run.malformed_csv_path)))
        else:
            pending.append(PendingFile(out_dir / name, content=contents[name]))
    written = commit_files(pending, out_dir)
    remember_reports_folder(out_dir, REPORT_FILES)  # never read as logs (reports/registry.py)
    return written
