"""JSON-lines files get a timestamp layout per file, inferred on the driver from the values of
their timestamp field in the head (as CSV columns do), shown in the ingest report, and every
row parsed once in it. Expected values counted by hand; timestamps are UTC."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from logdesk.engine.discover import JSON_TIMESTAMP_ALIASES, discover_inputs
from logdesk.engine.schema import BLANK_FORMAT
from logdesk.engine.readers.json_reader import JSON_FIELD_ALIASES, read_jsonl_inputs
from logdesk.engine.timestamps.samples import json_layout
from logdesk.settings import Settings


def test_the_sampled_keys_are_the_readers():
    assert JSON_FIELD_ALIASES["timestamp"] == JSON_TIMESTAMP_ALIASES


def test_json_layout_from_the_head():
    keys = JSON_TIMESTAMP_ALIASES
    day_first = '{"time": "25.03.2024 10:11:12"}\n{"time": "26.03.2024 10:11:12", "x": 1}\n'
    assert json_layout(day_first, keys, 0.0, cut=False).name == "dd.MM.yyyy HH:mm:ss"
    # journald: epoch microseconds as a string, read as seconds with a fraction
    journal = '{"__REALTIME_TIMESTAMP": "1709633472123456", "MESSAGE": "a"}\n'
    assert json_layout(journal, keys, 0.0, cut=False).name == "epoch seconds"
    # MongoDB's nested t.$date; a fractional number keeps its JSON text
    mongo = '{"t": {"$date": "2024-03-05T10:11:12.123+00:00"}, "msg": "a"}\n'
    assert json_layout(mongo, keys, 0.0, cut=False).name == "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"
    assert json_layout('{"time": 1709633472.5}\n', keys, 0.0, cut=False).name == "epoch seconds"
    # the first key with a value wins per line; objects, blanks and other lines do not count
    mixed = ('{"timestamp": "", "ts": "2024-03-05 10:11:12"}\n{"time": {"a": 1}}\nnot json\n'
             '{"ts": "2024-03-05 10:11:13"}\n')
    assert json_layout(mixed, keys, 0.0, cut=False).name == "yyyy-MM-dd HH:mm:ss"
    assert json_layout('{"msg": "no time"}\n', keys, 0.0, cut=False) is None
    # a cut head drops its last, partial line
    assert json_layout('{"ts": "2024-03-05 10:11:12"}\n{"ts": "25.03.2024 1', keys, 0.0,
                       cut=True).name == "yyyy-MM-dd HH:mm:ss"


def test_json_files_read_in_their_layouts(spark, tmp_path):
    (tmp_path / "eu.jsonl").write_text(
        '{"time": "25.03.2024 10:11:12", "level": "info", "msg": "a"}\n'
        '{"time": "26.03.2024 08:00:00", "level": "error", "msg": "b"}\n'
        '{"time": "2024-03-27T10:00:00Z", "level": "warn", "msg": "c"}\n'  # generic chain
        '{"time": "32.03.2024 10:00:00", "level": "info", "msg": "d"}\n')
    (tmp_path / "us.json").write_text(
        '{"ts": "03/25/2024 10:11:12", "msg": "a"}\n{"ts": "04/01/2024 09:00:00", "msg": "b"}\n')
    (tmp_path / "journal.json").write_text(
        '{"__REALTIME_TIMESTAMP": "1709633472123456", "MESSAGE": "a", "PRIORITY": "3"}\n')
    files = discover_inputs(tmp_path)
    assert {Path(f.path).name: f.timestamp_layout for f in files} == {
        "eu.jsonl": "dd.MM.yyyy HH:mm:ss",
        "us.json": "MM/dd/yyyy HH:mm:ss",
        "journal.json": "epoch seconds",
    }
    rows = read_jsonl_inputs(spark, files, Settings()).where(
        f"format != '{BLANK_FORMAT}'").collect()
    got = sorted(((Path(r.source_file).name, r.ts, r.level, r.message, r.malformed_reason)
                  for r in rows), key=lambda row: (row[0], row[3] or ""))
    assert got == [
        ("eu.jsonl", None, None, None, "unparseable timestamp: 32.03.2024 10:00:00"),
        ("eu.jsonl", datetime(2024, 3, 25, 10, 11, 12), "INFO", "a", None),
        ("eu.jsonl", datetime(2024, 3, 26, 8, 0), "ERROR", "b", None),
        ("eu.jsonl", datetime(2024, 3, 27, 10, 0), "WARN", "c", None),
        ("journal.json", datetime(2024, 3, 5, 10, 11, 12, 123456), "ERROR", "a", None),
        ("us.json", datetime(2024, 3, 25, 10, 11, 12), "UNKNOWN", "a", None),
        ("us.json", datetime(2024, 4, 1, 9, 0), "UNKNOWN", "b", None),
    ]
