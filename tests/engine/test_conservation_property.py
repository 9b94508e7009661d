"""Every line counted, as a property (Hypothesis): random folders mixing formats, encodings,
compression, damaged files, blank lines, CRLF and lone CRs go through the real pipeline, and for
every file that is read

    data lines == records + continuation lines + malformed lines

where the data lines are counted here, in plain Python, from the bytes written:
  - the bytes are decompressed (a truncated .gz: as far as zlib gets, and only the complete
    lines before the break: up to the last line end) and decoded in the encoding written
    (invalid bytes as U+FFFD);
  - a line is what an editor shows: the text split at CRLF, at LF and at a lone CR; the piece
    after a final line end is no line;
  - a blank line is no data line, nor is a header line: the first line of a file read as CSV,
    the # directives of one read as W3C (a CSV file whose header is not seen as one is read as
    text, and its header is a data line there). Blank: nothing but spaces and tabs; in CSV,
    empty (Spark's CSV parser skips empty lines, and a line of spaces is a row of one field,
    malformed: readers/csv_reader.py).
Every file found must appear in the ingest report once, with a fate (read, skipped or
unreadable; the last two with a note and no lines counted; unreadable only where the
compression is broken), and no run may fail. CSV files get one kind of line end each: mixed
ones are a known gap (test_csv_with_mixed_line_ends).

CI runs a fixed, derandomized set of examples (each one a Spark run, so few); a longer run with
random seeds:  LOGDESK_HYPOTHESIS_EXAMPLES=300 pytest tests/engine/test_conservation_property.py
"""

from __future__ import annotations

import bz2
import gzip
import json
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logdesk.engine.pipeline import run_pipeline
from logdesk.settings import CacheSettings, PathSettings, Settings


