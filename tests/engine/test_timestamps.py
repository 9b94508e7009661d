"""parse_timestamp: every accepted form to an exact instant; everything else to null."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pyspark.sql import functions as F

from logdesk.engine.timestamps import parse_timestamp


def _micros(dt: datetime) -> int:
    delta = dt - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _utc(*args: int) -> int:
    return _micros(datetime(*args, tzinfo=UTC))


MTIME_2024_06 = _utc(2024, 6, 1) // 1_000_000
# 10 minutes into the new year: a log rolled over from December
MTIME_NEW_YEAR = _utc(2024, 1, 1, 0, 10) // 1_000_000

# (text, file mtime in epoch seconds, expected instant in UTC micros or None)
CASES = [
    ("2024-03-05 10:11:12", MTIME_2024_06, _utc(2024, 3, 5, 10, 11, 12)),
    ("2024-03-05T10:11:12", MTIME_2024_06, _utc(2024, 3, 5, 10, 11, 12)),
    ("  2024-03-05T10:11:12.5  ", MTIME_2024_06, _utc(2024, 3, 5, 10, 11, 12, 500000)),
    ("2024-03-05 10:11:12,123", MTIME_2024_06, _utc(2024, 3, 5, 10, 11, 12, 123000)),
    ("2024-03-05T10:11:12.123456789Z", MTIME_2024_06, _utc(2024, 3, 5, 10, 11, 12, 123456)),
    ("2024-03-05T10:11:12Z", MTIME_2024_06, _utc(2024, 3, 5, 10, 11, 12)),
    ("2024-03-05T10:11:12+02:00", MTIME_2024_06, _utc(2024, 3, 5, 8, 11, 12)),
    ("2024-03-05 10:11:12+0200", MTIME_2024_06, _utc(2024, 3, 5, 8, 11, 12)),
    ("2024-03-05 10:11:12,5 -0130", MTIME_2024_06, _utc(2024, 3, 5, 11, 41, 12, 500000)),
    ("2024-03-05 10:11:12 UTC", MTIME_2024_06, _utc(2024, 3, 5, 10, 11, 12)),
    ("2024-03-05T10:11:12z", MTIME_2024_06, _utc(2024, 3, 5, 10, 11, 12)),
    ("[2024-03-05 10:11:12]", MTIME_2024_06, _utc(2024, 3, 5, 10, 11, 12)),
    ("2024-03-05", MTIME_2024_06, _utc(2024, 3, 5)),
    ("2024/03/05 10:11:12", MTIME_2024_06, _utc(2024, 3, 5, 10, 11, 12)),
    ("03/05/2024 10:11:12", MTIME_2024_06, _utc(2024, 3, 5, 10, 11, 12)),
    ("05/Mar/2024:10:11:12 +0200", MTIME_2024_06, _utc(2024, 3, 5, 8, 11, 12)),
    ("[05/Mar/2024:10:11:12 -0700]", MTIME_2024_06, _utc(2024, 3, 5, 17, 11, 12)),
    ("Tue Mar  5 10:11:12 2024", MTIME_2024_06, _utc(2024, 3, 5, 10, 11, 12)),
    ("1709633472", MTIME_2024_06, _utc(2024, 3, 5, 10, 11, 12)),
    ("1709633472.25", MTIME_2024_06, _utc(2024, 3, 5, 10, 11, 12, 250000)),
    ("1709633472.123456789", MTIME_2024_06, _utc(2024, 3, 5, 10, 11, 12, 123456)),
    ("1709633472123", MTIME_2024_06, _utc(2024, 3, 5, 10, 11, 12, 123000)),
    # syslog: the year comes from the file's modification time
    ("Mar  5 10:11:12", MTIME_2024_06, _utc(2024, 3, 5, 10, 11, 12)),
    ("Mar 15 10:11:12", MTIME_2024_06, _utc(2024, 3, 15, 10, 11, 12)),
    ("Dec 31 23:59:59", MTIME_NEW_YEAR, _utc(2023, 12, 31, 23, 59, 59)),
    ("Jan  1 00:00:05", MTIME_NEW_YEAR, _utc(2024, 1, 1, 0, 0, 5)),
    ("Jan  2 00:05:00", MTIME_NEW_YEAR, _utc(2024, 1, 2, 0, 5, 0)),  # within a day of mtime
    ("Jan  3 00:00:00", MTIME_NEW_YEAR, _utc(2023, 1, 3)),  # later than that: last year
    # not timestamps
    ("N/A", MTIME_2024_06, None),
    ("", MTIME_2024_06, None),
    (None, MTIME_2024_06, None),
    ("2024", MTIME_2024_06, None),
    ("12345", MTIME_2024_06, None),
    ("99999999999", MTIME_2024_06, None),
    ("2024-13-45 10:00:00", MTIME_2024_06, None),
    ("yesterday at noon", MTIME_2024_06, None),
    ("Foo 5 10:11:12", MTIME_2024_06, None),
]


def _parse_all(spark, cases):
    rows = [(i, text, float(mtime)) for i, (text, mtime, _) in enumerate(cases)]
    df = spark.createDataFrame(rows, "i int, text string, mtime double")
    parsed = df.select(
        "i", F.unix_micros(parse_timestamp(F.col("text"), F.timestamp_seconds("mtime"))).alias("us")
    )
    return {r.i: r.us for r in parsed.collect()}


def test_every_form_parses_to_the_exact_instant(spark):
    got = _parse_all(spark, CASES)
    wrong = [
        (text, got[i], expected)
        for i, (text, _, expected) in enumerate(CASES)
        if got[i] != expected
    ]
    assert wrong == []


def test_result_is_a_timestamp_column(spark):
    df = spark.createDataFrame([("2024-03-05 10:11:12",)], "t string")
    out = df.select(parse_timestamp(F.col("t"), F.current_timestamp()).alias("ts"))
    assert out.schema["ts"].dataType.typeName() == "timestamp"


def test_naive_times_are_read_in_the_session_time_zone(spark):
    cases = [
        ("2024-07-01 12:00:00", MTIME_2024_06, _utc(2024, 7, 1, 10)),  # CEST = UTC+2
        ("2024-01-15 12:00:00", MTIME_2024_06, _utc(2024, 1, 15, 11)),  # CET = UTC+1
        ("07/01/2024 12:00:00", MTIME_2024_06, _utc(2024, 7, 1, 10)),
        ("2024-07-01T12:00:00Z", MTIME_2024_06, _utc(2024, 7, 1, 12)),  # zoned: unaffected
        ("2024-07-01T12:00:00-05:00", MTIME_2024_06, _utc(2024, 7, 1, 17)),
        ("1709633472", MTIME_2024_06, _utc(2024, 3, 5, 10, 11, 12)),  # epoch: unaffected
    ]
    before = spark.conf.get("spark.sql.session.timeZone")
    spark.conf.set("spark.sql.session.timeZone", "Europe/Berlin")
    try:
        got = _parse_all(spark, cases)
    finally:
        spark.conf.set("spark.sql.session.timeZone", before)
    assert [got[i] for i in range(len(cases))] == [c[2] for c in cases]
    assert timedelta(microseconds=got[0] - _utc(2024, 7, 1, 12)) == timedelta(hours=-2)
