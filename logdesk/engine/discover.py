"""Find the log files in a folder and tell what each one is, from its head only.

Runs on the driver before Spark reads anything: a directory walk and a small read per file
(gzip/bzip2-aware). Every file found is returned with its fate, whatever its name: read (CSV,
JSON lines or a text format), skipped as not a log (binary, no timestamp in its head, a FIFO, a
second link to a file already listed) or unreadable, each with a note saying why; so the run
accounts for every file, and for every line of the files it reads.
"""

from __future__ import annotations

import csv
import json
import os
import re
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from logdesk.engine.file_head import (SNIFF_BYTES, Head, Unusable, os_error_text, read_head,
                                     text_lines)
from logdesk.engine.formats.generic import generic_format
from logdesk.engine.input_io import base_name
from logdesk.engine.own_output import EXPORT_HEADER, OwnOutput, own_note
from logdesk.engine.text_formats import TextFormat, detect_text_format
from logdesk.engine.timestamps.catalogue import Layout, config_layout
from logdesk.engine.timestamps.infer import line_pattern
from logdesk.engine.timestamps.samples import (csv_layout, forced_pattern, json_layout,
                                               line_layout, text_layout)
from logdesk.settings import TimestampLayoutSettings

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

# A JSON-lines record's timestamp keys, in order of preference (the reader's too): the CSV
# aliases, Serilog's @t, .NET's Timestamp, journald's __REALTIME_TIMESTAMP (epoch µs),
# MongoDB's t.$date, Cloudflare's EdgeStartTimestamp, started_at, and log4j2 JsonLayout's
# instant.epochSecond ("a.b": the flat key "a.b", else key b inside object a)
JSON_TIMESTAMP_ALIASES: tuple[str, ...] = COLUMN_ALIASES["timestamp"] + ("@t", "Timestamp",
    "__REALTIME_TIMESTAMP", "t.$date", "EdgeStartTimestamp", "started_at", "instant.epochSecond")

# app.json, app.jsonl.gz, app.ndjson.1, app.json.2.bz2: JSON lines (or not; see _describe_json)
_JSON_CANDIDATE = re.compile(r"\.(json|jsonl|ndjson)(\.\d+)?(\.gz|\.bz2)?$", re.IGNORECASE)
# A header's column names: words, not a timestamp or a sentence with colons and brackets
_COLUMN_NAME = re.compile(r"^(?!\d{2,4}[-/.:]\d)[\w@.\-/ ()#$%]{0,64}$")


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
    # the pack file holding this file's lines for Spark (engine/packs.py: tiny files of a
    # bundle); "" when Spark reads read_path itself
    pack: str = ""

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


def discover_inputs(folder: Path, text_formats: Sequence[TextFormat] = (),
                    timestamp_layouts: Sequence[TimestampLayoutSettings] = (),
                    own: OwnOutput | None = None,
                    check: Callable[[], None] = lambda: None,
                    progress: Callable[[int, int], None] = lambda done, total: None,
                    ) -> list[InputFile]:
    """Every file under `folder` with its fate (recursive; hidden files and folders are not
    looked at), sorted by path. `folder` may also be a single file. `text_formats` are the user's own
    plain-text formats, tried before the built-in ones. `timestamp_layouts` (config
    `timestamps.layouts`): the first whose glob matches a file's path relative to `folder`
    (its name, for a glob without "/") sets its layout instead of inference. logdesk's own
    files (`own`; a records export by its header: see own_output.py) are listed as skipped,
    never read. `check` is called between folders and files (a cancelled run raises there);
    `progress(described, found)` a few times a second while the files' heads are read (the
    folders are walked first, so the number found is known by then)."""
    folder = Path(folder)
    if folder.is_file():
        return [describe_file(folder, text_formats, forced_pattern(folder.name, timestamp_layouts))]
    if not folder.is_dir():
        raise FileNotFoundError(f"not a folder: {folder}")
    own = own or OwnOutput()
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
                f"cannot list folder: {os_error_text(err)}",
            )
        )

    seen: dict[tuple[int, int], str] = {}  # (device, inode) -> the path it was first found at
    wholly: dict[str, str] = {}  # real folder -> what it is, for folders wholly logdesk's
    to_describe: list[Path] = []  # the walk is done first: then the total is known
    for root, dirs, names in os.walk(folder, onerror=unlistable):
        check()
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        real = os.path.realpath(root)
        what = own.folder(real) or wholly.get(os.path.dirname(real))
        if what is not None:
            wholly[real] = what
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = Path(root) / name
            mine = what or own.files.get(os.path.join(real, name))
            if mine is not None:
                found.append(_own_file(path, mine))
                continue
            to_describe.append(path)
    last = time.monotonic()
    for done, path in enumerate(to_describe):
        check()
        if time.monotonic() - last >= _PROGRESS_SECONDS:
            progress(done, len(to_describe))
            last = time.monotonic()
        forced = (forced_pattern(path.relative_to(folder).as_posix(), timestamp_layouts)
                  if timestamp_layouts else None)
        described = _describe_found(path, text_formats, seen, forced)
        if described.format == FORMAT_CSV and described.header == EXPORT_HEADER:
            described = _own_file(path, "a records export written by logdesk")
        found.append(described)
    if to_describe:
        progress(len(to_describe), len(to_describe))
    return sorted(found, key=lambda f: f.path)


