"""One engine run: a folder of logs → normalized records (persisted once) → the aggregate cube.

Raw files are read once and normalized into a Parquet copy split into parsed records and
malformed rows. Everything after that (ingest report, line numbers of malformed rows, the
malformed-rows CSV, the cube) reads the Parquet copy, and only aggregated rows reach the driver.
"""

from __future__ import annotations

import shutil
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from logdesk.control import Cancelled, RunControl
from logdesk.engine.cube import build_cube
from logdesk.engine.discover import discover_inputs
from logdesk.engine.error_type_details import error_type_details
from logdesk.engine.ingest import read_inputs
from logdesk.engine.known_error_types import read_known_error_types, write_known_error_types
from logdesk.engine.readers.line_numbers import number_staged_lines
from logdesk.engine.records import apply_record_filter
from logdesk.engine.run_files import (
    RunFiles,
    WorkDirError,
    prepare_run_files,
    publish_single_csv,
)
from logdesk.engine.schema import STAGED_SCHEMA
from logdesk.engine.templates import apply_mined_templates
from logdesk.engine.text_formats import user_text_formats
from logdesk.engine.transcode import transcode_inputs
from logdesk.reports.csv_safety import FORMULA_PREFIXES
from logdesk.results import (
    MALFORMED_COLUMNS,
    FileIngest,
    IngestReport,
    MalformedSample,
    RecordFilter,
    RunResult,
)
from logdesk.settings import Settings

# Stage names, in order, with the share of a typical run's time each takes (for the bar).
STAGES: tuple[tuple[str, float], ...] = (
    ("discover", 0.05),
    ("read & normalize", 0.55),
    ("ingest report", 0.10),
    ("aggregate", 0.25),
    ("finish", 0.05),
)


_SAMPLES_PER_FILE = 3  # malformed lines shown per file in the Inputs view / ingest report
_SAMPLE_CHARS = 500


class EmptyFolderError(ValueError):
    """The folder has no files logdesk could look at."""


def run_pipeline(
    spark: SparkSession,
    folder: Path | str,
    settings: Settings,
    record_filter: RecordFilter = RecordFilter(),
    control: RunControl | None = None,
) -> RunResult:
    control = control or RunControl()
    folder = Path(folder).expanduser().resolve()
    if not folder.is_dir():
        raise NotADirectoryError(f"not a folder: {folder}")
    group = f"logdesk-{uuid.uuid4().hex[:12]}"
    _attach_cancel(spark, control, group)
    try:
        return _run(spark, folder, settings, record_filter, control)
    except Cancelled:
        raise
    except Exception:
        if control.is_cancelled:
            raise Cancelled() from None
        raise
    finally:
        control.set_canceller(None)
        _detach_cancel(spark, group)


def _run(
    spark: SparkSession,
    folder: Path,
    settings: Settings,
    record_filter: RecordFilter,
    control: RunControl,
) -> RunResult:
    started = datetime.now(timezone.utc)
    clock = _StageClock(control)

    clock.begin("discover")
    inputs = discover_inputs(folder, user_text_formats(settings.text_formats))
    if not inputs:
        raise EmptyFolderError(f"no files to read in {folder}")
    files = prepare_run_files(folder, settings.paths.work_dir)
    inputs = transcode_inputs(inputs, files.run_dir / "utf8")
    staged = read_inputs(spark, inputs, settings, numbered=False)

    clock.begin("read & normalize")
    _describe(spark, "logdesk: read and normalize")
    (
        staged.withColumn(
            "part", F.when(F.col("malformed_reason").isNull(), "records").otherwise("malformed")
        )
        .write.mode("overwrite")
        .partitionBy("part")
        .parquet(files.staged_uri)
    )
    shutil.rmtree(files.run_dir / "utf8", ignore_errors=True)  # copies of UTF-16 input: read

    clock.begin("ingest report")
    _describe(spark, "logdesk: ingest report")
    counts = (
        spark.read.parquet(files.staged_uri)
        .groupBy("source_file", "part")
        .agg(
            F.count(F.lit(1)).alias("count"),
            F.sum(F.coalesce(F.col("continuation_lines"), F.lit(0))).alias("continuation"),
        )
        .collect()
    )
    samples: dict[str, tuple[MalformedSample, ...]] = {}
    malformed_path = ""
    if any(row["part"] == "malformed" for row in counts):
        _describe(spark, "logdesk: malformed rows")
        # Kept for its two uses (samples, the CSV), so the line index over the whole staged
        # copy is built once; it holds the malformed rows only.
        malformed = number_staged_lines(
            spark.read.parquet(files.malformed_uri), spark.read.parquet(files.staged_uri)
        ).persist(StorageLevel.MEMORY_AND_DISK)
        try:
            samples = _malformed_samples(malformed)
            publish_single_csv(_malformed_for_csv(malformed), files, "malformed_rows.csv")
        finally:
            malformed.unpersist()
        malformed_path = str(files.malformed_csv)
    ingest = _ingest_report(folder, inputs, counts, samples)

    clock.begin("aggregate")
    _describe(spark, "logdesk: aggregate")
    records = _records(spark, files)
    # Error types: masked messages mined into templates over all records (so the known set
    # does not depend on the filter), then the filter, the cube and the per-type details.
    records, templates = apply_mined_templates(records, save_to=str(files.templates_dir))
    previous_templates = read_known_error_types(files.folder_dir)
    records = apply_record_filter(records, record_filter, settings.time_zone)
    cube = build_cube(records, settings)
    error_types = error_type_details(records, settings.time_zone)

    clock.begin("finish")
    files.commit()
    write_known_error_types(files.folder_dir, templates)
    clock.end()
    return RunResult(
        input_folder=str(folder),
        started_at=started,
        duration_seconds=clock.total,
        stage_seconds=dict(clock.seconds),
        ingest=ingest,
        cube=cube,
        records_path=str(files.records_dir) if ingest.parsed_rows else "",
        malformed_csv_path=malformed_path,
        applied_filter=record_filter,
        error_types=error_types,
        previous_error_types=previous_templates,
    )


