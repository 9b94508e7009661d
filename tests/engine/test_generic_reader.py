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
