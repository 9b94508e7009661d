"""What `logdesk process` prints: stage lines while it runs, then the summary and alerts."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from logdesk.results import Alert, Analytics, RunResult
from logdesk.settings import Settings


class StageLines:
    """One line per stage: '[2/5] read & normalize … 3.1 s', the time added when it ends."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._names: list[str] = []
        self._current: str | None = None
        self._started = 0.0

    @property
    def current(self) -> str | None:
        return self._current

    def numbered(self, names: Sequence[str]) -> None:
        """Stage names reported by the pipeline from here on get '[i/N]' numbers."""
        self._names = list(names)

    def on_progress(self, stage: str, fraction: float, detail: str = "") -> None:
        if stage != self._current:
            self.begin(stage)

    def begin(self, stage: str) -> None:
        self.end()
        label = stage
        if stage in self._names:
            label = f"[{self._names.index(stage) + 1}/{len(self._names)}] {stage}"
        self._out.write(f"{label} … ")
        self._out.flush()
        self._current = stage
        self._started = time.perf_counter()

    def end(self, text: str | None = None) -> None:
        """Close the open line with its time, or with `text` in its place."""
        if self._current is None:
            return
        self._out.write(f"{time.perf_counter() - self._started:.1f} s\n" if text is None
                        else f"{text}\n")
        self._out.flush()
        self._current = None

    def abort(self) -> None:
        """Close an open line, so that an error message starts on a line of its own."""
        if self._current is not None:
            self._out.write("stopped\n")
            self._out.flush()
            self._current = None


def print_summary(
    out: TextIO,
    run: RunResult,
    analytics: Analytics,
    alerts: Sequence[Alert],
    written: Sequence[Path],
    settings: Settings,
) -> None:
    zone = ZoneInfo(settings.time_zone)
    ingest = run.ingest
    rows = [
        ("folder", run.input_folder),
        ("files", ingest.fates_text()),
        ("records", f"{ingest.parsed_rows:,}"),
        ("malformed", f"{ingest.malformed_rows:,}"),
    ]
    if not run.applied_filter.is_empty:
        rows.append(("filter", f"{run.applied_filter.describe()}: {analytics.total:,} records"))
    rows += [
        ("errors", f"{analytics.errors:,}"),
        ("error rate", f"{analytics.error_rate * 100:.2f} %"),
        ("time span", _span(analytics.first_seen, analytics.last_seen, zone, settings.time_zone)),
    ]
    print(file=out)
    print("summary", file=out)
    for name, value in rows:
        print(f"  {name:<12}{value}", file=out)
    if alerts:
        print(f"alerts ({len(alerts)})", file=out)
        for alert in alerts:
            print("  " + format_alert(alert, zone, settings.time_zone), file=out)
    else:
        print("no alerts", file=out)
    cache = getattr(run, "cache", None)
    if cache is not None:
        if run.spark_jobs is None:  # Spark Connect: the server does not say
            spark = ""
        else:
            spark = "; " + (f"{run.spark_jobs:,} Spark jobs" if run.spark_jobs else "no Spark job")
        print(f"  {'read':<12}{cache.describe()}{spark}", file=out)
    print("written", file=out)
    for path in written:
        print(f"  {path}", file=out)


def format_alert(alert: Alert, zone: ZoneInfo, zone_name: str) -> str:
    """'WARNING  high_error_rate: 15.20 % > 10.00 %, <evidence start> … <end> <zone>'."""
    if alert.rule == "high_error_rate":
        value, threshold = f"{alert.value * 100:.2f} %", f"{alert.threshold * 100:.2f} %"
    else:
        value, threshold = _number(alert.value), _number(alert.threshold)
    op = ">=" if alert.rule == "critical_errors" else ">"
    span = _span(alert.evidence_start, alert.evidence_end, zone, zone_name)
    if alert.rule == "new_error_type":
        # the message names the new templates (log text: control characters are shown escaped)
        return f"{alert.severity.upper():<8} {alert.rule}: {_printable(alert.message)}, {span}"
    return f"{alert.severity.upper():<8} {alert.rule}: {value} {op} {threshold}, {span}"


def _printable(text: str) -> str:
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"


def _span(start: datetime | None, end: datetime | None, zone: ZoneInfo, zone_name: str) -> str:
    if start is None and end is None:
        return "no timestamps"
    return f"{_moment(start, zone)} … {_moment(end, zone)} {zone_name}"


def _moment(moment: datetime | None, zone: ZoneInfo) -> str:
    if moment is None:
        return "?"
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


__all__ = ["StageLines", "format_alert", "print_summary"]