def _records(spark: SparkSession, files: RunFiles) -> DataFrame:
    if files.records_dir.exists():
        return spark.read.parquet(files.records_uri)
    # No parsed record at all: an empty frame keeps the rest of the run uniform.
    return spark.createDataFrame([], STAGED_SCHEMA)


def _malformed_for_csv(malformed: DataFrame) -> DataFrame:
    """file, line, reason, raw — cells neutralized against spreadsheet formula injection."""

    def safe(col: str):
        c = F.col(col).cast("string")
        return F.when(
            F.substring(c, 1, 1).isin(list(FORMULA_PREFIXES)), F.concat(F.lit("'"), c)
        ).otherwise(c)

    return malformed.select(
        safe("source_file").alias("file"),
        F.col("line"),
        safe("malformed_reason").alias("reason"),
        safe("raw").alias("raw"),
    ).orderBy("file", "line").select(*MALFORMED_COLUMNS)


def _malformed_samples(malformed: DataFrame) -> dict[str, tuple[MalformedSample, ...]]:
    """The first few malformed lines of each file (a small collect)."""
    first = Window.partitionBy("source_file").orderBy(F.col("line").asc_nulls_last())
    rows = (
        malformed.select(
            "source_file",
            "line",
            "malformed_reason",
            F.substring("raw", 1, _SAMPLE_CHARS).alias("raw"),
            F.row_number().over(first).alias("_n"),
        )
        .where(F.col("_n") <= _SAMPLES_PER_FILE)
        .orderBy("source_file", "_n")
        .collect()
    )
    out: dict[str, list[MalformedSample]] = {}
    for r in rows:
        out.setdefault(r["source_file"], []).append(
            MalformedSample(r["line"], r["malformed_reason"] or "", r["raw"] or "")
        )
    return {path: tuple(items) for path, items in out.items()}


def _ingest_report(
    folder: Path, inputs, counts, samples: dict[str, tuple[MalformedSample, ...]]
) -> IngestReport:
    per_file: dict[str, dict[str, int]] = {}
    for row in counts:
        c = per_file.setdefault(row["source_file"], {})
        c[row["part"]] = int(row["count"])
        c["continuation"] = c.get("continuation", 0) + int(row["continuation"] or 0)

    def entry(path: str, fmt: str, c: dict[str, int], encoding: str, note: str) -> FileIngest:
        parsed, bad, cont = c.get("records", 0), c.get("malformed", 0), c.get("continuation", 0)
        return FileIngest(
            path=path,
            format=fmt,
            data_lines=parsed + cont + bad,
            parsed_rows=parsed,
            malformed_rows=bad,
            encoding=encoding,
            note=note,
            continuation_lines=cont,
            malformed_samples=samples.get(path, ()),
        )

    files = [
        entry(inp.path, inp.format_name, per_file.pop(inp.path, {}), inp.encoding, inp.note)
        for inp in inputs
    ]
    # Rows attributed to a path discovery did not list would be a bug; keep them visible.
    for path, c in sorted(per_file.items()):
        files.append(entry(path, "unknown", c, "", "not in discovery"))
    return IngestReport(folder=str(folder), files=tuple(files))


def _attach_cancel(spark: SparkSession, control: RunControl, group: str) -> None:
    if is_connect_session(spark):
        spark.addTag(group)
        control.set_canceller(lambda: spark.interruptTag(group))
        return
    sc = spark.sparkContext
    sc.setJobGroup(group, "logdesk run", interruptOnCancel=True)
    control.set_canceller(lambda: sc.cancelJobGroup(group))


def _detach_cancel(spark: SparkSession, group: str) -> None:
    """Later jobs on this thread (records queries) must not run in the finished run's group."""
    try:
        if is_connect_session(spark):
            spark.removeTag(group)
            return
        sc = spark.sparkContext
        for key in ("spark.jobGroup.id", "spark.job.description", "spark.job.interruptOnCancel"):
            sc.setLocalProperty(key, None)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - a stopped session has nothing left to clear
        pass


def is_connect_session(spark: SparkSession) -> bool:
    return type(spark).__module__.startswith("pyspark.sql.connect")


def _describe(spark: SparkSession, text: str) -> None:
    if not is_connect_session(spark):
        spark.sparkContext.setLocalProperty("spark.job.description", text)


class _StageClock:
    def __init__(self, control: RunControl) -> None:
        self._control = control
        self._start = time.perf_counter()
        self._stage: str | None = None
        self._stage_start = self._start
        self._done_share = 0.0
        self.seconds: dict[str, float] = {}

    def begin(self, stage: str) -> None:
        self.end()
        self._stage = stage
        self._stage_start = time.perf_counter()
        self._control.report(stage, self._done_share)

    def end(self) -> None:
        if self._stage is None:
            return
        now = time.perf_counter()
        self.seconds[self._stage] = round(now - self._stage_start, 3)
        self._done_share += dict(STAGES).get(self._stage, 0.0)
        self._control.report(self._stage, self._done_share)
        self._stage = None

    @property
    def total(self) -> float:
        return round(time.perf_counter() - self._start, 3)


__all__ = ["EmptyFolderError", "STAGES", "WorkDirError", "run_pipeline"]
