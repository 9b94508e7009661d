"""summarize: every Analytics field for hand-made cubes, plus one large synthetic cube."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from logdesk.analysis.summarize import available_span, summarize
from logdesk.results import (
    LEVEL_INDEX,
    LEVELS,
    Cube,
    ErrorTypeStat,
    FactTable,
    KeyStat,
    RecordFilter,
    SeverityStat,
    TimeCount,
)
from logdesk.settings import AnalyticsSettings

BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str, tz=BERLIN) -> datetime:
    """'2024-01-01 22:10:00.5' as an aware datetime in `tz`."""
    return datetime.fromisoformat(text).replace(tzinfo=tz)


def table(rows, keys=()):
    """rows: (bucket start, level, key, count, first, last) with aware datetimes."""
    position = {k: i for i, k in enumerate(keys)}

    def ms(dt):
        return round(dt.timestamp() * 1000)

    return FactTable(
        keys=tuple(keys),
        bucket=np.array([int(r[0].timestamp()) for r in rows], dtype=np.int64),
        level=np.array([LEVEL_INDEX[r[1]] for r in rows], dtype=np.int8),
        key=np.array([position[r[2]] if keys else 0 for r in rows], dtype=np.int32),
        count=np.array([r[3] for r in rows], dtype=np.int64),
        first_ms=np.array([ms(r[4]) for r in rows], dtype=np.int64),
        last_ms=np.array([ms(r[5]) for r in rows], dtype=np.int64),
    )


def keyed(rows, keys):
    """Dimension rows without interesting times: first/last = bucket start."""
    return table([(b, lv, k, n, b, b) for b, lv, k, n in rows], keys)


# Four hourly buckets, Berlin winter time (+01:00). C is on the next local day but the same UTC day.
A, B, C, D = at("2024-01-01 22:00"), at("2024-01-01 23:00"), at("2024-01-02 00:00"), at("2024-01-02 09:00")

LEVEL_ROWS = [
    (A, "INFO", None, 10, at("2024-01-01 22:01"), at("2024-01-01 22:58")),
    (A, "ERROR", None, 2, at("2024-01-01 22:10:00.5"), at("2024-01-01 22:40")),
    (B, "WARN", None, 3, at("2024-01-01 23:05"), at("2024-01-01 23:50")),
    (B, "ERROR", None, 1, at("2024-01-01 23:30"), at("2024-01-01 23:30")),
    (B, "CRITICAL", None, 1, at("2024-01-01 23:45"), at("2024-01-01 23:45")),
    (C, "INFO", None, 5, at("2024-01-02 00:00"), at("2024-01-02 00:59:59.999")),
    (C, "ERROR", None, 4, at("2024-01-02 00:15"), at("2024-01-02 00:45")),
    (D, "DEBUG", None, 6, at("2024-01-02 09:00"), at("2024-01-02 09:30")),
    (D, "CRITICAL", None, 2, at("2024-01-02 09:10"), at("2024-01-02 09:20")),
    (D, "UNKNOWN", None, 1, at("2024-01-02 09:59"), at("2024-01-02 09:59")),
]
PATTERN_KEYS = ("(none)", "DbTimeout", "DiskFull", "Http500", "Login ok")
# every record by its template; error types are the ERROR/CRITICAL rows (DbTimeout also shows
# at WARN, which is no error)
PATTERN_ROWS = [
    (A, "INFO", "Login ok", 10, at("2024-01-01 22:01"), at("2024-01-01 22:58")),
    (B, "WARN", "DbTimeout", 3, at("2024-01-01 23:05"), at("2024-01-01 23:50")),
    (C, "INFO", "Login ok", 5, at("2024-01-02 00:00"), at("2024-01-02 00:59:59.999")),
    (D, "DEBUG", "(none)", 6, at("2024-01-02 09:00"), at("2024-01-02 09:30")),
    (D, "UNKNOWN", "(none)", 1, at("2024-01-02 09:59"), at("2024-01-02 09:59")),
    (A, "ERROR", "DbTimeout", 2, at("2024-01-01 22:10:00.5"), at("2024-01-01 22:40")),
    (B, "ERROR", "Http500", 1, at("2024-01-01 23:30"), at("2024-01-01 23:30")),
    (B, "CRITICAL", "DiskFull", 1, at("2024-01-01 23:45"), at("2024-01-01 23:45")),
    (C, "ERROR", "DbTimeout", 2, at("2024-01-02 00:15"), at("2024-01-02 00:40")),
    (C, "ERROR", "Http500", 2, at("2024-01-02 00:20"), at("2024-01-02 00:45")),
    (D, "CRITICAL", "DiskFull", 2, at("2024-01-02 09:10"), at("2024-01-02 09:20")),
]
IP_KEYS = ("(none)", "10.0.0.1", "10.0.0.2", "10.0.0.9")
IP_ROWS = [
    (A, "INFO", "10.0.0.1", 6), (A, "INFO", "10.0.0.2", 4), (A, "ERROR", "10.0.0.2", 2),
    (B, "WARN", "10.0.0.1", 3), (B, "ERROR", "10.0.0.1", 1), (B, "CRITICAL", "(none)", 1),
    (C, "INFO", "10.0.0.9", 5), (C, "ERROR", "10.0.0.9", 4),
    (D, "DEBUG", "10.0.0.1", 6), (D, "CRITICAL", "10.0.0.2", 2), (D, "UNKNOWN", "(none)", 1),
]
SERVICE_ROWS = [
    (A, "INFO", "api", 10), (A, "ERROR", "api", 2), (B, "WARN", "web", 3), (B, "ERROR", "web", 1),
    (B, "CRITICAL", "web", 1), (C, "INFO", "api", 5), (C, "ERROR", "api", 4), (D, "DEBUG", "web", 6),
    (D, "CRITICAL", "web", 2), (D, "UNKNOWN", "web", 1),
]
ENDPOINT_ROWS = [
    (A, "INFO", "/a", 10), (A, "ERROR", "/b", 2), (B, "WARN", "/a", 3), (B, "ERROR", "/b", 1),
    (B, "CRITICAL", "/b", 1), (C, "INFO", "/a", 5), (C, "ERROR", "/a", 4), (D, "DEBUG", "/a", 6),
    (D, "CRITICAL", "/b", 2), (D, "UNKNOWN", "/b", 1),
]
SAMPLES = {"DbTimeout": "db timeout after 30s", "DiskFull": "disk full", "Http500": "GET / -> 500"}
PATTERN_SAMPLES = {**SAMPLES, "DbTimeout": "db slow after 20s", "Login ok": "Login ok", "(none)": ""}


@pytest.fixture(scope="module")
def cube() -> Cube:
    return Cube(
        bucket_seconds=3600,
        time_zone="Europe/Berlin",
        levels=table(LEVEL_ROWS),
        dims={
            "pattern": table(PATTERN_ROWS, PATTERN_KEYS),
            "ip": keyed(IP_ROWS, IP_KEYS),
            "service": keyed(SERVICE_ROWS, ("api", "web")),
            "endpoint": keyed(ENDPOINT_ROWS, ("/a", "/b")),
        },
        error_type_samples=SAMPLES,
        pattern_samples=PATTERN_SAMPLES,
    )


HOURLY = AnalyticsSettings(top_n=2, trend_window="1h")


def levels_of(**counts) -> dict[str, int]:
    return {name: counts.get(name, 0) for name in LEVELS}


def test_no_filter_gives_every_field(cube):
    a = summarize(cube, RecordFilter(), HOURLY)
    assert a.filter == RecordFilter()
    assert (a.time_zone, a.bucket_seconds, a.trend_window_seconds) == ("Europe/Berlin", 3600, 3600)
    assert (a.total, a.errors) == (35, 10)
    assert a.by_level == levels_of(DEBUG=6, INFO=15, WARN=3, ERROR=7, CRITICAL=3, UNKNOWN=1)
    assert a.error_rate == pytest.approx(10 / 35)
    assert a.first_seen == at("2024-01-01 22:01") and a.last_seen == at("2024-01-02 09:59")
    assert a.first_seen.utcoffset().total_seconds() == 3600  # given in the cube's zone
    assert (a.first_error, a.last_error) == (at("2024-01-01 22:10:00.5"), at("2024-01-02 09:20"))
    assert (a.first_critical, a.last_critical) == (at("2024-01-01 23:45"), at("2024-01-02 09:20"))
    expected_types = (
        ErrorTypeStat("DbTimeout", 4, at("2024-01-01 22:10:00.5"), at("2024-01-02 00:40"), "db timeout after 30s"),
        # a tie on count: name order
        ErrorTypeStat("DiskFull", 3, at("2024-01-01 23:45"), at("2024-01-02 09:20"), "disk full"),
        ErrorTypeStat("Http500", 3, at("2024-01-01 23:30"), at("2024-01-02 00:45"), "GET / -> 500"),
    )
    assert a.errors_by_type == expected_types
    assert a.top_errors == expected_types[:2]
    hours = (TimeCount(A, 12, 2), TimeCount(B, 5, 2), TimeCount(C, 9, 4), TimeCount(D, 9, 2))
    assert a.errors_by_hour == hours
    assert a.errors_by_day == (
        TimeCount(at("2024-01-01 00:00"), 17, 4),
        TimeCount(at("2024-01-02 00:00"), 18, 6),
    )
    assert a.error_trend == hours
    assert a.errors_by_severity == tuple(
        SeverityStat(lv, n, n / 35)
        for lv, n in [("DEBUG", 6), ("INFO", 15), ("WARN", 3), ("ERROR", 7), ("CRITICAL", 3), ("UNKNOWN", 1)]
    )
    assert a.per_ip == (
        KeyStat("10.0.0.9", 9, 4),
        KeyStat("10.0.0.2", 8, 4),  # same errors: more records first
        KeyStat("10.0.0.1", 16, 1),
        KeyStat("(none)", 2, 1),
    )
    assert a.per_service == (KeyStat("api", 21, 6), KeyStat("web", 14, 4))
    assert a.per_endpoint == (KeyStat("/b", 7, 6), KeyStat("/a", 28, 4))


def test_patterns_count_every_record_per_template_and_level(cube):
    a = summarize(cube, RecordFilter(), HOURLY)
    assert [(p.template, p.count, p.by_level, p.errors) for p in a.patterns] == [
        ("Login ok", 15, {"INFO": 15}, 0),
        # a tie on count: name order, "(" before letters
        ("(none)", 7, {"DEBUG": 6, "UNKNOWN": 1}, 0),
        ("DbTimeout", 7, {"WARN": 3, "ERROR": 4}, 4),
        ("DiskFull", 3, {"CRITICAL": 3}, 3),
        ("Http500", 3, {"ERROR": 3}, 3),
    ]
    assert sum(p.count for p in a.patterns) == a.total
    db = a.patterns[2]
    assert (db.first_seen, db.last_seen, db.sample) == (
        at("2024-01-01 22:10:00.5"), at("2024-01-02 00:40"), "db slow after 20s")
    # a level filter keeps the templates' counts at those levels only
    warn = summarize(cube, RecordFilter(levels=frozenset({"WARN"})), HOURLY)
    assert [(p.template, p.count) for p in warn.patterns] == [("DbTimeout", 3)]
    assert warn.errors_by_type == ()


def test_level_filter_keeps_only_those_levels(cube):
    flt = RecordFilter(levels=frozenset({"ERROR", "CRITICAL"}))
    a = summarize(cube, flt, HOURLY)
    assert a.filter == flt
    assert (a.total, a.errors) == (10, 10)
    assert a.by_level == levels_of(ERROR=7, CRITICAL=3)
    assert (a.first_seen, a.last_seen) == (at("2024-01-01 22:10:00.5"), at("2024-01-02 09:20"))
    assert [t.error_type for t in a.errors_by_type] == ["DbTimeout", "DiskFull", "Http500"]
    assert a.errors_by_hour == (TimeCount(A, 2, 2), TimeCount(B, 2, 2), TimeCount(C, 4, 4), TimeCount(D, 2, 2))
    assert a.errors_by_day == (
        TimeCount(at("2024-01-01 00:00"), 4, 4),
        TimeCount(at("2024-01-02 00:00"), 6, 6),
    )
    assert a.errors_by_severity == (SeverityStat("ERROR", 7, 0.7), SeverityStat("CRITICAL", 3, 0.3))
    # full ties on errors and records fall back to name order; "(" sorts before digits
    assert a.per_ip == (
        KeyStat("10.0.0.2", 4, 4),
        KeyStat("10.0.0.9", 4, 4),
        KeyStat("(none)", 1, 1),
        KeyStat("10.0.0.1", 1, 1),
    )
    assert a.per_service == (KeyStat("api", 6, 6), KeyStat("web", 4, 4))
    assert a.per_endpoint == (KeyStat("/b", 6, 6), KeyStat("/a", 4, 4))


def test_level_filter_without_errors_has_no_error_types(cube):
    a = summarize(cube, RecordFilter(levels=frozenset({"INFO"})), HOURLY)
    assert (a.total, a.errors) == (15, 0)
    assert a.errors_by_type == () and a.top_errors == ()
    assert (a.first_error, a.first_critical) == (None, None)
    assert a.errors_by_hour == (TimeCount(A, 10, 0), TimeCount(C, 5, 0))
    assert a.errors_by_severity == (SeverityStat("INFO", 15, 1.0),)


def test_date_filter_naive_start_aware_end(cube):
    # naive = Berlin wall time; the end is 01:00 Berlin given in UTC
    flt = RecordFilter(start=datetime(2024, 1, 1, 23, 0), end=datetime(2024, 1, 2, 0, 0, tzinfo=timezone.utc))
    a = summarize(cube, flt, HOURLY)
    assert (a.total, a.errors) == (14, 6)
    assert a.by_level == levels_of(INFO=5, WARN=3, ERROR=5, CRITICAL=1)
    assert (a.first_seen, a.last_seen) == (at("2024-01-01 23:05"), at("2024-01-02 00:59:59.999"))
    assert a.errors_by_type == (
        ErrorTypeStat("Http500", 3, at("2024-01-01 23:30"), at("2024-01-02 00:45"), "GET / -> 500"),
        ErrorTypeStat("DbTimeout", 2, at("2024-01-02 00:15"), at("2024-01-02 00:40"), "db timeout after 30s"),
        ErrorTypeStat("DiskFull", 1, at("2024-01-01 23:45"), at("2024-01-01 23:45"), "disk full"),
    )
    assert a.top_errors == a.errors_by_type[:2]
    assert a.errors_by_hour == (TimeCount(B, 5, 2), TimeCount(C, 9, 4))
    assert a.errors_by_day == (
        TimeCount(at("2024-01-01 00:00"), 5, 2),
        TimeCount(at("2024-01-02 00:00"), 9, 4),
    )
    assert a.per_ip == (KeyStat("10.0.0.9", 9, 4), KeyStat("10.0.0.1", 4, 1), KeyStat("(none)", 1, 1))
    assert a.per_service == (KeyStat("api", 9, 4), KeyStat("web", 5, 2))
    assert a.per_endpoint == (KeyStat("/a", 12, 4), KeyStat("/b", 2, 2))
    assert (a.first_critical, a.last_critical) == (at("2024-01-01 23:45"), at("2024-01-01 23:45"))


def test_date_filter_keeps_buckets_overlapping_the_range(cube):
    whole = summarize(cube, RecordFilter(start=B, end=at("2024-01-02 01:00")), HOURLY)
    inside = summarize(cube, RecordFilter(start=at("2024-01-01 23:30"), end=at("2024-01-02 00:00:01")), HOURLY)
    assert inside.total == whole.total == 14
    # a range ending exactly where a bucket starts leaves that bucket out
    assert summarize(cube, RecordFilter(start=B, end=C), HOURLY).total == 5


def test_date_and_level_filter_together(cube):
    flt = RecordFilter(start=B, end=at("2024-01-02 01:00"), levels=frozenset({"ERROR"}))
    a = summarize(cube, flt, HOURLY)
    assert (a.total, a.errors) == (5, 5)
    assert a.by_level == levels_of(ERROR=5)
    assert [(t.error_type, t.count) for t in a.errors_by_type] == [("Http500", 3), ("DbTimeout", 2)]
    assert a.errors_by_hour == (TimeCount(B, 1, 1), TimeCount(C, 4, 4))
    assert a.per_ip == (KeyStat("10.0.0.9", 4, 4), KeyStat("10.0.0.1", 1, 1))
    assert (a.first_critical, a.last_critical) == (None, None)
    assert (a.first_error, a.last_error) == (at("2024-01-01 23:30"), at("2024-01-02 00:45"))


def test_filter_matching_nothing_gives_an_empty_result(cube):
    a = summarize(cube, RecordFilter(start=datetime(2030, 1, 1)), HOURLY)
    assert (a.total, a.errors, a.error_rate) == (0, 0, 0.0)
    assert a.by_level == levels_of()
    assert (a.first_seen, a.last_seen, a.first_error, a.last_error) == (None, None, None, None)
    for name in ("errors_by_type", "top_errors", "errors_by_hour", "errors_by_day", "error_trend",
                 "errors_by_severity", "per_ip", "per_service", "per_endpoint"):
        assert getattr(a, name) == (), name


def test_trend_windows_longer_than_a_bucket_align_on_local_wall_clock(cube):
    six = summarize(cube, RecordFilter(), AnalyticsSettings(trend_window="6h"))
    assert six.trend_window_seconds == 6 * 3600
    assert six.error_trend == (
        TimeCount(at("2024-01-01 18:00"), 17, 4),
        TimeCount(at("2024-01-02 00:00"), 9, 4),
        TimeCount(at("2024-01-02 06:00"), 9, 2),
    )
    day = summarize(cube, RecordFilter(), AnalyticsSettings(trend_window="1d"))
    assert day.error_trend == day.errors_by_day
    # a window shorter than the cube's buckets is rounded up to one bucket
    assert summarize(cube, RecordFilter(), AnalyticsSettings(trend_window="15m")).trend_window_seconds == 3600


def test_repeated_dst_hour_stays_two_hours_but_one_day():
    ny = ZoneInfo("America/New_York")
    starts = [datetime(2024, 11, 3, h, tzinfo=timezone.utc) for h in (5, 6, 7)]  # 01:00 EDT, 01:00 EST, 02:00 EST
    rows = [(s, "ERROR" if i == 1 else "INFO", None, i + 1, s, s) for i, s in enumerate(starts)]
    cube = Cube(3600, "America/New_York", table(rows), {}, {})
    a = summarize(cube, RecordFilter(), AnalyticsSettings(trend_window="2h"))
    assert [(t.start.isoformat(), t.total, t.errors) for t in a.errors_by_hour] == [
        ("2024-11-03T01:00:00-04:00", 1, 0),
        ("2024-11-03T01:00:00-05:00", 2, 2),
        ("2024-11-03T02:00:00-05:00", 3, 0),
    ]
    assert [(t.start.isoformat(), t.total) for t in a.errors_by_day] == [("2024-11-03T00:00:00-04:00", 6)]
    assert [(t.start.isoformat(), t.total) for t in a.error_trend] == [
        ("2024-11-03T00:00:00-04:00", 3),
        ("2024-11-03T02:00:00-05:00", 3),
    ]
    assert a.first_seen.astimezone(ny).isoformat() == "2024-11-03T01:00:00-04:00"
    assert a.per_ip == () and a.errors_by_type == ()  # dimensions absent from the cube


def test_hours_in_a_half_hour_zone_start_at_half_past_utc():
    kolkata = ZoneInfo("Asia/Kolkata")
    starts = [at(t, kolkata) for t in ("2024-03-10 03:00", "2024-03-10 03:30", "2024-03-10 04:00")]
    rows = [(s, "INFO", None, 1, s, s) for s in starts]
    cube = Cube(1800, "Asia/Kolkata", table(rows), {}, {})
    a = summarize(cube, RecordFilter(), AnalyticsSettings(trend_window="30m"))
    assert a.errors_by_hour == (TimeCount(starts[0], 2, 0), TimeCount(starts[2], 1, 0))
    assert [t.start.isoformat() for t in a.errors_by_hour] == ["2024-03-10T03:00:00+05:30", "2024-03-10T04:00:00+05:30"]
    assert a.error_trend == tuple(TimeCount(s, 1, 0) for s in starts)
    assert a.errors_by_day == (TimeCount(at("2024-03-10 00:00", kolkata), 3, 0),)


def test_available_span_covers_whole_buckets(cube):
    assert available_span(cube) == (A, at("2024-01-02 10:00"))
    everything = available_span(cube)
    assert summarize(cube, RecordFilter(start=everything[0], end=everything[1]), HOURLY).total == 35
    empty = Cube(3600, "UTC", table([]), {}, {})
    assert available_span(empty) is None


def test_a_million_fact_rows_add_up():
    rng = np.random.default_rng(7)
    n, hours = 1_000_000, 2 * 365 * 24
    first_hour = int(datetime(2023, 1, 1, tzinfo=timezone.utc).timestamp()) // 3600
    bucket = (first_hour + rng.integers(0, hours, n)) * 3600
    level = rng.integers(0, len(LEVELS), n).astype(np.int8)
    count = rng.integers(1, 50, n).astype(np.int64)
    first = bucket * 1000 + rng.integers(0, 3_600_000, n)
    base = dict(bucket=bucket, level=level, count=count, first_ms=first, last_ms=first)
    ip_keys = tuple(f"10.{i // 65536}.{i // 256 % 256}.{i % 256}" for i in range(50_000))
    ip_keys = tuple(sorted(ip_keys))
    cube = Cube(
        bucket_seconds=3600,
        time_zone="Europe/Berlin",
        levels=FactTable(keys=(), key=np.zeros(n, dtype=np.int32), **base),
        dims={"ip": FactTable(keys=ip_keys, key=rng.integers(0, 50_000, n).astype(np.int32), **base)},
    )
    a = summarize(cube, RecordFilter(), AnalyticsSettings(trend_window="1d"))
    per_level = np.bincount(level, weights=count, minlength=len(LEVELS)).astype(np.int64)
    assert a.total == int(count.sum())
    assert a.by_level == {name: int(per_level[i]) for i, name in enumerate(LEVELS)}
    assert a.errors == int(per_level[LEVEL_INDEX["ERROR"]] + per_level[LEVEL_INDEX["CRITICAL"]])
    assert len(a.errors_by_hour) == len(np.unique(bucket))
    assert sum(t.total for t in a.errors_by_hour) == a.total
    assert sum(t.errors for t in a.errors_by_day) == a.errors
    assert sum(t.total for t in a.error_trend) == a.total
    assert sum(k.total for k in a.per_ip) == a.total
    assert a.first_seen == datetime.fromtimestamp(first.min() / 1000, BERLIN)
    critical = summarize(cube, RecordFilter(levels=frozenset({"CRITICAL"})), AnalyticsSettings())
    assert critical.total == int(per_level[LEVEL_INDEX["CRITICAL"]]) == critical.errors
