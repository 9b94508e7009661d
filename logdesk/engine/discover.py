"""Find the log files in a folder and tell what each one is, from its head only.

Runs on the driver before Spark reads anything: a directory walk and a small read per file
(gzip-aware). Every candidate file is returned, including the ones no reader understands, so
the run can account for every input line.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import json
import os
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from logdesk.engine.text_formats import TextFormat, detect_text_format

# InputFile.format values
FORMAT_CSV = "csv"
FORMAT_JSONL = "jsonl"  # one JSON object per line
FORMAT_TEXT = "text"  # plain text in a known TextFormat (InputFile.text_format)
FORMAT_UNKNOWN = "unknown"  # read as plain lines, each counted as a malformed row
FORMAT_UNREADABLE = "unreadable"  # cannot be opened or decoded: no lines, see the note
FORMAT_EMPTY = "empty"  # no bytes (or no header line): no lines

# the note of a file whose head fits no reader
NO_KNOWN_FORMAT = (
    "no known log format in its first lines (not a CSV header, JSON lines, "
    "or a built-in or configured text format)"
)

# Column-name aliases per staged column, in order of preference (matched trimmed, lower-case).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "timestamp": ("timestamp", "time", "datetime", "@timestamp", "date", "ts"),
    "level": ("log_level", "level", "severity", "loglevel", "lvl"),
    "message": ("message", "msg", "content", "text"),
    "ip": ("ip", "client_ip", "remote_addr", "clientip", "source_ip"),
    "service": ("service", "component", "app", "logger", "application"),
    "endpoint": ("endpoint", "path", "url", "uri", "route"),
}

# app.csv, app.csv.gz, app.log, app.log.1, app.log.2.gz, app.log.bz2, notes.txt
_CANDIDATE = re.compile(r"\.(csv|log|txt)(\.\d+)?(\.gz|\.bz2)?$", re.IGNORECASE)
# app.json, app.jsonl.gz, app.ndjson.1, app.json.2.bz2: JSON lines (or not; see _describe_json)
_JSON_CANDIDATE = re.compile(r"\.(json|jsonl|ndjson)(\.\d+)?(\.gz|\.bz2)?$", re.IGNORECASE)
# syslog, messages, access_log, access_log.0, syslog.2.gz: listed only when their head is a
# known text format, so READMEs and images next to the logs are not reported as malformed
_PLAIN_NAME = re.compile(r"^[^.]+(\.\d+)?(\.gz|\.bz2)?$", re.IGNORECASE)
_SNIFF_BYTES = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
_BZIP2_MAGIC = re.compile(rb"^BZh[1-9]1AY&SY")  # stream header + first block's magic
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class InputFile:
    path: str  # as found under the folder given (that folder's spelling + relative part)
    format: str  # FORMAT_*
    size: int  # bytes on disk
    mtime: float  # modification time, epoch seconds
    header: tuple[str, ...] | None  # CSV column names (trimmed, BOM removed); None if not CSV
    encoding: str  # "utf-8" or "utf-8-sig" (with BOM); "" when not known
    note: str  # why the format was chosen, for the user; "" when nothing to say
    text_format: TextFormat | None = None  # FORMAT_TEXT only: the detected format
    transcoded: str = ""  # a UTF-8 copy Spark reads instead (UTF-16 input; see transcode.py)
    # lines of the file before the first line of read_path (an appended end read on its own,
    # see cache/plan.py): a row's line in read_path plus this is its line in the file
    line_offset: int = 0

    @property
    def read_path(self) -> str:
        """The file Spark reads: the UTF-8 copy of a transcoded file, else the file itself."""
        return self.transcoded or self.path

    @property
    def format_name(self) -> str:
        """What the ingest report calls the format: the text format's name for plain text."""
        return self.text_format.name if self.text_format else self.format


def normalize_column_name(name: str) -> str:
    return name.replace("\ufeff", "").strip().lower()


def column_roles(header: tuple[str, ...]) -> dict[str, int]:
    """Staged column -> index of the header column that feeds it (first alias that is present;
    the first of duplicate names). Roles with no column are absent."""
    positions: dict[str, int] = {}
    for i, name in enumerate(header):
        positions.setdefault(normalize_column_name(name), i)
    roles: dict[str, int] = {}
    for role, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            if alias in positions:
                roles[role] = positions[alias]
                break
    return roles


