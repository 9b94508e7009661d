"""JSON-lines ingest: discovery, records, levels, timestamps, line numbers, malformed lines."""

from __future__ import annotations

import bz2
import csv
import gzip
import shutil
from datetime import datetime
from pathlib import Path

from logdesk.engine.ingest import with_lines
from logdesk.engine.discover import (
    FORMAT_CSV,
    FORMAT_JSONL,
    FORMAT_SKIPPED,
    FORMAT_UNREADABLE,
    discover_inputs,
)
from logdesk.engine.ingest import READERS
from logdesk.engine.pipeline import run_pipeline
from logdesk.engine.readers.json_reader import (
    INVALID_JSON_REASON,
    NOT_JSON_OBJECT_REASON,
    read_jsonl_inputs,
)
from logdesk.engine.schema import STAGED_SCHEMA
from logdesk.results import LEVELS
from logdesk.settings import PathSettings, Settings

# real log samples from lnav (BSD licensed, see data/lnav/LICENSE)
LNAV_SAMPLES = Path(__file__).parent / "data" / "lnav"


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _read(spark, folder: Path) -> dict[tuple[str, int], object]:
    """(file name, line) -> staged row of every JSON-lines file in `folder`."""
    files = discover_inputs(folder)
    assert all(f.format == FORMAT_JSONL for f in files), [(f.path, f.note) for f in files]
    df = with_lines(read_jsonl_inputs(spark, files, Settings()))
    assert [(f.name, f.dataType) for f in df.schema.fields] == [
        (f.name, f.dataType) for f in STAGED_SCHEMA.fields
    ]
    return {(Path(r.source_file).name, r.line): r for r in df.collect()}


def test_discovery_tells_json_lines_from_other_json(tmp_path):
    _write(tmp_path / "app.jsonl", '\n  \n{"ts": "2024-03-05T10:00:00Z", "msg": "a"}\n')
    _write(tmp_path / "app.ndjson.1", '{"ts": 1}\n')
    _write(tmp_path / "array.json", '[{"ts": "2024-03-05T10:00:00Z", "msg": "a"}]\n')
    _write(tmp_path / "pretty.json", '{\n  "ts": "2024-03-05T10:00:00Z",\n  "msg": "a"\n}\n')
    _write(tmp_path / "scalar.json", '"just a string"\n')
    _write(tmp_path / "packed.jsonl.gz", gzip.compress(b'{"msg": "x"}\n'))
    _write(tmp_path / "packed.json.bz2", bz2.compress(b'{"msg": "x"}\n'))
    _write(tmp_path / "fake.json.gz", b'{"msg": "x"}\n')
    _write(tmp_path / "bom.json", b'\xef\xbb\xbf{"msg": "x"}\n')
    _write(tmp_path / "other.yaml", "ts: 1\n")  # listed, skipped: not a log

    found = {Path(f.path).name: f for f in discover_inputs(tmp_path)}
    assert sorted(found) == [
        "app.jsonl", "app.ndjson.1", "array.json", "bom.json", "fake.json.gz",
        "other.yaml", "packed.json.bz2", "packed.jsonl.gz", "pretty.json", "scalar.json",
    ]
    assert found["other.yaml"].format == FORMAT_SKIPPED
    assert {n for n, f in found.items() if f.format == FORMAT_JSONL} == {
        "app.jsonl", "app.ndjson.1", "bom.json", "packed.json.bz2", "packed.jsonl.gz",
    }
    assert (found["array.json"].format, found["array.json"].note) == (
        FORMAT_SKIPPED, "not a log: one JSON array, not JSON lines (one object per line)"
    )
    assert found["pretty.json"].format == FORMAT_SKIPPED
    assert "pretty-printed" in found["pretty.json"].note
    assert found["scalar.json"].note == "not a log: first line is not a JSON object, so not JSON lines"
    assert found["fake.json.gz"].format == FORMAT_UNREADABLE
    assert found["fake.json.gz"].note.startswith("named .gz but not gzip data")
    assert found["bom.json"].encoding == "utf-8-sig"
    assert found["app.jsonl"].encoding == "utf-8"


