"""The records histogram: bins of the visible range, zero-filled, per level; counts by hand."""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np

from logdesk.analysis.histogram import bin_seconds_for, level_histogram, wall_span
from logdesk.results import LEVELS, Cube, FactTable

H = 3600
T0 = int(datetime(2024, 3, 1, tzinfo=timezone.utc).timestamp())


def _cube(rows: list[tuple[int, str, int]], bucket: int = H, zone: str = "UTC") -> Cube:
    """rows: (seconds after T0 of the bucket start, level, count)."""
    n = len(rows)
    table = FactTable(
        keys=(),
        bucket=np.array([T0 + s for s, _l, _c in rows], dtype=np.int64),
        level=np.array([LEVELS.index(lv) for _s, lv, _c in rows], dtype=np.int8),
        key=np.zeros(n, dtype=np.int32),
        count=np.array([c for _s, _l, c in rows], dtype=np.int64),
        first_ms=np.array([(T0 + s) * 1000 for s, _l, _c in rows], dtype=np.int64),
        last_ms=np.array([(T0 + s) * 1000 for s, _l, _c in rows], dtype=np.int64),
    )
    return Cube(bucket_seconds=bucket, time_zone=zone, levels=table, dims={})


ROWS = [(0, "INFO", 20), (0, "DEBUG", 5), (H, "ERROR", 3), (H, "WARN", 2),
        (24 * H, "INFO", 11), (24 * H, "ERROR", 2),
        (47 * H, "INFO", 8), (47 * H, "ERROR", 4), (47 * H, "CRITICAL", 1), (47 * H, "UNKNOWN", 1)]


def _row(hist, level):
    return hist.counts[LEVELS.index(level)]


def test_hour_bins_over_two_days_are_zero_filled():
    hist = level_histogram(_cube(ROWS))
    assert hist.bin_seconds == H
    assert len(hist) == 48 and hist.starts[0] == T0 and hist.starts[-1] == T0 + 47 * H
    assert sum(hist.totals) == 57
    assert hist.totals[0] == 25 and hist.totals[1] == 5 and hist.totals[24] == 13 and hist.totals[47] == 14
    assert hist.totals[2:24] == (0,) * 22  # the quiet hours are there, at zero
    assert _row(hist, "ERROR")[1] == 3 and _row(hist, "WARN")[1] == 2
    assert _row(hist, "CRITICAL")[47] == 1 and _row(hist, "UNKNOWN")[47] == 1


def test_fewer_bins_wanted_gives_longer_bins():
    hist = level_histogram(_cube(ROWS), max_bins=10)
    assert hist.bin_seconds == 6 * H  # 3 h would be 16 bins
    assert len(hist) == 8
    assert hist.totals == (30, 0, 0, 0, 13, 0, 0, 14)


def test_a_level_filter_counts_only_those_levels():
    hist = level_histogram(_cube(ROWS), frozenset({"ERROR", "CRITICAL"}), max_bins=10)
    assert hist.totals == (3, 0, 0, 0, 2, 0, 0, 5)
    assert sum(_row(hist, "INFO")) == 0


def test_zooming_in_stops_at_the_cubes_bucket():
    cube = _cube(ROWS)
    hist = level_histogram(cube, wall_range=(T0 + H, T0 + H + 600))
    assert hist.bin_seconds == H and hist.totals == (5,)
    minute = _cube([(60, "ERROR", 1), (120, "ERROR", 2), (7 * 60, "INFO", 4)], bucket=60)
    zoomed = level_histogram(minute, wall_range=(T0, T0 + 10 * 60))
    assert zoomed.bin_seconds == 60
    assert zoomed.totals == (0, 1, 2, 0, 0, 0, 0, 4, 0, 0)