_PROGRESS_SECONDS = 0.25  # between progress reports while heads are described


def _own_file(path: Path, what: str) -> InputFile:
    try:
        st = path.stat()
        size, mtime = st.st_size, st.st_mtime
    except OSError:
        size, mtime = 0, 0.0
    return InputFile(str(path), FORMAT_SKIPPED, size, mtime, None, "", own_note(what))


def _describe_found(path: Path, text_formats: Sequence[TextFormat],
                    seen: dict[tuple[int, int], str], forced: str | None = None) -> InputFile:
    """Every file found gets a fate: FIFOs, sockets and devices are skipped without being opened
    (opening a FIFO blocks), a file reached a second time (a symlink or hard link to one already
    listed) is skipped, anything else is described from its head."""
    try:
        st = path.stat()  # follows a symlink: the fate is the target's
    except OSError as exc:
        return InputFile(str(path), FORMAT_UNREADABLE, 0, 0.0, None, "",
                         f"cannot read: {os_error_text(exc)}")
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
    return describe_file(path, text_formats, forced)


def describe_file(path: Path | str, text_formats: Sequence[TextFormat] = (),
                  forced: str | None = None) -> InputFile:
    """One file's fate from its head (a path, or a URL on a Hadoop file system). `forced`: the
    Spark pattern config sets for this file's timestamps (else inferred)."""
    found = _describe_head(path, text_formats, forced)
    if forced is None or found.format not in READ_FORMATS:
        return found
    layout = config_layout(forced).name
    if found.text_format is not None and found.text_format.timestamp_layout != layout:
        # a format with a time layout or pattern of its own: config's replaces it (a format
        # made for it, read on its own); its ts text then goes through the file's layout
        own = replace(found.text_format, timestamp_pattern=None, timestamp_layout=None,
                      yearless=False)
        found = replace(found, text_format=own)
    return replace(found, timestamp_layout=layout)


