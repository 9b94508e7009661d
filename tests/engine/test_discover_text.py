"""discover_inputs with plain-text formats: detection, which other-named files are listed,
bzip2 files, and user formats (no Spark)."""

from __future__ import annotations

import bz2
import gzip
import os

from logdesk.engine.discover import (
    NO_KNOWN_FORMAT,
    FORMAT_CSV,
    FORMAT_TEXT,
    FORMAT_SKIPPED,
    FORMAT_UNREADABLE,
    discover_inputs,
)
from logdesk.engine.text_formats import TextFormat

SYSLOG = "Mar  5 09:23:38 web01 sshd[7998]: Failed password for root\n" * 3
ACCESS = '10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 200 2326 "-" "curl"\n' * 3
LOG4J = "2024-01-15 10:00:00,123 ERROR [main] com.example.App - boom\n\tat x.y(Z.java:1)\n"


def _write(path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _by_name(tmp_path, **kwargs):
    return {
        os.path.relpath(f.path, tmp_path): f for f in discover_inputs(tmp_path, **kwargs)
    }


def test_every_file_is_listed_with_its_format_or_why_it_is_skipped(tmp_path):
    _write(tmp_path / "app.log", LOG4J)
    _write(tmp_path / "plain.log", "2024-01-01 10:00:00 ERROR something broke\n")
    _write(tmp_path / "var" / "syslog", SYSLOG)
    _write(tmp_path / "var" / "syslog.2.gz", gzip.compress(SYSLOG.encode()))
    _write(tmp_path / "var" / "access_log.0", ACCESS)
    _write(tmp_path / "var" / "messages", "dear diary\n")  # plain name, no known format
    _write(tmp_path / "README.md", "# logs\n")  # neither a candidate nor plain name
    _write(tmp_path / "photo", b"\x89PNG\r\n\x1a\n\x00\x00")
    _write(tmp_path / "data.csv", "timestamp,message\n2024-01-01,hi\n")

    found = _by_name(tmp_path)

    # every file is listed, whatever its name; the ones that are not logs are skipped
    assert sorted(found) == [
        "README.md", "app.log", "data.csv", "photo", "plain.log", "var/access_log.0",
        "var/messages", "var/syslog", "var/syslog.2.gz",
    ]
    assert (found["photo"].format, found["photo"].note) == (
        FORMAT_SKIPPED, "not a log: binary content (PNG image)")
    assert (found["README.md"].format, found["var/messages"].format) == (
        FORMAT_SKIPPED, FORMAT_SKIPPED)
    assert found["data.csv"].format == FORMAT_CSV
    assert found["app.log"].format == FORMAT_TEXT
    assert found["app.log"].text_format.name == "log4j"
    assert found["app.log"].format_name == "log4j"
    assert found["app.log"].note == "plain text in log4j format"
    assert found["app.log"].header is None and found["app.log"].encoding == "utf-8"
    assert (found["plain.log"].format_name, found["plain.log"].timestamp_layout) == (
        "generic", "yyyy-MM-dd HH:mm:ss")
    assert found["var/messages"].note == NO_KNOWN_FORMAT
    for name in ("var/syslog", "var/syslog.2.gz"):
        assert found[name].format == FORMAT_TEXT
        assert found[name].text_format.name == "syslog_rfc3164"
    assert found["var/access_log.0"].text_format.name == "apache_combined"


def test_bzip2_files(tmp_path):
    _write(tmp_path / "app.log.bz2", bz2.compress(LOG4J.encode()))
    _write(tmp_path / "syslog.1.bz2", bz2.compress(SYSLOG.encode()))
    _write(tmp_path / "data.csv.bz2", bz2.compress(b"timestamp,message\n2024-01-01,hi\n"))
    _write(tmp_path / "fake.log.bz2", LOG4J)
    _write(tmp_path / "packed.log", bz2.compress(LOG4J.encode()))
    _write(tmp_path / "broken.log.bz2", bz2.compress(LOG4J.encode() * 50)[:40])

    found = _by_name(tmp_path)

    assert found["app.log.bz2"].text_format.name == "log4j"
    assert found["syslog.1.bz2"].text_format.name == "syslog_rfc3164"
    assert found["data.csv.bz2"].format == FORMAT_CSV
    assert found["data.csv.bz2"].header == ("timestamp", "message")
    assert found["fake.log.bz2"].format == FORMAT_UNREADABLE
    assert "named .bz2 but not bzip2 data" in found["fake.log.bz2"].note
    assert found["packed.log"].format == FORMAT_UNREADABLE
    assert "bzip2 data without a .bz2 name" in found["packed.log"].note
    assert found["broken.log.bz2"].format == FORMAT_UNREADABLE
    assert found["broken.log.bz2"].note.startswith("broken bzip2 data")


def test_user_formats_are_passed_to_detection(tmp_path):
    _write(tmp_path / "app.log", "15.01.2024 10:00:00 [ERROR] disk full\n")
    _write(tmp_path / "custom", "15.01.2024 10:00:00 [ERROR] disk full\n")
    mine = TextFormat(
        name="myapp",
        pattern=r"(?P<ts>\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}) \[(?P<level>\w+)\] (?P<message>.*)",
        user=True,
    )

    # without it, the generic reader's, from the timestamp its lines start with
    assert _by_name(tmp_path)["app.log"].format_name == "generic"
    found = _by_name(tmp_path, text_formats=[mine])
    assert found["app.log"].text_format is mine
    assert found["custom"].text_format is mine
    # a single file given directly is described with the user formats too
    (single,) = discover_inputs(tmp_path / "custom", text_formats=[mine])
    assert single.format == FORMAT_TEXT and single.text_format is mine
