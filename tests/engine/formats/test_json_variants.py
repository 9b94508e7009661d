"""JSON-lines dialects read end to end (readers/json_fields.py): Docker's json-file, the systemd
journal's JSON export, Rust tracing's JSON, MongoDB 4.4+ logs, and the guards that keep their
short keys from meaning anything in other JSON. A small file per dialect, written here, goes
through discovery and the readers once; each test checks one file's exact rows.

Expectations are worked out by hand from the lines below, not from the code under test.
Timestamps are UTC (the test session's zone); 1709633472 is 2024-03-05 10:11:12 UTC."""

from __future__ import annotations


import pytest
from test_builtin_formats_read import _bad, _dt, _ok

from logdesk.engine.discover import FORMAT_JSONL
from logdesk.engine.readers.json_reader import NOT_JSON_OBJECT_REASON
from format_files import read_folder_rows

# dialect -> (file name, content)
FILES: dict[str, tuple[str, str]] = {
    # /var/lib/docker/containers/<id>/<id>-json.log: a .log file whose lines are JSON
    "docker": (
        "0123abcd-json.log",
        (
            '{"log":"Listening on :8080\\n","stream":"stdout",'
            '"time":"2024-03-05T10:11:12.123456789Z"}\n'
            '{"log":"ERROR database unreachable\\n","stream":"stderr",'
            '"time":"2024-03-05T10:11:13.000000001Z"}\n'
            '{"log":"plain stderr output\\n","stream":"stderr","time":"2024-03-05T10:11:14Z"}\n'
            '{"log":"2024-03-05 10:11:15,000 WARN [main] c.e.App - slow\\n","stream":"stdout",'
            '"time":"2024-03-05T10:11:15Z"}\n'
            '{"log":"W0305 10:11:16.000000       1 reflector.go:1] watch closed\\n",'
            '"stream":"stderr","time":"2024-03-05T10:11:16Z"}\n'
            '{"log":"\\n","stream":"stdout","time":"2024-03-05T10:11:17Z"}\n'
            '{"log":"tagged\\n","stream":"stdout","attrs":{"tag":"web"},'
            '"time":"2024-03-05T10:11:18Z"}\n'
            "not json\n"
        ),
    ),
    # journalctl -o json
    "journald": (
        "journal.json",
        (
            '{"__CURSOR":"s=1;i=1","__REALTIME_TIMESTAMP":"1709633472123456",'
            '"__MONOTONIC_TIMESTAMP":"123","_HOSTNAME":"web01","PRIORITY":"6",'
            '"SYSLOG_IDENTIFIER":"sshd","_COMM":"sshd","_PID":"811",'
            '"MESSAGE":"Accepted publickey for bob"}\n'
            '{"__REALTIME_TIMESTAMP":"1709633473000000","PRIORITY":"3","_COMM":"smartd",'
            '"MESSAGE":"Device: /dev/sda, 8 Currently unreadable sectors"}\n'
            '{"__REALTIME_TIMESTAMP":"1709633474000000","PRIORITY":"0",'
            '"SYSLOG_IDENTIFIER":"kernel","MESSAGE":"Kernel panic - not syncing"}\n'
            '{"__REALTIME_TIMESTAMP":"1709633475000000","SYSLOG_IDENTIFIER":"app",'
            '"MESSAGE":[104,105]}\n'
            '{"__REALTIME_TIMESTAMP":"17096334760","PRIORITY":"7","MESSAGE":"short stamp"}\n'
            '{"PRIORITY":"4","MESSAGE":"no time"}\n'
        ),
    ),
    # tracing_subscriber::fmt().json()
    "tracing": (
        "tracing.json",
        (
            '{"timestamp":"2024-03-05T10:11:12.123456Z","level":"INFO","fields":{"message":'
            '"listening","addr":"0.0.0.0:8080"},"target":"shop::server"}\n'
            '{"timestamp":"2024-03-05T10:11:13.000000Z","level":"ERROR","fields":{"message":'
            '"query failed","err":"timeout"},"target":"shop::db","span":{"id":7,"name":'
            '"request"},"spans":[{"id":7,"name":"request"}]}\n'
            '{"timestamp":"2024-03-05T10:11:14Z","level":"TRACE","message":"flattened event",'
            '"target":"shop"}\n'
            '{"timestamp":"2024-03-05T10:11:15Z","level":"DEBUG","fields":{"count":3},'
            '"target":"shop"}\n'
        ),
    ),
    # mongod.log since MongoDB 4.4 (a .log file whose lines are JSON)
    "mongodb": (
        "mongod.log",
        (
            '{"t":{"$date":"2024-03-05T10:11:12.123+00:00"},"s":"I",  "c":"NETWORK",  '
            '"id":22943,   "ctx":"listener","msg":"Connection accepted","attr":{"remote":'
            '"10.0.0.7:50312","connectionCount":3}}\n'
            '{"t":{"$date":"2024-03-05T11:11:13.000+01:00"},"s":"W",  "c":"STORAGE",  '
            '"id":22220,   "ctx":"initandlisten","msg":"Detected unclean shutdown"}\n'
            '{"t":{"$date":"2024-03-05T10:11:14.000+00:00"},"s":"E",  "c":"REPL",     '
            '"id":21799,   "ctx":"ReplCoord-0","msg":"Sync source was cleared"}\n'
            '{"t":{"$date":"2024-03-05T10:11:15.000+00:00"},"s":"F",  "c":"-",        '
            '"id":23091,   "ctx":"conn1","msg":"Fatal assertion"}\n'
            '{"t":{"$date":"2024-03-05T10:11:16.000+00:00"},"s":"D2", "c":"COMMAND",  '
            '"id":51803,   "ctx":"conn2","msg":"Slow query"}\n'
            '{"t":{"$date":"not a date"},"s":"I","c":"NETWORK","id":1,"ctx":"x","msg":"bad"}\n'
        ),
    ),
    # the dialects' short keys alone mean nothing
    "guards": (
        "other.jsonl",
        (
            '{"time":"2024-03-05T10:11:17Z","s":"E","c":"X","msg":"s and c without t.$date"}\n'
            '{"time":"2024-03-05T10:11:18Z","msg":"deploy done","target":"prod eu-west"}\n'
            '{"time":"2024-03-05T10:11:19Z","stream":"stderr","msg":"ERROR not in a log key"}\n'
            '{"time":"1709633479123456789","msg":"epoch nanoseconds"}\n'
        ),
    ),
    # access logs as JSON, without a message: Cloudflare Logpush (epoch nanoseconds), nginx's
    # escape=json log_format (epoch milliseconds, one of them with a fraction)
    "cloudflare": (
        "cloudflare_logpush.json",
        (
            '{"ClientIP":"10.0.0.1","ClientRequestMethod":"GET","ClientRequestURI":"/about",'
            '"EdgeEndTimestamp":1709633472900000000,"EdgeResponseStatus":200,'
            '"EdgeStartTimestamp":1709633472100000000}\n'
            '{"ClientIP":"10.0.0.2","ClientRequestMethod":"POST","ClientRequestURI":"/login",'
            '"EdgeResponseStatus":503,"EdgeStartTimestamp":1709633473000000000}\n'
            '{"ClientIP":"10.0.0.3","EdgeStartTimestamp":1709633474000000000}\n'
        ),
    ),
    "nginx_json": (
        "nginx_access.json",
        (
            '{ "started_at": 1709633472123, "response": { "status": 200 }, "request": '
            '{ "method": "GET", "uri": "\\/example\\/uri\\/5" }, "client_ip": "1.1.1.1" }\n'
            '{ "started_at": 1709633473000.0, "response": { "status": 500 }, "request": '
            '{ "method": "GET", "uri": "\\/fail" }, "client_ip": "1.1.1.2" }\n'
        ),
    ),
    # log4j2's JsonLayout / JsonTemplateLayout: the time as instant.epochSecond (+ nanoOfSecond,
    # not read: the record is to the second)
    "log4j2_json": (
        "log4j2.json",
        (
            '{"instant":{"epochSecond":1709633472,"nanoOfSecond":484000000},"level":"WARN",'
            '"loggerName":"com.shop.App","message":"Hello, World!"}\n'
            '{"instant":{"epochSecond":1709633473,"nanoOfSecond":0},"level":"ERROR",'
            '"message":"Goodbye, World!"}\n'
        ),
    ),
}

