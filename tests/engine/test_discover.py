"""discover_inputs: which files are logs, what each one is, from the head only (no Spark)."""

from __future__ import annotations

import gzip
import os

import pytest

from logdesk.engine.discover import (
    NO_KNOWN_FORMAT,
    FORMAT_CSV,
    FORMAT_EMPTY,
    FORMAT_SKIPPED,
    FORMAT_TEXT,
    FORMAT_UNREADABLE,
    InputFile,
    column_roles,
    discover_inputs,
    timestamp_columns,
)


def _write(path, data: bytes | str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return str(path)


def test_formats_headers_and_order(tmp_path):
    _write(tmp_path / "b.csv", "Timestamp , LEVEL,Message\n2024-01-01 00:00:00,INFO,hi\n")
    _write(tmp_path / "a" / "bom.csv", b"\xef\xbb\xbftime,severity,msg\r\n2024-01-01,INFO,x\r\n")
    _write(tmp_path / "a" / "z.csv.gz", gzip.compress(b"ts,msg\n1709633472,hello\n"))
    _write(tmp_path / "logs" / "app.log", '"@timestamp","lvl","text"\n2024-01-01,E,x\n')
    _write(tmp_path / "logs" / "app.log.1", "datetime,log_level\n2024-01-01,INFO\n")
    _write(tmp_path / "logs" / "plain.log", "2024-01-01 10:00:00 ERROR something broke\n")
    _write(tmp_path / "logs" / "notes.txt", "shopping list\n")
    _write(tmp_path / "logs" / "no_ts.csv", "level,message\nINFO,hi\n")
    _write(tmp_path / "logs" / "empty.csv", b"")
    _write(tmp_path / "logs" / "data.yaml", "a: 1\n")  # listed whatever its name: skipped
    _write(tmp_path / ".hidden.csv", "timestamp,message\n")
    _write(tmp_path / ".git" / "x.csv", "timestamp,message\n")

    found = discover_inputs(tmp_path)

    assert [os.path.relpath(f.path, tmp_path) for f in found] == [
        "a/bom.csv",
        "a/z.csv.gz",
        "b.csv",
        "logs/app.log",
        "logs/app.log.1",
        "logs/data.yaml",
        "logs/empty.csv",
        "logs/no_ts.csv",
        "logs/notes.txt",
        "logs/plain.log",
    ]
    by_name = {os.path.basename(f.path): f for f in found}
    assert by_name["b.csv"].format == FORMAT_CSV
    assert by_name["b.csv"].header == ("Timestamp", "LEVEL", "Message")
    assert by_name["b.csv"].encoding == "utf-8"
    assert by_name["bom.csv"].header == ("time", "severity", "msg")
    assert by_name["bom.csv"].encoding == "utf-8-sig"
    assert by_name["z.csv.gz"].format == FORMAT_CSV and by_name["z.csv.gz"].header == ("ts", "msg")
    assert by_name["app.log"].format == FORMAT_CSV
    assert by_name["app.log"].header == ("@timestamp", "lvl", "text")
    assert by_name["app.log.1"].format == FORMAT_CSV
    # no format claims it, but its line starts with a timestamp: the generic reader's
    plain = by_name["plain.log"]
    assert (plain.format, plain.format_name, plain.timestamp_layout) == (
        FORMAT_TEXT, "generic", "yyyy-MM-dd HH:mm:ss")
    assert by_name["notes.txt"].format == FORMAT_SKIPPED
    assert by_name["notes.txt"].note == NO_KNOWN_FORMAT
    assert by_name["data.yaml"].format == FORMAT_SKIPPED
    assert by_name["no_ts.csv"].format == FORMAT_SKIPPED
    assert "no timestamp column" in by_name["no_ts.csv"].note
    assert by_name["empty.csv"].format == FORMAT_EMPTY
    b = by_name["b.csv"]
    assert b.size == os.path.getsize(b.path) and b.mtime == os.path.getmtime(b.path)


def test_input_file_is_frozen(tmp_path):
    _write(tmp_path / "x.csv", "timestamp,message\n")
    (f,) = discover_inputs(tmp_path)
    assert isinstance(f, InputFile)
    with pytest.raises(AttributeError):
        f.format = "other"  # type: ignore[misc]


def test_unreadable_and_mismatched_gzip_files_are_reported_not_skipped(tmp_path):
    _write(tmp_path / "ok.csv", "timestamp,message\n2024-01-01,x\n")
    os.symlink(tmp_path / "missing-target.csv", tmp_path / "dangling.csv")
    _write(tmp_path / "packed.log", gzip.compress(b"timestamp,message\n"))  # gzip without .gz
    _write(tmp_path / "fake.csv.gz", b"timestamp,message\n")  # .gz without gzip
    _write(tmp_path / "broken.csv.gz", gzip.compress(b"timestamp,message\n" * 50)[:20])
    locked = _write(tmp_path / "locked.csv", "timestamp,message\n")
    os.chmod(locked, 0)
    try:
        found = {os.path.basename(f.path): f for f in discover_inputs(tmp_path)}
    finally:
        os.chmod(locked, 0o644)

    assert found["ok.csv"].format == FORMAT_CSV
    dangling = found["dangling.csv"]
    assert dangling.format == FORMAT_UNREADABLE and dangling.size == 0
    assert dangling.note.startswith("cannot read: No such file or directory")
    assert found["packed.log"].format == FORMAT_UNREADABLE
    assert "gzip data without a .gz name" in found["packed.log"].note
    assert found["fake.csv.gz"].format == FORMAT_UNREADABLE
    assert "named .gz but not gzip data" in found["fake.csv.gz"].note
    assert found["broken.csv.gz"].format == FORMAT_UNREADABLE
    assert found["broken.csv.gz"].note.startswith("broken gzip data")
    if os.geteuid() != 0:  # root reads any file regardless of its mode
        assert found["locked.csv"].format == FORMAT_UNREADABLE
        assert "Permission denied" in found["locked.csv"].note


def test_a_single_file_may_be_given(tmp_path):
    path = _write(tmp_path / "one.log", "time,level,message\n")
    assert [(f.path, f.format) for f in discover_inputs(tmp_path / "one.log")] == [
        (path, FORMAT_CSV)
    ]


def test_missing_folder_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        discover_inputs(tmp_path / "nope")


def test_header_needs_timestamp_and_message_or_level(tmp_path):
    _write(tmp_path / "lvl.log", "ts,severity,host\n")
    _write(tmp_path / "msg.txt", "date,content\n")
    _write(tmp_path / "nothing.log", "ts,host,port\n")
    _write(tmp_path / "utf16.csv", "timestamp,message\n".encode("utf-16"))
    _write(tmp_path / "binary.log", b"timestamp,message\n\x00\x01\x02")
    found = {os.path.basename(f.path): f for f in discover_inputs(tmp_path)}
    assert found["lvl.log"].format == FORMAT_CSV
    assert found["msg.txt"].format == FORMAT_CSV
    assert found["nothing.log"].format == FORMAT_SKIPPED
    assert found["nothing.log"].note == "not a log: CSV header has no message or level column"
    # UTF-16 (by its BOM) is recognized like UTF-8; the pipeline reads it through a UTF-8 copy
    assert found["utf16.csv"].format == FORMAT_CSV
    assert found["utf16.csv"].header == ("timestamp", "message")
    assert found["utf16.csv"].encoding == "utf-16-le"
    # 3 control bytes in 21: binary (more than 10% of the head)
    assert found["binary.log"].format == FORMAT_SKIPPED
    assert found["binary.log"].note == "not a log: binary content (3 control bytes in its first 21)"


def test_encodings_and_binary_content_are_told_apart(tmp_path):
    rows = "timestamp,level,message\n" + "2024-01-01 10:00:00,INFO,caf\u00e9 ok\n" * 20
    _write(tmp_path / "nul.csv", rows.encode() + b"\x00" * 40 + b"2024-01-01 10:00:01,INFO,x\n")
    _write(tmp_path / "le.csv", rows.encode("utf-16-le"))  # no BOM
    _write(tmp_path / "be.csv", rows.encode("utf-16-be"))
    _write(tmp_path / "latin.csv", rows.encode("cp1252"))  # an e-acute as one byte 0xE9
    mixed = rows.encode() + b"2024-01-01 10:00:02,INFO,bad \xff byte\n"
    _write(tmp_path / "mixed.csv", mixed)
    _write(tmp_path / "zip.log", b"PK\x03\x04" + b"timestamp,message\n" * 10)
    _write(tmp_path / "ansi.log", "\x1b[31m2024-01-01 10:00:00 ERROR boom\x1b[0m\n" * 5)
    found = {os.path.basename(f.path): f for f in discover_inputs(tmp_path)}
    # a block of NULs (a crash's zero-filled tail) in 1,000 bytes of text: still a log
    assert (found["nul.csv"].format, found["nul.csv"].encoding) == (FORMAT_CSV, "utf-8")
    assert (found["le.csv"].format, found["le.csv"].encoding) == (FORMAT_CSV, "utf-16le")
    assert (found["be.csv"].format, found["be.csv"].encoding) == (FORMAT_CSV, "utf-16be")
    assert found["le.csv"].header == ("timestamp", "level", "message")
    assert (found["latin.csv"].format, found["latin.csv"].encoding) == (FORMAT_CSV, "cp1252")
    # valid multi-byte UTF-8 beside one bad byte: UTF-8 (the bad byte reads as U+FFFD)
    assert found["mixed.csv"].encoding == "utf-8"
    assert found["zip.log"].note == "not a log: binary content (ZIP archive)"
    assert found["ansi.log"].encoding == "utf-8"  # ESC is text (ANSI colours)


def test_column_roles_use_alias_preference_and_first_duplicate():
    header = (
        "Msg",
        "time",
        "timestamp",
        "message",
        "SEVERITY",
        "client_ip",
        "app",
        "route",
        "message",
    )
    assert column_roles(header) == {
        "timestamp": 2,
        "level": 4,
        "message": 3,
        "ip": 5,
        "service": 6,
        "endpoint": 7,
    }
    assert timestamp_columns(header) == (2,)
    assert timestamp_columns(("date", "time", "message")) == (0, 1)  # W3C-style pair
    assert timestamp_columns(("date", "message")) == (0,)
    assert timestamp_columns(("message",)) == ()
