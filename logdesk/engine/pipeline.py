"""One engine run: discover -> read & normalize -> aggregate -> publish.

Each file is read by Spark at most once, and only when its cache entry (engine/cache/) does
not already answer for it: unchanged files are not read at all, grown files only from their
previous end. The files that must be read go through one Spark job that writes their
normalized copy (per file: records, malformed rows, blank lines kept for numbering), then at
most three aggregations over that copy give each file's share of the results
(engine/partials.py). Those shares are kept in the
files' entries and merged, for every file of the folder, on the driver (cache/merge.py): a run
answered wholly from the cache starts no Spark job and needs no Spark session.

The number of Spark jobs does not grow with the number of files: one write, at most three
aggregations, plus the sub-jobs adaptive execution makes of their shuffles (each multi-line
text format present adds the shuffle of its folding window).
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from logdesk.control import Cancelled, RunControl
from logdesk.engine.cache.keys import FileKey, settings_fingerprint
from logdesk.engine.cache.merge import merge_partials
from logdesk.engine.cache.plan import APPEND, READ, REUSE, FilePlan, plan_file
from logdesk.engine.cache.store import FACTS, MALFORMED, PATTERNS, CacheStore, Entry
from logdesk.engine.cube import bucket_seconds_for
from logdesk.engine.discover import InputFile, discover_inputs
from logdesk.engine.ingest import READERS, read_inputs
from logdesk.engine.ingest_report import ingest_report, write_malformed_csv
from logdesk.engine.known_error_types import read_known_error_types, write_known_error_types
from logdesk.engine.partials import FILE_ID, MALFORMED as PART_MALFORMED, PART, RECORDS, Partials
from logdesk.engine.partials import compute_partials, empty_malformed, tag_rows
from logdesk.engine.readers.csv_repair import repair_unclosed_quotes
from logdesk.engine.records import apply_record_filter
from logdesk.engine.run_files import RunFiles, WorkDirError, prepare_run_files
from logdesk.engine.run_records import ROWS, RecordsManifest, write_records_manifest
from logdesk.engine.run_control import STAGES, StageClock, attach_cancel, describe, detach_cancel, is_connect_session
from logdesk.engine.text_formats import user_text_formats
from logdesk.engine.transcode import transcode_inputs
from logdesk.paths import cache_dir
from logdesk.results import CacheUse, RecordFilter, RunResult
from logdesk.settings import Settings
from logdesk.spark_urls import LOCAL_MASTER

SparkSource = SparkSession | Callable[[], SparkSession]


class EmptyFolderError(ValueError):
    """The folder has no files logdesk could look at."""


def nothing_readable_message(folder: Path, inputs: Sequence[InputFile]) -> str:
    """One line for a folder none of whose files is a log: how many were found, and the most
    common reasons (the ingest report is not written; nothing was read)."""
    reasons: dict[str, int] = {}
    for f in inputs:
        why = f.note.removeprefix("not a log: ") or f.format
        reasons[why] = reasons.get(why, 0) + 1
    top = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    said = "; ".join(f"{n} {'file' if n == 1 else 'files'}: {why}" for why, n in top)
    more = "; ..." if len(reasons) > 3 else ""
    return (f"nothing to read in {folder}: {len(inputs):,} "
            f"{'file' if len(inputs) == 1 else 'files'} found, none of them a log ({said}{more})")


def cache_store(settings: Settings) -> CacheStore:
    """The user's cache (settings.cache), whether or not it is enabled."""
    if settings.cache.dir:
        root = Path(settings.cache.dir.removeprefix("file://")).expanduser()
    elif settings.paths.work_dir:
        root = Path(settings.paths.work_dir).expanduser() / "files"
    else:
        root = cache_dir() / "files"
    return CacheStore(root, settings.cache.max_size_mb * 1024 * 1024)


def cache_off_reason(settings: Settings) -> str:
    """Why this run cannot use the cache although it is enabled ("" when it can). The Spark
    job writes each file's copy into the cache folder: on a cluster, every executor must be
    able to write there, which a folder on this machine's own disk is not."""
    where = settings.cache.dir
    if "://" in where and not where.startswith("file://"):
        return f"cache off for this run: cache.dir {where!r} must be a folder path (file:// or a mount)"
    if not LOCAL_MASTER.match(settings.spark.master) and not where:
        return ("cache off for this run: with a cluster master, set cache.dir to a shared folder "
                "that every executor can write")
    return ""


