"""A Backend for window tests: hand-made records, a cube built from them with numpy, and
controllable delay, blocking and failure. Test code only."""

from __future__ import annotations

import csv
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Sequence

import numpy as np

from logdesk.backend import RECORD_COLUMNS, RecordPage
from logdesk.control import Cancelled, RunControl
from logdesk.reports.csv_safety import neutralize
from logdesk.reports.formats import iso_ms
from logdesk import query
from logdesk.results import (
    DIMENSIONS,
    ERROR_LEVELS,
    LEVEL_INDEX,
    MISSING_KEY,
    Cube,
    FactTable,
    FileIngest,
    IngestReport,
    MalformedSample,
    RecordFilter,
    RunResult,
)
from logdesk.settings import Settings

# The columns of an exported records file (logdesk.engine.records_export.EXPORT_COLUMNS, which
# window tests must not import: the UI side knows no Spark).
EXPORT_COLUMNS = ("timestamp", "level", "service", "ip", "endpoint", "message", "template", "error_type",
                  "source_file", "line")
BASE = datetime(2024, 3, 1, tzinfo=timezone.utc)
MARKUP = "<b>bold</b><img src=x>"


@dataclass(frozen=True)
class Group:
    hour: int  # hours after BASE
    level: str
    count: int
    service: str
    ip: str
    endpoint: str
    error_type: str | None = None
    message: str | None = None


# 57 records, 10 errors. Hours: 0 and 1 on 1 March; 24 and 47 (23:00) on 2 March.
GROUPS: tuple[Group, ...] = (
    Group(0, "INFO", 20, "api", "10.0.0.1", "/login"),
    Group(0, "DEBUG", 5, "api", "10.0.0.1", "/login"),
    Group(1, "ERROR", 3, "api", "10.0.0.2", "/login", "DbTimeout"),
    Group(1, "WARN", 2, "web", "10.0.0.3", "/home"),
    Group(24, "INFO", 10, "web", "10.0.0.3", "/home"),
    Group(24, "INFO", 1, "web", "10.0.0.3", "/home", message=MARKUP),
    Group(24, "ERROR", 2, "web", "10.0.0.3", "/home", "NullPointer"),
    Group(47, "INFO", 8, "api", "10.0.0.1", "/pay"),
    Group(47, "ERROR", 4, "payments-service-with-a-rather-long-name", "10.0.0.4", "/pay", "DbTimeout"),
    Group(47, "CRITICAL", 1, "payments-service-with-a-rather-long-name", "10.0.0.4", "/pay", "OutOfMemory"),
    Group(47, "UNKNOWN", 1, "payments-service-with-a-rather-long-name", "10.0.0.4", "/pay"),
)
APP_CONTINUATION_LINES = 4
MALFORMED = (
    ("app.log", 7, "no timestamp", "garbage <i>line</i>"),
    ("app.log", 9, "no timestamp", "=cmd|' /C calc'!A0"),
    ("other.csv", 2, "wrong column count", "a,b"),
)


@dataclass(frozen=True)
class Rec:
    ts: datetime
    level: str
    service: str
    ip: str
    endpoint: str
    message: str
    error_type: str | None

    @property
    def template(self) -> str:
        """What the fake mines: the record's type, whatever its level."""
        return self.error_type or MISSING_KEY

    def row(self) -> tuple:
        return (self.ts, self.level, self.service, self.ip, self.endpoint, self.message, self.template)


def expand(groups: Sequence[Group] = GROUPS) -> list[Rec]:
    records = []
    for g in groups:
        for i in range(g.count):
            ts = BASE + timedelta(hours=g.hour, minutes=i)
            message = g.message or f"{g.error_type or g.level.lower()} event {i} on {g.endpoint}"
            records.append(Rec(ts, g.level, g.service, g.ip, g.endpoint, message, g.error_type))
    return records


