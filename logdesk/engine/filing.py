"""A run's freshly read units -> their cache entries (engine/pipeline.py reads, this files).

Spark wrote the normalized copy and the facts one folder per unit (unit=N): a file, or a
bundle of small files (cache/bundles.py). Each unit's folders are moved into its entry, its
share of the patterns and malformed rows written beside them, and each file's counts taken
from the ingest rows of the facts (grouped by file, whatever the unit).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from logdesk.engine.cache.bundles import MEMBER, Bundle, Member, bundle_key, save_bundle
from logdesk.engine.cache.keys import FileKey
from logdesk.engine.cache.plan import APPEND, READ, FilePlan
from logdesk.engine.cache.store import FACTS, MALFORMED, PATTERNS, CacheStore, Entry, Segment
from logdesk.engine.partials import FILE_ID, GID_INGEST, MALFORMED as PART_MALFORMED, RECORDS
from logdesk.engine.partials import UNIT, Partials
from logdesk.engine.run_records import ROWS


@dataclass(frozen=True)
class Unit:
    number: int  # its folders are unit=<number>
    files: tuple[int, ...]  # positions in the run's reads (= file ids)
    bundle_path: str = ""  # a bundle's entry path; "" for a single file


@dataclass
class Filed:
    """Every readable file's entry, and the bundles among them (path -> bundle, member)."""

    entries: dict[str, Entry] = field(default_factory=dict)
    members: dict[str, tuple[Bundle, int]] = field(default_factory=dict)
    bundles: list[Bundle] = field(default_factory=list)

    def add_bundle(self, bundle: Bundle) -> None:
        assert bundle.entry is not None
        self.bundles.append(bundle)
        for i, m in enumerate(bundle.members):
            self.entries[m.path] = bundle.entry
            self.members[m.path] = (bundle, i)

    def unique(self) -> list[Entry]:
        """Each entry once (a bundle's is every member's), in path order."""
        return list({e.dir: e for e in self.entries.values()}.values())

    def counts(self, path: str) -> tuple[int, int, int]:
        """(records, malformed, continuation lines) of one file."""
        if path in self.members:
            bundle, i = self.members[path]
            m = bundle.members[i]
            return m.records, m.malformed, m.continuation
        e = self.entries[path]
        return e.records, e.malformed, e.continuation

    def malformed_tables(self, read_table) -> dict[str, pa.Table]:
        """path -> its malformed rows (line, reason, raw), for the files that have any."""
        out: dict[str, pa.Table] = {}
        for path, e in self.entries.items():
            if path not in self.members and e.malformed:
                out[path] = read_table(e, MALFORMED)
        for bundle in self.bundles:
            if not any(m.malformed for m in bundle.members):
                continue
            rows = read_table(bundle.entry, MALFORMED)
            member = rows.column(MEMBER)
            for i, m in enumerate(bundle.members):
                if m.malformed:
                    out[m.path] = rows.filter(pc.equal(member, i)).drop_columns([MEMBER])
        return out


def split_by_unit(table: pa.Table, unit_of: np.ndarray) -> dict[int, pa.Table]:
    """Rows of `table` by the unit of their FILE_ID (one sort, then slices)."""
    if table.num_rows == 0:
        return {}
    units = unit_of[table.column(FILE_ID).to_numpy(zero_copy_only=False)]
    order = np.argsort(units, kind="stable")
    units = units[order]
    table = table.take(pa.array(order))
    starts = np.flatnonzero(np.r_[True, units[1:] != units[:-1]])
    ends = np.r_[starts[1:], len(units)]
    return {int(units[s]): table.slice(s, e - s) for s, e in zip(starts, ends)}


