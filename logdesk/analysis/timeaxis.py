"""Epoch seconds <-> wall-clock time in a named zone, vectorized where it matters.

The cube stores time as UTC epoch seconds; hours, days and trend windows are defined on the
wall clock of the cube's zone. Offsets change only at DST and similar transitions, so they are
looked up once per distinct UTC day instead of once per value.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

_EPOCH_WALL = datetime(1970, 1, 1)


@lru_cache(maxsize=32)
def zone(name: str) -> ZoneInfo:
    """The zone called `name`; raises ZoneInfoNotFoundError for unknown names."""
    return ZoneInfo(name)


def _offset_at(epoch_s: int, tz: ZoneInfo) -> int:
    offset = datetime.fromtimestamp(epoch_s, tz).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def _offsets_by_span(epochs: np.ndarray, span: int, tz: ZoneInfo):
    """Offsets at the start of each value's span, and where the span's end differs."""
    spans, inverse = np.unique(epochs // span, return_inverse=True)
    at_start = np.array([_offset_at(int(s) * span, tz) for s in spans], dtype=np.int64)
    at_end = np.array([_offset_at(int(s) * span + span - 1, tz) for s in spans], dtype=np.int64)
    return at_start[inverse], (at_start != at_end)[inverse]


def utc_offsets(epochs: np.ndarray, tz: ZoneInfo) -> np.ndarray:
    """UTC offset in seconds (local = utc + offset) at each epoch second in `epochs`.

    Looked up once per UTC day; on the few days with a transition, once per UTC hour; in an
    hour holding a transition (zones that switch at half hours), once per value."""
    epochs = np.asarray(epochs, dtype=np.int64)
    if epochs.size == 0:
        return np.zeros(0, dtype=np.int64)
    offsets, changing = _offsets_by_span(epochs, 86400, tz)
    day_changes = np.flatnonzero(changing)
    if day_changes.size:
        hourly, hour_changing = _offsets_by_span(epochs[day_changes], 3600, tz)
        offsets[day_changes] = hourly
        for i in day_changes[hour_changing]:
            offsets[i] = _offset_at(int(epochs[i]), tz)
    return offsets


def datetime_at(epoch_s: int, tz: ZoneInfo) -> datetime:
    """The instant `epoch_s` as an aware datetime in `tz` (fold set right in repeated hours)."""
    return datetime.fromtimestamp(int(epoch_s), tz)


def datetime_at_ms(epoch_ms: int, tz: ZoneInfo) -> datetime:
    ms = int(epoch_ms)
    return datetime.fromtimestamp(ms // 1000, tz).replace(microsecond=(ms % 1000) * 1000)


def wall_to_datetime(wall_seconds: int, tz: ZoneInfo) -> datetime:
    """Wall-clock seconds since 1970-01-01 00:00 local -> aware datetime in `tz`.

    A wall time skipped by a DST jump is read with the offset before the jump (02:30 in a
    skipped hour becomes 03:30), so the result always prints as a time that existed."""
    naive = _EPOCH_WALL + timedelta(seconds=int(wall_seconds))
    aware = naive.replace(tzinfo=tz)
    return datetime.fromtimestamp(aware.timestamp(), tz)


def epoch_seconds(value: datetime, tz: ZoneInfo) -> float:
    """Epoch seconds of `value`; a naive datetime is read as wall time in `tz`."""
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=tz)
    return value.timestamp()


def as_zone(value: datetime, tz: ZoneInfo) -> datetime:
    """`value` as an aware datetime in `tz` (naive values are taken to be in `tz` already)."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=tz)
    return value.astimezone(tz)

