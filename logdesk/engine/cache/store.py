"""Where cache entries live and what they hold.

    <root>/entries/<id>/manifest.json       key, settings fingerprint, segments, last use
    <root>/entries/<id>/seg-<n>/part=records|malformed/   the segment's normalized rows (Spark)
    <root>/entries/<id>/seg-<n>/facts/            its share of the cube, by masked error type
                                                  (Parquet files written by Spark)
    <root>/entries/<id>/seg-<n>/patterns.parquet  per masked message, level and service: counts, sample
    <root>/entries/<id>/seg-<n>/malformed.parquet its malformed rows with their line numbers
    <root>/folders/<id>.json                the entries a folder's last run used
    <root>/incoming/<run>/                  what a run's Spark job writes before it is filed

One entry per input file path. A segment is the part of the file one read covered: the whole
file, or the lines appended since the previous read. Entries are replaced, never edited in
place: a new manifest is written next to the old and renamed over it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from logdesk.engine.cache.keys import CACHE_FORMAT_VERSION, FileKey
from logdesk.engine.input_io import absolute_input

MANIFEST = "manifest.json"
FACTS, PATTERNS, MALFORMED = "facts", "patterns.parquet", "malformed.parquet"


@dataclass(frozen=True)
class Segment:
    name: str  # folder under the entry
    start: int  # first byte of the file it covers
    end: int  # byte after the last
    lines_before: int  # physical lines of the file before `start`
    records: int
    malformed: int
    continuation: int


@dataclass(frozen=True)
class Entry:
    dir: Path
    key: FileKey
    fingerprint: str
    segments: tuple[Segment, ...]
    last_used: float = 0.0

    def segment_dir(self, segment: Segment) -> Path:
        return self.dir / segment.name

    @property
    def records(self) -> int:
        return sum(s.records for s in self.segments)

    @property
    def malformed(self) -> int:
        return sum(s.malformed for s in self.segments)

    @property
    def continuation(self) -> int:
        return sum(s.continuation for s in self.segments)


def write_json(target: Path, doc: object) -> None:
    """`doc` as one line of JSON in `target`, replaced whole: a reader (another run, a crash
    half-way) never sees half a file."""
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}")
    tmp.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    os.replace(tmp, target)


class CacheStore:
    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = Path(root)
        self.max_bytes = int(max_bytes)

    # ------------------------------------------------------------------ entries

    def entry_dir(self, path: str) -> Path:
        digest = hashlib.sha1(absolute_input(path).encode("utf-8", "surrogateescape"))
        return self.root / "entries" / digest.hexdigest()[:24]

    def load(self, path: str) -> Entry | None:
        folder = self.entry_dir(path)
        try:
            doc = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            if doc.get("version") != CACHE_FORMAT_VERSION:
                return None
            entry = Entry(
                dir=folder,
                key=FileKey.from_json(doc["key"]),
                fingerprint=str(doc["fingerprint"]),
                segments=tuple(Segment(**s) for s in doc["segments"]),
                last_used=float(doc.get("last_used", 0.0)),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if entry.key.path != path or not all((folder / s.name).is_dir() for s in entry.segments):
            return None
        return entry

    def save(self, entry: Entry) -> Entry:
        entry = replace(entry, last_used=time.time())
        doc = {
            "version": CACHE_FORMAT_VERSION,
            "key": entry.key.to_json(),
            "fingerprint": entry.fingerprint,
            "segments": [asdict(s) for s in entry.segments],
            "last_used": entry.last_used,
        }
        entry.dir.mkdir(parents=True, exist_ok=True)
        write_json(entry.dir / MANIFEST, doc)
        return entry

    def drop(self, path: str) -> None:
        shutil.rmtree(self.entry_dir(path), ignore_errors=True)

    # ------------------------------------------------------------------ runs and folders

    def incoming_dir(self) -> Path:
        folder = self.root / "incoming" / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
        folder.mkdir(parents=True, exist_ok=False)
        return folder

    def _folder_file(self, folder: str, kind: str) -> Path:
        digest = hashlib.sha1(folder.encode("utf-8", "surrogateescape")).hexdigest()[:24]
        return self.root / "folders" / (f"{digest}.json" if kind == "paths" else f"{digest}.{kind}.json")

    def folder_list(self, folder: str, kind: str) -> list[str]:
        """What the folder's previous run noted under `kind` ("paths": the input paths it used;
        "bundles": the bundles it used), [] when nothing was noted."""
        try:
            doc = json.loads(self._folder_file(folder, kind).read_text(encoding="utf-8"))
            return [str(p) for p in doc.get(kind, [])]
        except (OSError, ValueError, AttributeError):
            return []

    def set_folder_list(self, folder: str, kind: str, values: list[str]) -> None:
        target = self._folder_file(folder, kind)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_json(target, {"folder": folder, kind: sorted(values)})

    def drop_folder_list(self, folder: str, kind: str) -> None:
        self._folder_file(folder, kind).unlink(missing_ok=True)

    def folder_paths(self, folder: str) -> list[str]:
        """The input paths the folder's previous run used."""
        return self.folder_list(folder, "paths")

    def set_folder_paths(self, folder: str, paths: list[str]) -> None:
        self.set_folder_list(folder, "paths", paths)

    # ------------------------------------------------------------------ size

    def evict(self, keep: set[Path]) -> int:
        """Delete least recently used entries (not in `keep`) until the cache fits max_bytes.
        Returns the number of entries deleted."""
        entries_root = self.root / "entries"
        if not entries_root.is_dir():
            return 0
        sized = []
        total = 0
        for folder in entries_root.iterdir():
            size = _tree_size(folder)
            total += size
            try:
                used = (folder / MANIFEST).stat().st_mtime
            except OSError:
                used = 0.0
            sized.append((used, folder, size))
        deleted = 0
        for used, folder, size in sorted(sized, key=lambda t: t[0]):
            if total <= self.max_bytes:
                break
            if folder in keep:
                continue
            shutil.rmtree(folder, ignore_errors=True)
            total -= size
            deleted += 1
        return deleted

    def clear(self) -> tuple[int, int]:
        """Remove every entry; (entries, bytes) freed."""
        entries_root = self.root / "entries"
        count = sum(1 for _ in entries_root.iterdir()) if entries_root.is_dir() else 0
        size = _tree_size(self.root) if self.root.is_dir() else 0
        for name in ("entries", "folders", "incoming"):
            shutil.rmtree(self.root / name, ignore_errors=True)
        return count, size


def _tree_size(folder: Path) -> int:
    total = 0
    for root, _dirs, names in os.walk(folder):
        for name in names:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


__all__ = ["CacheStore", "Entry", "FACTS", "MALFORMED", "MANIFEST", "Segment", "PATTERNS"]
