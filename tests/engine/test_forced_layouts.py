"""Timestamp layouts set by config (`timestamps.layouts`): glob matching, discovery, and the
rows of text (generic reader), CSV and JSON-lines files read in them. Expected rows written by
hand from the lines below; timestamps are UTC (the test session's zone)."""

from __future__ import annotations

import dataclasses
import os
from datetime import datetime
from pathlib import Path

import pytest

from logdesk.engine.cache.keys import settings_fingerprint
from logdesk.engine.discover import FORMAT_CSV, FORMAT_JSONL, FORMAT_TEXT, discover_inputs, forced_pattern
from logdesk.engine.ingest import read_inputs
from logdesk.engine.timestamps.catalogue import config_layout, layout_named
from logdesk.settings import Settings, TimestampLayoutSettings, TimestampSettings

COLUMNS = ["source_file", "line", "ts", "level", "message", "continuation_lines",
           "malformed_reason"]
RULES = (
    TimestampLayoutSettings("legacy/*.log", "dd.MM.yy HH:mm:ss"),
    TimestampLayoutSettings("*.csv", "yyyyMMdd'T'HHmm"),
    TimestampLayoutSettings("events.jsonl", "HH:mm:ss dd.MM.yyyy"),
    TimestampLayoutSettings("*.log", "yyyy-MM-dd HH:mm:ss"),  # never reached by legacy/*.log
)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _rows(spark, files):
    rows: dict[str, list[tuple]] = {}
    for r in read_inputs(spark, files, Settings()).select(*COLUMNS).collect():
        name = Path(r.source_file).relative_to(r.source_file.split("/forced/")[0] + "/forced")
        rows.setdefault(name.as_posix(), []).append(tuple(r)[1:])
    return {k: sorted(v, key=lambda row: row[0]) for k, v in rows.items()}


@pytest.mark.parametrize(("relative", "expected"), [
    ("legacy/app.log", "dd.MM.yy HH:mm:ss"),
    ("legacy/sub/app.log", "yyyy-MM-dd HH:mm:ss"),  # * stays in its folder: the *.log rule
    ("a/legacy/app.log", "yyyy-MM-dd HH:mm:ss"),  # relative to the input folder, from its top
    ("data.csv", "yyyyMMdd'T'HHmm"),
    ("deep/down/data.csv", "yyyyMMdd'T'HHmm"),  # no "/": the name, in any folder
    ("events.jsonl", "HH:mm:ss dd.MM.yyyy"),
    ("app.log.gz", None),
    ("Data.CSV", None),  # case matters
])
def test_glob_matching(relative, expected):
    assert forced_pattern(relative, RULES) == expected


def test_double_star_and_classes():
    rules = (TimestampLayoutSettings("logs/**/x[0-9].txt", "HH:mm"),)
    assert [forced_pattern(p, rules) for p in
            ("logs/x1.txt", "logs/a/b/x2.txt", "logs/xa.txt", "x1.txt")] == ["HH:mm", "HH:mm",
                                                                          None, None]


def test_config_layout_names_and_regex():
    layout = config_layout("dd.MM.yy HH:mm:ss")
    assert layout.name == "dd.MM.yy HH:mm:ss (config)"
    assert layout.regex == r"\d{2}\.\d{2}\.\d{2} \d{2}:\d{2}:\d{2}"
    assert layout_named("dd.MM.yy HH:mm:ss (config)") == layout
    assert (layout.yearless, layout.dateless) == (False, False)
    assert config_layout("MMM d HH:mm:ss").yearless
    assert config_layout("HH:mm:ss.SSS").dateless
    assert layout_named("no such layout") is None