# dialect -> rows, ordered by line:
# (line, ts, level, raw_level, service, ip, endpoint, message, continuation_lines, reason)
EXPECTED: dict[str, list[tuple]] = {
    # stderr is no level; a level only where the log text starts with one
    "docker": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 123456), "UNKNOWN", None, None, None, None,
            "Listening on :8080"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13), "ERROR", "ERROR", None, None, None,
            "ERROR database unreachable"),
        _ok(3, _dt(2024, 3, 5, 10, 11, 14), "UNKNOWN", None, None, None, None,
            "plain stderr output"),
        _ok(4, _dt(2024, 3, 5, 10, 11, 15), "WARN", "WARN", None, None, None,
            "2024-03-05 10:11:15,000 WARN [main] c.e.App - slow"),
        _ok(5, _dt(2024, 3, 5, 10, 11, 16), "WARN", "W", None, None, None,
            "W0305 10:11:16.000000       1 reflector.go:1] watch closed"),
        _bad(6, "missing message"),
        _ok(7, _dt(2024, 3, 5, 10, 11, 18), "UNKNOWN", None, "web", None, None, "tagged"),
        _bad(8, NOT_JSON_OBJECT_REASON),
    ],
    # PRIORITY is the syslog severity; the service is SYSLOG_IDENTIFIER, else _COMM
    "journald": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 123456), "INFO", "6", "sshd", None, None,
            "Accepted publickey for bob"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13), "ERROR", "3", "smartd", None, None,
            "Device: /dev/sda, 8 Currently unreadable sectors"),
        _ok(3, _dt(2024, 3, 5, 10, 11, 14), "CRITICAL", "0", "kernel", None, None,
            "Kernel panic - not syncing"),
        # a MESSAGE journald could not store as text comes as an array of bytes: kept as is
        _ok(4, _dt(2024, 3, 5, 10, 11, 15), "UNKNOWN", None, "app", None, None, "[104,105]"),
        _bad(5, "unparseable timestamp: 17096334760"),
        _bad(6, "missing timestamp"),
    ],
    "tracing": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 123456), "INFO", "INFO", "shop::server", None,
            None, "listening"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13), "ERROR", "ERROR", "shop::db", None, None,
            "query failed"),
        # flatten_event(true): the message at the top
        _ok(3, _dt(2024, 3, 5, 10, 11, 14), "DEBUG", "TRACE", "shop", None, None,
            "flattened event"),
        _bad(4, "missing message"),
    ],
    # s: F E W I D1..D5; c: the component
    "mongodb": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 123000), "INFO", "I", "NETWORK", None, None,
            "Connection accepted"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13), "WARN", "W", "STORAGE", None, None,
            "Detected unclean shutdown"),
        _ok(3, _dt(2024, 3, 5, 10, 11, 14), "ERROR", "E", "REPL", None, None,
            "Sync source was cleared"),
        _ok(4, _dt(2024, 3, 5, 10, 11, 15), "CRITICAL", "F", "-", None, None,
            "Fatal assertion"),
        _ok(5, _dt(2024, 3, 5, 10, 11, 16), "DEBUG", "D2", "COMMAND", None, None,
            "Slow query"),
        _bad(6, "unparseable timestamp: not a date"),
    ],
    "guards": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 17), "UNKNOWN", None, None, None, None,
            "s and c without t.$date"),
        # a target that is no Rust module path is not tracing's
        _ok(2, _dt(2024, 3, 5, 10, 11, 18), "UNKNOWN", None, None, None, None, "deploy done"),
        _ok(3, _dt(2024, 3, 5, 10, 11, 19), "UNKNOWN", None, None, None, None,
            "ERROR not in a log key"),
        _ok(4, _dt(2024, 3, 5, 10, 11, 19, 123456), "UNKNOWN", None, None, None, None,
            "epoch nanoseconds"),
    ],
    # the request's path is the message and the endpoint (no level from the status, yet)
    "cloudflare": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 100000), "UNKNOWN", None, None, "10.0.0.1", "/about",
            "/about"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13), "UNKNOWN", None, None, "10.0.0.2", "/login",
            "/login"),
        _bad(3, "missing message"),
    ],
    "nginx_json": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 123000), "UNKNOWN", None, None, "1.1.1.1",
            "/example/uri/5", "/example/uri/5"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13), "UNKNOWN", None, None, "1.1.1.2", "/fail", "/fail"),
    ],
    "log4j2_json": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12), "WARN", "WARN", None, None, None, "Hello, World!"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13), "ERROR", "ERROR", None, None, None,
            "Goodbye, World!"),
    ],
}


@pytest.fixture(scope="module")
def read_back(spark, tmp_path_factory):
    """(file name -> discovered format, file name -> its rows ordered by line): one read."""
    found, rows = read_folder_rows(spark, tmp_path_factory.mktemp("json_variants"), FILES.values())
    return {name: f.format for name, f in found.items()}, rows


def test_every_dialect_has_rows():
    assert set(EXPECTED) == set(FILES)


@pytest.mark.parametrize("dialect", sorted(FILES))
def test_json_dialect_rows(read_back, dialect):
    formats, rows = read_back
    name = FILES[dialect][0]
    assert formats[name] == FORMAT_JSONL
    assert rows.get(name, []) == EXPECTED[dialect]