def run_pipeline(
    spark: SparkSource,
    folder: Path | str,
    settings: Settings,
    record_filter: RecordFilter = RecordFilter(),
    control: RunControl | None = None,
) -> RunResult:
    """`spark` may be a session or a function that starts one: it is called only when some
    file must be read (or a record filter applied)."""
    control = control or RunControl()
    folder = Path(folder).expanduser().resolve()
    if not folder.is_dir():
        raise NotADirectoryError(f"not a folder: {folder}")
    run = _Run(spark, folder, settings, record_filter, control)
    try:
        return run.execute()
    except Cancelled:
        raise
    except Exception:
        if control.is_cancelled:
            raise Cancelled() from None
        raise
    finally:
        run.close()


class _Run:
    def __init__(self, spark: SparkSource, folder: Path, settings: Settings,
                 record_filter: RecordFilter, control: RunControl) -> None:
        self.folder, self.settings, self.filter, self.control = folder, settings, record_filter, control
        self._source = spark
        self._spark: SparkSession | None = None
        self._group = f"logdesk-{uuid.uuid4().hex[:12]}"
        self.plan_seconds = 0.0
        self.clock = StageClock(control)
        # path -> its note, for files whose compressed data broke (read up to the break)
        self.damaged: dict[str, str] = {}

    # -------------------------------------------------------------- Spark, on demand

    def spark(self) -> SparkSession:
        if self._spark is None:
            source = self._source
            spark = source if isinstance(source, SparkSession) or hasattr(source, "read") else source()
            self.control.check()
            attach_cancel(spark, self.control, self._group)
            self._spark = spark
        return self._spark

    def spark_jobs(self) -> int:
        spark = self._spark
        if spark is None or is_connect_session(spark):
            return 0
        try:
            return len(spark.sparkContext.statusTracker().getJobIdsForGroup(self._group))
        except Exception:  # noqa: BLE001 - a figure for the benchmark, never worth failing for
            return 0

    def close(self) -> None:
        self.control.set_canceller(None)
        if self._spark is not None:
            detach_cancel(self._spark, self._group)

    # -------------------------------------------------------------- the run

    def execute(self) -> RunResult:
        started = datetime.now(timezone.utc)
        settings = self.settings
        bucket_seconds = bucket_seconds_for(settings.analytics.trend_window_seconds)
        self.clock.begin("discover")
        inputs = discover_inputs(self.folder, user_text_formats(settings.text_formats),
                                 timestamp_layouts=settings.timestamps.layouts)
        if not inputs:
            raise EmptyFolderError(f"no files to read in {self.folder}")
        if not any(f.format in READERS for f in inputs):
            raise EmptyFolderError(nothing_readable_message(self.folder, inputs))
        files = prepare_run_files(self.folder, settings.paths.work_dir)
        off_reason = cache_off_reason(settings) if settings.cache.enabled else ""
        use_cache = settings.cache.enabled and not off_reason
        store = cache_store(settings) if use_cache else CacheStore(files.run_dir / "files", 1 << 62)
        fingerprint = settings_fingerprint(settings, bucket_seconds)
        try:
            store.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkDirError(
                f"cannot write logdesk's cache folder {store.root} ({exc.strerror or exc}); "
                "set cache.dir in your config to a writable folder, or turn the cache off"
            ) from exc
        lookup = store if use_cache else None
        plans = [
            plan_file(f, lookup, fingerprint, files.run_dir / "tails")
            for f in inputs if f.format in READERS
        ]
        entries = self._read_and_file(plans, store, files, fingerprint, bucket_seconds)

        self.clock.begin("aggregate")
        # templates are mined over all records of the files, whatever the filter
        all_patterns = [_read_table(e, PATTERNS) for e in entries.values()]
        facts, patterns = self._shares(entries)
        filtered = patterns is not None  # then the files' own, unfiltered tables are mined
        merged = merge_partials(facts, patterns if filtered else all_patterns, bucket_seconds,
                                settings.time_zone, mine_from=all_patterns if filtered else None)
        malformed = {path: _read_table(e, MALFORMED) for path, e in entries.items() if e.malformed}
        counts = {path: (e.records, e.malformed, e.continuation) for path, e in entries.items()}
        damaged = self.damaged
        inputs = [replace(f, note=damaged[f.path]) if f.path in damaged else f for f in inputs]
        ingest = ingest_report(self.folder, inputs, counts, malformed)

        self.clock.begin("finish")
        malformed_path = ""
        if malformed:
            malformed_path = str(write_malformed_csv(files.malformed_csv, malformed))
        records_path = ""
        if ingest.parsed_rows:
            records_path = str(write_records_manifest(files, RecordsManifest.of(entries.values()), merged.templates))
        previous = read_known_error_types(files.folder_dir)
        files.commit()
        write_known_error_types(files.folder_dir, set(merged.error_templates))
        dropped = self._forget_vanished(store, plans) if use_cache else 0
        self.clock.end()
        return RunResult(
            input_folder=str(self.folder),
            started_at=started,
            duration_seconds=self.clock.total,
            stage_seconds=dict(self.clock.seconds),
            ingest=ingest,
            cube=merged.cube,
            records_path=records_path,
            malformed_csv_path=malformed_path,
            applied_filter=self.filter,
            error_types=merged.error_types,
            previous_error_types=previous,
            spark_jobs=self.spark_jobs(),
            plan_seconds=round(self.plan_seconds, 3),
            cache=CacheUse(
                enabled=use_cache,
                note=off_reason,
                reused=sum(p.action == REUSE for p in plans),
                appended=sum(p.action == APPEND for p in plans),
                read=sum(p.action == READ for p in plans),
                dropped=dropped,
            ),
        )

    def _read_and_file(self, plans: list[FilePlan], store: CacheStore, files: RunFiles,
                       fingerprint: str, bucket_seconds: int) -> dict[str, Entry]:
        """Read what must be read (one Spark write, three aggregations) and file each read part
        into its entry. Returns path -> entry for every readable file."""
        entries: dict[str, Entry] = {p.input.path: p.entry for p in plans if p.action == REUSE}
        todo = [p for p in plans if p.action != REUSE]
        if not todo:
            return entries
        self.clock.begin("read & normalize")
        reads = transcode_inputs([p.read for p in todo], files.run_dir / "utf8")
        for i, (p, r) in enumerate(zip(todo, reads)):
            if r.note != p.read.note:  # broken compression: its note must show on every run,
                self.damaged[p.input.path] = r.note  # so its entry is for this run only
                todo[i] = replace(p, key=None)
        spark = self.spark()
        t = time.perf_counter()
        staged = tag_rows(read_inputs(spark, reads, self.settings, numbered=False), [r.path for r in reads])
        incoming = store.incoming_dir()
        self.plan_seconds += time.perf_counter() - t
        describe(spark, "logdesk: read and normalize")
        staged.write.mode("overwrite").partitionBy(FILE_ID, PART).parquet(str(incoming))
        repair_unclosed_quotes(spark, reads, incoming, self.settings, files.run_dir / "csv-repair")
        shutil.rmtree(files.run_dir / "utf8", ignore_errors=True)

        self.clock.begin("aggregate")
        describe(spark, "logdesk: aggregate")
        t = time.perf_counter()
        copy = spark.read.parquet(str(incoming))
        self.plan_seconds += time.perf_counter() - t
        facts_dir = incoming.with_name(incoming.name + "-facts")
        try:
            shares = compute_partials(copy, bucket_seconds, facts_dir=facts_dir)
            for i, p in enumerate(todo):
                entries[p.input.path] = _file_share(store, p, i, incoming, facts_dir, shares, fingerprint)
        finally:
            shutil.rmtree(incoming, ignore_errors=True)
            shutil.rmtree(facts_dir, ignore_errors=True)
            shutil.rmtree(files.run_dir / "tails", ignore_errors=True)
        return entries

    def _shares(self, entries: dict[str, Entry]) -> tuple[list[pa.Table], list[pa.Table] | None]:
        """Every file's facts, and patterns (None: the files' own, unfiltered ones); under a
        record filter, both computed again from the files' copies (not their input) with the
        filter applied."""
        if self.filter.is_empty:
            return [e.segment_dir(s) / FACTS for e in entries.values() for s in e.segments
                    if (e.segment_dir(s) / FACTS).is_dir()], None
        manifest = RecordsManifest.of(entries.values())
        if not manifest.records:
            return [], []
        spark = self.spark()
        copy = spark.read.parquet(*manifest.records).select(
            "*", F.lit(0).alias(FILE_ID), F.lit(RECORDS).alias(PART)
        )
        copy = apply_record_filter(copy, self.filter, self.settings.time_zone)
        bucket_seconds = bucket_seconds_for(self.settings.analytics.trend_window_seconds)
        shares = compute_partials(copy, bucket_seconds, with_malformed=False)
        return [shares.facts], [shares.patterns]

    def _forget_vanished(self, store: CacheStore, plans: list[FilePlan]) -> int:
        """Delete the entries of files the folder's previous run had and this one has not;
        returns how many."""
        folder = str(self.folder)
        now = {p.input.path for p in plans}
        vanished = [path for path in store.folder_paths(folder) if path not in now]
        for path in vanished:
            store.drop(path)
        store.set_folder_paths(folder, sorted(now))
        store.evict(keep={store.entry_dir(p) for p in now})
        return len(vanished)