def timestamp_columns(header: tuple[str, ...]) -> tuple[int, ...]:
    """Header indexes whose text makes the timestamp: one column, or a separate date and time
    column (as in W3C-style logs) when no full timestamp column exists."""
    positions: dict[str, int] = {}
    for i, name in enumerate(header):
        positions.setdefault(normalize_column_name(name), i)
    full = [a for a in COLUMN_ALIASES["timestamp"] if a in positions and a not in ("date", "time")]
    if not full and "date" in positions and "time" in positions:
        return (positions["date"], positions["time"])
    roles = column_roles(header)
    return (roles["timestamp"],) if "timestamp" in roles else ()


def is_log_header(header: tuple[str, ...]) -> bool:
    """A header we can read as a log: a timestamp column and a message or level column."""
    roles = column_roles(header)
    return "timestamp" in roles and ("message" in roles or "level" in roles)


def discover_inputs(folder: Path, text_formats: Sequence[TextFormat] = ()) -> list[InputFile]:
    """Every candidate log file under `folder` (recursive; hidden files and folders skipped),
    sorted by path. `folder` may also be a single file. `text_formats` are the user's own
    plain-text formats, tried before the built-in ones."""
    folder = Path(folder)
    if folder.is_file():
        return [_describe(folder, text_formats)]
    if not folder.is_dir():
        raise FileNotFoundError(f"not a folder: {folder}")
    found: list[InputFile] = []

    def unlistable(err: OSError) -> None:
        # a subfolder we may not list: report it rather than silently missing its files
        where = err.filename or str(folder)
        found.append(
            InputFile(
                str(where),
                FORMAT_UNREADABLE,
                0,
                0.0,
                None,
                "",
                f"cannot list folder: {_os_error_text(err)}",
            )
        )

    for root, dirs, names in os.walk(folder, onerror=unlistable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.startswith("."):
                continue
            if _CANDIDATE.search(name) or _JSON_CANDIDATE.search(name):
                found.append(_describe(Path(root) / name, text_formats))
            elif _PLAIN_NAME.match(name):
                described = _describe(Path(root) / name, text_formats)
                if described.format == FORMAT_TEXT:
                    found.append(described)
    return sorted(found, key=lambda f: f.path)


@dataclass(frozen=True)
class _Head:
    """The first bytes of a file (decompressed) and their text, for format detection."""

    size: int
    mtime: float
    data: bytes  # at most _SNIFF_BYTES
    text: str  # decoded, byte order mark removed
    encoding: str  # "utf-8", "utf-8-sig", "utf-16-le" or "utf-16-be"


def _read_head(path: Path) -> _Head | InputFile:
    """The file's head, or the InputFile that says why there is nothing to detect (unreadable,
    compression and name disagreeing, empty)."""
    size, mtime = _stat_or_zero(path)

    def unusable(fmt: str, note: str) -> InputFile:
        return InputFile(str(path), fmt, size, mtime, None, "", note)

    codec = "gzip"  # named in the note when decompressing fails
    try:
        st = path.stat()
        size, mtime = st.st_size, st.st_mtime
        with open(path, "rb") as fh:
            data = fh.read(_SNIFF_BYTES)
            is_gzip = data.startswith(_GZIP_MAGIC)
            is_bzip2 = _BZIP2_MAGIC.match(data) is not None
            if is_gzip:
                fh.seek(0)
                with gzip.GzipFile(fileobj=fh) as gz:
                    data = gz.read(_SNIFF_BYTES)
            elif is_bzip2:
                codec = "bzip2"
                fh.seek(0)
                with bz2.BZ2File(fh) as bz:
                    data = bz.read(_SNIFF_BYTES)
    except OSError as exc:  # also gzip.BadGzipFile and a broken bzip2 stream
        return unusable(FORMAT_UNREADABLE, f"cannot read: {_os_error_text(exc)}")
    except (EOFError, zlib.error, ValueError) as exc:
        return unusable(FORMAT_UNREADABLE, f"broken {codec} data: {exc}")

    # Spark picks the codec by file name, so name and content must agree
    lower = path.name.lower()
    for suffix, is_codec, label in ((".gz", is_gzip, "gzip"), (".bz2", is_bzip2, "bzip2")):
        if lower.endswith(suffix) != is_codec:
            why = (
                f"{label} data without a {suffix} name"
                if is_codec
                else f"named {suffix} but not {label} data"
            )
            return unusable(FORMAT_UNREADABLE, f"{why}; rename it to match its content")
    if not data.strip():
        return unusable(FORMAT_EMPTY, "empty file")
    if data.startswith(_UTF16_BOMS):
        # read through a UTF-8 copy (transcode.py); the head is decoded here the same way
        encoding = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        text = data[: len(data) - len(data) % 2].decode("utf-16", errors="replace")
    else:
        encoding = "utf-8-sig" if data.startswith(_UTF8_BOM) else "utf-8"
        text = data.decode("utf-8", errors="replace")
    return _Head(size, mtime, data, text.lstrip("\ufeff"), encoding)


def _describe(path: Path, text_formats: Sequence[TextFormat] = ()) -> InputFile:
    head = _read_head(path)
    if isinstance(head, InputFile):
        return head
    if _JSON_CANDIDATE.search(path.name):
        return _describe_json(path, head)

    def make(fmt: str, header: tuple[str, ...] | None, note: str) -> InputFile:
        return InputFile(str(path), fmt, head.size, head.mtime, header, head.encoding, note)

    if not head.encoding.startswith("utf-16") and b"\x00" in head.data:
        return make(FORMAT_UNKNOWN, None, "binary content")
    lines = head.text.splitlines()
    header = _parse_header(lines[0] if lines else "")
    if header is None or not is_log_header(header):
        first = next((line.strip() for line in lines if line.strip()), "")
        if first.startswith("{") and _is_json_object(first):  # e.g. Docker's *.log files
            return make(FORMAT_JSONL, None, "JSON lines")
        text_format = detect_text_format(lines, text_formats)
        if text_format is not None:
            return InputFile(
                str(path), FORMAT_TEXT, head.size, head.mtime, None, head.encoding,
                f"plain text in {text_format.name} format", text_format,
            )
        return make(FORMAT_UNKNOWN, None, _why_not_csv(header))
    return make(FORMAT_CSV, header, "")


def _describe_json(path: Path, head: _Head) -> InputFile:
    """A *.json / *.jsonl / *.ndjson file (.gz, .bz2 too): JSON lines when its first non-blank
    line is one JSON object; anything else (one array, pretty-printed JSON) is FORMAT_UNKNOWN."""

    def make(fmt: str, note: str) -> InputFile:
        return InputFile(str(path), fmt, head.size, head.mtime, None, head.encoding, note)

    text = head.text
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    # a first line longer than the head cannot be parsed here; its opening brace must do
    cut = len(head.data) >= _SNIFF_BYTES and first == text.strip().splitlines()[-1].strip()
    if first.startswith("{") and (cut or _is_json_object(first)):
        return make(FORMAT_JSONL, "")
    if first.startswith("["):
        why = "one JSON array, not JSON lines (one object per line)"
    elif first.startswith("{"):
        why = "JSON over several lines (pretty-printed), not JSON lines (one object per line)"
    else:
        why = "first line is not a JSON object, so not JSON lines"
    return make(FORMAT_UNKNOWN, why)


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def _os_error_text(exc: OSError) -> str:
    return f"{exc.strerror} ({exc.__class__.__name__})" if exc.strerror else str(exc)


def _stat_or_zero(path: Path) -> tuple[int, float]:
    try:
        st = path.stat()
        return st.st_size, st.st_mtime
    except OSError:
        return 0, 0.0


def _parse_header(line: str) -> tuple[str, ...] | None:
    if "," not in line:
        return None
    try:
        fields = next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return None
    header = tuple(f.replace("\ufeff", "").strip() for f in fields)
    return header if len(header) >= 2 else None


def _why_not_csv(header: tuple[str, ...] | None) -> str:
    if header is None:
        return NO_KNOWN_FORMAT
    roles = column_roles(header)
    if "timestamp" not in roles:
        return "CSV header has no timestamp column (" + "/".join(COLUMN_ALIASES["timestamp"]) + ")"
    return "CSV header has no message or level column"


__all__ = [
    "COLUMN_ALIASES",
    "NO_KNOWN_FORMAT",
    "FORMAT_CSV",
    "FORMAT_JSONL",
    "FORMAT_TEXT",
    "FORMAT_EMPTY",
    "FORMAT_UNKNOWN",
    "FORMAT_UNREADABLE",
    "InputFile",
    "column_roles",
    "discover_inputs",
    "is_log_header",
    "normalize_column_name",
    "timestamp_columns",
]