def _table(rows: dict[tuple[int, int, int], list[int]], keys: tuple[str, ...]) -> FactTable:
    items = sorted(rows.items())
    return FactTable(
        keys=keys,
        bucket=np.array([k[0] for k, _ in items], dtype=np.int64),
        level=np.array([k[1] for k, _ in items], dtype=np.int8),
        key=np.array([k[2] for k, _ in items], dtype=np.int32),
        count=np.array([len(v) for _, v in items], dtype=np.int64),
        first_ms=np.array([min(v) for _, v in items], dtype=np.int64),
        last_ms=np.array([max(v) for _, v in items], dtype=np.int64),
    )


def make_cube(records: Sequence[Rec], bucket_seconds: int = 3600) -> Cube:
    """The cube the engine would build for these records (UTC, hour-aligned buckets)."""
    level_rows: dict[tuple[int, int, int], list[int]] = {}
    dim_rows: dict[str, dict[tuple[int, int, int], list[int]]] = {d: {} for d in DIMENSIONS}
    values: dict[str, set[str]] = {d: set() for d in DIMENSIONS}

    def key_of(rec: Rec, dim: str) -> str | None:
        if dim == "pattern":
            return rec.template
        return getattr(rec, dim) or MISSING_KEY

    for rec in records:
        for dim in DIMENSIONS:
            key = key_of(rec, dim)
            if key is not None:
                values[dim].add(key)
    keys = {d: tuple(sorted(values[d])) for d in DIMENSIONS}
    samples: dict[str, str] = {}
    pattern_samples: dict[str, str] = {}
    for rec in records:
        seconds = int(rec.ts.timestamp())
        bucket = seconds - seconds % bucket_seconds
        ms = int(rec.ts.timestamp() * 1000)
        level = LEVEL_INDEX[rec.level]
        level_rows.setdefault((bucket, level, 0), []).append(ms)
        for dim in DIMENSIONS:
            key = key_of(rec, dim)
            if key is not None:
                dim_rows[dim].setdefault((bucket, level, keys[dim].index(key)), []).append(ms)
        pattern_samples[rec.template] = min(pattern_samples.get(rec.template, rec.message), rec.message)
        if rec.level in ERROR_LEVELS:
            name = rec.error_type or MISSING_KEY
            samples[name] = min(samples.get(name, rec.message), rec.message)
    return Cube(
        bucket_seconds=bucket_seconds,
        time_zone="UTC",
        levels=_table(level_rows, ()),
        dims={d: _table(dim_rows[d], keys[d]) for d in DIMENSIONS},
        error_type_samples=samples,
        pattern_samples=pattern_samples,
    )


def make_result(folder: Path, records: Sequence[Rec] | None = None, bucket_seconds: int = 3600) -> RunResult:
    records = expand() if records is None else records
    samples = {name: tuple(MalformedSample(line, reason, raw) for f, line, reason, raw in MALFORMED if f == name)
               for name in ("app.log", "other.csv")}
    files = (
        FileIngest(str(folder / "app.log"), "text", len(records) + 2 + APP_CONTINUATION_LINES, len(records), 2,
                   continuation_lines=APP_CONTINUATION_LINES, malformed_samples=samples["app.log"]),
        FileIngest(str(folder / "sub" / "other.csv"), "csv", 1, 0, 1, encoding="utf-16",
                   note="header only partly recognized", malformed_samples=samples["other.csv"]),
    )
    return RunResult(
        input_folder=str(folder),
        started_at=datetime(2024, 4, 1, tzinfo=timezone.utc),
        duration_seconds=0.5,
        stage_seconds={"read": 0.3, "aggregate": 0.2},
        ingest=IngestReport(str(folder), files),
        cube=make_cube(records, bucket_seconds),
        records_path=str(folder / "records.parquet"),
        malformed_csv_path=str(Path(tempfile.mkdtemp(prefix="logdesk-fake-run-")) / "malformed_rows.csv"),
    )


def _write_malformed_csv(path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("file", "line", "reason", "raw"))
        writer.writerows(MALFORMED)