def _describe_head(path: Path | str, text_formats: Sequence[TextFormat],
                   forced: str | None) -> InputFile:
    head = read_head(path)
    if isinstance(head, Unusable):
        return InputFile(str(path), head.fate, head.size, head.mtime, None, "", head.note)
    if _JSON_CANDIDATE.search(base_name(str(path))):
        return _describe_json(path, head)

    def make(fmt: str, header: tuple[str, ...] | None, note: str) -> InputFile:
        return InputFile(str(path), fmt, head.size, head.mtime, header, head.encoding, note)

    lines = text_lines(head.text)  # without ANSI colours, as the text reader reads them
    header = _parse_header(lines[0] if lines else "")
    if header is not None and is_log_header(header):
        cut = len(head.data) >= SNIFF_BYTES
        layout = csv_layout(head.text, timestamp_columns(header), head.mtime, cut)
        return replace(make(FORMAT_CSV, header, ""), timestamp_layout=_name(layout))
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.startswith("{") and _is_json_object(first):  # e.g. Docker's *.log files
        return _with_json_layout(make(FORMAT_JSONL, None, "JSON lines"), head)
    text_format = detect_text_format(lines, text_formats)
    if text_format is None and forced is not None and header is None:
        return _forced_generic(path, head, lines, forced)
    if text_format is not None:
        layout = text_layout(text_format, lines, head.mtime)
        return InputFile(
            str(path), FORMAT_TEXT, head.size, head.mtime, None, head.encoding,
            f"plain text in {text_format.name} format", text_format,
            timestamp_layout=_name(layout) or _own_layout(text_format),
        )
    layout = line_layout(lines, head.mtime) if header is None else None
    if layout is not None:  # no format claims it, but its lines start with timestamps
        return InputFile(
            str(path), FORMAT_TEXT, head.size, head.mtime, None, head.encoding,
            "plain text, read by the generic reader (lines starting with a timestamp)",
            generic_format(layout), timestamp_layout=layout.name,
        )
    return make(FORMAT_SKIPPED, None, _why_not_csv(header))


def _with_json_layout(found: InputFile, head: Head) -> InputFile:
    """A JSON-lines file with the layout of its timestamp field's values in its head."""
    cut = len(head.data) >= SNIFF_BYTES
    layout = json_layout(head.text, JSON_TIMESTAMP_ALIASES, head.mtime, cut)
    return replace(found, timestamp_layout=_name(layout))


def _forced_generic(path: Path | str, head: Head, lines: list[str], pattern: str) -> InputFile:
    """A text file no format claims, with its layout set by config: the generic reader in that
    layout when one of its head lines starts with a timestamp in it."""
    layout = config_layout(pattern)
    starts = re.compile(line_pattern(layout), re.ASCII)
    if any(starts.match(line) for line in lines[:_FORCED_LINES]):
        return InputFile(
            str(path), FORMAT_TEXT, head.size, head.mtime, None, head.encoding,
            "plain text, read by the generic reader (lines starting with a timestamp in the "
            "layout set by config)", generic_format(layout),
        )
    return InputFile(str(path), FORMAT_SKIPPED, head.size, head.mtime, None, head.encoding,
                     f"not a log: no line of its head starts with a timestamp in the layout "
                     f"set by config ({pattern}), and no known format")


_FORCED_LINES = 100  # head lines looked at for a timestamp in a layout set by config


def _name(layout: Layout | None) -> str:
    return layout.name if layout is not None else ""


def _own_layout(fmt: TextFormat) -> str:
    """How a format with a fixed time parses it: its Spark pattern (or its layout)."""
    return fmt.timestamp_layout or fmt.timestamp_pattern or ""


def _describe_json(path: Path | str, head: Head) -> InputFile:
    """A *.json / *.jsonl / *.ndjson file (.gz, .bz2 too): JSON lines when its first non-blank
    line is one JSON object; anything else (one array, pretty-printed JSON) is skipped as not a log."""

    def make(fmt: str, note: str) -> InputFile:
        return InputFile(str(path), fmt, head.size, head.mtime, None, head.encoding, note)

    text = head.text
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    # a first line longer than the head cannot be parsed here; its opening brace must do
    cut = len(head.data) >= SNIFF_BYTES and first == text.strip().splitlines()[-1].strip()
    if first.startswith("{") and (cut or _is_json_object(first)):
        return _with_json_layout(make(FORMAT_JSONL, ""), head)
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


def _parse_header(line: str) -> tuple[str, ...] | None:
    if "," not in line:
        return None
    try:
        fields = next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return None
    header = tuple(f.replace("\ufeff", "").strip() for f in fields)
    if len(header) < 2 or not all(_COLUMN_NAME.match(name) for name in header):
        return None  # a log line with commas ("LOG:  statement: SELECT id, time, level ...")
    return header


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
    "JSON_TIMESTAMP_ALIASES",
    "column_roles",
    "describe_file",
    "discover_inputs",
    "forced_pattern",
    "is_log_header",
    "normalize_column_name",
    "timestamp_columns",
]
