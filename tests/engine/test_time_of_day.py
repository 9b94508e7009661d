"""Timestamps that are a time of day only (strace -t / -tt, lnav's rollover sample): the date
is the file's mtime's, or the day before when the time is later than the mtime's time of day.
Expected values worked out by hand; timestamps are UTC."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

from logdesk.engine.discover import discover_inputs
from logdesk.engine.ingest import read_inputs
from logdesk.engine.timestamps import infer_line_layout, python_parse
from logdesk.engine.timestamps.catalogue import layout_named
from logdesk.settings import Settings

TIME_OF_DAY = "HH:mm:ss (time of day)"
MTIME = datetime(2024, 3, 5, 0, 30, tzinfo=timezone.utc)  # half an hour after midnight


def test_python_parse_dates_a_time_of_day_from_the_mtime():
    layout = layout_named(TIME_OF_DAY)
    assert python_parse(layout, "00:10:00", mtime=MTIME) == datetime(2024, 3, 5, 0, 10)
    assert python_parse(layout, "23:59:59.5", mtime=MTIME) == datetime(2024, 3, 4, 23, 59, 59,
                                                                       500000)
    assert python_parse(layout, "00:30:00", mtime=MTIME) == datetime(2024, 3, 5, 0, 30)
    assert python_parse(layout, "24:00:00", mtime=MTIME) is None


def test_only_at_the_start_of_a_line():
    assert infer_line_layout(["12:34:56 open(\"/etc/x\") = 3", "12:34:57 close(3) = 0"]).name \
        == TIME_OF_DAY
    # inside text a time of day is no timestamp: these lines have none
    assert infer_line_layout(["job took 00:00:05", "host took 00:00:06"]) is None


def test_time_of_day_files_are_read_with_the_mtimes_date(spark, tmp_path):
    # lnav's rollover sample, shortened: written from 22:00 on, the file last changed at 00:30
    (tmp_path / "rollover.0").write_text(
        "22:00:00.000 foo DEBUG  late message\n"
        "23:59:59.250 foo ERROR  last before midnight\n"
        "00:01:00.000 bar DEBUG  next day\n")
    # strace -t (seconds only): the built-in strace format
    (tmp_path / "trace.log").write_text(
        '00:20:01 openat(AT_FDCWD, "/etc/x", O_RDONLY) = -1 ENOENT (No such file)\n'
        "00:20:02 close(3) = 0\n")
    for name in ("rollover.0", "trace.log"):
        os.utime(tmp_path / name, (MTIME.timestamp(), MTIME.timestamp()))
    files = discover_inputs(tmp_path)
    assert {Path(f.path).name: (f.format_name, f.timestamp_layout) for f in files} == {
        "rollover.0": ("generic", TIME_OF_DAY),
        "trace.log": ("strace", "HH:mm:ss[.SSSSSS]"),
    }
    rows = sorted((Path(r.source_file).name, r.line, r.ts, r.level) for r in
                  read_inputs(spark, files, Settings()).collect())
    # "foo DEBUG": a word between the time and the level, which the generic reader does not
    # skip, so no level
    assert rows == [
        ("rollover.0", 1, datetime(2024, 3, 4, 22, 0), "UNKNOWN"),
        ("rollover.0", 2, datetime(2024, 3, 4, 23, 59, 59, 250000), "UNKNOWN"),
        ("rollover.0", 3, datetime(2024, 3, 5, 0, 1), "UNKNOWN"),
        ("trace.log", 1, datetime(2024, 3, 5, 0, 20, 1), "ERROR"),
        ("trace.log", 2, datetime(2024, 3, 5, 0, 20, 2), "UNKNOWN"),
    ]
