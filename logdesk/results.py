"""Result objects: the contract between the engine, the analysis layer, reports, CLI and UI.

Everything here is plain Python (plus numpy arrays for the cube), frozen, and free of Spark
and Qt, so that exports and the window can work on results without knowing how they were made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping

import numpy as np

# Normalized levels, in severity order. UNKNOWN keeps rows whose level maps to nothing visible.
LEVELS: tuple[str, ...] = ("DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "UNKNOWN")
ERROR_LEVELS: frozenset[str] = frozenset({"ERROR", "CRITICAL"})
LEVEL_INDEX: Mapping[str, int] = {name: i for i, name in enumerate(LEVELS)}

# The columns of csv/malformed_rows.csv, in order (written by the engine, copied by reports).
MALFORMED_COLUMNS: tuple[str, ...] = ("file", "line", "reason", "raw")

# Dimensions kept in the cube, besides time and level.
DIMENSIONS: tuple[str, ...] = ("pattern", "ip", "service", "endpoint")

# The cube key for a record without a value in a dimension (null or blank), so that the
# per-key counts of every dimension add up to the total.
MISSING_KEY: str = "(none)"


@dataclass(frozen=True)
class RecordFilter:
    """What the user asked to see. `start` inclusive, `end` exclusive; None = unbounded.

    `levels` empty means all levels."""

    start: datetime | None = None
    end: datetime | None = None
    levels: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return self.start is None and self.end is None and not self.levels

    def describe(self) -> str:
        parts = []
        if self.start or self.end:
            a = self.start.isoformat(sep=" ", timespec="minutes") if self.start else "…"
            b = self.end.isoformat(sep=" ", timespec="minutes") if self.end else "…"
            parts.append(f"{a} → {b}")
        if self.levels:
            parts.append(",".join(lv for lv in LEVELS if lv in self.levels))
        return "; ".join(parts) if parts else "all records"

    def narrowed_by(self, other: "RecordFilter") -> "RecordFilter":
        """The records both filters let through: the later start, the earlier end, the levels in
        both (a run read with the CLI's filter, then summarized with the app's). Disjoint level
        sets keep `other`'s: an empty set would mean all levels."""
        start = max((t for t in (self.start, other.start) if t is not None), default=None)
        end = min((t for t in (self.end, other.end) if t is not None), default=None)
        if self.levels and other.levels:
            levels = (self.levels & other.levels) or other.levels
        else:
            levels = self.levels or other.levels
        return RecordFilter(start, end, frozenset(levels))


@dataclass(frozen=True)
class MalformedSample:
    """One malformed line of a file, as shown in the Inputs view and ingest report."""

    line: int | None
    reason: str
    raw: str


@dataclass(frozen=True)
class FileIngest:
    """What ingest made of one input file.

    data_lines == parsed_rows + continuation_lines + malformed_rows: every non-blank line that is
    not a header is a record's first line (parsed_rows: one per record), a continuation line
    folded into the record before it (stack traces, wrapped messages), or malformed. A CSV
    record whose quoted field spans lines counts once, as one data line.
    """

    path: str
    format: str  # "csv", "jsonl", a text format's name (e.g. "log4j"), "unknown", ...
    data_lines: int
    parsed_rows: int
    malformed_rows: int
    encoding: str = "utf-8"
    note: str = ""
    continuation_lines: int = 0
    malformed_samples: tuple[MalformedSample, ...] = ()  # the first few, by line
    # FATE_*: read, skipped as not a log (binary, no timestamp, empty, a FIFO, a second link),
    # or unreadable (permissions, broken compression); the note says why
    fate: str = "read"
    timestamp_layout: str = ""  # how its timestamps were parsed, for files that were read


FATE_READ, FATE_SKIPPED, FATE_UNREADABLE = "read", "skipped", "unreadable"


@dataclass(frozen=True)
class IngestReport:
    folder: str
    files: tuple[FileIngest, ...]

    def count(self, fate: str) -> int:
        """How many files had this fate (FATE_*)."""
        return sum(1 for f in self.files if f.fate == fate)

    def fates_text(self) -> str:
        """"12 files read, 3 skipped" (", 1 unreadable" when there is one)."""
        read = self.count(FATE_READ)
        text = f"{read:,} file{'s' if read != 1 else ''} read, {self.count(FATE_SKIPPED):,} skipped"
        unreadable = self.count(FATE_UNREADABLE)
        return text + (f", {unreadable:,} unreadable" if unreadable else "")

    @property
    def data_lines(self) -> int:
        return sum(f.data_lines for f in self.files)

    @property
    def parsed_rows(self) -> int:
        return sum(f.parsed_rows for f in self.files)

    @property
    def malformed_rows(self) -> int:
        return sum(f.malformed_rows for f in self.files)

    @property
    def continuation_lines(self) -> int:
        return sum(f.continuation_lines for f in self.files)


@dataclass(frozen=True, eq=False)
class FactTable:
    """Aggregated counts per (time bucket, level[, key]).

    Parallel numpy arrays, one entry per group present in the data:
    bucket  int64 — bucket start, epoch seconds
    level   int8  — index into LEVELS
    key     int32 — index into `keys` (all zeros for the level table)
    count   int64 — rows in the group
    first_ms/last_ms int64 — earliest/latest record time in the group, epoch milliseconds
    """

    keys: tuple[str, ...]
    bucket: np.ndarray
    level: np.ndarray
    key: np.ndarray
    count: np.ndarray
    first_ms: np.ndarray
    last_ms: np.ndarray

    def __len__(self) -> int:
        return int(self.count.shape[0])