def test_records_levels_and_field_aliases(spark, tmp_path):
    lines = [
        # 1 plain keys, CSV aliases
        (
            '{"timestamp": "2024-03-05 10:00:00", "level": "ERROR",'
            ' "message": "Timeout after 30 ms", "service": "api", "ip": "10.0.0.1",'
            ' "endpoint": "/a"}'
        ),
        # 2 pino: numeric level, epoch millis, msg, nested objects ignored
        (
            '{"level": 30, "time": 1709633472123, "pid": 17, "msg": "started",'
            ' "req": {"url": "/x"}, "name": "payments"}'
        ),
        # 3 bunyan fatal
        (
            '{"name": "web", "hostname": "h", "level": 60, "msg": "dead",'
            ' "time": "2024-03-05T10:00:03Z", "v": 0}'
        ),
        # 4 ECS: flat dotted keys and nested service
        (
            '{"@timestamp": "2024-03-05T10:00:04.500Z", "log.level": "warning", "message": "slow",'
            ' "service": {"name": "checkout"}, "client": {"ip": "10.0.0.4"},'
            ' "url": {"path": "/cart"}}'
        ),
        # 5 nested level object, fields.service, journald MESSAGE
        (
            '{"ts": "2024-03-05T10:00:05Z", "log": {"level": "error", "logger": "db"},'
            ' "MESSAGE": "Disk full", "fields": {"service": "store"}}'
        ),
        # 6 syslog numeric severity 3 stays ERROR; 10 is bunyan trace
        '{"ts": "2024-03-05T10:00:06Z", "severity": 3, "msg": "sev three"}',
        '{"ts": "2024-03-05T10:00:07Z", "lvl": 10, "msg": "trace me"}',
        # 8 unknown level, no level at all
        '{"ts": "2024-03-05T10:00:08Z", "level": "BANANA", "msg": "odd"}',
        '{"ts": "2024-03-05T10:00:09Z", "msg": "no level", "service": ""}',
        # 10 docker json-file: log is the message
        '{"log": "container says hi\\n", "stream": "stdout", "time": "2024-03-05T10:00:10Z"}',
        # 11 a message that is an object is kept as its JSON text; level 50 -> ERROR
        '{"time": 1709633481, "level": 50, "msg": {"code": 7}}',
    ]
    _write(tmp_path / "app.jsonl", "\n".join(lines) + "\n")
    rows = _read(spark, tmp_path)
    assert sorted(line for _, line in rows) == list(range(1, 12))
    assert all(r.malformed_reason is None for r in rows.values())

    def row(n):
        return rows[("app.jsonl", n)]

    def fields(n):
        r = row(n)
        return (r.level, r.raw_level, r.service, r.ip, r.endpoint, r.message)

    assert fields(1) == ("ERROR", "ERROR", "api", "10.0.0.1", "/a", "Timeout after 30 ms")
    assert row(1).masked == "Timeout after <time>"
    assert fields(2) == ("INFO", "30", "payments", None, "/x", "started")  # req.url (pino-http)
    assert row(2).ts == datetime(2024, 3, 5, 10, 11, 12, 123000)
    assert fields(3) == ("CRITICAL", "60", "web", None, None, "dead")
    assert row(3).masked == "dead"
    assert fields(4) == ("WARN", "warning", "checkout", "10.0.0.4", "/cart", "slow")
    assert row(4).ts == datetime(2024, 3, 5, 10, 0, 4, 500000)
    assert fields(5) == ("ERROR", "error", "store", None, None, "Disk full")
    assert fields(6)[:2] == ("ERROR", "3")
    assert fields(7)[:2] == ("DEBUG", "10")
    assert fields(8)[:2] == ("UNKNOWN", "BANANA")
    assert fields(9) == ("UNKNOWN", None, None, None, None, "no level")
    assert fields(10) == ("UNKNOWN", None, None, None, None, "container says hi")
    assert (row(10).ts, row(10).masked) == (datetime(2024, 3, 5, 10, 0, 10), "container says hi")
    assert fields(11) == ("ERROR", "50", None, None, None, '{"code":7}')
    assert row(11).ts == datetime(2024, 3, 5, 10, 11, 21)
    r = row(1)
    # lines come from the row's position (no second scan of the file): one line per row
    assert (r.format, r.continuation_lines, r.block_start, r.newlines, r.first_line) == (
        FORMAT_JSONL, 0, 0, 0, 1
    )
    assert r.row_id is not None


