"""Which normalized copies hold a run's records, for the records view and the records export.

The copies live in the files' cache entries (one folder of Parquet rows per read segment); a
run lists them in a small JSON file in its run folder, beside the masked-type -> template
mapping of its mined templates (masked message -> template; Parquet, so Spark can join it)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from logdesk.engine.cache.store import Entry
from logdesk.engine.run_files import RunFiles

ROWS = "rows"  # a segment's Spark-written rows: rows/part=records, rows/part=malformed
RECORDS_MANIFEST = "records.json"


@dataclass(frozen=True)
class RecordsManifest:
    # per segment, each folder of its rows: part=records, part=malformed and part=blank (lines
    # are numbered from all of them); leaf folders, since Spark will not read several roots
    # of partitioned folders at once
    staged: tuple[str, ...]
    records: tuple[str, ...]  # per segment with records: rows/part=records

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> "RecordsManifest":
        staged, records = [], []
        for entry in sorted(entries, key=lambda e: e.key.path):
            for segment in entry.segments:
                rows = entry.segment_dir(segment) / ROWS
                if segment.records or segment.malformed:
                    staged.extend(str(p) for p in sorted(rows.glob("part=*")) if p.is_dir())
                if segment.records:
                    records.append(str(rows / "part=records"))
        return cls(tuple(staged), tuple(records))


def write_records_manifest(files: RunFiles, manifest: RecordsManifest, templates: Mapping[str, str]) -> Path:
    mapping = pa.table({
        "masked": pa.array(sorted(templates), pa.string()),
        "template": pa.array([templates[k] for k in sorted(templates)], pa.string()),
    })
    files.templates_dir.mkdir(parents=True, exist_ok=True)
    pq.write_table(mapping, files.templates_dir / "part-00000.parquet")
    target = files.run_dir / RECORDS_MANIFEST
    tmp = target.with_name(f".{RECORDS_MANIFEST}.{uuid.uuid4().hex[:8]}")
    doc = {"staged": list(manifest.staged), "records": list(manifest.records)}
    tmp.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return target


def staged_paths(records_path: str) -> tuple[str, ...]:
    """The staged copy behind a run's records (all rows: records, malformed, blank)."""
    if not records_path:
        return ()
    if is_records_manifest(records_path):
        return read_records_manifest(records_path).staged
    return (str(Path(records_path).parent),)


def read_records_manifest(path: str) -> RecordsManifest:
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    return RecordsManifest(tuple(doc.get("staged", ())), tuple(doc.get("records", ())))


def is_records_manifest(path: str) -> bool:
    return str(path).endswith(RECORDS_MANIFEST)


__all__ = ["ROWS", "RecordsManifest", "is_records_manifest", "read_records_manifest", "write_records_manifest"]