@dataclass
class FakeBackend:
    """Implements logdesk.backend.Backend without Spark.

    `block_runs`: run() waits until cancelled (for cancel and close tests).
    `fail_with`: run() raises this exception. `start_error`: start() raises it.
    clear_cache() records its settings and returns `cache_freed`, or raises `clear_error`.
    Folders without a file named *.log fail like the engine does for an empty folder."""

    records: list[Rec] = field(default_factory=expand)
    block_runs: bool = False
    fail_with: Exception | None = None
    start_error: Exception | None = None
    start_delay: float = 0.0
    run_delay: float = 0.0
    started: bool = False
    stopped: int = 0
    runs: list[Path] = field(default_factory=list)
    fetches: list[tuple] = field(default_factory=list)
    histograms: list[tuple] = field(default_factory=list)  # level_histogram calls
    # False: pages leave `line` empty, as the engine's would where it could not count them
    line_numbers: bool = True
    run_entered: threading.Event = field(default_factory=threading.Event)
    threads: set[str] = field(default_factory=set)
    exports: list[tuple] = field(default_factory=list)
    export_error: Exception | None = None
    cache_freed: tuple[int, int] = (1_234, 5_678_901_234)  # files, bytes: 5,415.8 MB
    cache_clears: list[tuple[Settings, str]] = field(default_factory=list)  # (settings, thread)
    clear_error: Exception | None = None
    bucket_seconds: int = 3600  # the cube's

    def start(self, settings: Settings) -> None:
        self.threads.add(threading.current_thread().name)
        time.sleep(self.start_delay)
        if self.start_error is not None:
            raise self.start_error
        self.started = True

    def run(self, folder: Path, settings: Settings, control: RunControl,
            record_filter: RecordFilter = RecordFilter()) -> RunResult:
        self.threads.add(threading.current_thread().name)
        self.runs.append(Path(folder))
        self.run_entered.set()
        released = threading.Event()
        control.set_canceller(released.set)
        try:
            control.report("read & normalize", 0.2, "2 files: 3 of 8 Spark tasks done")
            if self.block_runs:
                released.wait(30)
                control.check()
            if self.run_delay:
                released.wait(self.run_delay)
                control.check()
            if self.fail_with is not None:
                raise self.fail_with
            if not any(Path(folder).glob("*.log")):
                raise FileNotFoundError(f"no files to read in {folder}")
            control.report("aggregate", 0.9)
            result = make_result(Path(folder), self.records, self.bucket_seconds)
            _write_malformed_csv(Path(result.malformed_csv_path))
            return result
        finally:
            control.set_canceller(None)

    def _matching(self, record_filter: RecordFilter, search: str) -> list[Rec]:
        terms = query.parse(search)  # QueryError for a bad search, as the engine raises it
        out = []
        for rec in self.records:
            if record_filter.start is not None and rec.ts < record_filter.start:
                continue
            if record_filter.end is not None and rec.ts >= record_filter.end:
                continue
            if record_filter.levels and rec.level not in record_filter.levels:
                continue
            fields = {"message": rec.message, "service": rec.service, "ip": rec.ip,
                      "endpoint": rec.endpoint, "level": rec.level, "template": rec.template,
                      "error_type": rec.template if rec.level in ERROR_LEVELS else None,
                      "source_file": None}
            if terms and not query.matches(terms, fields):
                continue
            out.append(rec)
        return out

    def count_records(self, result: RunResult, record_filter: RecordFilter, search: str) -> int:
        return len(self._matching(record_filter, search))

    def fetch_records(self, result: RunResult, record_filter: RecordFilter, search: str,
                      sort_column: str, descending: bool, offset: int, limit: int) -> RecordPage:
        self.threads.add(threading.current_thread().name)
        self.fetches.append((sort_column, descending, offset, limit, search))
        column = RECORD_COLUMNS.index(sort_column)
        source = str(Path(result.input_folder) / "app.log")
        line_of = {id(rec): n for n, rec in enumerate(self.records, start=1)}  # as in export
        rows = sorted((r.row() + (source, line_of[id(r)] if self.line_numbers else None)
                       for r in self._matching(record_filter, search)),
                      key=lambda row: (row[column], row[0], row[5]), reverse=False)
        if descending:
            rows = sorted(rows, key=lambda row: row[column], reverse=True)
        return RecordPage(offset=offset, rows=tuple(rows[offset:offset + limit]))

    def export_records(self, result: RunResult, record_filter: RecordFilter, search: str, path: Path) -> int:
        """Writes the matching records for real: CSV like the engine (ISO times, formula-safe
        cells), Parquet with pyarrow; source_file is app.log, line the record's position."""
        self.threads.add(threading.current_thread().name)
        self.exports.append((record_filter, search, Path(path), threading.current_thread().name))
        if self.export_error is not None:
            raise self.export_error
        source = str(Path(result.input_folder) / "app.log")
        matching = set(map(id, self._matching(record_filter, search)))
        rows = [
            (rec.ts, rec.level, rec.service, rec.ip, rec.endpoint, rec.message, rec.template,
             rec.error_type if rec.level in ERROR_LEVELS else None, source, line)
            for line, rec in enumerate(self.records, start=1) if id(rec) in matching
        ]
        target = Path(path)
        tmp = target.with_name(f".{target.name}.tmp")
        if target.suffix == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            columns = list(zip(*rows)) if rows else [[] for _ in EXPORT_COLUMNS]
            pq.write_table(pa.table({name: list(values) for name, values in zip(EXPORT_COLUMNS, columns)}), tmp)
        else:
            with open(tmp, "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(EXPORT_COLUMNS)
                for row in rows:
                    writer.writerow([iso_ms(row[0], timezone.utc), *(neutralize(v) for v in row[1:])])
        tmp.replace(target)
        return len(rows)

    def level_histogram(self, result: RunResult, levels: frozenset[str],
                        wall_range: tuple[float, float], bin_seconds: int):
        """Counted in plain Python from the fake's records (UTC: wall clock = epoch)."""
        from logdesk.analysis.histogram import histogram_from_counts

        self.threads.add(threading.current_thread().name)
        self.histograms.append((levels, wall_range, bin_seconds))
        counts: dict[tuple[int, str], int] = {}
        for rec in self.records:
            wall = int(rec.ts.timestamp())
            if (levels and rec.level not in levels) or not wall_range[0] <= wall < wall_range[1]:
                continue
            key = (wall // bin_seconds * bin_seconds, rec.level)
            counts[key] = counts.get(key, 0) + 1
        return histogram_from_counts([(b, lv, n) for (b, lv), n in counts.items()], wall_range,
                                     bin_seconds)

    def record_location(self, result: RunResult, record_filter: RecordFilter, search: str,
                        sort_column: str, descending: bool, offset: int):
        """The fake's records are app.log's lines 1, 2, …, in their order of self.records."""
        page = self.fetch_records(result, record_filter, search, sort_column, descending, offset, 1)
        self.fetches.pop()
        if not page.rows:
            return None
        ts, level, service, ip, endpoint, message = page.rows[0][:6]
        line = next(i for i, r in enumerate(self.records, start=1)
                    if (r.ts, r.level, r.message, r.ip) == (ts, level, message, ip))
        return str(Path(result.input_folder) / "app.log"), line

    def malformed_rows(self, result: RunResult, limit: int) -> Sequence[tuple]:
        return MALFORMED[:limit]

    def clear_cache(self, settings: Settings) -> tuple[int, int]:
        self.threads.add(threading.current_thread().name)
        self.cache_clears.append((settings, threading.current_thread().name))
        if self.clear_error is not None:
            raise self.clear_error
        return self.cache_freed

    def stop(self) -> None:
        self.stopped += 1


def process(window, qtbot, folder: Path) -> None:
    """Open `folder` in the window and wait until the run has ended."""
    with qtbot.waitSignal(window.run_completed, timeout=30_000):
        window.open_folder(folder)


def card(window, key: str) -> str:
    return window.dashboard.cards.card(key).value_text()
