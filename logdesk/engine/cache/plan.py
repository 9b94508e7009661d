"""Per input file of a run: answer it from its cache entry, read only what was appended, or
read it whole.

A file that only grew keeps its entry's segments; its new end becomes a segment of its own,
read from a copy of the appended bytes (CSV: behind the file's header line) with its line
numbers shifted by the lines before it. Appending is only trusted where a fresh read of the
whole file would give the same rows: a plain (uncompressed, UTF-8) file whose covered bytes end
on a line break, and, for formats whose records span lines, whose appended part starts with a
record (else the first appended lines would continue the previous record).
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from logdesk.engine.cache.keys import FileKey, file_key, head_sha1
from logdesk.engine.cache.store import CacheStore, Entry, Segment
from logdesk.engine.file_head import ANSI_ESCAPE
from logdesk.engine.discover import FORMAT_CSV, FORMAT_JSONL, FORMAT_TEXT, InputFile
from logdesk.engine.input_io import is_hadoop_url
from logdesk.engine.text_formats import TextFormat

REUSE, APPEND, READ = "reuse", "append", "read"
_COPY_CHUNK = 1 << 20
_COMPRESSED = re.compile(r"\.(gz|bz2)$", re.IGNORECASE)
_ANSI = re.compile(ANSI_ESCAPE)
_PIECE_WINDOW = 256 * 1024


@dataclass(frozen=True)
class FilePlan:
    input: InputFile  # as discovered
    action: str  # REUSE | APPEND | READ
    key: FileKey | None  # the file now (None: unreadable for keying, read but never cached)
    entry: Entry | None  # the entry it keeps (REUSE, APPEND)
    read: InputFile | None = None  # what Spark reads (READ: the file; APPEND: the tail copy)
    segment: Segment | None = None  # the segment the read fills (without its counts yet)


def plan_file(
    f: InputFile, store: CacheStore | None, fingerprint: str, tail_dir: Path
) -> FilePlan:
    """store: where to look for an entry; None when the cache is off (always READ)."""
    key = file_key(f.path) if store is not None else None  # hashing a head is for the cache only
    entry = store.load(f.path) if key is not None else None
    if entry is not None and entry.fingerprint != fingerprint:
        entry = None
    if entry is not None and key is not None:
        if entry.key == key:
            return FilePlan(f, REUSE, key, entry)
        tail = _appended_tail(f, entry, key, tail_dir)
        if tail is not None:
            read, segment = tail
            return FilePlan(f, APPEND, key, entry, read, segment)
    segment = Segment(
        name=f"seg-{uuid.uuid4().hex[:10]}", start=0, end=key.size if key else f.size,
        lines_before=0, records=0, malformed=0, continuation=0,
    )
    return FilePlan(f, READ, key, None, f, segment)


def _appended_tail(
    f: InputFile, entry: Entry, key: FileKey, tail_dir: Path
) -> tuple[InputFile, Segment] | None:
    old = entry.key
    if f.transcoded or _COMPRESSED.search(f.path) or f.format not in (FORMAT_CSV, FORMAT_JSONL, FORMAT_TEXT):
        return None
    if is_hadoop_url(f.path):  # most of those file systems cannot append; read it whole
        return None
    if key.inode != old.inode or key.size <= old.size or not entry.segments:
        return None
    try:
        if head_sha1(f.path, old.head_len) != old.head_sha1:
            return None
        with open(f.path, "rb") as handle:
            handle.seek(old.size - 1)
            if handle.read(1) != b"\n":
                return None
            head_line = b""
            if f.format == FORMAT_CSV:
                handle.seek(0)
                head_line = handle.readline()
                if not head_line.endswith(b"\n"):
                    return None
            if f.format == FORMAT_TEXT and f.text_format is not None and f.text_format.partial:
                if _ends_inside_a_line(handle, old.size, f.text_format):
                    return None
            handle.seek(old.size)
            if f.format == FORMAT_TEXT and f.text_format is not None and f.text_format.multiline:
                if not _starts_with_record(handle, f.text_format):
                    return None
                handle.seek(old.size)
            lines_before = _count_lines(f.path, old.size)
            tail_dir.mkdir(parents=True, exist_ok=True)
            copy = tail_dir / f"{uuid.uuid4().hex[:8]}-{Path(f.path).name}"
            with open(copy, "wb") as out:
                out.write(head_line)
                shutil.copyfileobj(handle, out, _COPY_CHUNK)
    except OSError:
        return None
    # real line = line in the copy + offset; a CSV copy starts with the header, not a real line
    offset = lines_before - 1 if f.format == FORMAT_CSV else lines_before
    read = dataclasses.replace(f, transcoded=str(copy), line_offset=offset)
    segment = Segment(
        name=f"seg-{len(entry.segments)}-{old.size}", start=old.size, end=key.size,
        lines_before=lines_before, records=0, malformed=0, continuation=0,
    )
    return read, segment


def _starts_with_record(handle, fmt: TextFormat) -> bool:
    """Whether the first non-blank line from here starts a record of `fmt` (read as detection
    and the reader see it: without ANSI colour sequences)."""
    pattern = re.compile(fmt.pattern)
    for raw in handle:
        line = _ANSI.sub("", raw.decode("utf-8", "replace").rstrip("\r\n"))
        if not line.strip():
            continue
        return pattern.match(line) is not None
    return True  # only blank lines appended


def _ends_inside_a_line(handle, end: int, fmt: TextFormat) -> bool:
    """Whether a stream's last piece before `end` is partial (CRI's "P"): its record goes on
    in the appended part, so the file must be read whole. Looks at the last 256 KiB (a runtime
    splits lines at 16 KiB); a stream whose pieces all lie further back is taken as complete."""
    start = max(0, end - _PIECE_WINDOW)
    handle.seek(start)
    lines = handle.read(end - start).decode("utf-8", "replace").splitlines()
    if start > 0:
        lines = lines[1:]  # cut in the middle
    partial, piece = re.compile(fmt.partial or ""), re.compile(fmt.piece or r"\S+ (\S+)")
    last_is_partial: dict[str, bool] = {}
    for line in lines:
        m = piece.match(line)
        if m:
            last_is_partial[m.group(1) if m.groups() else ""] = partial.match(line) is not None
    return any(last_is_partial.values())


def _count_lines(path: str, end: int) -> int:
    count = 0
    with open(path, "rb") as handle:
        left = end
        while left > 0:
            chunk = handle.read(min(_COPY_CHUNK * 8, left))
            if not chunk:
                break
            count += chunk.count(b"\n")
            left -= len(chunk)
    return count


__all__ = ["APPEND", "FilePlan", "READ", "REUSE", "plan_file"]
