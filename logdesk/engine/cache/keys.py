"""What a cache entry is valid for: the file's identity and content, and the settings that its
normalized rows depend on.

A file is unchanged when path, size, mtime, inode and the hash of its first bytes all match.
It only grew (logs are appended to) when the inode is the same, the size is larger and the
bytes the entry covers still start with the same head and end on a line break.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from logdesk.engine.input_io import open_input, stat_input
from logdesk.settings import Settings

# Bump when the normalized rows or the partial aggregates change shape or meaning.
# 2: facts are a folder of Spark-written Parquet files; 3: timestamps parsed in each file's
# inferred layout, the generic reader, files skipped rather than malformed; 4: every record is
# masked (a patterns table per level, not error types only); 5: CRI pieces joined, ANSI colours
# removed, more formats and timestamp layouts read (rows of unchanged files can differ);
# 6: rows and facts carry their file id, folders per unit (small files in bundles)
CACHE_FORMAT_VERSION = 6
HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class FileKey:
    path: str
    size: int
    mtime_ns: int
    inode: int
    head_sha1: str  # of the first min(size, HEAD_BYTES) bytes
    head_len: int

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "FileKey":
        return cls(
            path=str(data["path"]),
            size=int(data["size"]),
            mtime_ns=int(data["mtime_ns"]),
            inode=int(data["inode"]),
            head_sha1=str(data["head_sha1"]),
            head_len=int(data["head_len"]),
        )


def head_sha1(path: str, length: int) -> str:
    with open_input(path) as handle:
        return hashlib.sha1(handle.read(length)).hexdigest()


def file_key(path: str) -> FileKey | None:
    """The key of `path` now; None when it cannot be read (it is then never cached)."""
    try:
        st = stat_input(path)
        length = min(st.size, HEAD_BYTES)
        return FileKey(path, st.size, st.mtime_ns, st.inode, head_sha1(path, length), length)
    except OSError:
        return None


def settings_fingerprint(settings: Settings, bucket_seconds: int) -> str:
    """Everything a file's normalized rows and partial aggregates depend on besides its bytes:
    time zone (naive times, bucket alignment), bucket length, level mapping, user formats,
    the timestamp layouts set by config (changing one re-reads the files)."""
    document = {
        "version": CACHE_FORMAT_VERSION,
        "time_zone": settings.time_zone,
        "bucket_seconds": int(bucket_seconds),
        "levels": sorted((str(k).upper(), str(v)) for k, v in settings.level_mapping.items()),
        "formats": [asdict(f) for f in settings.text_formats],
        "timestamp_layouts": [asdict(r) for r in settings.timestamps.layouts],
    }
    text = json.dumps(document, sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


__all__ = [
    "CACHE_FORMAT_VERSION",
    "FileKey",
    "HEAD_BYTES",
    "file_key",
    "head_sha1",
    "settings_fingerprint",
]
