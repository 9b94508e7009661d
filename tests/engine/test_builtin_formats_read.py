"""Every built-in text format read end to end: a small file per format, written here, goes
through discovery and the readers once; each test checks one file's detected format and its
exact rows (records, levels, timestamps, folded continuation lines, malformed lines).

Expectations are worked out by hand from the lines below, not from the code under test.
Timestamps are UTC (the test session's zone). Yearless formats take their year from the file's
mtime, set to 2024-06-15 12:00 UTC: a December time lies after it and rolls back to 2023."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from format_files import read_folder_rows

MTIME = datetime(2024, 6, 15, 12, 0, tzinfo=UTC).timestamp()

# format name -> (file name, content)
FILES: dict[str, tuple[str, str]] = {
    "apache_combined": (
        "access_combined.log",
        (
            '10.0.0.1 - - [05/Mar/2024:10:00:00 +0000] "GET /index.html?x=1 HTTP/1.1" 200 512 "-" '
            '"curl/8.0"\n'
            '10.0.0.2 - bob [05/Mar/2024:10:00:05 +0200] "POST /api/orders HTTP/1.1" 503 0 '
            '"https://shop.example/" "Mozilla/5.0"\n'
            "this is not an access log line\n"
            '10.0.0.3 - - [05/Mar/2024:10:00:09 +0000] "-" 408 - "-" "-"\n'
            '10.0.0.4 - - [not a time] "GET / HTTP/1.1" 200 1 "-" "-"\n'
        ),
    ),
    "apache_common": (
        "access_common.log",
        (
            '192.168.1.5 - - [05/Mar/2024:11:00:00 +0000] "GET /health HTTP/1.0" 200 2\n'
            '192.168.1.6 - alice [05/Mar/2024:11:00:01 +0000] "DELETE /items/7 HTTP/1.1" 404 15\n'
            "\t\n"  # blank (a tab only): neither a record nor malformed
            "garbage\n"
        ),
    ),
    "apache_vhost": (
        "other_vhosts_access.log",
        (
            'shop.example:443 10.0.0.7 - - [05/Mar/2024:10:00:00 +0000] "GET /cart?id=3 HTTP/2.0" '
            '200 512 "-" "curl/8.0"\n'
            'api.example:80 10.0.0.8 - bob [05/Mar/2024:10:00:01 +0000] "POST /v1/pay HTTP/1.1" '
            "502 0\n"
            '10.0.0.9 - - [05/Mar/2024:10:00:02 +0000] "GET / HTTP/1.1" 200 1\n'
        ),
    ),
    "syslog_rfc5424": (
        "syslog5424.log",
        (
            '<165>1 2024-03-05T10:00:00.123Z host1 myapp 1234 ID47 [exampleSDID@32473 iut="3" '
            'eventSource="Application"] An application event\n'
            "<11>1 2024-03-05T12:00:01+02:00 host1 - - - - disk failure\n"
            "<14>1 2024-03-05T10:00:02Z host1 cron 99 - -\n"
            "<13>1 not-a-time host1 app - - - hello\n"
            "Mar  5 10:00:00 host1 app: old style\n"
        ),
    ),
    "syslog_rfc3164": (
        "syslog3164.log",
        (
            "Mar  5 10:00:00 web01 sshd[4242]: Accepted publickey for bob\n"
            "<27>Mar 15 10:00:01 web01 kernel: Out of memory\n"
            "Dec 31 23:59:59 web01 cron[1]: rotated\n"
            "Feb 30 10:00:00 web01 app: impossible date\n"
            "web01 lost line\n"
            # tags as real files write them: a version, spaces before [pid], macOS's (job)
            # and ([pid]) before the colon, login's " -- user[pid]"
            "Mar  5 10:00:02 web01 syslogd 1.4.1: restart.\n"
            "Mar  5 10:00:03 mac Microsoft Word[123]: scripting error\n"
            "Mar  5 10:00:04 mac com.apple.xpc.launchd[1] (com.apple.WebKit.42): Path not allowed\n"
            "Mar  5 10:00:05 mac sandboxd[129] ([31211]): deny network-outbound\n"
            "Mar  5 10:00:06 web01  -- root[2421]: ROOT LOGIN ON tty2\n"
            "Mar  5 10:00:07 web01 no tag in this line\n"
        ),
    ),
    "syslog_iso": (
        "syslog_iso.log",
        (
            "2024-03-05T10:00:00.500000+01:00 db01 postgres[77]: checkpoint complete\n"
            "<12>2024-03-05T10:00:01Z db01 app: low disk\n"
            "2024-03-05T10:00:02Z db01 app:\n"
            "2024-03-05 10:00:03 db01 app: space instead of T\n"
            "2024-13-05T10:00:04Z db01 app: month 13\n"
        ),
    ),
    "log4j": (
        "app_log4j.log",
        (
            "2024-03-05 10:00:00.001 [main] INFO  com.shop.App - started\n"
            "2024-03-05 10:00:01,500 ERROR [pool-1] com.shop.Db - query failed\n"
            "java.sql.SQLException: timeout\n"
            "\tat com.shop.Db.run(Db.java:10)\n"
            "2024-13-05 10:00:02,000 WARN  [main] com.shop.App - bad month\n"
            "2024-03-05 10:00:03,000 WARN  [main] com.shop.App - \n"
        ),
    ),
    "python_dashed": (
        "py_dashed.log",
        (
            "2024-03-05 10:00:00 - shop.web - INFO - request done\n"
            "2024-03-05 10:00:01,250 - shop.db - ERROR - boom\n"
            "Traceback (most recent call last):\n"
            '  File "app.py", line 3, in <module>\n'
            "ZeroDivisionError: division by zero\n"
            "2024-03-05 10:00:02,000 - shop.web - WARNING - \n"
        ),
    ),
    "python_levelname": (
        "py_levelname.log",
        (
            "2024-03-05 10:00:00,000 INFO shop.web: started\n"
            "2024-03-05 10:00:01,000 CRITICAL shop.db: lost connection\n"
            "  retrying in 5s\n"
            " \t \n"  # blank: not part of the record before it
            "2024-03-05 10:00:02,000 DEBUG shop.web:\n"
        ),
    ),
    "python_bare": (
        "py_bare.log",
        (
            "INFO:root:hello\n"
            "ERROR:shop.db:failed\n"
            "  detail line\n"
        ),
    ),
    "logcat": (
        "logcat.log",
        (
            "--------- beginning of main\n"
            "03-05 10:00:00.123  1234  1250 I ActivityManager: Start proc\n"
            "03-05 10:00:01.000  1234  1250 E AndroidRuntime: FATAL EXCEPTION: main\n"
            "\tat com.example.Main.onCreate(Main.java:10)\n"
            "12-31 23:59:59.999  1234  1250 W Tag  : late\n"
            "02-30 10:00:00.000     1     2 D Tag: bad day\n"
        ),
    ),
    "glog": (
        "glog.log",
        (
            "Log file created at: 2024/03/05 10:00:00\n"
            "I0305 10:00:00.123456  4242 server.cc:42] Listening on port 80\n"
            "E0305 10:00:01.000001  4242 db.cc:7] Query failed:\n"
            "  deadline exceeded\n"
            "W1231 23:59:59.999999  4242 main.cc:1] shutting down\n"
            "E0305 10:00:02.000000  4242 db.cc:9]\n"
        ),
    ),
    "logfmt": (
        "logfmt.log",
        (
            'time=2024-03-05T10:00:00Z level=info msg="user logged in" service=auth ip=10.1.1.1 '
            "path=/login\n"
            "ts=2024-03-05T10:00:01.250Z lvl=error msg=timeout app=billing\n"
            "time=yesterday level=info msg=hi\n"
            "this is free text\n"
            "time=2024-03-05T10:00:02Z level=debug duration=5ms\n"
        ),
    ),
    "w3c": (
        "iis.log",
        (
            "#Software: Microsoft Internet Information Services 10.0\n"
            "#Fields: date time s-sitename cs-method cs-uri-stem cs-uri-query c-ip sc-status "
            "time-taken\n"
            "2024-03-05 10:00:00 W3SVC1 GET /default.htm - 10.2.2.2 200 15\n"
            "2024-03-05 10:00:01 W3SVC1 POST /api/login user=x 10.2.2.3 500 120\n"
            "2024-03-05 10:00:02 W3SVC1 GET /short\n"
            "2024-03-05 25:00:00 W3SVC1 GET /x - 10.2.2.4 404 1\n"
        ),
    ),
}


def _ok(line, ts, level, raw_level, service, ip, endpoint, message, continuation_lines=0):
    return (line, ts, level, raw_level, service, ip, endpoint, message, continuation_lines, None)


def _bad(line, reason, continuation_lines=0):
    return (line, None, None, None, None, None, None, None, continuation_lines, reason)


def _dt(*args) -> datetime:
    return datetime(*args)


# format name -> rows, ordered by line:
# (line, ts, level, raw_level, service, ip, endpoint, message, continuation_lines, reason)
EXPECTED: dict[str, list[tuple]] = {
    "apache_combined": [
        _ok(1, _dt(2024, 3, 5, 10, 0, 0), "INFO", "200", None, "10.0.0.1", "/index.html",
            "GET /index.html?x=1 HTTP/1.1"),
        _ok(2, _dt(2024, 3, 5, 8, 0, 5), "ERROR", "503", None, "10.0.0.2", "/api/orders",
            "POST /api/orders HTTP/1.1"),
        _bad(3, "does not match the apache_combined format"),
        # a request that is not "METHOD path": the message only, no endpoint
        _ok(4, _dt(2024, 3, 5, 10, 0, 9), "WARN", "408", None, "10.0.0.3", None, "-"),
        _bad(5, "unparseable timestamp: not a time"),
    ],
    "apache_common": [
        _ok(1, _dt(2024, 3, 5, 11, 0, 0), "INFO", "200", None, "192.168.1.5", "/health",
            "GET /health HTTP/1.0"),
        _ok(2, _dt(2024, 3, 5, 11, 0, 1), "WARN", "404", None, "192.168.1.6", "/items/7",
            "DELETE /items/7 HTTP/1.1"),
        _bad(4, "does not match the apache_common format"),
    ],
    "syslog_rfc5424": [
        # PRI 165 = facility 20, severity 5 (notice)
        _ok(1, _dt(2024, 3, 5, 10, 0, 0, 123000), "INFO", "5", "myapp", None, None,
            "An application event"),
        # PRI 11: severity 3 (error); APP-NAME "-" is no service
        _ok(2, _dt(2024, 3, 5, 10, 0, 1), "ERROR", "3", None, None, None, "disk failure"),
        _bad(3, "empty message"),
        _bad(4, "unparseable timestamp: not-a-time"),
        _bad(5, "does not match the syslog_rfc5424 format"),
    ],
    # the virtual host is the service; a line without one is not this format's
    "apache_vhost": [
        _ok(1, _dt(2024, 3, 5, 10, 0, 0), "INFO", "200", "shop.example", "10.0.0.7", "/cart",
            "GET /cart?id=3 HTTP/2.0"),
        _ok(2, _dt(2024, 3, 5, 10, 0, 1), "ERROR", "502", "api.example", "10.0.0.8", "/v1/pay",
            "POST /v1/pay HTTP/1.1"),
        _bad(3, "does not match the apache_vhost format"),
    ],
    "syslog_rfc3164": [
        # no PRI: no level
        _ok(1, _dt(2024, 3, 5, 10, 0, 0), "UNKNOWN", None, "sshd", None, None,
            "Accepted publickey for bob"),
        _ok(2, _dt(2024, 3, 15, 10, 0, 1), "ERROR", "3", "kernel", None, None, "Out of memory"),
        _ok(3, _dt(2023, 12, 31, 23, 59, 59), "UNKNOWN", None, "cron", None, None, "rotated"),
        _bad(4, "unparseable timestamp: Feb 30 10:00:00"),
        _bad(5, "does not match the syslog_rfc3164 format"),
        _ok(6, _dt(2024, 3, 5, 10, 0, 2), "UNKNOWN", None, "syslogd", None, None, "restart."),
        _ok(7, _dt(2024, 3, 5, 10, 0, 3), "UNKNOWN", None, "Microsoft Word", None, None,
            "scripting error"),
        _ok(8, _dt(2024, 3, 5, 10, 0, 4), "UNKNOWN", None, "com.apple.xpc.launchd", None, None,
            "Path not allowed"),
        _ok(9, _dt(2024, 3, 5, 10, 0, 5), "UNKNOWN", None, "sandboxd", None, None,
            "deny network-outbound"),
        _ok(10, _dt(2024, 3, 5, 10, 0, 6), "UNKNOWN", None, "root", None, None,
            "ROOT LOGIN ON tty2"),
        _bad(11, "does not match the syslog_rfc3164 format"),
    ],
    "syslog_iso": [
        _ok(1, _dt(2024, 3, 5, 9, 0, 0, 500000), "UNKNOWN", None, "postgres", None, None,
            "checkpoint complete"),
        _ok(2, _dt(2024, 3, 5, 10, 0, 1), "WARN", "4", "app", None, None, "low disk"),
        _bad(3, "empty message"),
        _bad(4, "does not match the syslog_iso format"),
        _bad(5, "unparseable timestamp: 2024-13-05T10:00:04Z"),
    ],
    "log4j": [
        _ok(1, _dt(2024, 3, 5, 10, 0, 0, 1000), "INFO", "INFO", "com.shop.App", None, None,
            "started"),
        _ok(2, _dt(2024, 3, 5, 10, 0, 1, 500000), "ERROR", "ERROR", "com.shop.Db", None, None,
            "query failed\njava.sql.SQLException: timeout\n\tat com.shop.Db.run(Db.java:10)",
            continuation_lines=2),
        _bad(5, "unparseable timestamp: 2024-13-05 10:00:02,000"),
        _bad(6, "empty message"),
    ],
    "python_dashed": [
        _ok(1, _dt(2024, 3, 5, 10, 0, 0), "INFO", "INFO", "shop.web", None, None,
            "request done"),
        _ok(2, _dt(2024, 3, 5, 10, 0, 1, 250000), "ERROR", "ERROR", "shop.db", None, None,
            "boom\nTraceback (most recent call last):\n"
            '  File "app.py", line 3, in <module>\nZeroDivisionError: division by zero',
            continuation_lines=3),
        _bad(6, "empty message"),
    ],
    "python_levelname": [
        _ok(1, _dt(2024, 3, 5, 10, 0, 0), "INFO", "INFO", "shop.web", None, None, "started"),
        _ok(2, _dt(2024, 3, 5, 10, 0, 1), "CRITICAL", "CRITICAL", "shop.db", None, None,
            "lost connection\n  retrying in 5s", continuation_lines=1),
        _bad(5, "empty message"),
    ],
    # Python's default format has no time: every record is malformed, none is lost
    "python_bare": [
        _bad(1, "missing timestamp"),
        _bad(2, "missing timestamp", continuation_lines=1),
    ],
    "logcat": [
        _ok(2, _dt(2024, 3, 5, 10, 0, 0, 123000), "INFO", "I", "ActivityManager", None, None,
            "Start proc"),
        _ok(3, _dt(2024, 3, 5, 10, 0, 1), "ERROR", "E", "AndroidRuntime", None, None,
            "FATAL EXCEPTION: main"),
        # logcat repeats its prefix on every line: an unprefixed line is not a continuation
        _bad(4, "does not match the logcat format"),
        _ok(5, _dt(2023, 12, 31, 23, 59, 59, 999000), "WARN", "W", "Tag", None, None, "late"),
        _bad(6, "unparseable timestamp: 02-30 10:00:00.000"),
    ],
    "glog": [
        _ok(2, _dt(2024, 3, 5, 10, 0, 0, 123456), "INFO", "I", "server.cc", None, None,
            "Listening on port 80"),
        _ok(3, _dt(2024, 3, 5, 10, 0, 1, 1), "ERROR", "E", "db.cc", None, None,
            "Query failed:\n  deadline exceeded", continuation_lines=1),
        _ok(5, _dt(2023, 12, 31, 23, 59, 59, 999999), "WARN", "W", "main.cc", None, None,
            "shutting down"),
        _bad(6, "empty message"),
    ],
    "logfmt": [
        _ok(1, _dt(2024, 3, 5, 10, 0, 0), "INFO", "info", "auth", "10.1.1.1", "/login",
            "user logged in"),
        _ok(2, _dt(2024, 3, 5, 10, 0, 1, 250000), "ERROR", "error", "billing", None, None,
            "timeout"),
        _bad(3, "unparseable timestamp: yesterday"),
        _bad(4, "does not match the logfmt format"),
        # no msg key: the whole line is the message
        _ok(5, _dt(2024, 3, 5, 10, 0, 2), "DEBUG", "debug", None, None, None,
            "time=2024-03-05T10:00:02Z level=debug duration=5ms"),
    ],
    "w3c": [
        _ok(3, _dt(2024, 3, 5, 10, 0, 0), "INFO", "200", "W3SVC1", "10.2.2.2", "/default.htm",
            "GET /default.htm"),
        _ok(4, _dt(2024, 3, 5, 10, 0, 1), "ERROR", "500", "W3SVC1", "10.2.2.3", "/api/login",
            "POST /api/login"),
        _bad(5, "does not match the w3c format"),
        _bad(6, "unparseable timestamp: 2024-03-05 25:00:00"),
    ],
}

YEARLESS = {"syslog_rfc3164", "logcat", "glog"}


@pytest.fixture(scope="module")
def read_back(spark, tmp_path_factory):
    """(file name -> detected format name, file name -> its rows ordered by line): one read."""
    found, rows = read_folder_rows(
        spark, tmp_path_factory.mktemp("builtin_formats"), FILES.values(),
        dated=[FILES[fmt][0] for fmt in YEARLESS], mtime=MTIME)
    return {name: f.format_name for name, f in found.items()}, rows


def test_every_core_format_has_a_file():
    # the other families (formats/*.py) have test files of their own (tests/engine/formats/)
    from logdesk.engine.formats.core import FORMATS
    from logdesk.engine.text_formats import W3C_FORMAT_NAME

    assert set(FILES) == {f.name for f in FORMATS} | {W3C_FORMAT_NAME}
    assert set(EXPECTED) == set(FILES)


@pytest.mark.parametrize("fmt", sorted(FILES))
def test_built_in_format_rows(read_back, fmt):
    detected, rows = read_back
    name = FILES[fmt][0]
    assert detected[name] == fmt
    assert rows.get(name, []) == EXPECTED[fmt]


def test_w3c_local_time_fields_and_doubled_quotes(spark, tmp_path):
    """IIS Advanced Logging names its time fields date-local/time-local and doubles a quote
    inside a quoted field: 3 data lines = 2 records + 1 malformed."""
    found, rows = read_folder_rows(spark, tmp_path, [(
        "advanced.log",
        "#Software: IIS Advanced Logging Module\n"
        "\n"
        "#Fields:   date-local time-local   s-ip   cs-method cs-uri-stem c-ip sc-status "
        "sc-substatus\n"
        '2024-03-05 10:00:00.250 10.0.0.1 GET /a "10.9.9.9" 200 " ""odd"" value "\n'
        "2024-03-05 10:00:01.500 10.0.0.1 GET /b - 503 0\n"
        "2024-03-05 10:00:02.000 10.0.0.1 GET\n",
    )])
    assert found["advanced.log"].format_name == "w3c"
    assert rows["advanced.log"] == [
        _ok(4, _dt(2024, 3, 5, 10, 0, 0, 250000), "INFO", "200", None, "10.9.9.9", "/a",
            "GET /a"),
        _ok(5, _dt(2024, 3, 5, 10, 0, 1, 500000), "ERROR", "503", None, "-", "/b", "GET /b"),
        _bad(6, "does not match the w3c format"),
    ]