def file_units(store: CacheStore, units: Sequence[Unit], plans: Sequence[FilePlan],
               incoming: Path, facts_dir: Path, shares: Partials, fingerprint: str,
               filed: Filed, check=lambda: None) -> None:
    """File every unit into its entry (into `filed`). `check` raises when the run is cancelled
    (between units: a unit is filed whole or not at all)."""
    unit_of = np.zeros(len(plans), dtype=np.int64)
    for unit in units:
        unit_of[list(unit.files)] = unit.number
    patterns = split_by_unit(shares.patterns, unit_of)
    malformed = split_by_unit(shares.malformed, unit_of)
    ingest = shares.facts.filter(pc.equal(shares.facts.column("gid"), GID_INGEST))
    counts = _file_counts(ingest)
    empty_p, empty_m = shares.patterns.slice(0, 0), shares.malformed.slice(0, 0)
    for unit in units:
        check()
        moved = _move_folders(store, unit, plans, incoming, facts_dir)
        seg_dir, segment = moved
        pats = patterns.get(unit.number, empty_p)
        bad = malformed.get(unit.number, empty_m).sort_by([(FILE_ID, "ascending"),
                                                            ("line", "ascending")])
        pq.write_table(pats.drop_columns([FILE_ID]), seg_dir / PATTERNS)
        records = sum(counts.get(i, (0, 0, 0))[0] for i in unit.files)
        bad_n = sum(counts.get(i, (0, 0, 0))[1] for i in unit.files)
        cont = sum(counts.get(i, (0, 0, 0))[2] for i in unit.files)
        segment = replace(segment, records=records, malformed=bad_n, continuation=cont)
        if not unit.bundle_path:
            pq.write_table(bad.drop_columns([FILE_ID]), seg_dir / MALFORMED)
            plan = plans[unit.files[0]]
            kept = plan.entry.segments if plan.action == APPEND and plan.entry else ()
            key = plan.key or FileKey(plan.input.path, -1, -1, -1, "", 0)  # unkeyable: this run only
            entry = Entry(dir=seg_dir.parent, key=key, fingerprint=fingerprint,
                          segments=(*kept, segment))
            filed.entries[plan.input.path] = store.save(entry) if plan.key is not None else entry
            continue
        position = {file_id: i for i, file_id in enumerate(unit.files)}
        member = pa.array([position[i] for i in bad.column(FILE_ID).to_pylist()], pa.int32())
        pq.write_table(bad.drop_columns([FILE_ID]).append_column(MEMBER, member),
                       seg_dir / MALFORMED)
        members = tuple(Member(plans[i].input.path, plans[i].key, *counts.get(i, (0, 0, 0)))
                        for i in unit.files)
        entry = Entry(dir=seg_dir.parent, key=bundle_key(unit.bundle_path, members),
                      fingerprint=fingerprint, segments=(segment,))
        bundle = Bundle(unit.bundle_path, members, entry)
        if all(m.key is not None for m in members):
            bundle = save_bundle(store, bundle)
            for m in members:  # a file now bundled drops the entry it had on its own
                if os.path.isdir(store.entry_dir(m.path)):
                    store.drop(m.path)
        filed.add_bundle(bundle)


def _file_counts(ingest: pa.Table) -> dict[int, tuple[int, int, int]]:
    """file id -> (records, malformed, continuation lines), from the facts' ingest rows."""
    out: dict[int, list[int]] = {}
    for file_id, key, count, cont in zip(*(ingest.column(c).to_pylist() for c in
                                           (FILE_ID, "key", "count", "continuation"))):
        slot = out.setdefault(file_id, [0, 0, 0])
        if key == RECORDS:
            slot[0] += count
        elif key == PART_MALFORMED:
            slot[1] += count
        slot[2] += cont or 0
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}


def _move_folders(store: CacheStore, unit: Unit, plans: Sequence[FilePlan], incoming: Path,
                  facts_dir: Path) -> tuple[Path, Segment]:
    """Move the unit's rows and facts (Spark's folders) into its entry (a new one for a whole
    read or a bundle); returns the segment folder and its segment (counts not yet set)."""
    if unit.bundle_path:
        entry_dir = store.entry_dir(unit.bundle_path)
        shutil.rmtree(entry_dir, ignore_errors=True)
        size = sum(plans[i].input.size for i in unit.files)
        segment = Segment(name=f"seg-{uuid.uuid4().hex[:10]}", start=0, end=size,
                          lines_before=0, records=0, malformed=0, continuation=0)
    else:
        plan = plans[unit.files[0]]
        entry_dir = store.entry_dir(plan.input.path)
        if plan.action == READ:
            shutil.rmtree(entry_dir, ignore_errors=True)
        segment = plan.segment
    seg_dir = entry_dir / segment.name
    seg_dir.mkdir(parents=True, exist_ok=True)
    for source, target in ((incoming / f"{UNIT}={unit.number}", seg_dir / ROWS),
                           (facts_dir / f"{UNIT}={unit.number}", seg_dir / FACTS)):
        if source.is_dir():
            if _same_device(source, seg_dir):
                os.replace(source, target)
            else:
                shutil.move(str(source), str(target))
    return seg_dir, segment


def _same_device(a: Path, b: Path) -> bool:
    try:
        return os.stat(a).st_dev == os.stat(b).st_dev
    except OSError:
        return False


__all__ = ["Filed", "Unit", "file_units", "split_by_unit"]
