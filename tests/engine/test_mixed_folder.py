"""A real-world folder: formats, encodings and compressions mixed in nested subfolders, with
exact totals per file and overall (every non-blank line is a record, a continuation or
malformed)."""

from __future__ import annotations

import bz2
import csv
import gzip
from pathlib import Path

import pytest

from logdesk.engine.pipeline import run_pipeline
from logdesk.results import LEVELS
from logdesk.settings import Settings, SparkSettings


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@pytest.fixture(scope="module")
def run(spark, tmp_path_factory):
    root = tmp_path_factory.mktemp("mixed")
    logs = root / "logs"
    _write(
        logs / "app" / "service.log",
        (
            "\ufeff2024-03-05 10:00:00,001 INFO  [main] com.shop.App - started\r\n"
            "2024-03-05 10:00:01,500 ERROR [pool-1] com.shop.Db - query failed id=42\r\n"
            "java.sql.SQLException: timeout\r\n"
            "\tat com.shop.Db.run(Db.java:10)\r\n"
            "\r\n"
            "2024-03-05 10:00:02,000 WARN  [main] com.shop.App - slow\r\n"
        ).encode("utf-8"),
    )
    access = [
        '10.0.0.1 - - [05/Mar/2024:10:11:12 +0000] "GET /api/orders?id=7 HTTP/1.1" 200 512 "-" "curl/8"',
        '10.0.0.2 - - [05/Mar/2024:10:11:13 +0000] "GET /missing HTTP/1.1" 404 12 "-" "curl/8"',
        '10.0.0.3 - - [05/Mar/2024:10:11:14 +0000] "POST /api/pay HTTP/1.1" 500 0 "-" "curl/8"',
        "-- truncated --",
    ]
    _write(logs / "web" / "access.log.1.gz", gzip.compress(("\n".join(access) + "\n").encode()))
    _write(
        logs / "sys" / "syslog.bz2",
        bz2.compress(
            b"Mar  5 10:12:00 web-01 sshd[1234]: Failed password for admin from 203.0.113.66\n"
            b"Mar  5 10:12:01 web-01 CRON[99]: (root) CMD (run-parts /etc/cron.hourly)\n"
        ),
    )
    _write(
        logs / "win" / "app-utf16.log",
        (
            "2024-03-05 10:13:00,000 INFO  [main] Shop.Win - started on café\r\n"
            "2024-03-05 10:13:05,000 ERROR [main] Shop.Win - crash\r\n"
            "System.InvalidOperationException: boom\r\n"
        ).encode("utf-16"),  # with a BOM
    )
    _write(
        logs / "data.csv",
        b"timestamp,level,message\n2024-03-05T10:14:00Z,ERROR,disk full\n"
        b"not a time,INFO,x\n2024-03-05T10:15:00Z,INFO,ok\n",
    )
    _write(logs / "notes.txt", b"hello world\nsecond line\n")
    _write(
        logs / "deep" / "a" / "b" / "x.log",
        b"2024-03-05 10:16:00,000 DEBUG [main] com.deep.X - down here\n",
    )
    _write(
        logs / "events" / "app.jsonl.gz",
        gzip.compress(
            b'{"level":50,"time":1709633880000,"service":"pay","msg":"card declined","req":{"ip":"10.0.0.9"}}\n'
            b'{"level":30,"time":1709633881000,"service":"pay","msg":"retry ok"}\n'
            b'{"level":30,"time":17096338\n'
        ),
    )
    # Docker writes JSON lines into *.log files
    _write(
        logs / "containers" / "web.log",
        b'{"log":"GET / 200\\n","stream":"stdout","time":"2024-03-05T10:17:00.123Z"}\n',
    )
    _write(logs / "README.md", b"# not a log\nlisted and skipped: no timestamp in its head\n")
    settings = Settings(spark=SparkSettings(master="local[2]", shuffle_partitions=4))
    return run_pipeline(spark, logs, settings), logs


def test_every_file_gets_its_format_encoding_and_exact_counts(run):
    result, logs = run
    got = {
        str(Path(f.path).relative_to(logs)): (
            f.format, f.encoding, f.parsed_rows, f.continuation_lines, f.malformed_rows,
            f.data_lines,
        )
        for f in result.ingest.files
    }
    assert got == {
        "app/service.log": ("log4j", "utf-8-sig", 3, 2, 0, 5),
        "web/access.log.1.gz": ("apache_combined", "utf-8", 3, 0, 1, 4),
        "sys/syslog.bz2": ("syslog_rfc3164", "utf-8", 2, 0, 0, 2),
        "win/app-utf16.log": ("log4j", "utf-16-le", 2, 1, 0, 3),
        "data.csv": ("csv", "utf-8", 2, 0, 1, 3),
        "notes.txt": ("skipped", "utf-8", 0, 0, 0, 0),
        "README.md": ("skipped", "utf-8", 0, 0, 0, 0),
        "deep/a/b/x.log": ("log4j", "utf-8", 1, 0, 0, 1),
        "events/app.jsonl.gz": ("jsonl", "utf-8", 2, 0, 1, 3),
        "containers/web.log": ("jsonl", "utf-8", 1, 0, 0, 1),
    }
    ingest = result.ingest
    assert (ingest.parsed_rows, ingest.continuation_lines, ingest.malformed_rows) == (16, 3, 3)
    assert ingest.fates_text() == "8 files read, 2 skipped"
    assert int(result.cube.levels.count.sum()) == 16


def test_levels_and_errors_across_formats(run):
    result, _ = run
    levels = result.cube.levels
    by_level: dict[str, int] = {}
    for level, count in zip(levels.level.tolist(), levels.count.tolist()):
        by_level[LEVELS[level]] = by_level.get(LEVELS[level], 0) + count
    # ERROR: the Db failure, HTTP 500, the UTF-16 crash, the CSV disk full, pino's level 50;
    # UNKNOWN: syslog without PRI, Docker's line without a level
    assert by_level == {"DEBUG": 1, "INFO": 5, "WARN": 2, "ERROR": 5, "UNKNOWN": 3}


def test_malformed_report_has_exact_lines_in_each_file(run):
    result, logs = run
    with open(result.malformed_csv_path, newline="", encoding="utf-8") as handle:
        rows = [(str(Path(r["file"]).relative_to(logs)), int(r["line"]), r["reason"]) for r in csv.DictReader(handle)]
    assert rows == [
        ("data.csv", 3, "unparseable timestamp: not a time"),
        ("events/app.jsonl.gz", 3, "invalid JSON"),
        ("web/access.log.1.gz", 4, "does not match the apache_combined format"),
    ]
