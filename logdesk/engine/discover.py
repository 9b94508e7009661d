"""Find the log files in a folder and tell what each one is, from its head only.

Runs on the driver before Spark reads anything: a directory walk and a small read per file
(gzip/bzip2-aware). Every file found is returned with its fate, whatever its name: read (CSV,
JSON lines or a text format), skipped as not a log (binary, no timestamp in its head, a FIFO, a
second link to a file already listed) or unreadable, each with a note saying why; so the run
accounts for every file, and for every line of the files it reads.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import json
import os
import re
import stat
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from logdesk.engine.text_formats import TextFormat, detect_text_format

# InputFile.format values
FORMAT_CSV = "csv"
FORMAT_JSONL = "jsonl"  # one JSON object per line
FORMAT_TEXT = "text"  # plain text in a known TextFormat (InputFile.text_format)
FORMAT_SKIPPED = "skipped"  # not a log (binary, no timestamp in its head, ...): no lines, see the note
FORMAT_UNREADABLE = "unreadable"  # cannot be opened or decoded: no lines, see the note
FORMAT_EMPTY = "empty"  # no bytes (or no header line): no lines
# formats whose files are read (the others are listed with their fate and contribute no lines)
READ_FORMATS = frozenset({FORMAT_CSV, FORMAT_JSONL, FORMAT_TEXT})

# the note of a file whose head fits no reader
NO_KNOWN_FORMAT = (
    "not a log: no timestamp at the start of the first lines, and no CSV header, JSON lines "
    "or known text format"
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

# app.json, app.jsonl.gz, app.ndjson.1, app.json.2.bz2: JSON lines (or not; see _describe_json)
_JSON_CANDIDATE = re.compile(r"\.(json|jsonl|ndjson)(\.\d+)?(\.gz|\.bz2)?$", re.IGNORECASE)
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
    # how its timestamps are parsed ("" when the reader's generic chain does it): the layout
    # inferred from its head, shown in the Inputs view and the ingest report
    timestamp_layout: str = ""
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
    """Every file under `folder` with its fate (recursive; hidden files and folders are not
    looked at), sorted by path. `folder` may also be a single file. `text_formats` are the user's own
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

    seen: dict[tuple[int, int], str] = {}  # (device, inode) -> the path it was first found at
    for root, dirs, names in os.walk(folder, onerror=unlistable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            found.append(_describe_found(Path(root) / name, text_formats, seen))
    return sorted(found, key=lambda f: f.path)


def _describe_found(path: Path, text_formats: Sequence[TextFormat],
                    seen: dict[tuple[int, int], str]) -> InputFile:
    """Every file found gets a fate: FIFOs, sockets and devices are skipped without being opened
    (opening a FIFO blocks), a file reached a second time (a symlink or hard link to one already
    listed) is skipped, anything else is described from its head."""
    try:
        st = path.stat()  # follows a symlink: the fate is the target's
    except OSError as exc:
        return InputFile(str(path), FORMAT_UNREADABLE, 0, 0.0, None, "",
                         f"cannot read: {_os_error_text(exc)}")
    if not stat.S_ISREG(st.st_mode):
        kind = ("a FIFO" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
                else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
                else "not a regular file")
        return InputFile(str(path), FORMAT_SKIPPED, 0, st.st_mtime, None, "",
                         f"not a log: {kind}, not opened")
    identity = (st.st_dev, st.st_ino)
    if identity in seen:
        return InputFile(str(path), FORMAT_SKIPPED, st.st_size, st.st_mtime, None, "",
                         f"same file as {seen[identity]} (a link to it): read once, there")
    seen[identity] = str(path)
    return _describe(path, text_formats)


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
            codec = "bzip2" if is_bzip2 else codec
            if is_gzip or is_bzip2:
                fh.seek(0)
                try:
                    with (gzip.GzipFile(fileobj=fh) if is_gzip else bz2.BZ2File(fh)) as packed:
                        data = packed.read(_SNIFF_BYTES)
                except (OSError, EOFError, zlib.error, ValueError) as exc:  # BadGzipFile too
                    return unusable(FORMAT_UNREADABLE, f"broken {codec} data: {exc}")
    except OSError as exc:
        return unusable(FORMAT_UNREADABLE, f"cannot read: {_os_error_text(exc)}")

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
        return unusable(FORMAT_EMPTY, "empty file" if not data else "only blank lines")
    encoding = _text_encoding(data)
    if encoding.startswith("binary"):
        return unusable(FORMAT_SKIPPED, f"not a log: {encoding}")
    if encoding in ("utf-16-le", "utf-16-be"):  # with a BOM
        text = data[: len(data) - len(data) % 2].decode("utf-16", errors="replace")
    elif encoding in ("utf-16le", "utf-16be"):  # without one
        text = data[: len(data) - len(data) % 2].decode(encoding, errors="replace")
    else:
        text = data.decode(encoding.removesuffix("-sig"), errors="replace")
    return _Head(size, mtime, data, text.lstrip("\ufeff"), encoding)


# Starts of binary formats that may sit next to logs (their bytes can look like text for a while)
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
    (b"%PDF", "PDF document"), (b"PK\x03\x04", "ZIP archive"), (b"\x7fELF", "executable"),
    (b"SQLite format 3\x00", "SQLite database"), (b"\xfd7zXZ", "xz archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"), (b"7z\xbc\xaf", "7-Zip archive"),
)
# Control bytes a text log may hold: tab, line ends, form feed, ESC (ANSI colours). Others
# (NUL from a crash's zero-filled block, say) make a file binary only when they are many.
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0b\x0c\x1b")
_BINARY_SHARE = 0.10  # of the head's bytes being other control bytes
_UTF16_NUL_SHARE = 0.7  # of one byte parity being NUL: ASCII text in UTF-16 without a BOM


