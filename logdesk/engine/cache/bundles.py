"""Many small files read together and kept as ONE cache entry: a bundle.

Each file read is filed into its own entry (rows, facts, patterns, malformed rows): a few
folders of Parquet per file, which Spark writes at some 15 ms each on a local disk whatever
their size. For 20,000 three-line files that was minutes of a run. So when a run reads many
small files, they are read as bundles of neighbours (in path order, so mostly of one folder):
Spark writes one folder per bundle, and the bundle's entry keeps every member's key and
counts (members.json beside its manifest). A file's records, malformed rows and line numbers
stay its own (its rows carry its path; the malformed rows their member number).

A bundle is answered from the cache only as a whole: when every member is in the run,
unchanged, and its settings fingerprint holds. Otherwise its members are read again (grown
members too: a small file's appended end is not worth a bundle of its own) and the bundle is
dropped. Bundles belong to the folder whose run made them (folders/<id>.bundles.json): a run
of another folder over the same files reads them once more. CSV files are never bundled (the
unclosed-quote repair replaces a CSV file's rows folder by folder), nor files whose
compressed data broke (their note must show on every run).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from logdesk.spark_urls import is_hadoop_url
from logdesk.engine.cache.keys import FileKey
from logdesk.engine.cache.plan import READ, REUSE, FilePlan
from logdesk.engine.cache.store import CacheStore, Entry, write_json
from logdesk.engine.discover import FORMAT_JSONL, FORMAT_TEXT

BUNDLE_MIN_FILES = 32  # small files a run must read before any is bundled
BUNDLE_FILE_BYTES = 1 << 20  # a larger file keeps an entry of its own (it can be appended)
BUNDLE_MAX_FILES = 500
BUNDLE_MAX_BYTES = 32 << 20
MEMBERS = "members.json"
MEMBER = "member"  # a bundle's malformed.parquet: the member a row belongs to (0-based)
_PREFIX = ".logdesk-bundle-"  # the bundle's own "path" (a hidden name in the folder: no file)


@dataclass(frozen=True)
class Member:
    path: str
    key: FileKey | None  # None: unkeyable (the bundle is then for this run only)
    records: int = 0
    malformed: int = 0
    continuation: int = 0


@dataclass(frozen=True)
class Bundle:
    path: str  # the entry's key path (folder/.logdesk-bundle-<id>)
    members: tuple[Member, ...]
    entry: Entry | None = None  # once filed (or loaded)

    def index(self, path: str) -> int:
        return next(i for i, m in enumerate(self.members) if m.path == path)


def new_bundle_path(folder: Path | str) -> str:
    name = f"{_PREFIX}{uuid.uuid4().hex[:12]}"
    if isinstance(folder, str) and is_hadoop_url(folder):
        return f"{folder}/{name}"  # a Path would fold the URL's "//"
    return str(Path(folder) / name)


def can_bundle(plan: FilePlan) -> bool:
    f = plan.read
    return (plan.action == READ and f is not None and f.format in (FORMAT_TEXT, FORMAT_JSONL)
            and plan.input.size <= BUNDLE_FILE_BYTES)


def group_units(todo: list[FilePlan], damaged: set[str]) -> list[tuple[int, list[int], bool]]:
    """The files a run reads (positions in `todo`) in units (number, positions, bundled): one
    file, numbered by its position (csv_repair finds a CSV file's rows so), or a bundle of
    small neighbours, numbered after the files, when there are at least BUNDLE_MIN_FILES."""
    small = [i for i, p in enumerate(todo) if can_bundle(p) and p.input.path not in damaged]
    if len(small) < BUNDLE_MIN_FILES:
        return [(i, [i], False) for i in range(len(todo))]
    bundled = set(small)
    units = [(i, [i], False) for i in range(len(todo)) if i not in bundled]
    groups: list[list[int]] = []
    size = 0
    for i in sorted(small, key=lambda i: todo[i].input.path):
        grows = todo[i].input.size
        if not groups or len(groups[-1]) >= BUNDLE_MAX_FILES or size + grows > BUNDLE_MAX_BYTES:
            groups.append([])
            size = 0
        groups[-1].append(i)
        size += grows
    units.extend((len(todo) + b, group, True) for b, group in enumerate(groups))
    return units


# ------------------------------------------------------------------------------ the cache


def bundle_key(path: str, members: tuple[Member, ...]) -> FileKey:
    return FileKey(path, sum(m.key.size if m.key else 0 for m in members), 0, 0, "", 0)


def save_bundle(store: CacheStore, bundle: Bundle) -> Bundle:
    """Write the bundle's manifest and members (its entry's folders are in place)."""
    assert bundle.entry is not None
    doc = [{"path": m.path, "key": m.key.to_json() if m.key else None, "records": m.records,
            "malformed": m.malformed, "continuation": m.continuation} for m in bundle.members]
    write_json(bundle.entry.dir / MEMBERS, doc)
    return replace(bundle, entry=store.save(bundle.entry))


def load_bundle(store: CacheStore, path: str, fingerprint: str) -> Bundle | None:
    entry = store.load(path)
    if entry is None or entry.fingerprint != fingerprint:
        return None
    try:
        doc = json.loads((entry.dir / MEMBERS).read_text(encoding="utf-8"))
        members = tuple(
            Member(str(m["path"]), FileKey.from_json(m["key"]) if m["key"] else None,
                   int(m["records"]), int(m["malformed"]), int(m["continuation"]))
            for m in doc)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Bundle(path, members, entry)


def folder_bundles(store: CacheStore, folder: str) -> list[str]:
    """The bundle paths the folder's last run used."""
    return store.folder_list(folder, "bundles")


def set_folder_bundles(store: CacheStore, folder: str, paths: list[str]) -> None:
    if paths:
        store.set_folder_list(folder, "bundles", paths)
    else:
        store.drop_folder_list(folder, "bundles")


def reuse_bundles(plans: list[FilePlan], store: CacheStore, folder: str,
                  fingerprint: str) -> tuple[list[FilePlan], list[Bundle]]:
    """The folder's bundles that still answer for all their members (those members' plans
    become REUSE of the bundle's entry), and the plans."""
    by_path = {p.input.path: i for i, p in enumerate(plans)}
    reused: list[Bundle] = []
    plans = list(plans)
    for path in folder_bundles(store, folder):
        bundle = load_bundle(store, path, fingerprint)
        if bundle is None or not bundle.members:
            continue
        spots = [by_path.get(m.path) for m in bundle.members]
        if any(i is None or plans[i].action != READ or plans[i].key is None
               or plans[i].key != m.key for i, m in zip(spots, bundle.members)):
            continue
        for i in spots:
            plans[i] = replace(plans[i], action=REUSE, entry=bundle.entry, read=None, segment=None)
        reused.append(bundle)
    return plans, reused


def forget_bundles(store: CacheStore, folder: str, kept: list[Bundle]) -> None:
    """Drop the folder's bundles this run did not keep; remember the ones it did."""
    keep = {b.path for b in kept}
    for path in folder_bundles(store, folder):
        if path not in keep:
            store.drop(path)
    set_folder_bundles(store, folder, sorted(keep))


__all__ = ["BUNDLE_FILE_BYTES", "BUNDLE_MAX_BYTES", "BUNDLE_MAX_FILES", "BUNDLE_MIN_FILES",
           "Bundle", "MEMBER", "Member", "bundle_key", "can_bundle", "folder_bundles",
           "forget_bundles", "group_units", "load_bundle", "new_bundle_path", "reuse_bundles",
           "save_bundle", "set_folder_bundles"]