def test_timestamp_forms(spark, tmp_path):
    stamps = [
        '"2024-03-05T10:00:00+02:00"',  # 1 with zone
        '"2024-03-05 10:00:00,250"',  # 2 comma fraction
        "1709633472",  # 3 epoch seconds as a number
        "1709633472.5",  # 4 fractional epoch seconds (Spark gives 1.7096334725E9)
        '"1709633472123"',  # 5 epoch millis as text
        '"05/Mar/2024:10:00:00 +0000"',  # 6 Apache
    ]
    _write(
        tmp_path / "t.json",
        "".join(f'{{"time": {s}, "msg": "m{i}"}}\n' for i, s in enumerate(stamps, start=1)),
    )
    rows = _read(spark, tmp_path)
    got = {line: r.ts for (_, line), r in rows.items()}
    assert got == {
        1: datetime(2024, 3, 5, 8, 0, 0),
        2: datetime(2024, 3, 5, 10, 0, 0, 250000),
        3: datetime(2024, 3, 5, 10, 11, 12),
        4: datetime(2024, 3, 5, 10, 11, 12, 500000),
        5: datetime(2024, 3, 5, 10, 11, 12, 123000),
        6: datetime(2024, 3, 5, 10, 0, 0),
    }


def test_malformed_lines_blank_lines_and_line_numbers(spark, tmp_path):
    lines = [
        '{"ts": "2024-03-05T10:00:00Z", "msg": "ok one"}',  # 1
        "",  # 2 blank: no row, but counted for the lines after it
        "   ",  # 3 blank
        "plain text line",  # 4
        '[{"ts": "2024-03-05T10:00:00Z", "msg": "in an array"}]',  # 5
        '{"ts": "2024-03-05T10:00:00Z", "msg": "cut',  # 6 truncated object
        '{"ts": "2024-03-05T10:00:00Z", "msg": "a"} trailing',  # 7
        '{"msg": "no time"}',  # 8
        '{"ts": "N/A", "msg": "bad time"}',  # 9
        '{"ts": "2024-03-05T10:00:00Z", "level": "info"}',  # 10 no message
        '{"ts": "2024-03-05T10:00:00Z", "msg": "   "}',  # 11 blank message
        "{}",  # 12
        '{"ts": "2024-03-05T10:00:01Z", "msg": "ok two"}\r',  # 13 CRLF
        "",  # 14 trailing blank
    ]
    _write(tmp_path / "m.jsonl", "\n".join(lines) + "\n")
    rows = _read(spark, tmp_path)
    reasons = {line: r.malformed_reason for (_, line), r in rows.items()}
    assert reasons == {
        1: None,
        4: NOT_JSON_OBJECT_REASON,
        5: NOT_JSON_OBJECT_REASON,
        6: INVALID_JSON_REASON,
        7: INVALID_JSON_REASON,
        8: "missing timestamp",
        9: "unparseable timestamp: N/A",
        10: "missing message",
        11: "missing message",
        12: "missing timestamp",
        13: None,
    }
    assert rows[("m.jsonl", 4)].raw == "plain text line"
    assert rows[("m.jsonl", 6)].raw == lines[5]
    assert rows[("m.jsonl", 13)].raw is None and rows[("m.jsonl", 13)].message == "ok two"
    bad = rows[("m.jsonl", 9)]
    assert (bad.ts, bad.level, bad.message, bad.masked) == (None, None, None, None)


def test_compressed_files_and_byte_order_mark(spark, tmp_path):
    body = (
        '{"ts": "2024-03-05T10:00:00Z", "level": "error", "msg": "gz one"}\n'
        "\n"
        '{"ts": "2024-03-05T10:00:01Z", "level": "info", "msg": "gz two"}\n'
        "not json\n"
    )
    _write(tmp_path / "a.jsonl.gz", gzip.compress(body.encode()))
    _write(tmp_path / "b.json.bz2", bz2.compress(body.replace("gz", "bz").encode()))
    _write(tmp_path / "c.ndjson", b'\xef\xbb\xbf{"ts": "2024-03-05T10:00:02Z", "msg": "bom"}\n')
    rows = _read(spark, tmp_path)
    got = {k: (r.level, r.message, r.malformed_reason) for k, r in rows.items()}
    assert got == {
        ("a.jsonl.gz", 1): ("ERROR", "gz one", None),
        ("a.jsonl.gz", 3): ("INFO", "gz two", None),
        ("a.jsonl.gz", 4): (None, None, NOT_JSON_OBJECT_REASON),
        ("b.json.bz2", 1): ("ERROR", "bz one", None),
        ("b.json.bz2", 3): ("INFO", "bz two", None),
        ("b.json.bz2", 4): (None, None, NOT_JSON_OBJECT_REASON),
        ("c.ndjson", 1): ("UNKNOWN", "bom", None),
    }