def _text_encoding(data: bytes) -> str:
    """The head's text encoding ("utf-8", "utf-8-sig", "utf-16-le"/"utf-16-be" with a BOM,
    "utf-16le"/"utf-16be" without one, "cp1252"), or "binary …" saying why it is not text."""
    if data.startswith(_UTF16_BOMS):
        return "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            return f"binary content ({what})"
    half = max(1, len(data) // 2)
    if data[1::2].count(0) >= _UTF16_NUL_SHARE * half and data[0::2].count(0) < 0.1 * half:
        return "utf-16le"
    if data[0::2].count(0) >= _UTF16_NUL_SHARE * half and data[1::2].count(0) < 0.1 * half:
        return "utf-16be"
    controls = sum(1 for b in data if (b < 32 and b not in _TEXT_CONTROLS) or b == 127)
    if controls > _BINARY_SHARE * len(data):
        return f"binary content ({controls:,} control bytes in its first {len(data):,})"
    encoding = "utf-8-sig" if data.startswith(_UTF8_BOM) else "utf-8"
    try:
        data.decode("utf-8")
        return encoding
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and "end of data" in exc.reason:
            return encoding  # the head cut a character in two
    # Invalid UTF-8. A file that also holds valid multi-byte UTF-8 is UTF-8 with a few bad
    # bytes (they read as U+FFFD); one with none is in a legacy 8-bit code page, Windows' most
    # likely (cp1252 is Latin-1 plus printable characters in 0x80-0x9F).
    decoded = data.decode("utf-8", errors="replace")
    if any(ord(c) > 127 and c != "\ufffd" for c in decoded):
        return encoding
    return "cp1252"


def _describe(path: Path, text_formats: Sequence[TextFormat] = ()) -> InputFile:
    head = _read_head(path)
    if isinstance(head, InputFile):
        return head
    if _JSON_CANDIDATE.search(path.name):
        return _describe_json(path, head)

    def make(fmt: str, header: tuple[str, ...] | None, note: str) -> InputFile:
        return InputFile(str(path), fmt, head.size, head.mtime, header, head.encoding, note)

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
        return make(FORMAT_SKIPPED, None, _why_not_csv(header))
    return make(FORMAT_CSV, header, "")


def _describe_json(path: Path, head: _Head) -> InputFile:
    """A *.json / *.jsonl / *.ndjson file (.gz, .bz2 too): JSON lines when its first non-blank
    line is one JSON object; anything else (one array, pretty-printed JSON) is skipped as not a log."""

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
    return make(FORMAT_SKIPPED, "not a log: " + why)


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
        return ("not a log: CSV header has no timestamp column ("
                + "/".join(COLUMN_ALIASES["timestamp"]) + ")")
    return "not a log: CSV header has no message or level column"


__all__ = [
    "COLUMN_ALIASES",
    "NO_KNOWN_FORMAT",
    "FORMAT_CSV",
    "FORMAT_JSONL",
    "FORMAT_TEXT",
    "FORMAT_EMPTY",
    "FORMAT_SKIPPED",
    "READ_FORMATS",
    "FORMAT_UNREADABLE",
    "InputFile",
    "column_roles",
    "discover_inputs",
    "is_log_header",
    "normalize_column_name",
    "timestamp_columns",
]
