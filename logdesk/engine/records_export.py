"""Export a run's normalized records (one filter, optionally one search) as CSV or Parquet.

The output is ONE file either way, so users can hand it to other tools as is: Spark writes a
single part (coalesce(1) after the sort keeps the global order) into a hidden folder next to
the target, and that part is renamed over the target (atomic: the target is either the old file
or the complete new one). Rows are ordered by source file, then line.

CSV: header, RFC 4180 quoting, LF line ends, text cells neutralized against spreadsheet formula
injection like the other CSV reports, `timestamp` as ISO 8601 text with milliseconds and the
offset of the run's time zone (e.g. 2024-05-01T12:00:00.000+02:00).
Parquet: `timestamp` is a TIMESTAMP (an instant), `line` a BIGINT, the rest strings.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from logdesk.engine import records
from logdesk.engine.readers.line_numbers import number_staged_lines
from logdesk.engine.run_records import staged_paths
from logdesk.engine.schema import STAGED_SCHEMA
from logdesk.engine.io_errors import java_io_reason
from logdesk.engine.session import engine_died
from logdesk.reports.atomic import apply_umask
from logdesk.reports.csv_safety import NEUTRALIZE_PATTERN, NEUTRALIZING_PREFIX
from logdesk.results import RecordFilter, RunResult

EXPORT_COLUMNS: tuple[str, ...] = (
    "timestamp", "level", "service", "ip", "endpoint", "message", "template", "error_type", "source_file",
    "line",
)
_TEXT_COLUMNS: tuple[str, ...] = (
    "level", "service", "ip", "endpoint", "message", "template", "error_type", "source_file",
)
PARQUET_SUFFIX = ".parquet"


class RecordsExportError(OSError):
    """The export file cannot be written; the message is one line meant for the user."""


def is_parquet_target(path: Path | str) -> bool:
    return str(path).lower().endswith(PARQUET_SUFFIX)


def matching_records(
    spark: SparkSession, result: RunResult, record_filter: RecordFilter, search: str, time_zone: str
) -> DataFrame:
    """The run's parsed records within the run's own filter, `record_filter` and `search`
    (STAGED columns, `line` possibly still null)."""
    if not result.records_path:  # nothing parsed: an empty frame keeps one code path
        return records.with_templates(spark.createDataFrame([], STAGED_SCHEMA), None)
    rows = records.load_records(spark, result.records_path)
    rows = records.apply_record_filter(rows, result.applied_filter, time_zone)
    rows = records.apply_record_filter(rows, record_filter, time_zone)
    return records.apply_search(rows, search)


def numbered_in_file_order(rows: DataFrame, result: RunResult) -> DataFrame:
    """`rows` (records of `result`) with `line` filled in, ordered by source file and line."""
    if result.records_path:
        # Lines depend on every staged row before a record (malformed ones too): the index is
        # built from the whole staged copy, but only `rows` are numbered.
        staged = staged_paths(result.records_path)
        rows = number_staged_lines(rows, rows.sparkSession.read.parquet(*staged))
    return rows.orderBy(F.col("source_file").asc_nulls_last(), F.col("line").asc_nulls_last(),
                        F.col("ts").asc_nulls_last())


def _offset_text(offset_seconds: Column) -> Column:
    """+HH:MM / -HH:MM for an offset in seconds."""
    sign = F.when(offset_seconds < 0, F.lit("-")).otherwise(F.lit("+"))
    minutes = F.abs(offset_seconds) / 60
    return F.format_string(
        "%s%02d:%02d", sign, F.floor(minutes / 60).cast("int"), (minutes % 60).cast("int")
    )


def iso_timestamp(ts: Column, time_zone: str) -> Column:
    """ISO 8601 text of `ts` in `time_zone`, whatever the session's time zone is.

    from_utc_timestamp gives the wall clock of `time_zone` (independent of the session zone);
    adding that to a TIMESTAMP_NTZ epoch and formatting it involves no zone at all."""
    local = F.from_utc_timestamp(ts, time_zone)
    offset = (F.unix_micros(local) - F.unix_micros(ts)) / 1_000_000
    wall = F.timestamp_add(
        "MICROSECOND", F.unix_micros(local), F.lit("1970-01-01 00:00:00").cast("timestamp_ntz")
    )
    text = F.concat(F.date_format(wall, "yyyy-MM-dd'T'HH:mm:ss.SSS"), _offset_text(offset))
    return F.when(ts.isNotNull(), text)


def formula_safe(text: Column) -> Column:
    """`text` as a formula-safe CSV cell: logdesk.reports.csv_safety's rule (the same pattern as
    its Python `neutralize`), null stays null (an empty cell)."""
    return F.when(
        text.rlike(NEUTRALIZE_PATTERN), F.concat(F.lit(NEUTRALIZING_PREFIX), text)
    ).otherwise(text)


def csv_frame(rows: DataFrame, time_zone: str) -> DataFrame:
    """EXPORT_COLUMNS as CSV cells: ISO timestamp text, formula-safe text, line as a number."""
    return rows.select(
        iso_timestamp(F.col("ts"), time_zone).alias("timestamp"),
        *[formula_safe(F.col(name)).alias(name) for name in _TEXT_COLUMNS],
        F.col("line").cast("long").alias("line"),
    )


def parquet_frame(rows: DataFrame) -> DataFrame:
    return rows.select(
        F.col("ts").alias("timestamp"),
        *[F.col(name) for name in _TEXT_COLUMNS],
        F.col("line").cast("long").alias("line"),
    )


def _check_target(target: Path) -> None:
    if target.is_dir():
        raise RecordsExportError(f"cannot write records to {target}: it is a folder")
    if not target.parent.is_dir():
        raise RecordsExportError(f"cannot write records to {target}: folder {target.parent} does not exist")
    if not os.access(target.parent, os.W_OK):
        raise RecordsExportError(f"cannot write records to {target}: folder {target.parent} is not writable")
    if target.exists() and not os.access(target, os.W_OK):
        raise RecordsExportError(f"cannot write records to {target}: Permission denied")


def _publish_single_part(frame: DataFrame, target: Path, parquet: bool) -> None:
    tmp = target.parent / f".{target.name}.{uuid.uuid4().hex[:8]}.parts"
    try:
        writer = frame.coalesce(1).write.mode("overwrite")
        if parquet:
            writer.parquet(str(tmp))
        else:
            (
                writer.option("header", True)
                .option("quote", '"')
                .option("escape", '"')
                .option("lineSep", "\n")
                .option("encoding", "UTF-8")
                # Spark's writer trims every character up to U+0020 off both ends of a cell by
                # default; cells are written as they are (formula_safe decided on them so)
                .option("ignoreLeadingWhiteSpace", False)
                .option("ignoreTrailingWhiteSpace", False)
                .csv(str(tmp))
            )
        parts = sorted(p for p in tmp.glob("part-*") if not p.name.endswith(".crc"))
        if len(parts) != 1:
            raise RuntimeError(f"expected one part file in {tmp}, found {len(parts)}")
        apply_umask(parts[0])  # Hadoop's local file system makes it 0644 whatever the umask
        os.replace(parts[0], target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def export_records(
    spark: SparkSession,
    result: RunResult,
    record_filter: RecordFilter,
    search: str,
    path: Path | str,
    time_zone: str,
) -> int:
    """Write the records of `result` within the run's filter, `record_filter` and `search` to
    `path` (Parquet when it ends in .parquet, else CSV); returns the number of rows written.

    Raises RecordsExportError when `path` cannot be written."""
    target = Path(path).expanduser().absolute()
    _check_target(target)
    parquet = is_parquet_target(target)
    matching = matching_records(spark, result, record_filter, search, time_zone)
    count = int(matching.count())  # a filtered Parquet scan; numbering lines is not needed for it
    rows = numbered_in_file_order(matching, result)
    frame = parquet_frame(rows) if parquet else csv_frame(rows, time_zone)
    try:
        _publish_single_part(frame, target, parquet)
    except OSError as exc:
        if engine_died(exc):  # a ConnectionError from the dead JVM is no file error
            raise
        raise RecordsExportError(
            f"cannot write records to {target}: {exc.strerror or exc}"
        ) from exc
    except Exception as exc:  # Spark's own write: a disk that filled up, ...
        reason = None if engine_died(exc) else java_io_reason(exc)
        if reason is None:
            raise
        raise RecordsExportError(f"cannot write records to {target}: {reason}") from exc
    return count


__all__ = [
    "EXPORT_COLUMNS",
    "RecordsExportError",
    "csv_frame",
    "export_records",
    "formula_safe",
    "matching_records",
    "numbered_in_file_order",
    "is_parquet_target",
    "iso_timestamp",
    "parquet_frame",
]