@dataclass(frozen=True, eq=False)
class Cube:
    """Everything the analysis layer needs to answer any date/level filter without Spark.

    `levels` counts every parsed record; `dims[name]` counts records per key for the
    dimensions in DIMENSIONS ("pattern": every record by its mined template; a record's error
    type is its template when it is an ERROR or CRITICAL one).
    Time buckets are `bucket_seconds` long, aligned in `time_zone`.
    """

    bucket_seconds: int
    time_zone: str
    levels: FactTable
    dims: Mapping[str, FactTable]
    # error type -> one example message (the smallest, so results are deterministic)
    error_type_samples: Mapping[str, str] = field(default_factory=dict)
    # template -> the smallest message of any level
    pattern_samples: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TimeCount:
    start: datetime
    total: int
    errors: int


@dataclass(frozen=True)
class KeyStat:
    key: str
    total: int
    errors: int

    @property
    def error_rate(self) -> float:
        return self.errors / self.total if self.total else 0.0


@dataclass(frozen=True)
class ErrorTypeStat:
    error_type: str
    count: int
    first_seen: datetime
    last_seen: datetime
    sample: str = ""


@dataclass(frozen=True)
class PatternStat:
    """One mined template over the records of a filter, every level counted."""

    template: str
    count: int
    by_level: Mapping[str, int]  # LEVELS with at least one record of the template
    first_seen: datetime
    last_seen: datetime
    sample: str = ""

    @property
    def errors(self) -> int:
        return sum(n for name, n in self.by_level.items() if name in ERROR_LEVELS)


@dataclass(frozen=True)
class ErrorTypeInfo:
    """One mined error type over a run's records (its applied filter): where and when it shows."""

    template: str
    count: int
    first_seen: datetime
    last_seen: datetime
    services: tuple[str, ...]  # the alphabetically first few
    service_count: int
    sample: str  # one message of the type (the smallest)

    @property
    def services_label(self) -> str:
        """'auth, billing (+3 more)': the listed services and how many are left out."""
        more = self.service_count - len(self.services)
        return ", ".join(self.services) + (f" (+{more:,} more)" if more > 0 else "")


@dataclass(frozen=True)
class SeverityStat:
    level: str
    count: int
    share: float


@dataclass(frozen=True)
class Analytics:
    """Aggregates for one filter. Built from a Cube by logdesk.analysis.summarize."""

    filter: RecordFilter
    time_zone: str
    bucket_seconds: int
    trend_window_seconds: int
    total: int
    errors: int
    by_level: Mapping[str, int]
    first_seen: datetime | None
    last_seen: datetime | None
    errors_by_type: tuple[ErrorTypeStat, ...]  # all types, most frequent first
    top_errors: tuple[ErrorTypeStat, ...]  # the top N of errors_by_type
    errors_by_hour: tuple[TimeCount, ...]
    errors_by_day: tuple[TimeCount, ...]
    error_trend: tuple[TimeCount, ...]  # per trend window
    errors_by_severity: tuple[SeverityStat, ...]
    per_ip: tuple[KeyStat, ...]  # most errors first
    per_service: tuple[KeyStat, ...]
    per_endpoint: tuple[KeyStat, ...]
    # Earliest/latest ERROR-or-CRITICAL and CRITICAL record in the filtered data (alert evidence).
    first_error: datetime | None = None
    last_error: datetime | None = None
    first_critical: datetime | None = None
    last_critical: datetime | None = None
    # every record's template, most records first (errors_by_type: those of error records)
    patterns: tuple[PatternStat, ...] = ()

    @property
    def error_rate(self) -> float:
        return self.errors / self.total if self.total else 0.0


@dataclass(frozen=True)
class Alert:
    rule: str  # "high_error_rate" | "high_error_count" | "critical_errors" | "new_error_type"
    severity: str  # "warning" | "critical"
    value: float
    threshold: float
    message: str
    evidence_start: datetime | None
    evidence_end: datetime | None


@dataclass(frozen=True)
class CacheUse:
    """How a run used the per-folder cache: files answered from it, read from their previous
    end only, read whole; entries of vanished files deleted."""

    enabled: bool = False
    reused: int = 0
    appended: int = 0
    read: int = 0
    dropped: int = 0
    note: str = ""  # why the cache was off although enabled (a cluster master, say)

    def describe(self) -> str:
        if not self.enabled:
            return f"{self.note or 'cache off'}: {self.read:,} files read"
        return (f"{self.reused:,} files from the cache, {self.appended:,} read from their previous "
                f"end, {self.read:,} read whole")


@dataclass(frozen=True)
class RunResult:
    """One engine run over one folder."""

    input_folder: str
    started_at: datetime
    duration_seconds: float
    stage_seconds: Mapping[str, float]
    ingest: IngestReport
    cube: Cube
    # Persisted normalized records (Parquet folder) for the records view and record export.
    records_path: str
    # Malformed rows (CSV, already neutralized against formula injection), or "" when none.
    malformed_csv_path: str
    # The exact filter applied in Spark before aggregation (CLI --from/--to/--levels).
    applied_filter: RecordFilter = RecordFilter()
    # Mined error types of this run, most frequent first.
    error_types: tuple[ErrorTypeInfo, ...] = ()
    # Templates of this folder's previous run; None when there was none to compare with.
    previous_error_types: frozenset[str] | None = None
    # Spark jobs the run started (0: answered from the cache) and the time spent building
    # DataFrame plans on the driver; figures for the benchmark and the curious.
    spark_jobs: int | None = 0  # None: not known (Spark Connect)
    plan_seconds: float = 0.0
    cache: CacheUse = CacheUse()