def _file_share(store: CacheStore, plan: FilePlan, file_id: int, incoming: Path, facts_dir: Path,
                shares: Partials, fingerprint: str) -> Entry:
    """Move file `file_id`'s rows and facts (Spark's folders) and its other shares into its
    entry (a new one for a whole read)."""
    path = plan.input.path
    entry_dir = store.entry_dir(path)
    if plan.action == READ:
        shutil.rmtree(entry_dir, ignore_errors=True)
    segment = plan.segment
    seg_dir = entry_dir / segment.name
    seg_dir.mkdir(parents=True, exist_ok=True)
    for source, target in ((incoming / f"{FILE_ID}={file_id}", seg_dir / ROWS),
                           (facts_dir / f"{FILE_ID}={file_id}", seg_dir / FACTS)):
        if source.is_dir():
            if _same_device(source, seg_dir):
                os.replace(source, target)
            else:
                shutil.move(str(source), str(target))
    facts = shares.facts.filter(pc.equal(shares.facts.column(FILE_ID), file_id))
    patterns = shares.patterns.filter(pc.equal(shares.patterns.column(FILE_ID), file_id))
    bad = shares.malformed.filter(pc.equal(shares.malformed.column(FILE_ID), file_id))
    bad = bad.sort_by([("line", "ascending")])
    ingest = facts.filter(pc.equal(facts.column("gid"), -1)).to_pylist()
    records = sum(r["count"] for r in ingest if r["key"] == RECORDS)
    malformed = sum(r["count"] for r in ingest if r["key"] == PART_MALFORMED)
    continuation = sum(r["continuation"] or 0 for r in ingest)
    pq.write_table(patterns.drop_columns([FILE_ID]), seg_dir / PATTERNS)
    pq.write_table(bad.drop_columns([FILE_ID]), seg_dir / MALFORMED)
    segment = replace(segment, records=records, malformed=malformed, continuation=continuation)
    kept = plan.entry.segments if plan.action == APPEND and plan.entry else ()
    key = plan.key or FileKey(path, -1, -1, -1, "", 0)  # unkeyable: this run only
    entry = Entry(dir=entry_dir, key=key, fingerprint=fingerprint, segments=(*kept, segment))
    return store.save(entry) if plan.key is not None else entry


def _same_device(a: Path, b: Path) -> bool:
    try:
        return os.stat(a).st_dev == os.stat(b).st_dev
    except OSError:
        return False


def _read_table(entry: Entry, name: str) -> pa.Table:
    tables = []
    for segment in entry.segments:
        target = entry.segment_dir(segment) / name
        if target.is_file():
            tables.append(pq.read_table(target))
    if not tables:
        return empty_malformed().drop_columns([FILE_ID]) if name == MALFORMED else None
    return pa.concat_tables(tables) if len(tables) > 1 else tables[0]


__all__ = ["EmptyFolderError", "STAGES", "WorkDirError", "cache_store", "is_connect_session", "run_pipeline"]
