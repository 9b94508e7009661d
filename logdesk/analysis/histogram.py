"""Records over time, per level, in bins that follow the visible range: the window's
histogram (days -> hours -> minutes -> seconds as one zooms in), computed from the cube, and
below the cube's bucket from counts Spark makes over the records (histogram_from_counts).

Bins are laid on the wall clock of the cube's zone (a day bin is a local day), so the x axis
is wall-clock seconds since 1970-01-01 local, as the chart draws it. A bin is never shorter
than the cube's bucket: that is the finest the cube holds; the window asks the engine for
finer bins of a zoomed-in range and shows them when they come. Every bin of the range is
listed, empty ones with zeros, so a quiet period shows as a gap at zero, never as a line
bridging it."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from logdesk.analysis.timeaxis import utc_offsets, zone
from logdesk.results import LEVELS, Cube

MINUTE, HOUR, DAY = 60, 3600, 86400
# bin lengths a user reads easily; the shortest that gives at most max_bins bins is used
BIN_LADDER: tuple[int, ...] = (
    1, 2, 5, 10, 15, 30,
    MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
    HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
    DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 365 * DAY,
)
DEFAULT_MAX_BINS = 150


@dataclass(frozen=True)
class LevelHistogram:
    """`counts[level][i]`: records of LEVELS[level] in the bin starting at `starts[i]`
    (wall-clock seconds), `bin_seconds` long."""

    bin_seconds: int
    starts: tuple[int, ...]
    counts: tuple[tuple[int, ...], ...]

    @property
    def totals(self) -> tuple[int, ...]:
        return tuple(int(sum(column)) for column in zip(*self.counts)) if self.starts else ()

    def __len__(self) -> int:
        return len(self.starts)


def bin_seconds_for(span_seconds: float, bucket_seconds: int, max_bins: int = DEFAULT_MAX_BINS) -> int:
    """The shortest ladder length, a whole number of cube buckets, giving <= max_bins bins."""
    bucket = max(1, int(bucket_seconds))
    for length in BIN_LADDER:
        if length % bucket and length < DAY:
            continue  # a bin must hold whole buckets (buckets divide the hour, so days do)
        if length < bucket:
            continue
        if span_seconds / length <= max_bins:
            return length
    longest = BIN_LADDER[-1]
    return longest * max(1, math.ceil(span_seconds / longest / max_bins))


def wall_span(cube: Cube) -> tuple[int, int] | None:
    """First bucket start and last bucket end of the cube, in wall-clock seconds."""
    if len(cube.levels) == 0:
        return None
    tz = zone(cube.time_zone)
    buckets = cube.levels.bucket
    walls = buckets + utc_offsets(buckets, tz)
    return int(walls.min()), int(walls.max()) + cube.bucket_seconds


def level_histogram(
    cube: Cube,
    levels: frozenset[str] = frozenset(),
    wall_range: tuple[float, float] | None = None,
    max_bins: int = DEFAULT_MAX_BINS,
) -> LevelHistogram:
    """Records per level and bin over `wall_range` (default: the whole cube), levels limited
    to `levels` when given (the others count zero)."""
    span = wall_span(cube)
    if span is None:
        return LevelHistogram(cube.bucket_seconds, (), tuple(() for _ in LEVELS))
    lo, hi = wall_range if wall_range is not None else span
    lo, hi = float(lo), float(max(hi, lo + 1))
    length = bin_seconds_for(hi - lo, cube.bucket_seconds, max_bins)
    first = math.floor(lo / length)
    last = max(first, math.ceil(hi / length) - 1)
    starts = np.arange(first, last + 1, dtype=np.int64) * length
    table = cube.levels
    walls = table.bucket + utc_offsets(table.bucket, zone(cube.time_zone))
    slot = walls // length - first
    keep = (slot >= 0) & (slot < starts.size)
    if levels:
        keep &= np.isin(table.level, [LEVELS.index(name) for name in levels if name in LEVELS])
    counts = np.zeros((len(LEVELS), starts.size), dtype=np.int64)
    np.add.at(counts, (table.level[keep].astype(np.int64), slot[keep]), table.count[keep])
    return LevelHistogram(
        bin_seconds=length,
        starts=tuple(int(s) for s in starts),
        counts=tuple(tuple(int(n) for n in row) for row in counts),
    )


def key_sparklines(
    cube: Cube, dimension: str, levels: frozenset[str] = frozenset(), bins: int = 24,
) -> dict[str, tuple[int, ...]]:
    """Per key of a cube dimension ("pattern", "ip", …): its records in `bins` equal slices of
    the whole data span (wall clock), limited to `levels` when given — a table row's sparkline.
    Every key of the dimension with at least one such record is listed."""
    table = cube.dims.get(dimension)
    span = wall_span(cube)
    if table is None or span is None or len(table) == 0:
        return {}
    lo, hi = span
    width = max(1.0, (hi - lo) / bins)
    walls = table.bucket + utc_offsets(table.bucket, zone(cube.time_zone))
    slot = np.clip(((walls - lo) / width).astype(np.int64), 0, bins - 1)
    keep = np.ones(len(table), dtype=bool)
    if levels:
        keep &= np.isin(table.level, [LEVELS.index(name) for name in levels if name in LEVELS])
    counts = np.zeros((len(table.keys), bins), dtype=np.int64)
    np.add.at(counts, (table.key[keep].astype(np.int64), slot[keep]), table.count[keep])
    return {table.keys[i]: tuple(int(n) for n in counts[i]) for i in np.flatnonzero(counts.sum(axis=1))}




def finest_bin_seconds(span_seconds: float, max_bins: int = DEFAULT_MAX_BINS) -> int:
    """The bin a range would get if the data held every second (no cube bucket below it)."""
    return bin_seconds_for(span_seconds, 1, max_bins)


def histogram_from_counts(
    counts: Iterable[tuple[int, str, int]],
    wall_range: tuple[float, float],
    bin_seconds: int,
) -> LevelHistogram:
    """A zero-filled LevelHistogram of `wall_range` from (bin start in wall seconds, level,
    records) rows, e.g. counted by Spark over the records themselves for bins finer than the
    cube's bucket; rows outside the range or of unknown levels are left out."""
    lo, hi = float(wall_range[0]), float(max(wall_range[1], wall_range[0] + 1))
    length = max(1, int(bin_seconds))
    first = math.floor(lo / length)
    last = max(first, math.ceil(hi / length) - 1)
    table = np.zeros((len(LEVELS), last - first + 1), dtype=np.int64)
    for start, level, n in counts:
        slot = int(start) // length - first
        if level in LEVELS and 0 <= slot < table.shape[1]:
            table[LEVELS.index(level), slot] += int(n)
    return LevelHistogram(
        bin_seconds=length,
        starts=tuple(int(s) * length for s in range(first, last + 1)),
        counts=tuple(tuple(int(n) for n in row) for row in table),
    )


__all__ = ["BIN_LADDER", "LevelHistogram", "bin_seconds_for", "finest_bin_seconds",
           "histogram_from_counts", "key_sparklines", "level_histogram", "wall_span"]
