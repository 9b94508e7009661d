"""Analytics for one date/level filter, computed from a Cube with numpy alone.

Filter resolution is the cube bucket: a bucket is kept when it overlaps [start, end), i.e.
`bucket + bucket_seconds > start` and `bucket < end`. With filter bounds on bucket edges (what
the window offers) this is exact; it also makes re-applying a filter the engine already applied
exactly in Spark (CLI --from/--to) a no-op instead of dropping the partial first bucket.

Hours are instants (a repeated DST hour is two hours); days and trend windows longer than an
hour are wall-clock spans of the cube's zone (a day is local midnight to local midnight).
Only hours/days/windows that hold records are listed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from logdesk.analysis.timeaxis import (
    datetime_at,
    datetime_at_ms,
    epoch_seconds,
    utc_offsets,
    wall_to_datetime,
    zone,
)
from logdesk.results import (
    ERROR_LEVELS,
    LEVEL_INDEX,
    LEVELS,
    Analytics,
    Cube,
    ErrorTypeStat,
    FactTable,
    KeyStat,
    PatternStat,
    RecordFilter,
    SeverityStat,
    TimeCount,
)
from logdesk.settings import AnalyticsSettings

HOUR = 3600
DAY = 86400

_IS_ERROR = np.array([name in ERROR_LEVELS for name in LEVELS], dtype=bool)
_CRITICAL = LEVEL_INDEX["CRITICAL"]
# Above this many empty slots per present bucket, grouping buckets by a dense slot index
# would waste memory; np.unique is used instead.
_DENSE_SLACK = 4


def effective_trend_window(window_seconds: int, bucket_seconds: int) -> int:
    """The trend window actually used: a whole number of cube buckets (rounded up)."""
    window_seconds = max(int(window_seconds), 1)
    return max(1, math.ceil(window_seconds / bucket_seconds)) * bucket_seconds


def available_span(cube: Cube) -> tuple[datetime, datetime] | None:
    """Start of the first bucket and end of the last one, in the cube's zone; None if empty.

    A RecordFilter with these bounds selects every record."""
    if len(cube.levels) == 0:
        return None
    tz = zone(cube.time_zone)
    first = int(cube.levels.bucket.min())
    last = int(cube.levels.bucket.max()) + cube.bucket_seconds
    return datetime_at(first, tz), datetime_at(last, tz)


@dataclass(frozen=True)
class _Selection:
    """The filter turned into bucket bounds and a per-level lookup."""

    lowest_bucket: int | None  # inclusive
    bucket_limit: int | None  # exclusive
    level_ok: np.ndarray  # bool per LEVELS index

    @classmethod
    def of(cls, record_filter: RecordFilter, bucket_seconds: int, tz: ZoneInfo) -> _Selection:
        lowest = limit = None
        if record_filter.start is not None:
            # keep buckets that end after start: bucket > start - bucket_seconds
            lowest = math.floor(epoch_seconds(record_filter.start, tz) - bucket_seconds) + 1
        if record_filter.end is not None:
            limit = math.ceil(epoch_seconds(record_filter.end, tz))
        if record_filter.levels:
            level_ok = np.array([name in record_filter.levels for name in LEVELS], dtype=bool)
        else:
            level_ok = np.ones(len(LEVELS), dtype=bool)
        return cls(lowest, limit, level_ok)

    def mask(self, table: FactTable) -> np.ndarray:
        keep = self.level_ok[table.level]
        if self.lowest_bucket is not None:
            keep &= table.bucket >= self.lowest_bucket
        if self.bucket_limit is not None:
            keep &= table.bucket < self.bucket_limit
        return keep


def _sum_by(index: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, index, values)
    return out


def _per_bucket(
    buckets: np.ndarray, counts: np.ndarray, errors: np.ndarray, bucket_seconds: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct buckets (ascending) with their total and error counts."""
    if buckets.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    first = int(buckets.min())
    offsets = buckets - first
    span = int(offsets.max()) // bucket_seconds + 1
    if span <= _DENSE_SLACK * buckets.size + 100_000 and not (offsets % bucket_seconds).any():
        # Buckets sit on a regular grid (always, except around odd zone transitions):
        # group by slot number, which avoids sorting a million values.
        slots = offsets // bucket_seconds
        present = np.bincount(slots, minlength=span) > 0
        totals = _sum_by(slots, counts, span)[present]
        error_totals = _sum_by(slots, errors, span)[present]
        return first + np.flatnonzero(present).astype(np.int64) * bucket_seconds, totals, error_totals
    distinct, inverse = np.unique(buckets, return_inverse=True)
    return (
        distinct,
        _sum_by(inverse, counts, distinct.size),
        _sum_by(inverse, errors, distinct.size),
    )


