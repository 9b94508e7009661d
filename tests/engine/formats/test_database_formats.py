"""The database formats (logdesk/engine/formats/databases.py) read end to end: a small file per
case, written here, goes through discovery and the readers once; each test checks one file's
format and its exact rows (records, levels, timestamps, folded continuation lines, malformed
lines).

Expectations are worked out by hand from the lines below, not from the code under test.
Timestamps are UTC (the test session's zone). The files are read with the default level
mapping, which holds these servers' level words (MySQL Note/System, PostgreSQL LOG/DETAIL/...,
Redis * # .).
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from logdesk.engine.discover import FORMAT_CSV, FORMAT_TEXT, discover_inputs
from logdesk.engine.formats import databases
from logdesk.engine.text_formats import BUILTIN_FORMATS, detect_text_format
from logdesk.settings import DEFAULT_LEVEL_MAPPING, Settings
from format_files import read_folder_rows

DB = {f.name: f for f in databases.FORMATS}
SETTINGS = Settings()


def _text(*lines: str) -> str:
    return "\n".join(lines) + "\n"


_MYSQLD_HEADER = (
    "/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:",
    "Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock",
    "Time                 Id Command    Argument",
)
_PGBADGER = "user=app,db=shop,app=psql,client=10.0.0.5"

# case -> (file name, content); a case is its format's name, or that name and a variant
FILES: dict[str, tuple[str, str]] = {
    "mysql_error": ("mysqld.log", _text(
        "2024-03-05T10:11:12.123456Z 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld "
        "8.0.36) starting as process 1",
        "2024-03-05T10:11:13.000001Z 0 [Warning] [MY-010068] [Server] CA certificate ca.pem is "
        "self signed.",
        "2024-03-05T11:11:14.500000+01:00 8 [ERROR] [MY-012592] [InnoDB] Operating system error "
        "number 2 in a file operation.",
        "2024-03-05T10:11:15.000000Z 0 [ERROR] [MY-013183] [InnoDB] Assertion failure: "
        "ibuf0ibuf.cc:3833:ib::fatal triggered thread 140001",
        "InnoDB: We intentionally generate a memory trap.",
        "InnoDB: Submit a detailed bug report to http://bugs.mysql.com.",
        "2024-03-05T10:11:16.000000Z 2 [Note] [MY-010914] [Server] Aborted connection 2 to db: "
        "'shop' user: 'app' host: '10.0.0.5' (Got an error reading communication packets).",
        "2024-13-05T10:11:17.000000Z 0 [Warning] [MY-010055] [Server] IP address '10.0.0.9' "
        "could not be resolved",
    )),
    # MySQL <= 5.5 (and MariaDB): yymmdd, a space-padded hour, InnoDB lines without a level
    "mysql_error_legacy": ("mysql_legacy.err", _text(
        "240305  9:58:01 mysqld_safe Starting mysqld daemon with databases from /var/lib/mysql",
        "240305  9:58:01 [Note] Plugin 'FEDERATED' is disabled.",
        "240305  9:58:02  InnoDB: Operating system error number 13 in a file operation.",
        "InnoDB: The error means mysqld does not have the access rights to",
        "InnoDB: the directory.",
        "240305 10:02:13 [Warning] Changed limits: max_open_files: 1024 (requested 5000)",
        "240305 10:02:14 [ERROR] Aborting",
        "",
        "240305 10:02:15 [Note] /usr/sbin/mysqld: Shutdown complete",
        "",
        "240230 10:02:16 mysqld_safe mysqld from pid file /var/run/mysqld/mysqld.pid ended",
    )),
    "mysql_general": ("general.log", _text(
        *_MYSQLD_HEADER,
        "2024-03-05T10:11:12.123456Z\t    8 Connect\tapp@10.0.0.5 on shop using TCP/IP",
        "2024-03-05T10:11:12.200000Z\t    8 Query\tSET NAMES utf8mb4",
        "2024-03-05T10:11:12.300000Z\t    8 Query\tSELECT id, name",
        "FROM items",
        "WHERE price > 10",
        "2024-03-05T10:11:13.000000Z\t    8 Init DB\tshop",
        "2024-03-05T10:11:14.000000Z\t    8 Quit\t",
        "2024-03-05T25:11:15.000000Z\t    9 Query\tSELECT 1",
    )),
    "mysql_slow": ("slow.log", _text(
        *_MYSQLD_HEADER,
        "# Time: 2024-03-05T10:11:12.123456Z",
        "# User@Host: app[app] @  [10.0.0.5]  Id:     8",
        "# Query_time: 2.500123  Lock_time: 0.000100 Rows_sent: 1  Rows_examined: 500000",
        "use shop;",
        "SET timestamp=1709633472;",
        "SELECT COUNT(*) FROM orders WHERE note LIKE '%gift%';",
        "# Time: 2024-03-05T10:11:20.000001Z",
        "# User@Host: app[app] @  [10.0.0.6]  Id:     9",
        "# Query_time: 1.000000  Lock_time: 0.000000 Rows_sent: 0  Rows_examined: 100000",
        "SET timestamp=1709633480;",
        "UPDATE items",
        "SET price = price * 1.1;",
        "# Time: 2024-03-05T10:11:99.000000Z",
        "# User@Host: app[app] @  [10.0.0.6]  Id:     9",
        "# Query_time: 0.000200  Lock_time: 0.000000 Rows_sent: 1  Rows_examined: 0",
        "SELECT 1;",
    )),
    # MariaDB / MySQL <= 5.6: `# Time:` only when the second changes
    "mysql_slow_legacy": ("mariadb-slow.log", _text(
        "# Time: 240305  9:11:12",
        "# User@Host: app[app] @ localhost []",
        "# Query_time: 3.000000  Lock_time: 0.000000  Rows_sent: 0  Rows_examined: 900000",
        "SET timestamp=1709629872;",
        "DELETE FROM sessions WHERE expires < NOW();",
        "# User@Host: app[app] @ localhost []",
        "# Query_time: 2.000000  Lock_time: 0.000000  Rows_sent: 1  Rows_examined: 800000",
        "SELECT MAX(id) FROM sessions;",
    )),
    # the default log_line_prefix '%m [%p] '
    "postgresql": ("postgresql-16-main.log", _text(
        "2024-03-05 10:11:12.123 UTC [4242] LOG:  database system is ready to accept connections",
        '2024-03-05 10:11:13.000 UTC [4300] ERROR:  column "nme" does not exist at character 8',
        '2024-03-05 10:11:13.000 UTC [4300] HINT:  Perhaps you meant to reference the column '
        '"items.name".',
        "2024-03-05 10:11:13.000 UTC [4300] STATEMENT:  SELECT nme",
        "\tFROM items",
        "\tWHERE id = 1;",
        '2024-03-05 10:11:14.500 UTC [4300] ERROR:  duplicate key value violates unique '
        'constraint "items_pkey"',
        "2024-03-05 10:11:14.500 UTC [4300] DETAIL:  Key (id)=(7) already exists.",
        '2024-03-05 10:11:15.000 UTC [4301] FATAL:  password authentication failed for user '
        '"app"',
        '2024-03-05 10:11:16.000 UTC [4242] WARNING:  could not open statistics file '
        '"pg_stat_tmp/global.stat": Operation not permitted',
        '2024-03-05 10:11:17.000 UTC [4303] DEBUG2:  autovacuum: processing database "shop"',
        "2024-03-05 12:11:18.000 +02 [4242] LOG:  checkpoint starting: time",
        "2024-03-05 10:11:99.000 UTC [4242] LOG:  checkpoint complete",
    )),
    # pgBadger's '%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ', Debian's '%m [%p] %q%u@%d '
    # and RDS's '%t:%r:%u@%d:[%p]:', zone names (CEST, in summer)
    "postgresql_prefixed": ("postgresql.log", _text(
        f"2024-07-05 12:11:12 CEST [5001]: [1-1] {_PGBADGER} LOG:  connection authorized: "
        "user=app database=shop",
        f"2024-07-05 12:11:13 CEST [5001]: [2-1] {_PGBADGER} ERROR:  permission denied for table "
        "payments",
        f"2024-07-05 12:11:13 CEST [5001]: [3-1] {_PGBADGER} STATEMENT:  DELETE FROM payments;",
        "2024-07-05 12:11:14 CEST [5002]: [1-1] user=[unknown],db=[unknown],app=[unknown],"
        "client=[local] LOG:  connection received: host=[local]",
        "2024-07-05 12:11:15 CEST [4242]: [5-1] user=,db=,app=,client= LOG:  checkpoint "
        "complete: wrote 3 buffers (0.0%)",
        "2024-07-05 12:11:16.250 CEST [5003] postgres@billing NOTICE:  table \"t\" does not "
        "exist, skipping",
        "2024-07-05 10:11:17 UTC:10.0.0.7(51234):report@analytics:[5004]:PANIC:  could not "
        "write to file \"pg_wal/xlogtemp.5004\": No space left on device",
    )),
    "redis": ("redis-server.log", _text(
        "1:C 05 Mar 2024 10:11:12.001 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
        "1:C 05 Mar 2024 10:11:12.001 # Redis version=6.2.14, bits=64, commit=00000000, "
        "modified=0, pid=1, just started",
        "1:M 05 Mar 2024 10:11:12.003 * Running mode=standalone, port=6379.",
        "                _._",
        "           _.-``__ ''-._",
        "      _.-``    `.  `_.  ''-._           Redis 6.2.14 (00000000/0) 64 bit",
        "1:M 05 Mar 2024 10:11:12.005 * Ready to accept connections",
        "1:M 05 Mar 2024 10:11:20.100 - Accepted 172.17.0.1:53422",
        "1:M 05 Mar 2024 10:11:21.000 . Client closed connection",
        "1:signal-handler (1709633490) Received SIGTERM scheduling shutdown...",
        "1:S 05 Mar 2024 10:11:31.000 * Connecting to MASTER 10.0.0.1:6379",
        "1:M 05 Mar 2024 25:11:40.000 * bad hour",
    )),
    "mongodb": ("mongod.log", _text(
        "2024-03-05T10:11:12.123+0000 I CONTROL  [initandlisten] MongoDB starting : pid=1 "
        "port=27017 dbpath=/data/db 64-bit host=db1",
        "2024-03-05T10:11:12.200+0000 W STORAGE  [initandlisten] Detected unclean shutdown - "
        "/data/db/mongod.lock is not empty.",
        "2024-03-05T11:11:13.000+0100 I NETWORK  [listener] connection accepted from "
        "10.0.0.5:50312 #1 (1 connection now open)",
        "2024-03-05T10:11:13.500+0000 D1 COMMAND  [conn1] run command admin.$cmd { isMaster: 1 }",
        "2024-03-05T10:11:14.000+0000 E QUERY    [conn1] Plan executor error during find "
        "command: FAILURE",
        "2024-03-05T10:11:15.000+0000 F -        [conn1] Got signal: 11 (Segmentation fault).",
        "----- BEGIN BACKTRACE -----",
        '{"backtrace":[{"b":"55D0C3A00000","o":"1F2E3D4"}]}',
        " mongod(_ZN5mongo15printStackTraceERSo+0x41) [0x55d0c4bf2e3d]",
        "-----  END BACKTRACE  -----",
        "2024-03-05T10:11:61.000+0000 I NETWORK  [conn2] end connection 10.0.0.5:50312",
    )),
}

_VARIANT = re.compile(r"_(?:legacy|prefixed)$")


def format_of(case: str):
    return DB[_VARIANT.sub("", case)]


def _ok(line, ts, level, raw_level, service, ip, endpoint, message, continuation_lines=0):
    return (line, ts, level, raw_level, service, ip, endpoint, message, continuation_lines, None)


def _bad(line, reason, continuation_lines=0):
    return (line, None, None, None, None, None, None, None, continuation_lines, reason)


def _dt(*args) -> datetime:
    return datetime(*args)


# case -> rows, ordered by line:
# (line, ts, level, raw_level, service, ip, endpoint, message, continuation_lines, reason)
EXPECTED: dict[str, list[tuple]] = {
    "mysql_error": [
        # 8.0's subsystem is the service; System and Note are LEVEL_WORDS
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 123456), "INFO", "System", "Server", None, None,
            "/usr/sbin/mysqld (mysqld 8.0.36) starting as process 1"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13, 1), "WARN", "Warning", "Server", None, None,
            "CA certificate ca.pem is self signed."),
        _ok(3, _dt(2024, 3, 5, 10, 11, 14, 500000), "ERROR", "ERROR", "InnoDB", None, None,
            "Operating system error number 2 in a file operation."),
        _ok(4, _dt(2024, 3, 5, 10, 11, 15), "ERROR", "ERROR", "InnoDB", None, None,
            "Assertion failure: ibuf0ibuf.cc:3833:ib::fatal triggered thread 140001\n"
            "InnoDB: We intentionally generate a memory trap.\n"
            "InnoDB: Submit a detailed bug report to http://bugs.mysql.com.",
            continuation_lines=2),
        _ok(7, _dt(2024, 3, 5, 10, 11, 16), "INFO", "Note", "Server", None, None,
            "Aborted connection 2 to db: 'shop' user: 'app' host: '10.0.0.5' (Got an error "
            "reading communication packets)."),
        _bad(8, "unparseable timestamp: 2024-13-05T10:11:17.000000Z"),
    ],
    "mysql_error_legacy": [
        # mysqld_safe and InnoDB lines carry no level
        _ok(1, _dt(2024, 3, 5, 9, 58, 1), "UNKNOWN", None, None, None, None,
            "mysqld_safe Starting mysqld daemon with databases from /var/lib/mysql"),
        _ok(2, _dt(2024, 3, 5, 9, 58, 1), "INFO", "Note", None, None, None,
            "Plugin 'FEDERATED' is disabled."),
        _ok(3, _dt(2024, 3, 5, 9, 58, 2), "UNKNOWN", None, None, None, None,
            "InnoDB: Operating system error number 13 in a file operation.\n"
            "InnoDB: The error means mysqld does not have the access rights to\n"
            "InnoDB: the directory.", continuation_lines=2),
        _ok(6, _dt(2024, 3, 5, 10, 2, 13), "WARN", "Warning", None, None, None,
            "Changed limits: max_open_files: 1024 (requested 5000)"),
        _ok(7, _dt(2024, 3, 5, 10, 2, 14), "ERROR", "ERROR", None, None, None, "Aborting"),
        # blank lines 8 and 10 belong to no record
        _ok(9, _dt(2024, 3, 5, 10, 2, 15), "INFO", "Note", None, None, None,
            "/usr/sbin/mysqld: Shutdown complete"),
        _bad(11, "unparseable timestamp: 240230 10:02:16"),
    ],
    "mysql_general": [
        # the header (lines 1-3) is skipped; no level in this log; a Connect gives the client
        _ok(4, _dt(2024, 3, 5, 10, 11, 12, 123456), "UNKNOWN", None, None, "10.0.0.5", None,
            "Connect\tapp@10.0.0.5 on shop using TCP/IP"),
        _ok(5, _dt(2024, 3, 5, 10, 11, 12, 200000), "UNKNOWN", None, None, None, None,
            "Query\tSET NAMES utf8mb4"),
        _ok(6, _dt(2024, 3, 5, 10, 11, 12, 300000), "UNKNOWN", None, None, None, None,
            "Query\tSELECT id, name\nFROM items\nWHERE price > 10", continuation_lines=2),
        _ok(9, _dt(2024, 3, 5, 10, 11, 13), "UNKNOWN", None, None, None, None, "Init DB\tshop"),
        _ok(10, _dt(2024, 3, 5, 10, 11, 14), "UNKNOWN", None, None, None, None, "Quit"),
        _bad(11, "unparseable timestamp: 2024-03-05T25:11:15.000000Z"),
    ],
    "mysql_slow": [
        # an entry's lines after `# Time:` are its message
        _ok(4, _dt(2024, 3, 5, 10, 11, 12, 123456), "UNKNOWN", None, None, None, None,
            "# User@Host: app[app] @  [10.0.0.5]  Id:     8\n"
            "# Query_time: 2.500123  Lock_time: 0.000100 Rows_sent: 1  Rows_examined: 500000\n"
            "use shop;\nSET timestamp=1709633472;\n"
            "SELECT COUNT(*) FROM orders WHERE note LIKE '%gift%';", continuation_lines=5),
        _ok(10, _dt(2024, 3, 5, 10, 11, 20, 1), "UNKNOWN", None, None, None, None,
            "# User@Host: app[app] @  [10.0.0.6]  Id:     9\n"
            "# Query_time: 1.000000  Lock_time: 0.000000 Rows_sent: 0  Rows_examined: 100000\n"
            "SET timestamp=1709633480;\nUPDATE items\nSET price = price * 1.1;",
            continuation_lines=5),
        _bad(16, "unparseable timestamp: 2024-03-05T10:11:99.000000Z", continuation_lines=3),
    ],
    "mysql_slow_legacy": [
        # the second entry has no `# Time:` of its own: it is folded into the first
        _ok(1, _dt(2024, 3, 5, 9, 11, 12), "UNKNOWN", None, None, None, None,
            "# User@Host: app[app] @ localhost []\n"
            "# Query_time: 3.000000  Lock_time: 0.000000  Rows_sent: 0  Rows_examined: 900000\n"
            "SET timestamp=1709629872;\nDELETE FROM sessions WHERE expires < NOW();\n"
            "# User@Host: app[app] @ localhost []\n"
            "# Query_time: 2.000000  Lock_time: 0.000000  Rows_sent: 1  Rows_examined: 800000\n"
            "SELECT MAX(id) FROM sessions;", continuation_lines=7),
    ],
    "postgresql": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 123000), "INFO", "LOG", None, None, None,
            "database system is ready to accept connections"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13), "ERROR", "ERROR", None, None, None,
            'column "nme" does not exist at character 8'),
        # HINT, STATEMENT and DETAIL are records of their own, at INFO (LEVEL_WORDS)
        _ok(3, _dt(2024, 3, 5, 10, 11, 13), "INFO", "HINT", None, None, None,
            'Perhaps you meant to reference the column "items.name".'),
        _ok(4, _dt(2024, 3, 5, 10, 11, 13), "INFO", "STATEMENT", None, None, None,
            "SELECT nme\n\tFROM items\n\tWHERE id = 1;", continuation_lines=2),
        _ok(7, _dt(2024, 3, 5, 10, 11, 14, 500000), "ERROR", "ERROR", None, None, None,
            'duplicate key value violates unique constraint "items_pkey"'),
        _ok(8, _dt(2024, 3, 5, 10, 11, 14, 500000), "INFO", "DETAIL", None, None, None,
            "Key (id)=(7) already exists."),
        _ok(9, _dt(2024, 3, 5, 10, 11, 15), "CRITICAL", "FATAL", None, None, None,
            'password authentication failed for user "app"'),
        _ok(10, _dt(2024, 3, 5, 10, 11, 16), "WARN", "WARNING", None, None, None,
            'could not open statistics file "pg_stat_tmp/global.stat": Operation not permitted'),
        # DEBUG1..5 are read as DEBUG
        _ok(11, _dt(2024, 3, 5, 10, 11, 17), "DEBUG", "DEBUG", None, None, None,
            'autovacuum: processing database "shop"'),
        # a zone without a name is printed as an offset
        _ok(12, _dt(2024, 3, 5, 10, 11, 18), "INFO", "LOG", None, None, None,
            "checkpoint starting: time"),
        _bad(13, "unparseable timestamp: 2024-03-05 10:11:99.000 UTC"),
    ],
    "postgresql_prefixed": [
        # service = the database, ip = the client
        _ok(1, _dt(2024, 7, 5, 10, 11, 12), "INFO", "LOG", "shop", "10.0.0.5", None,
            "connection authorized: user=app database=shop"),
        _ok(2, _dt(2024, 7, 5, 10, 11, 13), "ERROR", "ERROR", "shop", "10.0.0.5", None,
            "permission denied for table payments"),
        _ok(3, _dt(2024, 7, 5, 10, 11, 13), "INFO", "STATEMENT", "shop", "10.0.0.5", None,
            "DELETE FROM payments;"),
        # [unknown] and [local] are no database and no client; nor are empty ones
        _ok(4, _dt(2024, 7, 5, 10, 11, 14), "INFO", "LOG", None, None, None,
            "connection received: host=[local]"),
        _ok(5, _dt(2024, 7, 5, 10, 11, 15), "INFO", "LOG", None, None, None,
            "checkpoint complete: wrote 3 buffers (0.0%)"),
        _ok(6, _dt(2024, 7, 5, 10, 11, 16, 250000), "INFO", "NOTICE", "billing", None, None,
            'table "t" does not exist, skipping'),
        _ok(7, _dt(2024, 7, 5, 10, 11, 17), "CRITICAL", "PANIC", "analytics", "10.0.0.7", None,
            'could not write to file "pg_wal/xlogtemp.5004": No space left on device'),
    ],
    "redis": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 1000), "WARN", "#", None, None, None,
            "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 12, 1000), "WARN", "#", None, None, None,
            "Redis version=6.2.14, bits=64, commit=00000000, modified=0, pid=1, just started"),
        # the logo is written without a prefix: its lines continue the record
        _ok(3, _dt(2024, 3, 5, 10, 11, 12, 3000), "INFO", "*", None, None, None,
            "Running mode=standalone, port=6379.\n                _._\n"
            "           _.-``__ ''-._\n"
            "      _.-``    `.  `_.  ''-._           Redis 6.2.14 (00000000/0) 64 bit",
            continuation_lines=3),
        _ok(7, _dt(2024, 3, 5, 10, 11, 12, 5000), "INFO", "*", None, None, None,
            "Ready to accept connections"),
        # "-" (verbose) cannot be mapped: it is every access log's "no status" too
        _ok(8, _dt(2024, 3, 5, 10, 11, 20, 100000), "UNKNOWN", "-", None, None, None,
            "Accepted 172.17.0.1:53422"),
        _ok(9, _dt(2024, 3, 5, 10, 11, 21), "DEBUG", ".", None, None, None,
            "Client closed connection"),
        # the signal handler writes epoch seconds and no level
        _ok(10, _dt(2024, 3, 5, 10, 11, 30), "UNKNOWN", None, None, None, None,
            "Received SIGTERM scheduling shutdown..."),
        _ok(11, _dt(2024, 3, 5, 10, 11, 31), "INFO", "*", None, None, None,
            "Connecting to MASTER 10.0.0.1:6379"),
        _bad(12, "unparseable timestamp: 05 Mar 2024 25:11:40.000"),
    ],
    "mongodb": [
        # the component is the service ("-": none); D1..D5 are D
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 123000), "INFO", "I", "CONTROL", None, None,
            "MongoDB starting : pid=1 port=27017 dbpath=/data/db 64-bit host=db1"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 12, 200000), "WARN", "W", "STORAGE", None, None,
            "Detected unclean shutdown - /data/db/mongod.lock is not empty."),
        _ok(3, _dt(2024, 3, 5, 10, 11, 13), "INFO", "I", "NETWORK", None, None,
            "connection accepted from 10.0.0.5:50312 #1 (1 connection now open)"),
        _ok(4, _dt(2024, 3, 5, 10, 11, 13, 500000), "DEBUG", "D", "COMMAND", None, None,
            "run command admin.$cmd { isMaster: 1 }"),
        _ok(5, _dt(2024, 3, 5, 10, 11, 14), "ERROR", "E", "QUERY", None, None,
            "Plan executor error during find command: FAILURE"),
        _ok(6, _dt(2024, 3, 5, 10, 11, 15), "CRITICAL", "F", None, None, None,
            "Got signal: 11 (Segmentation fault).\n----- BEGIN BACKTRACE -----\n"
            '{"backtrace":[{"b":"55D0C3A00000","o":"1F2E3D4"}]}\n'
            " mongod(_ZN5mongo15printStackTraceERSo+0x41) [0x55d0c4bf2e3d]\n"
            "-----  END BACKTRACE  -----", continuation_lines=4),
        _bad(11, "unparseable timestamp: 2024-03-05T10:11:61.000+0000"),
    ],
}


@pytest.fixture(scope="module")
def read_back(spark, tmp_path_factory):
    """(file name -> detected format, file name -> its rows ordered by line): one read."""
    found, rows = read_folder_rows(spark, tmp_path_factory.mktemp("database_formats"),
                                   FILES.values(), settings=SETTINGS)
    return {name: f.text_format for name, f in found.items()}, rows


def test_every_database_format_has_a_file():
    assert {format_of(case).name for case in FILES} == set(DB)
    assert set(EXPECTED) == set(FILES)


@pytest.mark.parametrize("case", sorted(FILES))
def test_database_format_rows(read_back, case):
    detected, rows = read_back
    name = FILES[case][0]
    assert detected[name] == format_of(case)
    assert rows.get(name, []) == EXPECTED[case]


def test_every_line_is_counted(read_back):
    """Records, their continuation lines and malformed lines make up every line that is not
    blank or a header line."""
    _, rows = read_back
    for case, (name, content) in FILES.items():
        fmt = format_of(case)
        skip = re.compile(fmt.skip) if fmt.skip else None
        data = [x for x in content.splitlines() if x.strip() and not (skip and skip.match(x))]
        assert sum(1 + r[8] for r in rows[name]) == len(data), case


def test_level_words():
    # every raw level in the files is in the default mapping, but Redis's "-"
    raw = {r[3] for rows in EXPECTED.values() for r in rows if r[3] is not None}
    assert {lv.upper() for lv in raw} - set(DEFAULT_LEVEL_MAPPING) == {"-"}


def test_first_lines_with_a_comma_are_not_taken_for_csv(tmp_path):
    cases = [c for c in FILES if "," in FILES[c][1].splitlines()[0]]
    assert {"mysql_general", "mysql_slow", "postgresql_prefixed"} <= set(cases)
    for case in cases:
        name, content = FILES[case]
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        (found,) = discover_inputs(path)
        assert found.format == FORMAT_TEXT and found.text_format == format_of(case), case


def test_a_statement_naming_log_columns_is_not_a_csv_header(tmp_path):
    path = tmp_path / "postgresql.log"
    path.write_text(
        "2024-03-05 10:11:12.123 UTC [4300] LOG:  statement: SELECT id, time, level, message "
        "FROM events\n",
        encoding="utf-8",
    )
    (found,) = discover_inputs(path)
    assert found.format != FORMAT_CSV
    assert found.text_format == DB["postgresql"]


def _records(fmt, lines: list[str]) -> int:
    skip = re.compile(fmt.skip) if fmt.skip else None
    body = [line for line in lines if line.strip() and not (skip and skip.match(line))]
    return sum(1 for line in body if re.match(fmt.pattern, line, re.ASCII))


def test_core_example_files_keep_their_format():
    from test_builtin_formats_read import FILES as CORE_FILES

    for core_name, (_, content) in CORE_FILES.items():
        lines = content.splitlines()
        found = detect_text_format(lines)
        assert found is not None and found.name == core_name
        # not even a tie: no database format reads any of their lines
        counts = {f.name: _records(f, lines) for f in databases.FORMATS}
        assert counts == {f.name: 0 for f in databases.FORMATS}, core_name


@pytest.mark.parametrize(
    "lines",
    [
        ["2024-01-01 10:00:00 ERROR something broke"],  # no "LEVEL:  " as PostgreSQL writes it
        ["2024-03-05 10:11:12 UTC [1] ERROR: one space"],
        ["LOG:  database system is ready"],  # PostgreSQL's empty default prefix: no time
        ["# User@Host: app[app] @ localhost []", "# Time: 2024-03-05T10:11:12Z"],
    ],
)
def test_lookalikes_are_not_database_logs(lines):
    found = detect_text_format(lines)
    assert found is None or found.name not in DB


def test_database_formats_are_built_in_and_valid():
    from logdesk.config_loader import datetime_pattern_problem
    from logdesk.engine.formats.model import java_pattern

    java_name = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
    for fmt in databases.FORMATS:
        assert fmt in BUILTIN_FORMATS, fmt.name
        assert all(java_name.match(g) for g in fmt.groups()), fmt.name
        assert "(?P" not in java_pattern(fmt.pattern), fmt.name
        assert fmt.skip is None or fmt.skip.startswith("^"), fmt.name  # rlike finds anywhere
        if fmt.timestamp_pattern:
            assert datetime_pattern_problem(fmt.timestamp_pattern) is None, fmt.name
