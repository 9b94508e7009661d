"""build_cube: exact fact rows from a small hand-made set of records."""

from __future__ import annotations

import calendar
from contextlib import contextmanager
from datetime import datetime, timezone

import numpy as np
import pytest

from logdesk.engine.cube import bucket_seconds_for, build_cube
from logdesk.engine.schema import STAGED_SCHEMA
from logdesk.results import LEVELS
from logdesk.settings import AnalyticsSettings, Settings


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def epoch(dt: datetime) -> int:
    return calendar.timegm(dt.utctimetuple())


def ms(dt: datetime) -> int:
    return epoch(dt) * 1000 + dt.microsecond // 1000


def record(ts, level, service=None, ip=None, endpoint=None, message="m", masked=None, line=1):
    return (ts, level, level, service, ip, endpoint, message, masked, "app.log", line, "plain", None, None,
            None, None, None, None, 0)


# Three hours over two days (UTC); levels, keys and error types chosen so every set differs.
H1, H2, H3 = utc(2024, 3, 9, 22), utc(2024, 3, 9, 23), utc(2024, 3, 10, 0)
RECORDS = [
    record(utc(2024, 3, 9, 22, 0, 0), "INFO", "api", "10.0.0.1", "/login", "ok"),
    record(utc(2024, 3, 9, 22, 15, 30, 250000), "ERROR", "api", "10.0.0.1", "/login",
           "db timeout after 30s", "DbTimeout"),
    record(utc(2024, 3, 9, 22, 59, 59, 999000), "WARN", "web", "10.0.0.2", "/home", "slow"),
    record(utc(2024, 3, 9, 23, 0, 0), "ERROR", "web", "10.0.0.2", "/home",
           "null pointer in render", "NullPointer"),
    record(utc(2024, 3, 9, 23, 10), "ERROR", "api", "10.0.0.1", "/login",
           "db timeout after 31s", "DbTimeout"),
    record(utc(2024, 3, 9, 23, 20), "CRITICAL", "api", None, "/pay", "disk full", "DiskFull"),
    record(utc(2024, 3, 9, 23, 30), "DEBUG", "web", "10.0.0.3", None, "cache miss"),
    record(utc(2024, 3, 9, 23, 45), "INFO", "  ", "10.0.0.3", "/home", "served"),
    # an error without a type is counted under "(none)"
    record(utc(2024, 3, 10, 0, 5), "ERROR", "api", "10.0.0.1", "/pay", "card declined"),
    record(utc(2024, 3, 10, 0, 10), "INFO", "web", "10.0.0.2", "/home", "served"),
    record(utc(2024, 3, 10, 0, 20), "CRITICAL", "api", "10.0.0.1", "/pay", "disk full again", "DiskFull"),
    record(utc(2024, 3, 10, 0, 30), "UNKNOWN", None, None, None, "???"),
    # a non-error record's masked message is a pattern, not an error type
    record(utc(2024, 3, 10, 0, 40), "INFO", "web", "10.0.0.2", "/home", "retry ok", "Bogus"),
]


def fact_rows(table, keyed=True):
    """(bucket start, level, key, count, first, last) with times as epoch s / ms."""
    return [
        (
            int(table.bucket[i]),
            LEVELS[table.level[i]],
            table.keys[table.key[i]] if keyed else None,
            int(table.count[i]),
            int(table.first_ms[i]),
            int(table.last_ms[i]),
        )
        for i in range(len(table))
    ]


@contextmanager
def session_zone(spark, name):
    before = spark.conf.get("spark.sql.session.timeZone")
    spark.conf.set("spark.sql.session.timeZone", name)
    try:
        yield
    finally:
        spark.conf.set("spark.sql.session.timeZone", before)


@pytest.fixture(scope="module")
def hourly_cube(spark):
    df = spark.createDataFrame(RECORDS, STAGED_SCHEMA)
    return build_cube(df, Settings(analytics=AnalyticsSettings(trend_window="1h")))


