"""parse_with_layout(s) in Spark: each layout's texts to the exact instant, the generic chain for
rows a layout does not take, extreme values without exceptions in any session zone, and the
catalogue's regexes in Java. Expected instants are written by hand (UTC; the session is UTC)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pyspark.sql import functions as F

from logdesk.engine.formats.model import java_pattern
from logdesk.engine.timestamps import (
    LAYOUTS,
    line_pattern,
    parse_timestamp,
    parse_with_layout,
    parse_with_layouts,
)

ISO = "ISO 8601 (T or space, any fraction and zone)"
SYSLOG = "MMM d HH:mm:ss (syslog)"


def _utc(*args: int) -> int:
    """Epoch microseconds of a UTC wall-clock time."""
    delta = datetime(*args, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


JUNE = _utc(2024, 6, 1) / 1e6  # file mtimes, epoch seconds
NEW_YEAR = _utc(2024, 1, 1, 0, 10) / 1e6  # 10 minutes into 2024
JAN_2025 = _utc(2025, 1, 5) / 1e6

# (layout name, text, file mtime, expected instant)
CASES = [
    ("yyyy-MM-dd HH:mm:ss,SSS", "2024-03-05 10:11:12,123", JUNE, _utc(2024, 3, 5, 10, 11, 12, 123000)),
    ("yyyy-MM-dd HH:mm:ss.SSS", "2024-03-05 10:11:12.123", JUNE, _utc(2024, 3, 5, 10, 11, 12, 123000)),
    ("yyyy-MM-dd HH:mm:ss.SSSSSS", "2024-03-05 10:11:12.123456", JUNE,
     _utc(2024, 3, 5, 10, 11, 12, 123456)),
    ("yyyy-MM-dd HH:mm:ss", " 2024-03-05 10:11:12 ", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    ("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2024-03-05T10:11:12.123+02:00", JUNE,
     _utc(2024, 3, 5, 8, 11, 12, 123000)),
    ("yyyy-MM-dd'T'HH:mm:ssXXX", "2024-03-05T10:11:12-05:30", JUNE, _utc(2024, 3, 5, 15, 41, 12)),
    ("yyyy-MM-dd'T'HH:mm:ss.SSS", "2024-03-05T10:11:12.123", JUNE, _utc(2024, 3, 5, 10, 11, 12, 123000)),
    ("yyyy-MM-dd'T'HH:mm:ss", "2024-03-05T10:11:12", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    (ISO, "2024-03-05t10:11:12,5z", JUNE, _utc(2024, 3, 5, 10, 11, 12, 500000)),
    (ISO, "2024-07-05T10:11:12+02:00[Europe/Berlin]", JUNE, _utc(2024, 7, 5, 8, 11, 12)),
    (ISO, "2024-03-05 10:11:12 CET", JUNE, _utc(2024, 3, 5, 9, 11, 12)),
    (ISO, "2024-03-05 10:11:12.123456789 Etc/GMT+12", JUNE, _utc(2024, 3, 5, 22, 11, 12, 123456)),
    (ISO, "[2024-03-05T10:11:12.1+0100]", JUNE, _utc(2024, 3, 5, 9, 11, 12, 100000)),
    ("yyyy-MM-dd", "2024-03-05", JUNE, _utc(2024, 3, 5)),
    ("yyyy-DDD'T'HH:mm:ss", "2024-065T10:11:12,123", JUNE, _utc(2024, 3, 5, 10, 11, 12, 123000)),
    ("yyyy-DDD'T'HH:mm:ss", "2024-366T00:00:00", JUNE, _utc(2024, 12, 31)),
    ("yyyy-DDD'T'HH:mm:ss", "2023-366T00:00:00", JUNE, None),
    ("yyyy/MM/dd HH:mm:ss", "2024/3/5 10:11:12.5 +0200", JUNE, _utc(2024, 3, 5, 8, 11, 12, 500000)),
    ("yyyy.MM.dd HH:mm:ss", "2024.03.05 10:11:12", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    ("dd/MM/yyyy HH:mm:ss", "25/03/2024 10:11:12", JUNE, _utc(2024, 3, 25, 10, 11, 12)),
    ("MM/dd/yyyy HH:mm:ss", "03/25/2024 10:11:12", JUNE, _utc(2024, 3, 25, 10, 11, 12)),
    ("dd-MM-yyyy HH:mm:ss", "25-03-2024 10:11:12,5", JUNE, _utc(2024, 3, 25, 10, 11, 12, 500000)),
    ("MM-dd-yyyy HH:mm:ss", "03-25-2024 10:11", JUNE, _utc(2024, 3, 25, 10, 11)),
    ("dd.MM.yyyy HH:mm:ss", "25.03.2024 10:11:12 Europe/Berlin", JUNE, _utc(2024, 3, 25, 9, 11, 12)),
    ("MM.dd.yyyy HH:mm:ss", "03.25.2024 10:11:12Z", JUNE, _utc(2024, 3, 25, 10, 11, 12)),
    ("MM/dd/yyyy hh:mm:ss a", "3/25/2024 10:11:12 PM", JUNE, _utc(2024, 3, 25, 22, 11, 12)),
    ("dd/MM/yyyy hh:mm:ss a", "25/03/2024 12:05:00 AM", JUNE, _utc(2024, 3, 25, 0, 5)),
    ("yy/MM/dd HH:mm:ss", "24/03/05 10:11:12", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    ("dd/MM/yy HH:mm:ss", "05/03/24 10:11:12", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    ("MM/dd/yy HH:mm:ss", "03/05/24 10:11:12", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    ("yy-MM-dd HH:mm:ss", "24-03-05 10:11:12.25", JUNE, _utc(2024, 3, 5, 10, 11, 12, 250000)),
    ("dd-MM-yy HH:mm:ss", "05-03-24 10:11:12", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    ("MM-dd-yy HH:mm:ss", "03-05-24 10:11:12", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    ("yy.MM.dd HH:mm:ss", "24.03.05 10:11:12", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    ("dd.MM.yy HH:mm:ss", "05.03.24 10:11:12 +0100", JUNE, _utc(2024, 3, 5, 9, 11, 12)),
    ("MM.dd.yy HH:mm:ss", "03.05.24 10:11:12", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    ("yyyyMMdd-HH:mm:ss:SSS", "20240305-10:11:12:123", JUNE, _utc(2024, 3, 5, 10, 11, 12, 123000)),
    ("yyyyMMdd-HH:mm:ss:SSS", "20240305-0:5:9:12", JUNE, _utc(2024, 3, 5, 0, 5, 9, 12000)),
    ("yyyyMMdd-HH:mm:ss:SSS", "20240305-22:16:0:9", JUNE, _utc(2024, 3, 5, 22, 16, 0, 9000)),
    ("yyyyMMdd.HHmmss", "20240305.101112,672", JUNE, _utc(2024, 3, 5, 10, 11, 12, 672000)),
    ("yyyyMMdd-HH:mm:ss.SSS", "20240305-10:11:12.123", JUNE, _utc(2024, 3, 5, 10, 11, 12, 123000)),
    ("yyyyMMdd-HH:mm:ss.SSS", "20240305-10:11:12", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    ("yyyyMMdd HH:mm:ss", "20240305 10:11:12,5", JUNE, _utc(2024, 3, 5, 10, 11, 12, 500000)),
    ("yyyyMMddHHmmss", "20240305101112", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    ("yyMMdd HHmmss", "240305 101112", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    ("yyMMdd H:mm:ss", "240305  9:11:12", JUNE, _utc(2024, 3, 5, 9, 11, 12)),
    ("yyyy-MM-dd-HH.mm.ss.SSSSSS", "2024-03-05-10.11.12.123456", JUNE,
     _utc(2024, 3, 5, 10, 11, 12, 123456)),
    ("dd/MMM/yyyy:HH:mm:ss Z (Apache access log)", "05/Mar/2024:10:11:12 +0200", JUNE,
     _utc(2024, 3, 5, 8, 11, 12)),
    ("dd/MMM/yyyy:HH:mm:ss Z (Apache access log)", "[05/Mar/2024:10:11:12 -0700]", JUNE,
     _utc(2024, 3, 5, 17, 11, 12)),
    ("EEE MMM d HH:mm:ss yyyy (ctime)", "Tue Mar  5 10:11:12 2024", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    ("EEE MMM dd HH:mm:ss.SSSSSS yyyy (Apache error log)", "[Tue Mar 05 10:11:12.123456 2024]", JUNE,
     _utc(2024, 3, 5, 10, 11, 12, 123456)),
    ("EEE, dd MMM yyyy HH:mm:ss Z (RFC 2822)", "Tue, 05 Mar 2024 10:11:12 +0100", JUNE,
     _utc(2024, 3, 5, 9, 11, 12)),
    ("EEE, dd MMM yyyy HH:mm:ss Z (RFC 2822)", "5 Mar 2024 10:11:12 GMT", JUNE,
     _utc(2024, 3, 5, 10, 11, 12)),
    ("dd MMM yyyy HH:mm:ss,SSS", "05 Mar 2024 10:11:12,123", JUNE, _utc(2024, 3, 5, 10, 11, 12, 123000)),
    ("dd-MMM-yyyy HH:mm:ss.SSS", "05-Mar-2024 10:11:12.123", JUNE, _utc(2024, 3, 5, 10, 11, 12, 123000)),
    ("MMM d, yyyy h:mm:ss a", "Mar 5, 2024 10:11:12 PM", JUNE, _utc(2024, 3, 5, 22, 11, 12)),
    (SYSLOG, "Mar  5 10:11:12", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    (SYSLOG, "Dec 31 23:59:59", NEW_YEAR, _utc(2023, 12, 31, 23, 59, 59)),
    (SYSLOG, "Jan  2 00:05:00", NEW_YEAR, _utc(2024, 1, 2, 0, 5)),  # within a day of the mtime
    (SYSLOG, "Jan  3 00:00:00", NEW_YEAR, _utc(2023, 1, 3)),
    (SYSLOG, "Feb 29 10:00:00", JAN_2025, _utc(2024, 2, 29, 10)),  # 2025 has none
    ("MM-dd HH:mm:ss.SSS (logcat)", "03-05 10:11:12.123", JUNE, _utc(2024, 3, 5, 10, 11, 12, 123000)),
    ("MM-dd HH:mm:ss.SSS (logcat)", "12-31 23:59:59.999", NEW_YEAR,
     _utc(2023, 12, 31, 23, 59, 59, 999000)),
    ("MM.dd HH:mm:ss", "03.05 10:11:12", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    ("MMdd HH:mm:ss.SSSSSS (glog)", "0305 10:11:12.123456", JUNE, _utc(2024, 3, 5, 10, 11, 12, 123456)),
    ("MMdd HH:mm:ss.SSSSSS (glog)", "1231 23:59:59.000001", NEW_YEAR, _utc(2023, 12, 31, 23, 59, 59, 1)),
    # a time of day: the mtime's date, or the day before when later than the mtime's time
    ("HH:mm:ss (time of day)", "10:11:12.5", JUNE, _utc(2024, 5, 31, 10, 11, 12, 500000)),
    ("HH:mm:ss (time of day)", "00:05:00", NEW_YEAR, _utc(2024, 1, 1, 0, 5)),
    ("epoch seconds", "1709633472.5", JUNE, _utc(2024, 3, 5, 10, 11, 12, 500000)),
    ("epoch seconds", "1709633472.123456789", JUNE, _utc(2024, 3, 5, 10, 11, 12, 123456)),
    ("epoch milliseconds", "1709633472123", JUNE, _utc(2024, 3, 5, 10, 11, 12, 123000)),
    ("epoch milliseconds", "1709633472123.456", JUNE, _utc(2024, 3, 5, 10, 11, 12, 123456)),
    ("epoch microseconds", "1709633472123456", JUNE, _utc(2024, 3, 5, 10, 11, 12, 123456)),
    ("epoch nanoseconds", "1709633472123456789", JUNE, _utc(2024, 3, 5, 10, 11, 12, 123456)),
    # 2**62 + 10 + 1709633472 = 0x4000000065e6efca; 500000000 ns = 0x1dcd6500
    ("TAI64N", "@4000000065e6efca1dcd6500", JUNE, _utc(2024, 3, 5, 10, 11, 12, 500000)),
    # rows their file's layout does not take: the generic chain
    ("dd.MM.yyyy HH:mm:ss", "2024-03-05T10:11:12Z", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    ("dd.MM.yyyy HH:mm:ss", "1709633472", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    ("epoch seconds", "Mar  5 10:11:12", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    ("dd.MM.yyyy HH:mm:ss", "31.04.2024 10:11:12", JUNE, None),  # April has 30 days
    ("TAI64N", "@4000000065e6efca3b9aca00", JUNE, None),  # 10**9 ns is no fraction
    ("epoch seconds", "N/A", JUNE, None),
    ("epoch seconds", "", JUNE, None),
    ("epoch seconds", None, JUNE, None),
    # no layout, or one the call was not given: the generic chain only
    (None, "2024-03-05 10:11:12", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    ("no such layout", "2024-03-05 10:11:12", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    (None, "25.03.2024 10:11:12", JUNE, None),
]


def _frame(spark, cases):
    rows = [(i, name, text, float(mtime)) for i, (name, text, mtime, _) in enumerate(cases)]
    return spark.createDataFrame(rows, "i int, name string, text string, mtime double")


def test_every_layout_parses_to_the_exact_instant(spark):
    df = _frame(spark, CASES)
    ts = parse_with_layouts(F.col("text"), F.col("name"), LAYOUTS, F.timestamp_seconds("mtime"))
    generic = parse_timestamp(F.col("text"), F.timestamp_seconds("mtime"))
    rows = df.select("i", F.unix_micros(ts).alias("us"), F.unix_micros(generic).alias("g")).collect()
    got = {r.i: r.us for r in rows}
    wrong = [(c[0], c[1], got[i], c[3]) for i, c in enumerate(CASES) if got[i] != c[3]]
    assert wrong == []
    assert {c[0] for c in CASES} >= {layout.name for layout in LAYOUTS}
    # the layouts do parse what the generic chain alone does not
    only_layout = [CASES[r.i][1] for r in rows if r.g is None and r.us is not None]
    assert len(only_layout) >= 25, only_layout


def test_one_layout_with_fallback(spark):
    cases = [
        ("25.03.2024 10:11:12", _utc(2024, 3, 25, 10, 11, 12)),  # the layout's own
        ("2024-03-05T10:11:12+02:00", _utc(2024, 3, 5, 8, 11, 12)),  # generic: ISO
        ("Mar  5 10:11:12", _utc(2024, 3, 5, 10, 11, 12)),  # generic: syslog, mtime's year
        ("03/25/2024 10:11:12", _utc(2024, 3, 25, 10, 11, 12)),  # generic: US month first
        ("garbage", None),
    ]
    df = spark.createDataFrame([(i, t) for i, (t, _) in enumerate(cases)], "i int, t string")
    layout = next(x for x in LAYOUTS if x.name == "dd.MM.yyyy HH:mm:ss")
    mtime = F.timestamp_seconds(F.lit(JUNE))
    out = df.select("i", F.unix_micros(parse_with_layout(F.col("t"), layout, mtime)).alias("us"))
    assert out.schema["us"].dataType.typeName() == "long"
    got = {r.i: r.us for r in out.collect()}
    assert [got[i] for i in range(len(cases))] == [c[1] for c in cases]


def _with_zone(spark, zone, fn):
    before = spark.conf.get("spark.sql.session.timeZone")
    spark.conf.set("spark.sql.session.timeZone", zone)
    try:
        return fn()
    finally:
        spark.conf.set("spark.sql.session.timeZone", before)


def test_naive_times_are_read_in_the_session_time_zone(spark):
    cases = [  # Berlin in July is UTC+2
        ("yyyy-MM-dd HH:mm:ss", "2024-07-01 12:00:00", JUNE, _utc(2024, 7, 1, 10)),
        ("dd.MM.yyyy HH:mm:ss", "01.07.2024 12:00:00", JUNE, _utc(2024, 7, 1, 10)),
        (SYSLOG, "Jul  1 12:00:00", _utc(2024, 8, 1) / 1e6, _utc(2024, 7, 1, 10)),
        ("yyyy-MM-dd'T'HH:mm:ssXXX", "2024-07-01T12:00:00-05:00", JUNE, _utc(2024, 7, 1, 17)),
        ("epoch seconds", "1709633472", JUNE, _utc(2024, 3, 5, 10, 11, 12)),
    ]
    df = _frame(spark, cases)
    ts = parse_with_layouts(F.col("text"), F.col("name"), LAYOUTS, F.timestamp_seconds("mtime"))

    def run():
        return {r.i: r.us for r in df.select("i", F.unix_micros(ts).alias("us")).collect()}

    got = _with_zone(spark, "Europe/Berlin", run)
    assert [got[i] for i in range(len(cases))] == [c[3] for c in cases]
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"


S, H = 1_000_000, 3600 * 1_000_000  # a second and an hour in microseconds
YEAR_1 = -62135596800 * S  # 0001-01-01T00:00:00Z
YEAR_9999_END = 253402300799 * S  # 9999-12-31T23:59:59Z
EXTREMES = [
    ("yyyy-MM-dd HH:mm:ss", "0001-01-01 00:00:00", JUNE),
    ("yyyy-MM-dd HH:mm:ss", "9999-12-31 23:59:59", JUNE),
    (ISO, "0001-01-01T00:00:00+14:00", JUNE),
    (ISO, "9999-12-31T23:59:59.999999-12:00", JUNE),
    ("dd/MMM/yyyy:HH:mm:ss Z (Apache access log)", "31/Dec/9999:23:59:59 -1200", JUNE),
    ("dd.MM.yy HH:mm:ss", "01.01.00 00:00:00", JUNE),
    ("epoch nanoseconds", "9999999999999999999", JUNE),
    ("epoch seconds", "9999999999.999999", JUNE),
    ("TAI64N", "@4fffffffffffffff00000000", JUNE),  # seconds * 10**6 overflows a bigint
    ("TAI64N", "@400000000000000000000000", JUNE),  # 10 s before 1970
    (SYSLOG, "Dec 31 23:59:59", YEAR_1 / S),  # the year before year 1 does not exist
    (SYSLOG, "Dec 31 23:59:59", (YEAR_9999_END - 12 * H) / S),
]
_ZONELESS = [YEAR_1 - 14 * H, YEAR_9999_END + 12 * H + 999999, YEAR_9999_END + 12 * H]
_EPOCHS = [9999999999999999, 9999999999999999, None, -10 * S, None]
# zone -> the expected instants (None: null), worked out by hand
EXPECTED_EXTREMES = {
    "UTC": [YEAR_1, YEAR_9999_END, *_ZONELESS, 946684800 * S, *_EPOCHS, YEAR_9999_END],
    # +14 since 1995; for year 1 java.time uses the zone's earliest offset, LMT -10:29:20
    "Pacific/Kiritimati": [YEAR_1 + 10 * H + 29 * 60 * S + 20 * S, YEAR_9999_END - 14 * H,
                           *_ZONELESS, 946684800 * S - 14 * H, *_EPOCHS, YEAR_9999_END - 14 * H],
    "Etc/GMT+12": [YEAR_1 + 12 * H, YEAR_9999_END + 12 * H, *_ZONELESS, 946684800 * S + 12 * H,
                   *_EPOCHS, YEAR_9999_END + 12 * H],
}


@pytest.mark.parametrize("zone", list(EXPECTED_EXTREMES))
def test_extreme_values_never_raise(spark, zone):
    df = _frame(spark, [(*case, None) for case in EXTREMES])
    ts = parse_with_layouts(F.col("text"), F.col("name"), LAYOUTS, F.timestamp_seconds("mtime"))

    def run():  # the plan takes the session zone when it is analyzed: build it in the zone
        return df.select("i", F.unix_micros(ts).alias("us"), ts.cast("string").alias("shown")).collect()

    rows = _with_zone(spark, zone, run)
    got = {r.i: r.us for r in rows}
    assert [got[i] for i in range(len(EXTREMES))] == EXPECTED_EXTREMES[zone]
    assert all((r.shown is None) == (r.us is None) for r in rows)
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"


def test_regexes_compile_and_match_alike_in_java(spark):
    """Each layout's regex and line pattern in Spark's Java regex: they compile, the regex
    takes the example, and the line pattern finds the same groups as Python's."""
    import re

    columns, expected = [], []
    for layout in LAYOUTS:
        line = "web_1  | [" + layout.example + "] WARN disk almost full"
        pattern = line_pattern(layout)
        groups = re.compile(pattern).groupindex
        m = re.match(pattern, line)
        java = "^" + java_pattern(pattern)
        columns += [F.lit(layout.example).rlike("^(?:" + layout.regex + ")$"),
                    F.regexp_extract(F.lit(line), java, groups["ts"]),
                    F.regexp_extract(F.lit(line), java, groups["level2"]),
                    F.regexp_extract(F.lit(line), java, groups["message"])]
        expected += [True, layout.example, "WARN", "disk almost full"]
        assert (m.group("ts"), m.group("level2"), m.group("message")) == tuple(expected[-3:])
    row = spark.range(1).select(*[c.alias(f"c{i}") for i, c in enumerate(columns)]).first()
    assert list(row) == expected
