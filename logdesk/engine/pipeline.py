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

import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from logdesk.control import Cancelled, RunControl
from logdesk.engine.cache.bundles import (forget_bundles, group_units, new_bundle_path,
                                          reuse_bundles)
from logdesk.engine.cache.keys import settings_fingerprint
from logdesk.engine.cache.merge import merge_partials
from logdesk.engine.cache.plan import APPEND, READ, REUSE, FilePlan, plan_file
from logdesk.engine.cache.store import FACTS, MALFORMED, PATTERNS, CacheStore, Entry
from logdesk.engine.cube import bucket_seconds_for
from logdesk.engine.discover import InputFile, discover_inputs
from logdesk.engine.hadoop_discover import discover_hadoop_inputs, qualified_folder
from logdesk.engine.filing import Filed, Unit, file_units
from logdesk.engine.ingest import READERS, read_inputs
from logdesk.engine.ingest_report import ingest_report, write_malformed_csv
from logdesk.engine.known_error_types import read_known_error_types, write_known_error_types
from logdesk.engine.packs import pack_inputs
from logdesk.engine.partials import FILE_ID, PART, RECORDS, UNIT
from logdesk.engine.partials import compute_partials, empty_malformed, tag_rows
from logdesk.engine.readers.common import many_files_conf
from logdesk.engine.readers.csv_repair import repair_unclosed_quotes
from logdesk.engine.run_setup import (EmptyFolderError, cache_off_reason, cache_store,
                                      nothing_readable_message, own_output_of)
from logdesk.engine.records import apply_record_filter
from logdesk.engine.run_files import RunFiles, WorkDirError, prepare_run_files
from logdesk.engine.run_records import ROWS, RecordsManifest, write_records_manifest
from logdesk.engine.run_control import STAGES, StageClock, attach_cancel, describe, detach_cancel, is_connect_session
from logdesk.engine.task_progress import following_tasks
from logdesk.input_location import folder_of
from logdesk.engine.text_formats import user_text_formats
from logdesk.engine.transcode import transcode_inputs
from logdesk.results import CacheUse, RecordFilter, RunResult
from logdesk.settings import Settings

SparkSource = SparkSession | Callable[[], SparkSession]