def test_level_table_counts_every_record_per_hour_and_level(hourly_cube):
    assert hourly_cube.bucket_seconds == 3600
    assert hourly_cube.time_zone == "UTC"
    h1, h2, h3 = epoch(H1), epoch(H2), epoch(H3)
    assert fact_rows(hourly_cube.levels, keyed=False) == [
        (h1, "INFO", None, 1, ms(utc(2024, 3, 9, 22)), ms(utc(2024, 3, 9, 22))),
        (h1, "WARN", None, 1, ms(RECORDS[2][0]), ms(RECORDS[2][0])),
        (h1, "ERROR", None, 1, ms(RECORDS[1][0]), ms(RECORDS[1][0])),
        (h2, "DEBUG", None, 1, ms(utc(2024, 3, 9, 23, 30)), ms(utc(2024, 3, 9, 23, 30))),
        (h2, "INFO", None, 1, ms(utc(2024, 3, 9, 23, 45)), ms(utc(2024, 3, 9, 23, 45))),
        (h2, "ERROR", None, 2, ms(utc(2024, 3, 9, 23, 0)), ms(utc(2024, 3, 9, 23, 10))),
        (h2, "CRITICAL", None, 1, ms(utc(2024, 3, 9, 23, 20)), ms(utc(2024, 3, 9, 23, 20))),
        (h3, "INFO", None, 2, ms(utc(2024, 3, 10, 0, 10)), ms(utc(2024, 3, 10, 0, 40))),
        (h3, "ERROR", None, 1, ms(utc(2024, 3, 10, 0, 5)), ms(utc(2024, 3, 10, 0, 5))),
        (h3, "CRITICAL", None, 1, ms(utc(2024, 3, 10, 0, 20)), ms(utc(2024, 3, 10, 0, 20))),
        (h3, "UNKNOWN", None, 1, ms(utc(2024, 3, 10, 0, 30)), ms(utc(2024, 3, 10, 0, 30))),
    ]


def test_pattern_table_holds_every_record_by_its_masked_message(hourly_cube):
    table = hourly_cube.dims["pattern"]
    assert table.keys == ("(none)", "Bogus", "DbTimeout", "DiskFull", "NullPointer")
    rows = [(LEVELS.index(lv), b, k, n) for b, lv, k, n, _, _ in fact_rows(table)]
    h1, h2, h3 = epoch(H1), epoch(H2), epoch(H3)
    # (level index, bucket, key, count); DEBUG 0, INFO 1, WARN 2, ERROR 3, CRITICAL 4, UNKNOWN 5
    assert sorted(rows, key=lambda r: (r[1], r[0], r[2])) == [
        (1, h1, "(none)", 1),
        (2, h1, "(none)", 1),
        (3, h1, "DbTimeout", 1),
        (0, h2, "(none)", 1),
        (1, h2, "(none)", 1),
        (3, h2, "DbTimeout", 1),
        (3, h2, "NullPointer", 1),
        (4, h2, "DiskFull", 1),
        (1, h3, "(none)", 1),
        (1, h3, "Bogus", 1),
        (3, h3, "(none)", 1),
        (4, h3, "DiskFull", 1),
        (5, h3, "(none)", 1),
    ]
    assert sum(table.count) == len(RECORDS)  # every record, whatever its level
    # error types are the templates of error records: their samples are error messages
    assert hourly_cube.error_type_samples == {
        "(none)": "card declined",
        "DbTimeout": "db timeout after 30s",
        "DiskFull": "disk full",
        "NullPointer": "null pointer in render",
    }
    assert hourly_cube.pattern_samples == {
        "(none)": "???",
        "Bogus": "retry ok",
        "DbTimeout": "db timeout after 30s",
        "DiskFull": "disk full",
        "NullPointer": "null pointer in render",
    }


@pytest.mark.parametrize(
    "window, bucket",
    [(300, 300), (900, 900), (3600, 3600), (6 * 3600, 3600), (86400, 3600), (5400, 1800), (420, 60), (45, 45), (700, 100)],
)
def test_bucket_length_divides_window_and_hour(window, bucket):
    assert bucket_seconds_for(window) == bucket


def test_no_records_give_an_empty_cube_with_every_dimension(spark):
    cube = build_cube(spark.createDataFrame([], STAGED_SCHEMA), Settings())
    assert len(cube.levels) == 0
    assert set(cube.dims) == {"pattern", "ip", "service", "endpoint"}
    assert all(len(t) == 0 and t.keys == () for t in cube.dims.values())
    assert cube.error_type_samples == {}
    assert cube.levels.bucket.dtype == np.int64 and cube.levels.level.dtype == np.int8


def test_records_without_timestamp_are_refused_not_dropped(spark):
    df = spark.createDataFrame([record(None, "INFO"), RECORDS[0]], STAGED_SCHEMA)
    with pytest.raises(ValueError, match="without a timestamp"):
        build_cube(df, Settings())
