"""Damaged and odd files on the reading side: every file found gets a fate, every line of the
files that are read is a record, a continuation line or malformed, and no file stops the others.

Counts are worked out by hand from the bytes written here."""

from __future__ import annotations

import bz2
import dataclasses
import gzip
import os
import zlib
from pathlib import Path

import pytest

from logdesk.engine.pipeline import run_pipeline
from logdesk.settings import CacheSettings, PathSettings, Settings

CSV_HEAD = "timestamp,level,message\n"


def _settings(tmp_path: Path) -> Settings:
    return Settings(paths=PathSettings(work_dir=str(tmp_path / "work")),
                    cache=CacheSettings(enabled=False))


def _run(spark, folder: Path, tmp_path: Path):
    run = run_pipeline(spark, folder, _settings(tmp_path))
    return run, {os.path.relpath(f.path, folder): f for f in run.ingest.files}


def test_encodings_nuls_links_fifos_and_empty_files(spark, tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    rows = CSV_HEAD + "2024-03-05 10:00:00,ERROR,caf\u00e9 down\n2024-03-05 10:00:01,INFO,ok\n"
    (logs / "utf16_no_bom.csv").write_bytes(rows.encode("utf-16-le"))
    (logs / "latin1.csv").write_bytes(rows.encode("cp1252"))
    # a zero-filled block after a crash (30 NULs in 600 bytes), then one more line: 11
    # records, the NUL line malformed
    (logs / "nul_block.csv").write_bytes(
        (CSV_HEAD + "2024-03-05 10:00:00,INFO,a line before the crash\n" * 10).encode()
        + b"\x00" * 30 + b"\n2024-03-05 10:00:02,WARN,after the crash\n")
    (logs / "header_only.csv").write_text(CSV_HEAD)
    (logs / "blank_only.log").write_text("\n   \n\t\n")
    (logs / "empty.log").write_bytes(b"")
    (logs / "link.csv").symlink_to(logs / "latin1.csv")
    os.mkfifo(logs / "pipe.log")  # opening it would block the run forever

    run, files = _run(spark, logs, tmp_path)

    got = {name: (f.fate, f.parsed_rows, f.malformed_rows, f.data_lines) for name, f in files.items()}
    assert got == {
        "utf16_no_bom.csv": ("read", 2, 0, 2),
        "latin1.csv": ("read", 2, 0, 2),
        "nul_block.csv": ("read", 11, 1, 12),
        "header_only.csv": ("read", 0, 0, 0),
        "blank_only.log": ("skipped", 0, 0, 0),
        "empty.log": ("skipped", 0, 0, 0),
        "link.csv": ("skipped", 0, 0, 0),
        "pipe.log": ("skipped", 0, 0, 0),
    }
    assert files["utf16_no_bom.csv"].encoding == "utf-16le"
    assert files["latin1.csv"].encoding == "cp1252"
    assert files["blank_only.log"].note == "only blank lines"
    assert files["empty.log"].note == "empty file"
    assert files["link.csv"].note == f"same file as {logs / 'latin1.csv'} (a link to it): read once, there"
    assert files["pipe.log"].note == "not a log: a FIFO, not opened"
    assert run.ingest.fates_text() == "4 files read, 4 skipped"
    # the decoded text, not mojibake, reaches the error types
    types = {t.template for t in run.error_types}
    assert types == {"caf\u00e9 down"}
    assert run.ingest.parsed_rows == 15


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati", "Etc/GMT+12"])
def test_extreme_but_valid_times_never_crash_a_run(spark, tmp_path, zone):
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "x.csv").write_text(
        CSV_HEAD
        + "0001-01-01T00:00:00Z,ERROR,first\n"
        + "9999-12-31T23:59:59Z,ERROR,last\n"
        + "2024-03-05T10:00:00Z,ERROR,normal\n"
        + "0001-01-01 00:00:00,INFO,naive first\n"
        + "9999-12-31 23:59:59,INFO,naive last\n"
        + "0001-01-03T00:00:00Z,INFO,two days in\n"
    )
    settings = dataclasses.replace(_settings(tmp_path), time_zone=zone)
    spark.conf.set("spark.sql.session.timeZone", zone)
    try:
        run = run_pipeline(spark, logs, settings)
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")
    # the four times within a day of Python's datetime range are malformed, the rest read
    assert (run.ingest.parsed_rows, run.ingest.malformed_rows) == (2, 4)
    (f,) = run.ingest.files
    assert [s.line for s in f.malformed_samples] == [2, 3, 5]
    assert all(s.reason.startswith("timestamp out of range: ") for s in f.malformed_samples)
    assert {t.template for t in run.error_types} == {"normal"}


