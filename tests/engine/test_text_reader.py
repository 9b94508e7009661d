"""Plain-text reader: records, continuation lines, malformed lines, exact line numbers.

The formats here are written for the test (the built-in ones have their own tests), so these
check the reader's mechanics: folding, levels from a status or a syslog PRI, yearless times."""

from __future__ import annotations

import bz2
import gzip
import os
from datetime import datetime
from pathlib import Path

from logdesk.engine.ingest import with_lines
from logdesk.engine.discover import FORMAT_TEXT, InputFile
from logdesk.engine.readers.text_reader import read_text_inputs
from logdesk.engine.text_formats import TextFormat
from logdesk.settings import Settings

JAVA = TextFormat(
    name="test_java",
    pattern=(
        r"(?P<ts>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}) +(?P<level>[A-Z]+) +"
        r"\[[^\]]*\] (?P<service>\S+) - (?P<message>.*)"
    ),
    timestamp_pattern="yyyy-MM-dd HH:mm:ss,SSS",
)
ACCESS = TextFormat(
    name="test_access",
    pattern=r'(?P<ip>\S+) \S+ \S+ \[(?P<ts>[^\]]+)\] "(?P<message>\S+ (?P<endpoint>[^ ?"]+)[^"]*)" (?P<status>\d{3}) \S+',
    multiline=False,
)
YEARLESS = TextFormat(
    name="test_yearless",
    pattern=r"(?:<(?P<pri>\d{1,3})>)?(?P<ts>\d{2}-\d{2} \d{2}:\d{2}:\d{2}) (?P<service>\w+): (?P<message>.*)",
    timestamp_pattern="MM-dd HH:mm:ss",
    yearless=True,
    multiline=False,
)


def _input(path: Path, fmt: TextFormat, mtime: float | None = None) -> InputFile:
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    st = path.stat()
    return InputFile(str(path), FORMAT_TEXT, st.st_size, st.st_mtime, None, "utf-8", "", fmt)


def _rows(spark, files):
    df = with_lines(read_text_inputs(spark, files, Settings()))
    return {(Path(r.source_file).name, r.line): r for r in df.collect()}


def test_stack_traces_fold_into_their_record_and_lines_stay_exact(spark, tmp_path):
    path = tmp_path / "app.log"
    path.write_bytes(
        (
            "\ufeff"
            "preamble the logger printed before its first record\r\n"  # 1 orphan -> malformed
            "2024-03-05 10:00:00,001 INFO  [main] com.shop.App - started\r\n"  # 2
            "2024-03-05 10:00:01,500 ERROR [pool-1] com.shop.Db - query failed id=42\r\n"  # 3
            "java.sql.SQLException: timeout\r\n"  # 4 continuation
            "\tat com.shop.Db.run(Db.java:10)\r\n"  # 5 continuation
            "\r\n"  # 6 blank: not a data line, not part of the message
            "\tat com.shop.Main.main(Main.java:3)\r\n"  # 7 continuation
            "2024-03-05 10:00:02,000 WARN  [main] com.shop.App - \r\n"  # 8 empty message
            "2024-13-45 10:00:03,000 INFO  [main] com.shop.App - bad date\r\n"  # 9
            "2024-03-05 10:00:04,000 TRACE [main] com.shop.App - last\n"  # 10
        ).encode("utf-8")
    )
    rows = _rows(spark, [_input(path, JAVA)])
    assert sorted(rows) == [("app.log", n) for n in (1, 2, 3, 8, 9, 10)]
    assert {line: r.malformed_reason for (_, line), r in rows.items() if r.malformed_reason} == {
        1: "line before the first test_java record",
        8: "empty message",
        9: "unparseable timestamp: 2024-13-45 10:00:03,000",
    }
    error = rows[("app.log", 3)]
    assert error.level == "ERROR" and error.service == "com.shop.Db"
    assert error.message == (
        "query failed id=42\njava.sql.SQLException: timeout\n"
        "\tat com.shop.Db.run(Db.java:10)\n\tat com.shop.Main.main(Main.java:3)"
    )
    assert error.continuation_lines == 3
    assert error.ts == datetime(2024, 3, 5, 10, 0, 1, 500000)
    assert error.masked == "query failed id=<num>"  # from the first line, not the trace
    assert rows[("app.log", 1)].raw == "preamble the logger printed before its first record"
    assert rows[("app.log", 10)].level == "DEBUG" and rows[("app.log", 10)].format == "test_java"
    # every data line accounted for: 6 records/malformed + 3 continuation = 9 non-blank lines
    assert len(rows) + sum(r.continuation_lines for r in rows.values()) == 9


def test_one_line_format_levels_from_status_and_bad_lines_malformed(spark, tmp_path):
    lines = [
        '10.0.0.1 - - [05/Mar/2024:10:11:12 +0200] "GET /api/orders?id=7 HTTP/1.1" 200 512',
        '10.0.0.2 - - [05/Mar/2024:10:11:13 +0200] "POST /api/pay HTTP/1.1" 503 0',
        "this is not an access log line",
        '10.0.0.3 - - [05/Mar/2024:10:11:14 +0200] "GET /missing HTTP/1.1" 404 12',
    ]
    gz = tmp_path / "access.log.gz"
    gz.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    plain = tmp_path / "access.log.1.bz2"
    plain.write_bytes(bz2.compress((lines[1] + "\n").encode()))
    rows = _rows(spark, [_input(gz, ACCESS), _input(plain, ACCESS)])
    assert {k: (r.level, r.raw_level, r.endpoint, r.ip) for k, r in rows.items() if not r.malformed_reason} == {
        ("access.log.gz", 1): ("INFO", "200", "/api/orders", "10.0.0.1"),
        ("access.log.gz", 2): ("ERROR", "503", "/api/pay", "10.0.0.2"),
        ("access.log.gz", 4): ("WARN", "404", "/missing", "10.0.0.3"),
        ("access.log.1.bz2", 1): ("ERROR", "503", "/api/pay", "10.0.0.2"),
    }
    bad = rows[("access.log.gz", 3)]
    assert bad.malformed_reason == "does not match the test_access format"
    assert bad.raw == "this is not an access log line"
    assert rows[("access.log.gz", 1)].ts == datetime(2024, 3, 5, 8, 11, 12)  # +0200 -> UTC
    assert rows[("access.log.gz", 1)].message == "GET /api/orders?id=7 HTTP/1.1"


def test_yearless_times_take_the_file_year_and_pri_gives_the_level(spark, tmp_path):
    path = tmp_path / "device.log"
    # an invalid UTF-8 byte is replaced, never a crash
    path.write_bytes(b"<11>12-31 23:59:58 kernel: panic soon\n<14>01-02 00:00:01 app: hello \xff\n")
    jan_2025 = datetime(2025, 1, 3, 12, 0).timestamp()
    rows = _rows(spark, [_input(path, YEARLESS, mtime=jan_2025)])
    dec, jan = rows[("device.log", 1)], rows[("device.log", 2)]
    assert dec.ts.year == 2024 and jan.ts.year == 2025  # December rolls back a year
    assert (dec.level, dec.raw_level) == ("ERROR", "3")  # PRI 11 = facility 1, severity 3
    assert (jan.level, jan.raw_level) == ("INFO", "6")
    assert jan.message == "hello \ufffd"