def _group(keys: np.ndarray, totals: np.ndarray, errors: np.ndarray):
    distinct, inverse = np.unique(keys, return_inverse=True)
    return (
        distinct.tolist(),
        _sum_by(inverse, totals, distinct.size).tolist(),
        _sum_by(inverse, errors, distinct.size).tolist(),
    )


def _time_counts(starts: list[datetime], totals: list[int], errors: list[int]) -> tuple[TimeCount, ...]:
    return tuple(TimeCount(start=s, total=t, errors=e) for s, t, e in zip(starts, totals, errors))


@lru_cache(maxsize=32)
def _name_rank(keys: tuple[str, ...]) -> np.ndarray:
    """Position of each key in name order (keys are usually sorted already)."""
    if all(a <= b for a, b in zip(keys, keys[1:])):
        return np.arange(len(keys), dtype=np.int64)
    order = sorted(range(len(keys)), key=keys.__getitem__)
    rank = np.empty(len(keys), dtype=np.int64)
    rank[np.array(order, dtype=np.int64)] = np.arange(len(keys), dtype=np.int64)
    return rank


def _empty_table() -> FactTable:
    return FactTable(
        keys=(),
        bucket=np.zeros(0, dtype=np.int64),
        level=np.zeros(0, dtype=np.int8),
        key=np.zeros(0, dtype=np.int32),
        count=np.zeros(0, dtype=np.int64),
        first_ms=np.zeros(0, dtype=np.int64),
        last_ms=np.zeros(0, dtype=np.int64),
    )


