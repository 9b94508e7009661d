"""Plain-text formats: detection from a file's head, the fields each built-in format's groups
give (Python), and that Spark's Java regex and datetime patterns read them the same way."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from logdesk.engine.text_formats import (
    BUILTIN_FORMATS,
    FIELD_GROUPS,
    TextFormat,
    detect_text_format,
    java_pattern,
    user_text_formats,
    w3c_format,
)
from logdesk.settings import DEFAULT_LEVEL_MAPPING, TextFormatSettings

LNAV = Path(__file__).parent / "data" / "lnav"
BY_NAME = {f.name: f for f in BUILTIN_FORMATS}

W3C_HEAD = [
    "#Software: Microsoft Internet Information Services 10.0",
    "#Version: 1.0",
    "#Date: 2024-01-15 00:00:00",
    "#Fields: date time s-sitename s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username "
    "c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken",
]

# format name -> (a file's first lines, the fields of its first record, the parsed timestamp)
SAMPLES: dict[str, tuple[list[str], dict[str, str], dt.datetime]] = {
    "apache_combined": (
        [
            '203.0.113.9 - - [15/Jan/2024:10:00:01 +0000] "GET /api/users?id=7 HTTP/1.1" 503 '
            '512 "https://example.com/" "Mozilla/5.0 (X11; Linux x86_64)"',
            '203.0.113.10 - bob [15/Jan/2024:10:00:02 +0000] "POST /login HTTP/1.1" 302 0 "-" '
            '"curl/8.0"',
        ],
        {
            "ts": "15/Jan/2024:10:00:01 +0000",
            "ip": "203.0.113.9",
            "endpoint": "/api/users",
            "status": "503",
            "message": "GET /api/users?id=7 HTTP/1.1",
        },
        dt.datetime(2024, 1, 15, 10, 0, 1),
    ),
    "apache_vhost": (
        [
            'shop.example:443 203.0.113.9 - - [15/Jan/2024:10:00:01 +0000] "GET /cart HTTP/2.0" '
            '200 99 "-" "curl/8.0"',
        ],
        {
            "ts": "15/Jan/2024:10:00:01 +0000",
            "service": "shop.example",
            "ip": "203.0.113.9",
            "endpoint": "/cart",
            "status": "200",
            "message": "GET /cart HTTP/2.0",
        },
        dt.datetime(2024, 1, 15, 10, 0, 1),
    ),
    "apache_common": (
        [
            '10.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
            '10.0.0.2 - - [10/Oct/2000:13:55:37 -0700] "-" 408 -',
        ],
        {
            "ts": "10/Oct/2000:13:55:36 -0700",
            "ip": "10.0.0.1",
            "endpoint": "/apache_pb.gif",
            "status": "200",
            "message": "GET /apache_pb.gif HTTP/1.0",
        },
        dt.datetime(2000, 10, 10, 20, 55, 36),
    ),
    "syslog_rfc5424": (
        [
            '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 '
            '[exampleSDID@32473 iut="3" eventSource="Application"] An application event',
            "<34>1 2003-10-11T22:14:16.000Z mymachine.example.com - - - - no app given",
        ],
        {
            "ts": "2003-10-11T22:14:15.003Z",
            "pri": "165",
            "service": "evntslog",
            "message": "An application event",
        },
        dt.datetime(2003, 10, 11, 22, 14, 15, 3000),
    ),
    "syslog_rfc3164": (
        [
            "Mar  5 09:23:38 web01 sshd[7998]: Failed password for root from 198.51.100.4",
            "<13>Mar  5 09:23:39 web01 CRON[800]: (root) CMD (run-parts /etc/cron.hourly)",
            "Mar  5 09:23:40 web01 kernel: eth0: link up",
        ],
        {
            "ts": "Mar  5 09:23:38",
            "service": "sshd",
            "message": "Failed password for root from 198.51.100.4",
        },
        dt.datetime(2024, 3, 5, 9, 23, 38),  # year from the file's time (2024 here)
    ),
    "syslog_iso": (
        [
            "2024-01-15T10:00:00.123456+01:00 web01 systemd[1]: Started Session 4 of user root.",
            "2024-01-15T10:00:01.000001+01:00 web01 kernel: [ 1.0] usb 1-1: new device",
        ],
        {
            "ts": "2024-01-15T10:00:00.123456+01:00",
            "service": "systemd",
            "message": "Started Session 4 of user root.",
        },
        dt.datetime(2024, 1, 15, 9, 0, 0, 123456),
    ),
    "log4j": (
        [
            "2024-01-15 10:00:00,123 ERROR [http-nio-8080-exec-1] com.example.OrderService - "
            "Order 42 failed",
            "java.lang.IllegalStateException: out of stock",
            "\tat com.example.OrderService.place(OrderService.java:57)",
            "\tat com.example.Api.post(Api.java:12)",
            "2024-01-15 10:00:01.456 [main] WARN  com.example.Cache - cache miss",
            "2024-01-15T10:00:02,789  INFO 4242 --- [           main] o.s.b.App : Started App",
            "2024-01-15 10:00:03,000 DEBUG com.example.Db - pool ready",
        ],
        {
            "ts": "2024-01-15 10:00:00,123",
            "level": "ERROR",
            "service": "com.example.OrderService",
            "message": "Order 42 failed",
        },
        dt.datetime(2024, 1, 15, 10, 0, 0, 123000),
    ),
    "python_dashed": (
        [
            "2024-01-15 10:00:00,123 - myapp.db - WARNING - slow query (2.5 s)",
            "2024-01-15 10:00:01,000 - myapp - ERROR - request failed",
            "Traceback (most recent call last):",
            '  File "app.py", line 3, in <module>',
            "ZeroDivisionError: division by zero",
        ],
        {
            "ts": "2024-01-15 10:00:00,123",
            "level": "WARNING",
            "service": "myapp.db",
            "message": "slow query (2.5 s)",
        },
        dt.datetime(2024, 1, 15, 10, 0, 0, 123000),
    ),
    "python_levelname": (
        [
            "2024-01-15 10:00:00,123 CRITICAL myapp.worker: queue is gone",
            "2024-01-15 10:00:01,456 INFO myapp.worker: retrying",
        ],
        {
            "ts": "2024-01-15 10:00:00,123",
            "level": "CRITICAL",
            "service": "myapp.worker",
            "message": "queue is gone",
        },
        dt.datetime(2024, 1, 15, 10, 0, 0, 123000),
    ),
    "python_bare": (
        ["ERROR:myapp.db:connection refused", "INFO:root:started"],
        {"level": "ERROR", "service": "myapp.db", "message": "connection refused"},
        None,  # no timestamp in this format: its records are reported as missing one
    ),
    "logcat": (
        [
            "--------- beginning of main",
            "03-17 16:13:38.811  1702  2395 E ActivityManager: ANR in com.example.app",
            "03-17 16:13:38.812  1702  2395 A DEBUG   : Abort message: 'assert failed'",
            "--------- beginning of system",
            "03-17 16:13:39.001   612   612 I chatty  : uid=1000 expire 3 lines",
        ],
        {
            "ts": "03-17 16:13:38.811",
            "level": "E",
            "service": "ActivityManager",
            "message": "ANR in com.example.app",
        },
        dt.datetime(2024, 3, 17, 16, 13, 38, 811000),
    ),
    "glog": (
        [
            "Log file created at: 2024/07/15 13:42:00",
            "Running on machine: host1",
            "Log line format: [IWEF]mmdd hh:mm:ss.uuuuuu threadid file:line] msg",
            "E0715 13:42:11.123456  1234 server.cc:42] connection reset by peer",
            "I0715 13:42:12.000001  1234 server.cc:50] reconnected",
        ],
        {
            "ts": "0715 13:42:11.123456",
            "level": "E",
            "service": "server.cc",
            "message": "connection reset by peer",
        },
        dt.datetime(2024, 7, 15, 13, 42, 11, 123456),
    ),
    "logfmt": (
        [
            'level=error ts=2024-01-15T10:00:00.5Z service=billing msg="charge failed: card '
            'declined" path=/v1/charge client_ip=198.51.100.7 duration=12ms',
            'time="2024-01-15T10:00:01Z" level=info msg=ok',
        ],
        {
            "ts": "2024-01-15T10:00:00.5Z",
            "level": "error",
            "service": "billing",
            "ip": "198.51.100.7",
            "endpoint": "/v1/charge",
            "message": "charge failed: card declined",
        },
        dt.datetime(2024, 1, 15, 10, 0, 0, 500000),
    ),
    "w3c": (
        W3C_HEAD
        + [
            "2024-01-15 00:00:01 W3SVC1 10.0.0.1 GET /default.aspx id=3 443 - 192.168.1.5 "
            "Mozilla/5.0+(Windows+NT+10.0) - 500 0 0 31",
            "2024-01-15 00:00:02 W3SVC1 10.0.0.1 GET /favicon.ico - 443 - 192.168.1.5 "
            "Mozilla/5.0+(Windows+NT+10.0) https://example.com/ 404 0 2 1",
        ],
        {
            "date": "2024-01-15",
            "time": "00:00:01",
            "ip": "192.168.1.5",
            "endpoint": "/default.aspx",
            "status": "500",
            "service": "W3SVC1",
            "message": "GET /default.aspx",
        },
        dt.datetime(2024, 1, 15, 0, 0, 1),
    ),
}


def python_fields(fmt: TextFormat, line: str) -> dict[str, str] | None:
    """Field -> value as the reader resolves it: first non-empty of field, field2, ..."""
    m = re.match(fmt.pattern, line)
    if m is None:
        return None
    out: dict[str, str] = {}
    for field in FIELD_GROUPS:
        for number in fmt.field_groups(field):
            if m.group(number):
                out[field] = m.group(number)
                break
    return out


def sample_format(name: str) -> TextFormat:
    if name == "w3c":
        return w3c_format(W3C_HEAD[-1])
    return BY_NAME[name]


def first_record(name: str) -> str:
    fmt = sample_format(name)
    skip = re.compile(fmt.skip) if fmt.skip else None
    return next(line for line in SAMPLES[name][0] if not (skip and skip.match(line)))


def test_every_core_format_has_a_sample():
    # the other families have samples of their own (tests/engine/formats/)
    from logdesk.engine.formats.core import FORMATS

    assert set(SAMPLES) == {f.name for f in FORMATS} | {"w3c"}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_detects_the_format_and_reads_the_fields(name):
    lines, expected, _ = SAMPLES[name]
    fmt = detect_text_format(lines)
    assert fmt is not None and fmt.name == name
    assert fmt == sample_format(name)
    assert python_fields(fmt, first_record(name)) == expected


def test_group_names_are_java_names_and_levels_are_mapped():
    java_name = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
    for fmt in (*BUILTIN_FORMATS, w3c_format(W3C_HEAD[-1])):
        assert all(java_name.match(g) for g in fmt.groups()), fmt.name
        assert "(?P" not in java_pattern(fmt.pattern), fmt.name
    # every level text the samples emit is known to the default mapping
    levels = {python_fields(sample_format(n), first_record(n)).get("level") for n in SAMPLES}
    levels |= {"V", "D", "I", "W", "E", "F", "A"}  # logcat's letters, glog's are a subset
    assert {lv.upper() for lv in levels if lv} <= set(DEFAULT_LEVEL_MAPPING)


def test_timestamp_patterns_pass_the_config_check():
    from logdesk.config_loader import datetime_pattern_problem

    for fmt in BUILTIN_FORMATS:
        if fmt.timestamp_pattern:
            assert datetime_pattern_problem("yyyy " + fmt.timestamp_pattern) is None, fmt.name


def test_rfc3164_without_pri_has_no_level_group_value():
    fields = python_fields(BY_NAME["syslog_rfc3164"], SAMPLES["syslog_rfc3164"][0][0])
    assert "pri" not in fields and "level" not in fields
    with_pri = python_fields(BY_NAME["syslog_rfc3164"], SAMPLES["syslog_rfc3164"][0][1])
    assert with_pri["pri"] == "13" and with_pri["service"] == "CRON"


def test_log4j_variants():
    fmt = BY_NAME["log4j"]
    lines = SAMPLES["log4j"][0]
    assert python_fields(fmt, lines[4]) == {
        "ts": "2024-01-15 10:00:01.456",
        "level": "WARN",
        "service": "com.example.Cache",
        "message": "cache miss",
    }
    spring = python_fields(fmt, lines[5])
    assert (spring["level"], spring["service"], spring["message"]) == (
        "INFO", "o.s.b.App", "Started App"
    )
    assert python_fields(fmt, lines[6])["service"] == "com.example.Db"
    # a thread and no "logger -": the rest of the line is the message
    no_logger = python_fields(fmt, "2024-01-15 10:00:00,123 [main] ERROR boom: disk full")
    assert no_logger["message"] == "boom: disk full" and "service" not in no_logger
    # the stack trace lines continue the record, they are not records
    assert [bool(re.match(fmt.pattern, line)) for line in lines[:4]] == [True, False, False, False]


def test_lnav_samples():
    def detect(name: str) -> str | None:
        lines = (LNAV / name).read_text(encoding="utf-8").splitlines()
        fmt = detect_text_format(lines)
        return fmt.name if fmt else None

    assert detect("logfile_access_log.0") == "apache_combined"
    assert detect("logfile_bad_access_log.0") == "apache_combined"  # 2 of 3 lines match
    assert detect("logfile_syslog.0") == "syslog_rfc3164"
    assert detect("logfile_bad_syslog.0") == "syslog_rfc3164"
    assert detect("logfile_java.1") == "log4j"
    assert detect("logfile_generic.0") is None  # "ts:LEVEL:msg" is none of ours
    assert detect("logfile_syslog_with_header.0") is None  # first line is not a record


@pytest.mark.parametrize(
    "lines",
    [
        ["timestamp,level,message", "2024-01-01 10:00:00,INFO,hi"],
        ["It was a bright cold day in April,", "and the clocks were striking thirteen."],
        ["2024-01-01 10:00:00 ERROR something broke"],
        ["name=logdesk", "version=1"],  # a properties file is not logfmt (no time key)
        [
            'GET / 200',
            '10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326',
            "Mar  5 09:23:38 web01 sshd[1]: x",
        ],
        ["", "   ", ""],
        [],
    ],
    ids=["csv", "prose", "no-known-layout", "properties", "garbage-first", "blank", "empty"],
)
def test_nothing_fits(lines):
    assert detect_text_format(lines) is None


def test_single_line_formats_need_most_lines_to_match():
    good = SAMPLES["apache_combined"][0][0]
    assert detect_text_format([good, good, "junk", "junk"]).name == "apache_combined"
    assert detect_text_format([good, "junk", "junk", "junk"]) is None


def test_most_matching_lines_win_and_ties_go_to_the_earlier_format():
    combined = SAMPLES["apache_combined"][0][0]
    common = SAMPLES["apache_common"][0][0]
    # a combined line is also a common one (common allows anything after the size): tie
    assert detect_text_format([combined] * 3).name == "apache_combined"
    # a combined line first, then common lines: common matches more
    assert detect_text_format([combined, common, common]).name == "apache_common"


def test_user_formats_are_tried_first_and_win_ties():
    spec = TextFormatSettings(
        name="myapp",
        pattern=r"(?P<ts>\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}) \[(?P<level>\w+)\] (?P<message>.*)",
        timestamp_pattern="dd.MM.yyyy HH:mm:ss",
    )
    (mine,) = user_text_formats([spec])
    assert mine.user and mine.multiline and mine.timestamp_pattern == "dd.MM.yyyy HH:mm:ss"
    assert detect_text_format(["15.01.2024 10:00:00 [ERROR] disk full"]) is None
    assert detect_text_format(["15.01.2024 10:00:00 [ERROR] disk full"], [mine]) is mine
    # a user format that also reads access logs beats the built-in one on a tie
    anything = TextFormat(name="any", pattern=r"(?P<ts>\S+) (?P<message>.*)", user=True)
    assert detect_text_format(SAMPLES["apache_combined"][0], [anything]) is anything


def test_w3c_is_built_from_the_fields_directive():
    fmt = w3c_format("#Fields: date time c-ip cs-uri-stem sc-status")
    assert fmt.skip == "#" and not fmt.multiline
    line = "2024-01-15 00:00:01 192.168.1.5 /a.html 200"
    assert python_fields(fmt, line) == {
        "date": "2024-01-15",
        "time": "00:00:01",
        "ip": "192.168.1.5",
        "endpoint": "/a.html",
        "status": "200",
    }
    assert not re.match(fmt.pattern, line + " extra")  # a field more than declared
    # without a #Fields directive a W3C body is nothing we know
    assert detect_text_format(SAMPLES["w3c"][0][4:]) is None


def test_spark_reads_every_format_like_python(spark):
    """One DataFrame, one row per format (pattern and group numbers as columns, so the plan
    stays small): every group regexp_extract takes with the Java pattern equals Python's, and
    the timestamp text Spark extracts parses (timestamp_pattern, or the generic parser)."""
    from pyspark.sql import functions as F

    from logdesk.engine.timestamps import parse_timestamp

    rows = []
    for name in sorted(SAMPLES):
        fmt = sample_format(name)
        rows.append(
            (
                name,
                first_record(name),
                "^(?:" + java_pattern(fmt.pattern) + ")",
                list(range(1, re.compile(fmt.pattern).groups + 1)),
                fmt.field_groups("ts"),
                fmt.field_groups("date"),
                fmt.field_groups("time"),
                fmt.timestamp_pattern,
                fmt.yearless,
            )
        )
    df = spark.createDataFrame(
        rows,
        "name string, line string, pattern string, groups array<int>, ts array<int>, "
        "date array<int>, time array<int>, ts_format string, yearless boolean",
    )

    def first_non_empty(groups: str) -> F.Column:
        extracted = f"transform({groups}, g -> regexp_extract(line, pattern, g))"
        values = F.expr(f"filter({extracted}, v -> v != '')")
        return F.try_element_at(values, F.lit(1))

    ts_text = F.coalesce(
        first_non_empty("ts"), F.concat_ws(" ", first_non_empty("date"), first_non_empty("time"))
    )
    with_year = F.when(F.col("yearless"), F.concat(F.lit("2024 "), ts_text)).otherwise(ts_text)
    year_format = F.when(F.col("yearless"), F.concat(F.lit("yyyy "), "ts_format")).otherwise(
        F.col("ts_format")
    )
    parsed = F.when(
        F.col("ts_format").isNull(), parse_timestamp(ts_text, F.lit(dt.datetime(2024, 12, 31)))
    ).otherwise(F.try_to_timestamp(with_year, year_format))
    out = df.select(
        "name",
        F.expr("line rlike pattern").alias("matches"),
        F.expr("transform(groups, g -> regexp_extract(line, pattern, g))").alias("extracted"),
        parsed.alias("parsed"),
    ).collect()

    assert len(out) == len(SAMPLES)
    for row in out:
        name = row["name"]
        assert row["matches"], name
        python_match = re.match(sample_format(name).pattern, first_record(name))
        python_groups = [g or "" for g in python_match.groups()]
        assert row["extracted"] == python_groups, name
        assert row["parsed"] == SAMPLES[name][2], name