def test_forced_layouts_for_text_csv_and_json(spark, tmp_path):
    root = tmp_path / "forced"
    # day first, as config says; inferred, 03.05 / 03.06 would be March 5 and 6 (month first)
    _write(root / "legacy" / "app.log",
           "03.05.24 10:11:12 ERROR disk failed\n"
           "  detail line\n"
           "03.06.24 09:00:00 INFO ok\n"
           "31.02.24 09:00:00 INFO bad day\n")  # the layout's shape, no such day
    _write(root / "other" / "app.txt", "03.05.24 10:11:12 INFO x\n03.06.24 09:00:00 INFO y\n")
    _write(root / "data.csv",
           "time,level,message\n20240305T1011,INFO,a\n2024-03-05T10:12:00Z,WARN,b\n"
           "garbage,ERROR,c\n")
    _write(root / "events.jsonl",
           '{"time": "10:11:12 05.03.2024", "msg": "a"}\n'
           '{"time": "2024-03-06 10:11:12", "msg": "b"}\n'  # not the layout: generic chain
           '{"time": "25:11:12 05.03.2024", "msg": "c"}\n')

    files = discover_inputs(root, timestamp_layouts=RULES)
    by_name = {Path(f.path).relative_to(root).as_posix(): f for f in files}
    assert {k: (f.format, f.format_name, f.timestamp_layout) for k, f in by_name.items()} == {
        "legacy/app.log": (FORMAT_TEXT, "generic", "dd.MM.yy HH:mm:ss (config)"),
        "other/app.txt": (FORMAT_TEXT, "generic", "MM.dd.yy HH:mm:ss"),
        "data.csv": (FORMAT_CSV, FORMAT_CSV, "yyyyMMdd'T'HHmm (config)"),
        "events.jsonl": (FORMAT_JSONL, FORMAT_JSONL, "HH:mm:ss dd.MM.yyyy (config)"),
    }
    rows = _rows(spark, files)
    assert rows["legacy/app.log"] == [
        (1, datetime(2024, 5, 3, 10, 11, 12), "ERROR", "disk failed\n  detail line", 1, None),
        (3, datetime(2024, 6, 3, 9, 0, 0), "INFO", "ok", 0, None),
        (4, None, None, None, 0, "unparseable timestamp: 31.02.24 09:00:00"),
    ]
    assert rows["other/app.txt"] == [
        (1, datetime(2024, 3, 5, 10, 11, 12), "INFO", "x", 0, None),
        (2, datetime(2024, 3, 6, 9, 0, 0), "INFO", "y", 0, None),
    ]
    assert rows["data.csv"] == [
        (2, datetime(2024, 3, 5, 10, 11), "INFO", "a", 0, None),
        (3, datetime(2024, 3, 5, 10, 12), "WARN", "b", 0, None),
        (4, None, None, None, 0, "unparseable timestamp: garbage"),
    ]
    assert rows["events.jsonl"] == [
        (1, datetime(2024, 3, 5, 10, 11, 12), "UNKNOWN", "a", 0, None),
        (2, datetime(2024, 3, 6, 10, 11, 12), "UNKNOWN", "b", 0, None),
        (3, None, None, None, 0, "unparseable timestamp: 25:11:12 05.03.2024"),
    ]


def test_a_format_with_its_own_pattern_takes_the_forced_one(spark, tmp_path):
    # strace's own pattern is a time of day; config says these -tt times are dated
    root = tmp_path / "forced"
    _write(root / "trace.log",
           '4242  10:11:12.000100 execve("/usr/bin/cat", ["cat"], 0x7ffd /* 20 vars */) = 0\n')
    rules = (TimestampLayoutSettings("trace.log", "HH:mm:ss.SSSSSS"),)
    os.utime(root / "trace.log", (1709640000, 1709640000))  # 2024-03-05 12:00 UTC
    files = discover_inputs(root, timestamp_layouts=rules)
    assert (files[0].format_name, files[0].timestamp_layout) == (
        "strace", "HH:mm:ss.SSSSSS (config)")
    assert files[0].text_format.timestamp_pattern is None
    rows = _rows(spark, files)
    assert [r[1] for r in rows["trace.log"]] == [datetime(2024, 3, 5, 10, 11, 12, 100)]


def test_forced_file_without_a_line_in_the_layout_is_skipped(tmp_path):
    _write(tmp_path / "app.log", "2024-03-05 10:11:12 INFO x\n")
    rules = (TimestampLayoutSettings("*.log", "dd.MM.yy HH:mm:ss"),)
    (found,) = discover_inputs(tmp_path, timestamp_layouts=rules)
    assert found.format == "skipped"
    assert "layout set by config (dd.MM.yy HH:mm:ss)" in found.note


def test_the_cache_fingerprint_includes_the_forced_layouts():
    plain = Settings()
    forced = dataclasses.replace(plain, timestamps=TimestampSettings(RULES[:1]))
    other = dataclasses.replace(plain, timestamps=TimestampSettings(
        (TimestampLayoutSettings("legacy/*.log", "dd.MM.yyyy HH:mm:ss"),)))
    prints = {settings_fingerprint(s, 3600) for s in (plain, forced, other)}
    assert len(prints) == 3
    assert settings_fingerprint(forced, 3600) == settings_fingerprint(
        dataclasses.replace(plain, timestamps=TimestampSettings(RULES[:1])), 3600)


def test_a_config_file_forces_the_layout_of_a_run(spark, tmp_path):
    """End to end: the key read from a config file reaches discovery and the reader. The day is
    first in "03.04.24" only by the config's word: inference would take month-first (both
    fields are <= 12 and equally varied) or leave the file skipped."""
    from logdesk.config_loader import load_settings
    from logdesk.engine.pipeline import run_pipeline

    folder = tmp_path / "logs"
    _write(folder / "legacy" / "old.log",
           "03.04.24 10:00:00 ERROR disk full\n"
           "03.04.24 10:05:00 INFO recovered\n"
           "not a time line\n")
    config = tmp_path / "config.yaml"
    config.write_text(
        "timestamps:\n  layouts:\n    - files: \"legacy/*.log\"\n      layout: \"dd.MM.yy HH:mm:ss\"\n"
        f"paths:\n  work_dir: \"{tmp_path / 'work'}\"\n",
        encoding="utf-8",
    )
    settings = load_settings(config)
    run = run_pipeline(spark, folder, settings)
    (only,) = run.ingest.files
    assert only.timestamp_layout == "dd.MM.yy HH:mm:ss (config)"
    # two records; the third line continues the second
    assert (only.parsed_rows, only.malformed_rows, only.continuation_lines) == (2, 0, 1)
    assert run.cube.levels.first_ms.min() == 1712138400000  # 2024-04-03T10:00:00Z
