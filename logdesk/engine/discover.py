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


def _describe(path: Path, text_formats: Sequence[TextFormat] = ()) -> InputFile:
    if _JSON_CANDIDATE.search(path.name):
        return _describe_json(path)
    codec = "gzip"  # named in the note when decompressing fails
    try:
        st = path.stat()
        with open(path, "rb") as fh:
            head = fh.read(_SNIFF_BYTES)
            is_gzip = head.startswith(_GZIP_MAGIC)
            is_bzip2 = _BZIP2_MAGIC.match(head) is not None
            if is_gzip:
                fh.seek(0)
                with gzip.GzipFile(fileobj=fh) as gz:
                    head = gz.read(_SNIFF_BYTES)
            elif is_bzip2:
                codec = "bzip2"
                fh.seek(0)
                with bz2.BZ2File(fh) as bz:
                    head = bz.read(_SNIFF_BYTES)
    except OSError as exc:
        # gzip.BadGzipFile is an OSError too
        size, mtime = _stat_or_zero(path)
        return InputFile(
            str(path),
            FORMAT_UNREADABLE,
            size,
            mtime,
            None,
            "",
            f"cannot read: {_os_error_text(exc)}",
        )
    except (EOFError, zlib.error) as exc:
        return InputFile(
            str(path),
            FORMAT_UNREADABLE,
            st.st_size,
            st.st_mtime,
            None,
            "",
            f"broken {codec} data: {exc}",
        )

    def make(fmt: str, header: tuple[str, ...] | None, encoding: str, note: str) -> InputFile:
        return InputFile(str(path), fmt, st.st_size, st.st_mtime, header, encoding, note)

    # Spark picks the codec by file name, so name and content must agree
    gz_named = path.name.lower().endswith(".gz")
    if gz_named != is_gzip:
        why = "gzip data without a .gz name" if is_gzip else "named .gz but not gzip data"
        return make(FORMAT_UNREADABLE, None, "", f"{why}; rename it to match its content")
    bz2_named = path.name.lower().endswith(".bz2")
    if bz2_named != is_bzip2:
        why = "bzip2 data without a .bz2 name" if is_bzip2 else "named .bz2 but not bzip2 data"
        return make(FORMAT_UNREADABLE, None, "", f"{why}; rename it to match its content")
    if not head.strip():
        return make(FORMAT_EMPTY, None, "", "empty file")
    if head.startswith(_UTF16_BOMS):
        # read through a UTF-8 copy (transcode.py); the head is decoded here the same way
        encoding = "utf-16-le" if head.startswith(b"\xff\xfe") else "utf-16-be"
        text = head[: len(head) - len(head) % 2].decode("utf-16", errors="replace")
    else:
        encoding = "utf-8-sig" if head.startswith(_UTF8_BOM) else "utf-8"
        if b"\x00" in head:
            return make(FORMAT_UNKNOWN, None, encoding, "binary content")
        text = head.decode("utf-8", errors="replace")
    lines = text.lstrip("\ufeff").splitlines()
    header = _parse_header(lines[0] if lines else "")
    if header is None or not is_log_header(header):
        first = next((line.strip() for line in lines if line.strip()), "")
        if first.startswith("{") and _is_json_object(first):  # e.g. Docker's *.log files
            return make(FORMAT_JSONL, None, encoding, "JSON lines")
        text_format = detect_text_format(lines, text_formats)
        if text_format is not None:
            return InputFile(
                str(path), FORMAT_TEXT, st.st_size, st.st_mtime, None, encoding,
                f"plain text in {text_format.name} format", text_format,
            )
        return make(FORMAT_UNKNOWN, None, encoding, _why_not_csv(header))
    return make(FORMAT_CSV, header, encoding, "")


def _describe_json(path: Path) -> InputFile:
    """A *.json / *.jsonl / *.ndjson file (.gz, .bz2 too): JSON lines when its first non-blank
    line is one JSON object; anything else (one array, pretty-printed JSON) is FORMAT_UNKNOWN."""
    lower = path.name.lower()
    size, mtime = _stat_or_zero(path)

    def make(fmt: str, encoding: str, note: str) -> InputFile:
        return InputFile(str(path), fmt, size, mtime, None, encoding, note)

    try:
        with open(path, "rb") as fh:
            raw = fh.read(_SNIFF_BYTES)
        # Spark picks the codec by file name, so name and content must agree
        for suffix, is_codec, label in (
            (".gz", raw.startswith(_GZIP_MAGIC), "gzip"),
            (".bz2", _BZIP2_MAGIC.match(raw) is not None, "bzip2"),
        ):
            if lower.endswith(suffix) != is_codec:
                why = (
                    f"{label} data without a {suffix} name"
                    if is_codec
                    else f"named {suffix} but not {label} data"
                )
                return make(FORMAT_UNREADABLE, "", f"{why}; rename it to match its content")
        if lower.endswith((".gz", ".bz2")):
            opener = gzip.open if lower.endswith(".gz") else bz2.open
            with opener(path, "rb") as packed:
                raw = packed.read(_SNIFF_BYTES)
    except OSError as exc:  # also gzip.BadGzipFile and a broken bzip2 stream
        return make(FORMAT_UNREADABLE, "", f"cannot read: {_os_error_text(exc)}")
    except (EOFError, zlib.error, ValueError) as exc:
        return make(FORMAT_UNREADABLE, "", f"broken compressed data: {exc}")
    if not raw.strip():
        return make(FORMAT_EMPTY, "", "empty file")
    if raw.startswith(_UTF16_BOMS):  # read through a UTF-8 copy, see transcode.py
        encoding = "utf-16-le" if raw.startswith(b"\xff\xfe") else "utf-16-be"
        text = raw[: len(raw) - len(raw) % 2].decode("utf-16", errors="replace")
    else:
        encoding = "utf-8-sig" if raw.startswith(_UTF8_BOM) else "utf-8"
        text = raw.decode("utf-8", errors="replace")
    text = text.lstrip("\ufeff")
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    # a first line longer than the head cannot be parsed here; its opening brace must do
    cut = len(raw) >= _SNIFF_BYTES and first == text.strip().splitlines()[-1].strip()
    if first.startswith("{") and (cut or _is_json_object(first)):
        return make(FORMAT_JSONL, encoding, "")
    if first.startswith("["):
        why = "one JSON array, not JSON lines (one object per line)"
    elif first.startswith("{"):
        why = "JSON over several lines (pretty-printed), not JSON lines (one object per line)"
    else:
        why = "first line is not a JSON object, so not JSON lines"
    return make(FORMAT_UNKNOWN, encoding, why)


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
