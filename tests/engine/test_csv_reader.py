"""CSV ingest: every data record parsed or malformed, with exact reasons and line numbers."""

from __future__ import annotations

import gzip
import os
from datetime import UTC, datetime

from pyspark.sql import functions as F

from logdesk.engine.ingest import with_lines
from logdesk.engine.discover import (
    FORMAT_CSV,
    FORMAT_EMPTY,
    FORMAT_SKIPPED,
    discover_inputs,
)
from logdesk.engine.ingest import read_folder, read_inputs
from logdesk.engine.readers import csv_reader
from logdesk.engine.readers.line_numbers import number_staged_lines
from logdesk.engine.schema import STAGED_SCHEMA
from logdesk.settings import Settings


def _write(path, data: bytes | str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


def read_csv_inputs(spark, files, settings):
    """The CSV reader's rows with their lines counted, as the pipeline counts them."""
    staged = csv_reader.read_csv_inputs(spark, files, settings)
    assert staged.where("line IS NOT NULL").count() == 0  # left to number_staged_lines
    return number_staged_lines(staged, staged)


def _columns(schema):
    return [(f.name, f.dataType) for f in schema.fields]


def _by_line(df):
    return {r.line: r for r in df.collect()}


# physical lines of the messy file, CRLF line ends and a UTF-8 BOM
MESSY_LINES = [
    "timestamp,level,message,service,ip,endpoint",  # 1 header
    '2024-03-05 10:00:00,INFO,"hello, world",api,10.0.0.1,/a',  # 2
    '2024-03-05 10:00:01,ERROR,"said ""hi"" to 10.0.0.2",api, 10.0.0.2 ,/b',  # 3
    '2024-03-05 10:00:02,WARN,"multi',  # 4  record spans lines 4-5
    'line message",worker,,',  # 5
    "2024-03-05 10:00:03,INFO,too short",  # 6  too few fields
    "2024-03-05 10:00:04,INFO,too,long,a,b,c",  # 7  too many fields
    "N/A,ERROR,bad time,api,,",  # 8
    "2024-03-05 10:00:05,INFO,   ,api,,",  # 9  blank message
    "2024-03-05 10:00:06,BANANA,odd level,api,,",  # 10
    "2024-03-05 10:00:07,3,disk 93% full on /dev/sda1,api,,",  # 11 syslog severity 3
    "2024-03-05 10:00:08,,no level,api,,",  # 12
    ",INFO,no time,api,,",  # 13
    '2024-03-05T10:00:09Z,CRITICAL,"Out of memory:',  # 14 record spans lines 14-16
    " killed pid 4242",  # 15
    'end",api,,/c',  # 16
    "2024-03-05 10:00:10,DEBUG,last one,api,,",  # 17
    "",  # trailing blank lines produce no rows
    "",
]


def test_messy_file_every_record_accounted_for(spark, tmp_path):
    path = _write(
        tmp_path / "messy.csv", b"\xef\xbb\xbf" + "\r\n".join(MESSY_LINES).encode("utf-8") + b"\r\n"
    )
    files = discover_inputs(tmp_path)
    df = read_csv_inputs(spark, files, Settings())
    assert _columns(df.schema) == _columns(STAGED_SCHEMA)
    rows = _by_line(df)

    assert sorted(rows) == [2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 17]
    malformed = {
        line: (r.malformed_reason, r.raw) for line, r in rows.items() if r.malformed_reason
    }
    assert malformed == {
        6: ("wrong field count (expected 6, got 3)", "2024-03-05 10:00:03,INFO,too short"),
        7: ("wrong field count (expected 6, got 7)", "2024-03-05 10:00:04,INFO,too,long,a,b,c"),
        8: ("unparseable timestamp: N/A", "N/A,ERROR,bad time,api,,"),
        9: ("empty message", "2024-03-05 10:00:05,INFO,   ,api,,"),
        13: ("missing timestamp", ",INFO,no time,api,,"),
    }
    for line in malformed:  # malformed rows carry only file, line, reason and raw
        r = rows[line]
        assert (r.ts, r.level, r.message, r.service, r.masked) == (None,) * 5
        assert (r.source_file, r.format) == (path, "csv")

    parsed = {line: r for line, r in rows.items() if not r.malformed_reason}
    assert {line: (r.level, r.raw_level) for line, r in parsed.items()} == {
        2: ("INFO", "INFO"),
        3: ("ERROR", "ERROR"),
        4: ("WARN", "WARN"),
        10: ("UNKNOWN", "BANANA"),
        11: ("ERROR", "3"),
        12: ("UNKNOWN", None),
        14: ("CRITICAL", "CRITICAL"),
        17: ("DEBUG", "DEBUG"),
    }
    assert parsed[2].message == "hello, world"
    assert (parsed[2].service, parsed[2].ip, parsed[2].endpoint) == ("api", "10.0.0.1", "/a")
    assert parsed[3].message == 'said "hi" to 10.0.0.2'
    assert parsed[3].ip == "10.0.0.2"  # trimmed
    assert parsed[4].message == "multi\nline message"
    assert (parsed[4].service, parsed[4].ip, parsed[4].endpoint) == ("worker", None, None)
    assert parsed[14].message == "Out of memory:\n killed pid 4242\nend"
    # every parsed record is masked, whatever its level (line breaks become single spaces)
    assert {line: r.masked for line, r in parsed.items()} == {
        2: "hello, world",
        3: "said <str> to <ip>",
        4: "multi line message",
        10: "odd level",
        11: "disk <num>% full on <path>",
        12: "no level",
        14: "Out of memory: killed pid <num> end",
        17: "last one",
    }
    assert parsed[2].ts == datetime(2024, 3, 5, 10, 0, 0)  # session zone is UTC
    assert all(r.raw is None for r in parsed.values())
    assert {(r.source_file, r.format) for r in parsed.values()} == {(path, "csv")}


def test_line_numbers_per_file_with_embedded_newlines(spark, tmp_path):
    """Several files of one header are read by one scan and may share a task; each file's
    line numbers still start at 2 and count the line breaks inside quoted fields."""

    def csv_file(name, messages):
        lines, starts, line = ["timestamp,level,message"], [], 2
        for m in messages:
            lines.append(f'2024-01-01 00:00:00,INFO,"{m}"')
            starts.append(line)
            line += 1 + m.count("\n")
        return _write(tmp_path / name, "\n".join(lines) + "\n"), starts

    expected = dict(
        [
            csv_file("a.csv", ["one", "two\nlines", "three", "four\n\nlines", "five"]),
            csv_file("b.csv", ["x\ny", "\n", "a\nb\nc", "z\n"]),  # every record spans lines
            csv_file("c.csv", ["p", "q", "r", "s"]),
            csv_file("d.csv", ["only\none"]),
        ]
    )
    df = read_csv_inputs(spark, discover_inputs(tmp_path), Settings())
    got = (
        df.groupBy("source_file").agg(F.sort_array(F.collect_list("line")).alias("lines")).collect()
    )
    assert {r.source_file: list(r.lines) for r in got} == expected
    assert expected[os.path.join(tmp_path, "a.csv")] == [2, 3, 5, 6, 9]


def test_folder_with_mixed_files(spark, tmp_path):
    root = tmp_path / "logs"
    web = _write(
        root / "web" / "access [1] %20+x.csv",  # glob characters, spaces and escapes in the name
        "time,ip,endpoint,level,message\n"
        "2024-03-05 10:00:00,10.0.0.1,/home,INFO,ok\n"
        "2024-03-05 10:00:01,10.0.0.2,/login,ERROR,login failed for user 42\n"
        "2024-03-05 10:00:02,10.0.0.3,/home,INFO,ok\n",
    )
    api = _write(
        root / "api" / "app.csv",
        "service,timestamp,msg,log_level\n"
        'billing,2024-03-05T10:00:00Z,"charge failed\nretrying",ERROR\n'
        "billing,2024-03-05T10:00:05Z,charged,INFO\n",
    )
    old = _write(
        root / "api" / "old" / "app.csv.gz",
        gzip.compress(
            b"timestamp,level,message\n"
            b"1709632800,WARN,slow\n"
            b"not a time,INFO,x\n"
            b"1709632801,INFO,fine\n"
        ),
    )
    csv_log = _write(
        root / "csv.log", "ts,severity,text\n2024-03-05 10:00:00,W,w1\n2024-03-05 10:00:01,E,e1\n"
    )
    plain = _write(
        root / "sys" / "plain.log",
        "notes from the on-call shift\n\nnothing here is a log record\nlast line",
    )
    empty = _write(root / "sys" / "empty.csv", "")
    _write(root / ".cache" / "hidden.csv", "timestamp,message\n2024-03-05 10:00:00,x\n")

    df, files = read_folder(spark, root, Settings())

    assert [(f.path, f.format) for f in files] == sorted(
        [
            (web, FORMAT_CSV),
            (api, FORMAT_CSV),
            (old, FORMAT_CSV),
            (csv_log, FORMAT_CSV),
            (plain, FORMAT_SKIPPED),
            (empty, FORMAT_EMPTY),
        ]
    )
    assert _columns(df.schema) == _columns(STAGED_SCHEMA)
    rows = df.collect()
    counts = {}
    for r in rows:
        parsed, malformed = counts.get(r.source_file, (0, 0))
        counts[r.source_file] = (
            parsed + (r.malformed_reason is None),
            malformed + (r.malformed_reason is not None),
        )
    # plain.log has no timestamp: skipped as not a log, so no rows at all
    assert counts == {web: (3, 0), api: (2, 0), old: (2, 1), csv_log: (2, 0)}
    assert len(rows) == 10

    def pick(path):
        return {r.line: r for r in rows if r.source_file == path}

    login = pick(web)[3]
    assert (login.ip, login.endpoint, login.level, login.service) == (
        "10.0.0.2",
        "/login",
        "ERROR",
        None,
    )
    assert login.masked == "login failed for user <num>"
    charge, charged = pick(api)[2], pick(api)[4]
    assert (charge.service, charge.message, charge.level) == (
        "billing",
        "charge failed\nretrying",
        "ERROR",
    )
    assert charge.ts == datetime(2024, 3, 5, 10, 0, 0)
    assert (charged.level, charged.endpoint) == ("INFO", None)
    gz = pick(old)
    assert gz[2].ts == datetime.fromtimestamp(1709632800, UTC).replace(tzinfo=None)
    assert (gz[3].malformed_reason, gz[3].raw) == (
        "unparseable timestamp: not a time",
        "not a time,INFO,x",
    )
    assert [(r.level, r.message) for _, r in sorted(pick(csv_log).items())] == [
        ("WARN", "w1"),
        ("ERROR", "e1"),
    ]


def test_empty_folder_gives_empty_staged_frame(spark, tmp_path):
    df, files = read_folder(spark, tmp_path, Settings())
    assert files == []
    assert _columns(df.schema) == _columns(STAGED_SCHEMA)
    assert df.count() == 0


def test_formats_without_reader_contribute_no_rows(spark, tmp_path):
    _write(tmp_path / "empty.csv", "")
    _write(tmp_path / "packed.log", gzip.compress(b"timestamp,message\n"))
    files = discover_inputs(tmp_path)
    assert [f.format for f in files] == ["empty", "unreadable"]
    assert read_inputs(spark, files, Settings()).count() == 0
