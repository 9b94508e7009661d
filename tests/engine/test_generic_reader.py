"""Files no built-in format claims, read through the inferred timestamp layouts: the generic
reader for text, one layout per file for CSV columns. Expected rows written by hand."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from logdesk.engine.discover import FORMAT_TEXT, discover_inputs
from logdesk.engine.ingest import read_inputs
from logdesk.settings import Settings

COLUMNS = ["source_file", "line", "ts", "level", "message", "continuation_lines",
           "malformed_reason"]


def _read(spark, folder: Path):
    files = discover_inputs(folder)
    rows: dict[str, list[tuple]] = {}
    for r in read_inputs(spark, files, Settings()).select(*COLUMNS).collect():
        rows.setdefault(os.path.basename(r.source_file), []).append(tuple(r)[1:])
    return {os.path.basename(f.path): f for f in files}, {k: sorted(v) for k, v in rows.items()}


def test_generic_text_and_per_file_csv_layouts(spark, tmp_path):
    (tmp_path / "worker.out").write_text(
        "[2024-03-05 10:00:00] [ERROR] payment failed for order 42\n"
        "  at charge (pay.js:10)\n"
        "[2024-03-05 10:00:01] info: retry scheduled\n"
        "no timestamp here continues\n"
        "web_1  | 2024-03-05 10:00:02 WARN disk at 91%\n"
        "[2024-13-05 10:00:03] ERROR month thirteen\n"  # the layout's shape, not a date
    )
    (tmp_path / "epoch.txt").write_text(
        "1709633472123 ERROR cache miss storm\n1709633473000 DEBUG warm\n")
    # day first: 15 and 16 cannot be months; month first: 15 cannot be a month either way
    (tmp_path / "eu.csv").write_text(
        "time,level,message\n15/03/2024 10:00:00,INFO,a\n16/03/2024 11:00:00,WARN,b\n"
        "01/04/2024 09:00:00,ERROR,c\n")
    (tmp_path / "us.csv").write_text(
        "time,level,message\n03/15/2024 10:00:00,INFO,a\n04/01/2024 09:00:00,ERROR,c\n")

    files, rows = _read(spark, tmp_path)

    worker = files["worker.out"]
    assert (worker.format, worker.format_name, worker.timestamp_layout) == (
        FORMAT_TEXT, "generic", "yyyy-MM-dd HH:mm:ss")
    assert rows["worker.out"] == [
        (1, datetime(2024, 3, 5, 10, 0, 0), "ERROR",
         "payment failed for order 42\n  at charge (pay.js:10)", 1, None),
        (3, datetime(2024, 3, 5, 10, 0, 1), "INFO", "retry scheduled\nno timestamp here continues",
         1, None),
        (5, datetime(2024, 3, 5, 10, 0, 2), "WARN", "disk at 91%", 0, None),
        (6, None, None, None, 0, "unparseable timestamp: 2024-13-05 10:00:03"),
    ]
    assert files["epoch.txt"].timestamp_layout == "epoch milliseconds"
    assert rows["epoch.txt"] == [
        (1, datetime(2024, 3, 5, 10, 11, 12, 123000), "ERROR", "cache miss storm", 0, None),
        (2, datetime(2024, 3, 5, 10, 11, 13), "DEBUG", "warm", 0, None),
    ]
    assert files["eu.csv"].timestamp_layout.startswith("dd/MM/yyyy")
    assert [r[1] for r in rows["eu.csv"]] == [
        datetime(2024, 3, 15, 10), datetime(2024, 3, 16, 11), datetime(2024, 4, 1, 9)]
    assert files["us.csv"].timestamp_layout.startswith("MM/dd/yyyy")
    assert [r[1] for r in rows["us.csv"]] == [datetime(2024, 3, 15, 10), datetime(2024, 4, 1, 9)]


def test_ansi_colours_do_not_hide_the_timestamp(spark, tmp_path):
    """Coloured console output saved to a file: the escape sequences are removed from every
    line before detection and matching, generically and for a known format alike. console.log:
    5 data lines = 4 records + 1 continuation line (a line of colour codes only is blank);
    app.log: 3 data lines = 2 records + 1 continuation line."""
    e = "\x1b"
    (tmp_path / "console.log").write_text(
        f"{e}[32m2024-03-01 10:00:00{e}[0m {e}[1mINFO{e}[0m server started\n"
        f"{e}[2K{e}[31m2024-03-01 10:00:01 ERROR{e}[0m payment {e}[1mfailed{e}[0m\n"
        f"    at {e}[33mcharge{e}[0m (pay.js:10)\n"
        f"{e}[33m[2024-03-01 10:00:02] WARN{e}[0m slow response\n"
        "2024-03-01 10:00:03 DEBUG plain line\n"
        f"{e}[0m\n"
    )
    (tmp_path / "app.log").write_text(
        f"{e}[36m2024-03-01 10:00:00,123 INFO  [main] com.shop.App - started{e}[0m\n"
        f"{e}[31m2024-03-01 10:00:01,500 ERROR [pool-1] com.shop.Db - query failed{e}[0m\n"
        "java.sql.SQLException: timeout\n"
    )

    files, rows = _read(spark, tmp_path)

    assert (files["console.log"].format_name, files["console.log"].timestamp_layout) == (
        "generic", "yyyy-MM-dd HH:mm:ss")
    assert rows["console.log"] == [
        (1, datetime(2024, 3, 1, 10, 0, 0), "INFO", "server started", 0, None),
        (2, datetime(2024, 3, 1, 10, 0, 1), "ERROR",
         "payment failed\n    at charge (pay.js:10)", 1, None),
        (4, datetime(2024, 3, 1, 10, 0, 2), "WARN", "slow response", 0, None),
        (5, datetime(2024, 3, 1, 10, 0, 3), "DEBUG", "plain line", 0, None),
    ]
    assert files["app.log"].format_name == "log4j"
    assert rows["app.log"] == [
        (1, datetime(2024, 3, 1, 10, 0, 0, 123000), "INFO", "started", 0, None),
        (2, datetime(2024, 3, 1, 10, 0, 1, 500000), "ERROR",
         "query failed\njava.sql.SQLException: timeout", 1, None),
    ]


def test_unpadded_compact_dotted_ordinal_and_quoted_timestamps(spark, tmp_path):
    """HealthApp's time with no field padded (milliseconds are a number: ":12" is 12 ms), a
    compact date with a dot before the time, an ordinal date, a timestamp in double quotes (a
    tab-separated file's first field). health.log: 4 data lines = 3 records + 1 malformed; the "|" after
    the time is a separator, as "-" or ":" would be."""
    (tmp_path / "health.log").write_text(
        "20240305-10:11:12:606|Step_LSC|30002312|onStandStepChanged 3579\n"
        "20240305-0:5:9:12|Step_LSC|30002312|onExtend:1514038530000 14 0 4\n"
        "20240305-22:16:0:9|Step_StandReportReceiver|30002312|onReceive SCREEN_ON\n"
        "20240305-10:60:0:0|Step_LSC|30002312|minute sixty\n"
    )
    (tmp_path / "compact.log").write_text(
        "20240305.101112,672:DEBUG:cache warm\n"
        "20240305.101113,000:WARN:disk at 91%\n"
        "  on /var\n"
    )
    (tmp_path / "ordinal.log").write_text(  # ISO 8601's ordinal date: the day of the year
        "2024-065T10:11:12,672:DEBUG:day 65\n"
        "2023-366T10:11:13,000:WARN:no day 366 in 2023\n"
    )
    (tmp_path / "audit.log").write_text(
        '"2024-03-05 10:11:12"\t"login ok"\t"alice"\n'
        '"2024-03-05 10:11:13"\t"login failed"\t"bob"\n'
    )

    files, rows = _read(spark, tmp_path)

    assert (files["health.log"].format_name, files["health.log"].timestamp_layout) == (
        "generic", "yyyyMMdd-HH:mm:ss:SSS")
    assert rows["health.log"] == [
        (1, datetime(2024, 3, 5, 10, 11, 12, 606000), "UNKNOWN",
         "Step_LSC|30002312|onStandStepChanged 3579", 0, None),
        (2, datetime(2024, 3, 5, 0, 5, 9, 12000), "UNKNOWN",
         "Step_LSC|30002312|onExtend:1514038530000 14 0 4", 0, None),
        (3, datetime(2024, 3, 5, 22, 16, 0, 9000), "UNKNOWN",
         "Step_StandReportReceiver|30002312|onReceive SCREEN_ON", 0, None),
        (4, None, None, None, 0, "unparseable timestamp: 20240305-10:60:0:0"),
    ]
    assert files["compact.log"].timestamp_layout == "yyyyMMdd.HHmmss"
    assert rows["compact.log"] == [
        (1, datetime(2024, 3, 5, 10, 11, 12, 672000), "DEBUG", "cache warm", 0, None),
        (2, datetime(2024, 3, 5, 10, 11, 13), "WARN", "disk at 91%\n  on /var", 1, None),
    ]
    assert files["ordinal.log"].timestamp_layout == "yyyy-DDD'T'HH:mm:ss"
    assert rows["ordinal.log"] == [
        (1, datetime(2024, 3, 5, 10, 11, 12, 672000), "DEBUG", "day 65", 0, None),
        (2, None, None, None, 0, "unparseable timestamp: 2023-366T10:11:13,000"),
    ]
    assert files["audit.log"].timestamp_layout == "yyyy-MM-dd HH:mm:ss"
    assert rows["audit.log"] == [
        (1, datetime(2024, 3, 5, 10, 11, 12), "UNKNOWN", '"login ok"\t"alice"', 0, None),
        (2, datetime(2024, 3, 5, 10, 11, 13), "UNKNOWN", '"login failed"\t"bob"', 0, None),
    ]