def run_pipeline(
    spark: SparkSource,
    folder: Path | str,
    settings: Settings,
    record_filter: RecordFilter = RecordFilter(),
    control: RunControl | None = None,
    outputs: Sequence[Path | str] = (),
) -> RunResult:
    """`spark` may be a session or a function that starts one: it is called only when some
    file must be read (or a record filter applied). `outputs`: where the caller writes this
    run's output (a reports folder, a records export file), never read as input (nor are
    the settings' reports folder and logdesk's cache: engine/own_output.py)."""
    control = control or RunControl()
    # a file:// URL (shared storage), or a path this machine's Spark reads; InputNotReachable
    # for a plain path with a cluster on other hosts, before any Spark job
    located = folder_of(folder, settings.spark.master, settings.spark.shared_folders)[0]
    if isinstance(located, Path):
        folder = located.expanduser().resolve()
        if not folder.is_dir():
            raise NotADirectoryError(f"not a folder: {folder}")
    else:
        folder = located  # a Hadoop URL: listed through Spark's JVM (hadoop_discover.py)
    run = _Run(spark, folder, settings, record_filter, control, outputs)
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
    def __init__(self, spark: SparkSource, folder: Path | str, settings: Settings,
                 record_filter: RecordFilter, control: RunControl,
                 outputs: Sequence[Path | str] = ()) -> None:
        self.folder, self.settings, self.filter, self.control = folder, settings, record_filter, control
        self.outputs = outputs
        self._source = spark
        self._spark: SparkSession | None = None
        self._group = f"logdesk-{uuid.uuid4().hex[:12]}"
        self.plan_seconds = 0.0
        self.clock = StageClock(control)
        self.files: RunFiles | None = None  # this run's folder, removed unless published
        self.published = False
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

    def spark_jobs(self) -> int | None:
        spark = self._spark
        if spark is None:
            return 0
        if is_connect_session(spark):
            return None  # a Connect server's jobs are not ours to count
        try:
            return len(spark.sparkContext.statusTracker().getJobIdsForGroup(self._group))
        except Exception:  # noqa: BLE001 - a figure for the benchmark, never worth failing for
            return 0

    def close(self) -> None:
        self.control.set_canceller(None)
        if self._spark is not None:
            detach_cancel(self._spark, self._group)
        if self.files is not None and not self.published:  # cancelled or failed: no trace
            shutil.rmtree(self.files.run_dir, ignore_errors=True)
            left = [p for p in self.files.folder_dir.iterdir() if p.is_dir()] \
                if self.files.folder_dir.is_dir() else []
            if not left:
                shutil.rmtree(self.files.folder_dir, ignore_errors=True)

    # -------------------------------------------------------------- progress inside a stage

    def _discovery_progress(self, described: int, found: int) -> None:
        self.clock.within("discover", described / found if found else 1.0,
                          f"{described:,} of {found:,} files described")

    def _following(self, stage: str, what: str):
        """While the body runs, the stage's progress follows the Spark tasks of its jobs."""
        def report(done: int, total: int) -> None:
            self.clock.within(stage, done / total, f"{what}{done:,} of {total:,} Spark tasks done")
        return following_tasks(self.spark(), self._group, report)

    # -------------------------------------------------------------- the run

    def _discover(self) -> list[InputFile]:
        settings = self.settings
        formats = user_text_formats(settings.text_formats)
        if isinstance(self.folder, Path):
            own = own_output_of(settings, self.folder, self.outputs)
            return discover_inputs(self.folder, formats,
                                   timestamp_layouts=settings.timestamps.layouts, own=own,
                                   check=self.control.check, progress=self._discovery_progress)
        self.spark()  # Hadoop's FileSystem API lives in Spark's JVM
        # logdesk writes its reports and cache to this machine's folders or a mount, never
        # to a Hadoop URL, so such a folder holds none of its own output
        try:
            self.folder = qualified_folder(self.folder)
            return discover_hadoop_inputs(self.folder, formats, settings.timestamps.layouts,
                                          check=self.control.check,
                                          progress=self._discovery_progress)
        except OSError as exc:  # the folder itself (a file's trouble is its own fate)
            raise EmptyFolderError(f"cannot read {self.folder}: {exc}") from None

    def execute(self) -> RunResult:
        started = datetime.now(timezone.utc)
        settings = self.settings
        bucket_seconds = bucket_seconds_for(settings.analytics.trend_window_seconds)
        self.clock.begin("discover")
        inputs = self._discover()
        if not inputs:
            raise EmptyFolderError(f"no files to read in {self.folder}")
        if not any(f.format in READERS for f in inputs):
            raise EmptyFolderError(nothing_readable_message(self.folder, inputs))
        files = self.files = prepare_run_files(self.folder, settings.paths.work_dir)
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
        plans = []
        for f in inputs:
            if f.format in READERS:
                self.control.check()
                plans.append(plan_file(f, lookup, fingerprint, files.run_dir / "tails"))
        filed = Filed()
        if use_cache:
            plans, reused = reuse_bundles(plans, store, str(self.folder), fingerprint)
            for bundle in reused:
                filed.add_bundle(bundle)
        self._read_and_file(plans, store, files, fingerprint, bucket_seconds, filed)

        self.clock.begin("aggregate")
        unique = filed.unique()
        # templates are mined over all records of the files, whatever the filter
        all_patterns = [_read_table(e, PATTERNS) for e in unique]
        facts, patterns = self._shares(unique)
        filtered = patterns is not None  # then the files' own, unfiltered tables are mined
        self.control.check()
        merged = merge_partials(facts, patterns if filtered else all_patterns, bucket_seconds,
                                settings.time_zone, mine_from=all_patterns if filtered else None,
                                check=self.control.check)
        self.control.check()
        malformed = filed.malformed_tables(_read_table)
        counts = {path: filed.counts(path) for path in filed.entries}
        damaged = self.damaged
        inputs = [replace(f, note=damaged[f.path]) if f.path in damaged else f for f in inputs]
        ingest = ingest_report(self.folder, inputs, counts, malformed)

        self.clock.begin("finish")
        malformed_path = ""
        if malformed:
            malformed_path = str(write_malformed_csv(files.malformed_csv, malformed))
        records_path = ""
        if ingest.parsed_rows:
            records_path = str(write_records_manifest(files, RecordsManifest.of(unique), merged.templates))
        previous = read_known_error_types(files.folder_dir)
        self.control.check()  # the last point a cancel stops at: from here the run is published
        self.published = True
        files.commit()
        write_known_error_types(files.folder_dir, set(merged.error_templates))
        dropped = self._forget_vanished(store, plans, filed) if use_cache else 0
        try:
            self.clock.end()
        except Cancelled:  # too late: the run is published
            pass
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
                       fingerprint: str, bucket_seconds: int, filed: Filed) -> None:
        """Read what must be read (one Spark write, three aggregations) and file each read unit
        (a file, or a bundle of small ones) into its entry: `filed` gets every readable file."""
        for p in plans:
            if p.action == REUSE and p.input.path not in filed.entries:
                filed.entries[p.input.path] = p.entry
        todo = [p for p in plans if p.action != REUSE]
        if not todo:
            return
        self.clock.begin("read & normalize")
        reads = transcode_inputs([p.read for p in todo], files.run_dir / "utf8")
        for i, (p, r) in enumerate(zip(todo, reads)):
            if r.note != p.read.note:  # broken compression: its note must show on every run,
                self.damaged[p.input.path] = r.note  # so its entry is for this run only
                todo[i] = replace(p, key=None)
        units = [Unit(number, tuple(members), new_bundle_path(self.folder) if bundled else "")
                 for number, members, bundled in group_units(todo, set(self.damaged))]
        bundles = [list(u.files) for u in units if u.bundle_path]
        if bundles:
            reads = pack_inputs(reads, bundles, files.run_dir / "packs", self.control.check)
        spark = self.spark()
        incoming = store.incoming_dir()
        facts_dir = incoming.with_name(incoming.name + "-facts")
        try:
            files_word = f"{len(reads):,} file{'s' if len(reads) != 1 else ''}: "
            with self._following("read & normalize", files_word):
                self._read(spark, reads, units, incoming, files)
            self.clock.begin("aggregate")
            describe(spark, "logdesk: aggregate")
            t = time.perf_counter()
            with many_files_conf(spark, len(units)):
                copy = spark.read.parquet(str(incoming))
            self.plan_seconds += time.perf_counter() - t
            self.control.check()
            with self._following("aggregate", ""):
                shares = compute_partials(copy, bucket_seconds, facts_dir=facts_dir,
                                          units=_unit_numbers(units, len(reads)))
            self.control.check()
            file_units(store, units, todo, incoming, facts_dir, shares, fingerprint, filed,
                       self.control.check)
        finally:
            for left in (incoming, facts_dir, files.run_dir / "tails", files.run_dir / "utf8",
                         files.run_dir / "packs"):
                shutil.rmtree(left, ignore_errors=True)

    def _read(self, spark: SparkSession, reads: list[InputFile], units: list[Unit],
              incoming: Path, files: RunFiles) -> None:
        """The one Spark job that reads every file to be read and writes its normalized copy
        (one folder per unit), then the repair of CSV files with unclosed quotes."""
        t = time.perf_counter()
        with many_files_conf(spark, len(reads)):
            staged = tag_rows(read_inputs(spark, reads, self.settings, numbered=False),
                              [r.path for r in reads], _unit_numbers(units, len(reads)))
            self.plan_seconds += time.perf_counter() - t
            describe(spark, "logdesk: read and normalize")
            self.control.check()
            staged.write.mode("overwrite").partitionBy(UNIT, PART).parquet(str(incoming))
            self.control.check()
            repair_unclosed_quotes(spark, reads, incoming, self.settings, files.run_dir / "csv-repair")
        for copies in ("utf8", "packs"):
            shutil.rmtree(files.run_dir / copies, ignore_errors=True)

    def _shares(self, entries: list[Entry]) -> tuple[list[pa.Table], list[pa.Table] | None]:
        """Every entry's facts, and patterns (None: the files' own, unfiltered ones); under a
        record filter, both computed again from the files' copies (not their input) with the
        filter applied."""
        if self.filter.is_empty:
            return [e.segment_dir(s) / FACTS for e in entries for s in e.segments
                    if (e.segment_dir(s) / FACTS).is_dir()], None
        manifest = RecordsManifest.of(entries)
        if not manifest.records:
            return [], []
        spark = self.spark()
        copy = spark.read.parquet(*manifest.records).drop(FILE_ID).select(
            "*", F.lit(0).alias(FILE_ID), F.lit(RECORDS).alias(PART)
        )
        copy = apply_record_filter(copy, self.filter, self.settings.time_zone)
        bucket_seconds = bucket_seconds_for(self.settings.analytics.trend_window_seconds)
        shares = compute_partials(copy, bucket_seconds, with_malformed=False)
        return [shares.facts], [shares.patterns]

    def _forget_vanished(self, store: CacheStore, plans: list[FilePlan], filed: Filed) -> int:
        """Delete the entries of files the folder's previous run had and this one has not, and
        its bundles this run did not keep; returns how many files."""
        folder = str(self.folder)
        now = {p.input.path for p in plans}
        vanished = [path for path in store.folder_paths(folder) if path not in now]
        for path in vanished:
            store.drop(path)
        store.set_folder_paths(folder, sorted(now))
        forget_bundles(store, folder, filed.bundles)
        store.evict(keep={e.dir for e in filed.unique()})
        return len(vanished)


def _unit_numbers(units: list[Unit], files: int) -> list[int]:
    """The unit of each read file (FILE_ID): the file itself unless it is bundled."""
    number = list(range(files))
    for u in units:
        for i in u.files:
            number[i] = u.number
    return number


def _read_table(entry: Entry, name: str) -> pa.Table:
    tables = []
    for segment in entry.segments:
        target = entry.segment_dir(segment) / name
        if target.is_file():
            tables.append(pq.read_table(target))
    if not tables:
        return empty_malformed().drop_columns([FILE_ID]) if name == MALFORMED else None
    return pa.concat_tables(tables) if len(tables) > 1 else tables[0]


__all__ = ["EmptyFolderError", "STAGES", "WorkDirError", "cache_off_reason", "cache_store",
           "is_connect_session", "nothing_readable_message", "run_pipeline"]