def _examples(ci: int) -> dict:
    more = os.environ.get("LOGDESK_HYPOTHESIS_EXAMPLES")
    return dict(max_examples=int(more) if more else ci, derandomize=not more, deadline=None,
                database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


# --------------------------------------------------------------------------- line contents

_WORDS = st.sampled_from(["ok", "boom", "caf\u00e9", "id=42", "GET /a", "x:y", "t\u00e9st",
                          "done.", "retry 3", "path/to"])
_MESSAGE = st.lists(_WORDS, min_size=1, max_size=4).map(" ".join)
_LEVEL = st.sampled_from(["INFO", "ERROR", "WARN", "DEBUG"])
_SEC = st.integers(0, 59)
_BLANK = st.sampled_from(["", " ", "\t", "  \t ", "\t\t"])


def _record(kind: str) -> st.SearchStrategy[str]:
    """A line that starts a record in `kind`."""
    if kind == "csv":
        return st.builds(lambda s, lv, m, q: f"2024-01-02 03:04:{s:02d},{lv},"
                         + (f'"{m}, more"' if q else m), _SEC, _LEVEL, _MESSAGE, st.booleans())
    if kind == "jsonl":
        return st.builds(lambda s, lv, m: json.dumps(
            {"time": f"2024-01-02T03:04:{s:02d}Z", "level": lv, "msg": m}), _SEC, _LEVEL, _MESSAGE)
    if kind == "log4j":
        return st.builds(
            lambda s, lv, m: f"2024-01-02 03:04:{s:02d},678 {lv} [main] com.x.App - {m}",
            _SEC, _LEVEL, _MESSAGE)
    if kind == "syslog":
        return st.builds(lambda s, n, m: f"Jan  2 03:04:{s:02d} web-01 app[{n}]: {m}",
                         _SEC, st.integers(1, 999), _MESSAGE)
    if kind == "apache":
        return st.builds(lambda s, st_, n: f'10.0.0.{n} - - [02/Jan/2024:03:04:{s:02d} +0000] '
                         f'"GET /p/{n} HTTP/1.1" {st_} {n * 7} "-" "curl/8"',
                         _SEC, st.sampled_from([200, 404, 500]), st.integers(1, 250))
    if kind == "w3c":
        return st.builds(lambda s, n, st_: f"2024-01-02 03:04:{s:02d} 10.0.0.{n} GET /p/{n} {st_}",
                         _SEC, st.integers(1, 250), st.sampled_from([200, 404, 500]))
    assert kind == "generic"
    return st.builds(lambda s, m: f"2024/01/02 03:04:{s:02d} {m}", _SEC, _MESSAGE)


def _other(kind: str) -> st.SearchStrategy[str]:
    """A non-blank line that does not start a record: continuation, junk or a broken row."""
    common = [st.just("\tat com.x.App.run(App.java:12)"), st.just("Caused by: java.io.IOException"),
              _MESSAGE.map(lambda m: "  " + m), st.just("-- truncated --"),
              st.integers(1, 30).map(lambda n: "\x00" * n)]  # a crash's zero-filled block
    if kind == "csv":
        return st.one_of(st.just("not a time,INFO,x"), st.just("2024-01-02 03:04:05,INFO"),
                         st.just("a,b,c,d,e"), _MESSAGE)
    if kind == "jsonl":
        return st.one_of(st.just('{"time": 17'), st.just("[1, 2]"), st.just('"text"'),
                         st.just("not json"), st.just('{"msg": "no time"}'))
    if kind == "w3c":
        return st.one_of(*common[2:4])
    return st.one_of(*common)


_HEADERS = {"csv": ["timestamp,level,message"],
            "w3c": ["#Software: Microsoft Internet Information Services 10.0", "#Version: 1.0",
                    "#Date: 2024-01-02 03:04:05", "#Fields: date time c-ip cs-method cs-uri-stem "
                    "sc-status"]}
_KINDS = ["csv", "jsonl", "log4j", "syslog", "apache", "w3c", "generic"]
_EXT = {"csv": ".csv", "jsonl": ".jsonl"}


@st.composite
def _lines(draw, kind: str, clean: bool = False) -> list[str]:
    lines = list(_HEADERS.get(kind, []))
    other = _BLANK if clean else st.one_of(_other(kind), _BLANK)
    body = draw(st.lists(st.one_of(_record(kind), _record(kind), other), min_size=1, max_size=25))
    if clean or draw(st.booleans()):  # most files start with a record
        body.insert(0, draw(_record(kind)))
    if kind == "w3c" and draw(st.booleans()):  # a server restart writes the directives again
        body[len(body) // 2:len(body) // 2] = _HEADERS["w3c"]
    return lines + body


# --------------------------------------------------------------------------- files


@dataclass(frozen=True)
class LogFile:
    name: str
    kind: str  # one of _KINDS, or blank, empty, header_only, random
    data: bytes  # as written
    encoding: str  # as written ("" for random bytes)
    truncated: bool  # a .gz cut short


# the records a truncated .gz starts with (about 200 KB)
_PAD_LINES = 3000
_PAD = {
    "csv": "2024-01-02 03:04:05,INFO,pad {i}",
    "jsonl": '{{"time": "2024-01-02T03:04:05Z", "level": "INFO", "msg": "pad {i}"}}',
    "log4j": "2024-01-02 03:04:05,678 INFO [main] com.x.App - pad {i}",
    "syslog": "Jan  2 03:04:05 web-01 app[1]: pad {i}",
    "apache": '10.0.0.1 - - [02/Jan/2024:03:04:05 +0000] "GET /pad/{i} HTTP/1.1" 200 1 "-" "-"',
    "w3c": "2024-01-02 03:04:05 10.0.0.1 GET /pad/{i} 200",
    "generic": "2024/01/02 03:04:05 pad {i}",
}
_ENCODINGS = ["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"]


@st.composite
def _log_file(draw, index: int, kind: str | None = None, clean: bool = False) -> LogFile:
    kind = kind or draw(st.sampled_from(_KINDS + ["blank", "empty", "header_only", "random"]))
    if kind == "random":
        data = draw(st.binary(min_size=1, max_size=300))
        return LogFile(f"{index}-random.log", kind, data, "", False)
    if kind == "blank":
        lines = draw(st.lists(_BLANK, min_size=1, max_size=6))
    elif kind == "empty":
        lines = []
    elif kind == "header_only":
        lines = list(_HEADERS["csv"])
    else:
        lines = draw(_lines(kind, clean))
    header = len(_HEADERS.get("csv" if kind == "header_only" else kind, []))
    compression = "" if clean else draw(st.sampled_from(
        ["", "", "", "gz", "bz2", "gz-cut"] + (["gz-cut-big"] if kind in _PAD else [])))
    if compression == "gz-cut-big":
        # past the head discovery decompresses (64 KB), so that the file is read up to the break
        lines[header:header] = [_PAD[kind].format(i=i) for i in range(_PAD_LINES)]
    # mixed line ends, but not in CSV: see test_csv_with_mixed_line_ends below
    csv = kind in ("csv", "header_only")
    ends = draw(st.sampled_from(["\n", "\r\n", "\r"] + ([] if csv else ["mixed"])))
    text = ""
    for i, line in enumerate(lines):
        end = draw(st.sampled_from(["\n", "\r\n", "\r"])) if ends == "mixed" else ends
        text += line + (end if i < len(lines) - 1 or draw(st.booleans()) else "")
        if i + 1 == header:
            header_text = text
    encoding = "utf-8" if clean else draw(st.sampled_from(_ENCODINGS))
    data = text.encode(encoding)
    if encoding == "utf-8" and not clean and draw(st.booleans()):
        # invalid UTF-8: stray bytes inside lines (never a line end), after the header
        after = len(header_text.encode()) if header else 0
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(min(after, len(data)), len(data)))
            bad = draw(st.sampled_from([b"\xff", b"\xc3(", b"\x80", b"\xe2\x82"]))
            data = data[:at] + bad + data[at:]
    name = f"{index}-{kind}{_EXT.get(kind, '.csv' if kind == 'header_only' else '.log')}"
    truncated = False
    if compression == "bz2":
        data, name = bz2.compress(data), name + ".bz2"
    elif compression:
        data, name = gzip.compress(data, mtime=0), name + ".gz"
        if compression == "gz-cut":  # small: its head does not decompress either
            data = data[: draw(st.integers(10, max(10, len(data) - 1)))]
            truncated = True
        elif compression == "gz-cut-big":
            data = data[: draw(st.integers(len(data) // 2, len(data) - 1))]
            truncated = True
    return LogFile(name, kind, data, encoding, truncated)


@st.composite
def _folder(draw) -> list[LogFile]:
    # one clean file that is surely read (a folder without a log ends the run before Spark)
    files = [draw(_log_file(0, kind=draw(st.sampled_from(["csv", "jsonl", "log4j"])), clean=True))]
    for i in range(1, draw(st.integers(1, 4)) + 1):
        files.append(draw(_log_file(i)))
    return files


# --------------------------------------------------------------------------- the plain count

_LINE_END = re.compile(r"\r\n|\r|\n")


def data_lines(f: LogFile, read_as: str) -> int:
    """The file's data lines, from its bytes (see the module docstring); `read_as`: the format
    it was read in (a CSV file whose header is not seen is text, and its header a data line)."""
    raw = f.data
    if f.name.endswith(".bz2"):
        raw = bz2.decompress(raw)
    elif f.name.endswith(".gz"):
        raw = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(raw)
    text = raw.decode(f.encoding, errors="replace")
    if f.truncated:
        ends = [m.end() for m in _LINE_END.finditer(text)]
        text = text[: ends[-1]] if ends else ""
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()  # after a final line end: no line
    count = 0
    for i, line in enumerate(lines):
        if line == "" or (line.strip(" \t") == "" and read_as != "csv"):
            continue
        if read_as == "csv" and i == 0:
            continue  # the header
        if read_as == "w3c" and line.startswith("#"):
            continue
        count += 1
    return count


# --------------------------------------------------------------------------- the property


@settings(**_examples(15))
@given(files=_folder())
def test_every_line_of_every_file_is_a_record_a_continuation_or_malformed(spark, tmp_path_factory,
                                                                          files):
    root = tmp_path_factory.mktemp("prop")
    logs = root / "logs"
    logs.mkdir()
    for f in files:
        (logs / f.name).write_bytes(f.data)
    settings_ = Settings(paths=PathSettings(work_dir=str(root / "work")),
                         cache=CacheSettings(enabled=False))

    run = run_pipeline(spark, logs, settings_)

    report = {Path(r.path).name: r for r in run.ingest.files}
    assert len(report) == len(run.ingest.files) == len(files)
    assert set(report) == {f.name for f in files}
    assert report[files[0].name].fate == "read", report[files[0].name]
    for f in files:
        r = report[f.name]
        got = (r.parsed_rows, r.continuation_lines, r.malformed_rows)
        assert r.fate in ("read", "skipped", "unreadable"), (f.name, r.fate)
        if r.fate != "read":
            assert r.note and got == (0, 0, 0), (f.name, r)
            # unreadable: broken compression (or what random bytes look like), never an
            # intact file
            assert r.fate == "skipped" or f.truncated or f.kind == "random", (f.name, r)
            continue
        assert r.data_lines == sum(got), (f.name, r)
        if f.kind == "random":
            continue  # random bytes: what they decode to is the reader's guess
        assert data_lines(f, r.format) == sum(got), (f.name, f.encoding, r.format, got, f.data)


@pytest.mark.xfail(strict=True, reason="known: Spark's CSV parser takes the first line end it "
                   "meets as the file's; a later LF in a CRLF file, or a lone CR in an LF file, "
                   "does not end a line there")
def test_csv_with_mixed_line_ends(spark, tmp_path):
    """Found by the property above (its smallest folder): a Windows CSV (CRLF) that a Unix
    tool appended to (LF). An editor shows three lines, two of them rows; the reader reads one
    malformed row of five fields. Passes (and so fails, strict) once the reader splits lines
    as an editor does."""
    logs = tmp_path / "logs"
    logs.mkdir()
    row = b"2024-01-02 03:04:00,INFO,ok"
    (logs / "a.csv").write_bytes(b"timestamp,level,message\r\n" + row + b"\n" + row + b"\r\n")
    run = run_pipeline(spark, logs, Settings(paths=PathSettings(work_dir=str(tmp_path / "w")),
                                             cache=CacheSettings(enabled=False)))
    (f,) = run.ingest.files
    assert (f.parsed_rows, f.continuation_lines, f.malformed_rows) == (2, 0, 0)


def _made(name: str, kind: str, text: str | bytes, cut: float | None = None) -> LogFile:
    """A file written by hand (UTF-8); `cut`: gzipped and cut at that share of its bytes."""
    data = text.encode() if isinstance(text, str) else text
    if name.endswith(".bz2"):
        data = bz2.compress(data)
    elif name.endswith(".gz"):
        data = gzip.compress(data, mtime=0)
        data = data[: int(len(data) * cut)] if cut else data
    return LogFile(name, kind, data, "utf-8", cut is not None)


_JSON_ROW = '{"time": "2024-01-02T03:04:05Z", "level": "INFO", "msg": "ok"}'


def test_what_the_property_found(spark, tmp_path):
    """Bugs the property found (fixed), with their smallest folders: a line of tabs in JSON
    lines was a malformed row (only spaces made a blank line); an invalid UTF-8 byte in a
    malformed JSON line crashed the run (UnicodeDecodeError writing the malformed rows); an
    empty .bz2 was unreadable, "not bzip2 data"; a truncated .gz with lone-CR line ends kept
    none of its lines (the copy was cut at the last LF)."""
    files = [
        _made("jsonl.jsonl", "jsonl", _JSON_ROW + "\n\t\n \t \n" + _JSON_ROW + "\n"),
        _made("bad.jsonl", "jsonl",
              _JSON_ROW.replace("ok", "caf\u00e9").encode() + b"\n\xffjunk\n"),
        _made("empty.log.bz2", "empty", ""),
        _made("cr.log.gz", "generic",
              "".join(f"2024/01/02 03:04:05 pad {i}\r" for i in range(6000)), cut=0.75),
    ]
    logs = tmp_path / "logs"
    logs.mkdir()
    for f in files:
        (logs / f.name).write_bytes(f.data)
    run = run_pipeline(spark, logs, Settings(paths=PathSettings(work_dir=str(tmp_path / "w")),
                                             cache=CacheSettings(enabled=False)))
    report = {Path(r.path).name: r for r in run.ingest.files}
    jsonl, bad, empty, cr = (report[f.name] for f in files)
    assert (jsonl.parsed_rows, jsonl.malformed_rows) == (2, 0)
    assert (bad.encoding, bad.parsed_rows, bad.malformed_rows) == ("utf-8", 1, 1)
    assert [(s.line, s.raw) for s in bad.malformed_samples] == [(2, "\ufffdjunk")]
    assert (empty.fate, empty.note) == ("skipped", "empty file")
    kept = data_lines(files[3], "generic")
    assert 4000 < kept < 6000  # past the head (64 KB), short of the whole file
    assert (cr.fate, cr.parsed_rows, cr.continuation_lines, cr.malformed_rows) == (
        "read", kept, 0, 0)
    assert f"read the {kept:,} complete lines before it" in cr.note