def test_lone_cr_line_ends_count_as_an_editor_shows_them(spark, tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "a.log").write_bytes(
        b"2024-01-15 10:00:00,123 ERROR [main] com.example.App - boom\r"
        b"2024-01-15 10:00:01,123 INFO [main] com.example.App - ok\r"
        b"\tat com.example.App.main(App.java:1)\r"
        b"2024-01-15 10:00:02,123 WARN [main] com.example.App - w\r")
    (logs / "b.csv").write_bytes(
        b"timestamp,level,message\r2024-01-01 10:00:00,INFO,a\r"
        b"2024-01-01 10:00:01,INFO,b\rnot a time,INFO,c\r")
    access = b'10.0.0.1 - - [05/Mar/2024:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"\r'
    (logs / "access.log").write_bytes(access + b"junk\r" + access + b"more junk\r")

    run, files = _run(spark, logs, tmp_path)

    got = {n: (f.parsed_rows, f.continuation_lines, f.malformed_rows) for n, f in files.items()}
    assert got == {"a.log": (3, 1, 0), "b.csv": (2, 0, 1), "access.log": (2, 0, 2)}
    lines = {(os.path.basename(s_path), s.line) for s_path, f in
             ((f.path, f) for f in run.ingest.files) for s in f.malformed_samples}
    assert lines == {("b.csv", 4), ("access.log", 2), ("access.log", 4)}


def _available_lines(truncated_gzip: bytes) -> int:
    """Complete lines a truncated gzip member still gives (plain zlib, independent of the code)."""
    out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(truncated_gzip)
    return out.count(b"\n")


def test_truncated_and_corrupt_archives_are_read_as_far_as_they_go(spark, tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    text = "".join(f"2024-01-15 10:{i // 60 % 60:02d}:{i % 60:02d},123 INFO [main] com.x.App - "
                   f"line {i}\n" for i in range(20000)).encode()
    packed = gzip.compress(text)
    truncated = packed[: len(packed) // 2]
    (logs / "trunc.log.gz").write_bytes(truncated)
    # two bzip2 streams (as pbzip2 or `cat a.bz2 b.bz2` make): the first 12,000 lines whole,
    # the second damaged inside its only block
    first, second = text.split(b"\n", 12000)[:12000], text.split(b"\n", 12000)[12000]
    broken = bytearray(bz2.compress(second))
    broken[len(broken) // 2: len(broken) // 2 + 64] = b"\x00" * 64
    (logs / "corrupt.log.bz2").write_bytes(bz2.compress(b"\n".join(first) + b"\n") + bytes(broken))
    (logs / "dead.log.bz2").write_bytes(bytes(broken))  # nothing decompresses at all
    (logs / "fine.log").write_text("2024-01-15 10:00:00,123 ERROR [main] com.x.App - fine\n")
    expected = _available_lines(truncated)
    assert 0 < expected < 20000
    settings = Settings(paths=PathSettings(work_dir=str(tmp_path / "work")),
                        cache=CacheSettings(enabled=True, dir=str(tmp_path / "cache")))

    for attempt in range(2):  # the second run (cache on) flags the file again
        run = run_pipeline(spark, logs, settings)
        files = {os.path.basename(f.path): f for f in run.ingest.files}
        trunc = files["trunc.log.gz"]
        assert (trunc.fate, trunc.parsed_rows, trunc.malformed_rows) == ("read", expected, 0)
        assert "broken gzip data after" in trunc.note
        assert f"read the {expected:,} complete lines before it" in trunc.note
        bad = files["corrupt.log.bz2"]
        assert (bad.fate, bad.parsed_rows, bad.malformed_rows) == ("read", 12000, 0)
        assert "broken bzip2 data" in bad.note and "read the 12,000 complete lines" in bad.note
        dead = files["dead.log.bz2"]
        assert dead.fate == "unreadable" and dead.note.startswith("broken bzip2 data")
        assert files["fine.log"].parsed_rows == 1
        assert {t.template for t in run.error_types} == {"fine"}