def test_bin_lengths_follow_the_range():
    assert bin_seconds_for(30 * 86400, H) == 6 * H  # 120 bins
    assert bin_seconds_for(2 * H, 60) == 60
    assert bin_seconds_for(2 * H, 300) == 300
    assert bin_seconds_for(90 * 60, 1) == 60  # seconds cube, 90 minutes
    assert bin_seconds_for(100, 1) == 1
    assert bin_seconds_for(3 * 365 * 86400, H) == 14 * 86400


def test_bins_are_local_days_in_the_data_zone():
    # 23:30 UTC on 1 March is 00:30 on 2 March in Berlin (+01:00)
    cube = _cube([(23 * H, "INFO", 1), (23 * H + 1800, "INFO", 2)], bucket=1800, zone="Europe/Berlin")
    lo, hi = wall_span(cube)
    assert lo == T0 + 24 * H and hi == T0 + 24 * H + 3600  # wall clock: 00:00 to 01:00 on 2 March
    days = level_histogram(cube, wall_range=(lo - 3 * 86400, hi + 3 * 86400), max_bins=7)
    assert days.bin_seconds == 86400
    assert days.starts[days.totals.index(3)] == T0 + 86400  # both in the wall-clock day of 2 March


def test_an_empty_cube_has_no_bins():
    hist = level_histogram(_cube([]))
    assert len(hist) == 0 and hist.totals == ()


def _dim_cube(rows: list[tuple[int, str, str, int]]) -> Cube:
    """rows: (seconds after T0, level, key, count): a "pattern" dimension, its levels table too."""
    keys = tuple(sorted({k for _s, _l, k, _c in rows}))
    n = len(rows)

    def table(with_keys: bool) -> FactTable:
        return FactTable(
            keys=keys if with_keys else (),
            bucket=np.array([T0 + s for s, _l, _k, _c in rows], dtype=np.int64),
            level=np.array([LEVELS.index(lv) for _s, lv, _k, _c in rows], dtype=np.int8),
            key=np.array([keys.index(k) if with_keys else 0 for _s, _l, k, _c in rows], dtype=np.int32),
            count=np.array([c for *_x, c in rows], dtype=np.int64),
            first_ms=np.zeros(n, dtype=np.int64), last_ms=np.zeros(n, dtype=np.int64),
        )
    return Cube(bucket_seconds=H, time_zone="UTC", levels=table(False), dims={"pattern": table(True)})


def test_key_sparklines_slice_the_whole_span_per_key():
    from logdesk.analysis.histogram import key_sparklines

    cube = _dim_cube([(0, "INFO", "a", 2), (0, "ERROR", "b", 1), (H, "ERROR", "b", 3),
                      (3 * H, "INFO", "a", 5), (3 * H, "ERROR", "a", 1)])
    # span 00:00-04:00 in 4 slices of an hour
    assert key_sparklines(cube, "pattern", bins=4) == {"a": (2, 0, 0, 6), "b": (1, 3, 0, 0)}
    assert key_sparklines(cube, "pattern", frozenset({"ERROR"}), bins=4) == {"a": (0, 0, 0, 1), "b": (1, 3, 0, 0)}
    assert key_sparklines(cube, "pattern", frozenset({"DEBUG"}), bins=4) == {}
    assert key_sparklines(cube, "ip") == {}


def test_histogram_from_counts_zero_fills_the_range_and_drops_what_is_outside():
    from logdesk.analysis.histogram import finest_bin_seconds, histogram_from_counts

    rows = [(100, "ERROR", 2), (130, "INFO", 1), (130, "ERROR", 1), (400, "WARN", 5),
            (160, "NOT A LEVEL", 9), (40, "INFO", 7)]  # 400 and 40 lie outside [90, 200)
    hist = histogram_from_counts(rows, (90, 200), 30)
    assert hist.starts == (90, 120, 150, 180)
    assert hist.totals == (2, 2, 0, 0)
    error = LEVELS.index("ERROR")
    assert hist.counts[error] == (2, 1, 0, 0)
    assert finest_bin_seconds(3600, 150) == 30  # an hour in at most 150 bins: 30 s bins