def _spans_and_order(table: FactTable, keep: np.ndarray, counts: np.ndarray):
    """Per key of `table`: first and last time (ms) of the kept rows, and the keys present,
    most records first, then by name."""
    size, key = len(table.keys), table.key[keep]
    first = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
    last = np.full(size, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(first, key, table.first_ms[keep])
    np.maximum.at(last, key, table.last_ms[keep])
    present = np.flatnonzero(counts > 0)
    return first, last, present[np.lexsort((_name_rank(table.keys)[present], -counts[present]))]


def _patterns(cube: Cube, selection: _Selection, tz: ZoneInfo) -> tuple[PatternStat, ...]:
    """Every template of the selected records with its per-level counts, most records first."""
    table = cube.dims.get("pattern") or _empty_table()
    keep = selection.mask(table)
    if not keep.any():
        return ()
    size = len(table.keys)
    key, level, count = table.key[keep], table.level[keep], table.count[keep]
    per_level = np.zeros((size, len(LEVELS)), dtype=np.int64)
    np.add.at(per_level, (key, level), count)
    counts = per_level.sum(axis=1)
    first, last, order = _spans_and_order(table, keep, counts)
    samples = cube.pattern_samples
    return tuple(
        PatternStat(
            template=table.keys[i],
            count=int(counts[i]),
            by_level={name: int(n) for name, n in zip(LEVELS, per_level[i].tolist()) if n},
            first_seen=datetime_at_ms(int(first[i]), tz),
            last_seen=datetime_at_ms(int(last[i]), tz),
            sample=samples.get(table.keys[i], ""),
        )
        for i in order.tolist()
    )


def _error_types(cube: Cube, selection: _Selection, tz: ZoneInfo) -> tuple[ErrorTypeStat, ...]:
    """The templates of error records (the pattern table's ERROR and CRITICAL rows)."""
    table = cube.dims.get("pattern") or _empty_table()
    keep = selection.mask(table) & _IS_ERROR[table.level]
    if not keep.any():
        return ()
    size = len(table.keys)
    key = table.key[keep]
    counts = _sum_by(key, table.count[keep], size)
    first, last, order = _spans_and_order(table, keep, counts)
    samples = cube.error_type_samples
    return tuple(
        ErrorTypeStat(
            error_type=table.keys[i],
            count=n,
            first_seen=datetime_at_ms(f, tz),
            last_seen=datetime_at_ms(la, tz),
            sample=samples.get(table.keys[i], ""),
        )
        for i, n, f, la in zip(
            order.tolist(), counts[order].tolist(), first[order].tolist(), last[order].tolist()
        )
    )


def _key_stats(table: FactTable | None, selection: _Selection) -> tuple[KeyStat, ...]:
    """Per key: total and error records, most errors first, then most records, then name."""
    if table is None or len(table) == 0:
        return ()
    keep = selection.mask(table)
    if not keep.any():
        return ()
    size = len(table.keys)
    key = table.key[keep]
    counts = table.count[keep]
    totals = _sum_by(key, counts, size)
    errors = _sum_by(key, np.where(_IS_ERROR[table.level[keep]], counts, 0), size)
    present = np.flatnonzero(totals > 0)
    order = present[
        np.lexsort((_name_rank(table.keys)[present], -totals[present], -errors[present]))
    ]
    keys = table.keys
    return tuple(
        KeyStat(key=keys[i], total=t, errors=e)
        for i, t, e in zip(order.tolist(), totals[order].tolist(), errors[order].tolist())
    )


def _first_last(first_ms: np.ndarray, last_ms: np.ndarray, tz: ZoneInfo):
    if first_ms.size == 0:
        return None, None
    return datetime_at_ms(int(first_ms.min()), tz), datetime_at_ms(int(last_ms.max()), tz)


def summarize(cube: Cube, record_filter: RecordFilter, analytics: AnalyticsSettings) -> Analytics:
    """All aggregates the window, reports and alerts need, for one filter."""
    tz = zone(cube.time_zone)
    bucket_seconds = cube.bucket_seconds
    window = effective_trend_window(analytics.trend_window_seconds, bucket_seconds)
    selection = _Selection.of(record_filter, bucket_seconds, tz)

    table = cube.levels
    keep = selection.mask(table)
    level = table.level[keep]
    counts = table.count[keep]
    buckets = table.bucket[keep]
    first_ms = table.first_ms[keep]
    last_ms = table.last_ms[keep]
    is_error = _IS_ERROR[level]
    error_counts = np.where(is_error, counts, 0)

    per_level = _sum_by(level, counts, len(LEVELS)).tolist()
    by_level = {name: per_level[i] for i, name in enumerate(LEVELS)}
    total = int(sum(per_level))
    errors = int(sum(per_level[i] for i, name in enumerate(LEVELS) if name in ERROR_LEVELS))
    first_seen, last_seen = _first_last(first_ms, last_ms, tz)
    first_error, last_error = _first_last(first_ms[is_error], last_ms[is_error], tz)
    is_critical = level == _CRITICAL
    first_critical, last_critical = _first_last(first_ms[is_critical], last_ms[is_critical], tz)

    starts, totals, error_totals = _per_bucket(buckets, counts, error_counts, bucket_seconds)
    local = starts + utc_offsets(starts, tz)  # wall-clock seconds since 1970-01-01 local

    hour_keys, hour_totals, hour_errors = _group(starts - local % HOUR, totals, error_totals)
    by_hour = _time_counts([datetime_at(k, tz) for k in hour_keys], hour_totals, hour_errors)

    day_keys, day_totals, day_errors = _group(local // DAY, totals, error_totals)
    by_day = _time_counts([wall_to_datetime(k * DAY, tz) for k in day_keys], day_totals, day_errors)

    if window <= HOUR:
        # instants, so the two halves of a repeated DST hour stay apart
        trend_keys, trend_totals, trend_errors = _group(starts - local % window, totals, error_totals)
        trend_starts = [datetime_at(k, tz) for k in trend_keys]
    else:
        trend_keys, trend_totals, trend_errors = _group(local // window, totals, error_totals)
        trend_starts = [wall_to_datetime(k * window, tz) for k in trend_keys]
    trend = _time_counts(trend_starts, trend_totals, trend_errors)

    severity = tuple(
        SeverityStat(level=name, count=n, share=n / total) for name, n in by_level.items() if n > 0
    )
    errors_by_type = _error_types(cube, selection, tz)

    return Analytics(
        filter=record_filter,
        time_zone=cube.time_zone,
        bucket_seconds=bucket_seconds,
        trend_window_seconds=window,
        total=total,
        errors=errors,
        by_level=by_level,
        first_seen=first_seen,
        last_seen=last_seen,
        errors_by_type=errors_by_type,
        top_errors=errors_by_type[: max(0, analytics.top_n)],
        errors_by_hour=by_hour,
        errors_by_day=by_day,
        error_trend=trend,
        errors_by_severity=severity,
        per_ip=_key_stats(cube.dims.get("ip"), selection),
        per_service=_key_stats(cube.dims.get("service"), selection),
        per_endpoint=_key_stats(cube.dims.get("endpoint"), selection),
        first_error=first_error,
        last_error=last_error,
        first_critical=first_critical,
        last_critical=last_critical,
        patterns=_patterns(cube, selection, tz),
    )