def test_real_samples_from_lnav(spark, tmp_path):
    for name, target in [
        ("logfile_pino.0", "pino.jsonl"),
        ("logfile_ecs_log.json", "ecs.json"),
        ("logfile_json2.json", "json2.json"),
    ]:
        shutil.copy(LNAV_SAMPLES / name, tmp_path / target)
    rows = _read(spark, tmp_path)
    pino = rows[("pino.jsonl", 1)]
    assert (pino.level, pino.service, pino.message, pino.ts) == (
        "INFO", "payment", "Charge request received.", datetime(2025, 4, 24, 22, 8, 37, 537000)
    )
    ecs = [rows[("ecs.json", n)] for n in range(1, 6)]
    assert [r.level for r in ecs] == ["DEBUG", "INFO", "WARN", "ERROR", "CRITICAL"]
    assert all(r.service == "app" and r.malformed_reason is None for r in ecs)
    # json2 has "lvl": 0 and 10: syslog 0 (emergency) and bunyan 10 (trace)
    assert [rows[("json2.json", n)].level for n in (1, 2, 3)] == ["CRITICAL", "CRITICAL", "DEBUG"]


def test_registered_for_jsonl():
    assert READERS[FORMAT_JSONL] is read_jsonl_inputs


def test_pipeline_totals_over_csv_and_json_lines(spark, tmp_path):
    folder = tmp_path / "logs"
    _write(folder / "a.csv",
           "timestamp,level,service,message\n"
           "2024-03-01T10:00:00Z,ERROR,api,Timeout after 30 ms\n"
           "N/A,INFO,api,bad time\n")
    _write(folder / "sub" / "b.jsonl",
           '{"time": 1709287200000, "level": 50, "name": "api", "msg": "Timeout after 99 ms"}\n'
           "\n"
           '{"@timestamp": "2024-03-01T10:30:00Z", "log.level": "warn", "message": "slow"}\n'
           "oops\n")
    _write(folder / "c.json", '[{"time": 1, "msg": "array"},\n {"time": 2, "msg": "x"}]\n')
    settings = Settings(paths=PathSettings(work_dir=str(tmp_path / "work")))
    run = run_pipeline(spark, folder, settings)

    by_name = {Path(f.path).name: f for f in run.ingest.files}
    assert by_name["b.jsonl"].format == FORMAT_JSONL
    assert by_name["a.csv"].format == FORMAT_CSV
    assert (by_name["c.json"].format, by_name["c.json"].fate) == (FORMAT_SKIPPED, "skipped")
    assert [(n, by_name[n].parsed_rows, by_name[n].malformed_rows) for n in sorted(by_name)] == [
        ("a.csv", 1, 1), ("b.jsonl", 2, 1), ("c.json", 0, 0),
    ]
    assert (run.ingest.parsed_rows, run.ingest.malformed_rows) == (3, 2)
    per_level: dict[str, int] = {}
    for index, n in zip(run.cube.levels.level, run.cube.levels.count):
        per_level[LEVELS[int(index)]] = per_level.get(LEVELS[int(index)], 0) + int(n)
    assert per_level == {"ERROR": 2, "WARN": 1}

    with open(run.malformed_csv_path, newline="", encoding="utf-8") as handle:
        rows = sorted(
            (Path(r["file"]).name, int(r["line"]), r["reason"]) for r in csv.DictReader(handle)
        )
    assert [r[:2] for r in rows] == [("a.csv", 3), ("b.jsonl", 4)]
    assert rows[0][2] == "unparseable timestamp: N/A"
    assert rows[1][2] == NOT_JSON_OBJECT_REASON


def test_discovery_takes_a_first_line_longer_than_the_head(tmp_path):
    long_line = '{"ts": "2024-03-05T10:00:00Z", "msg": "' + "x" * 70_000 + '"}\n'
    _write(tmp_path / "long.jsonl", long_line * 2)
    _write(tmp_path / "long_text.json", "y" * 70_000 + "\n")
    found = {Path(f.path).name: f.format for f in discover_inputs(tmp_path)}
    assert found == {"long.jsonl": FORMAT_JSONL, "long_text.json": FORMAT_SKIPPED}
