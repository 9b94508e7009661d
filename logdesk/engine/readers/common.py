"""Helpers every reader shares: handing paths to Spark, mapping Spark's file column back to the
InputFile, and shaping rows into STAGED_SCHEMA."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from functools import reduce

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from logdesk.engine.discover import InputFile
from logdesk.engine.error_types import error_type
from logdesk.engine.readers.line_numbers import with_line_numbers
from logdesk.engine.schema import LOCATOR_COLUMNS, STAGED_SCHEMA
from logdesk.results import ERROR_LEVELS

# Hadoop expands these in a path given to spark.read; a file may really be named "app[1].csv".
_GLOB_CHARS = re.compile(r"([\\\[\]{}*?])")


def spark_path(path: str) -> str:
    """The absolute path of a file, with glob characters escaped, for spark.read."""
    return _GLOB_CHARS.sub(r"\\\1", os.path.abspath(path))


def metadata_file_column() -> Column:
    """Spark's name for the file a row came from (a URL-encoded `file:` URI string)."""
    return F.col("_metadata.file_path")


def _decoded_local_path(file_col: Column) -> Column:
    """file:/tmp/a%20b.csv -> /tmp/a b.csv. A literal '+' stays '+' (url_decode would make it a
    space), and Hadoop writes a real '%' as %25, so decoding is exact."""
    without_scheme = F.regexp_replace(file_col, r"^file:(?://(?=/))?", "")
    return F.try_url_decode(F.replace(without_scheme, F.lit("+"), F.lit("%2B")))


class FileLookup:
    """Per-file facts for rows of a read over several files, as Spark map/array literals keyed
    by Spark's file column: no join, and the plan grows by one entry per file only.

    Use `position(file)` once per row (it decodes the path), then `source_file` and `mtime`
    on that position."""

    def __init__(self, files: Sequence[InputFile]) -> None:
        if not files:
            raise ValueError("FileLookup needs at least one file")
        self._files = list(files)
        keys = [os.path.abspath(f.read_path) for f in self._files]
        self._index = F.create_map(
            *[x for i, k in enumerate(keys) for x in (F.lit(k), F.lit(i + 1))]
        )
        self._paths = F.array(*[F.lit(f.path) for f in self._files])
        self._mtimes = F.array(*[F.lit(float(f.mtime)) for f in self._files])

    def position(self, file_col: Column) -> Column:
        """1-based position of the row's file in `files`; null if Spark read a file not listed."""
        return F.try_element_at(self._index, _decoded_local_path(file_col))

    def source_file(self, position: Column, file_col: Column) -> Column:
        """InputFile.path of the row's file (never null: Spark's own path if it is not ours)."""
        return F.coalesce(
            F.try_element_at(self._paths, position), _decoded_local_path(file_col), file_col
        )

    def mtime(self, position: Column) -> Column:
        """The file's modification time as a timestamp (null if the file is not ours)."""
        return F.timestamp_seconds(F.try_element_at(self._mtimes, position))


LINE_FILE = "_file"  # Spark's file column in read_numbered_lines


def read_numbered_lines(spark: SparkSession, files: Sequence[InputFile]) -> DataFrame:
    """Every physical line of `files` (blank ones too) as `value`, `_file` (Spark's file
    column, for FileLookup) and `line`, its exact 1-based number. Large files are split across
    tasks (gz/bz2 by name); the numbering takes a second, narrow scan (see line_numbers.py)."""
    lines = spark.read.text([spark_path(f.read_path) for f in files]).select(
        F.col("value"),
        metadata_file_column().alias(LINE_FILE),
        F.col("_metadata.file_block_start").alias("_block"),
        F.monotonically_increasing_id().alias("_row_id"),
    )
    numbered = with_line_numbers(
        lines, file_col=LINE_FILE, block_col="_block", row_id_col="_row_id", newlines=None,
        first_line=1,
    )
    return numbered.select("value", LINE_FILE, "line")


def staged_from_judged(
    judged: DataFrame,
    *,
    fmt: Column,
    error_message: Column,
    raw: Column,
    locators: Sequence[Column] | None = None,
    continuation_lines: Column | None = None,
) -> DataFrame:
    """The projection every reader ends with. `judged` has _ts, _level, raw_level, service, ip,
    endpoint, message, source_file, line and malformed_reason. Malformed rows keep only file,
    line, reason and `raw`; ERROR/CRITICAL rows get the error type of `error_message`.
    `locators`: the LOCATOR_COLUMNS values (null when `line` is already exact)."""
    ok = F.col("malformed_reason").isNull()

    def if_ok(name: str) -> Column:
        return F.when(ok, F.col(name)).alias(name.lstrip("_"))

    is_error = F.col("_level").isin(*sorted(ERROR_LEVELS))
    null_long = F.lit(None).cast("long")
    located = (
        list(locators)
        if locators is not None
        else [null_long.alias(name) for name in LOCATOR_COLUMNS]
    )
    return judged.select(
        if_ok("_ts"),
        if_ok("_level"),
        if_ok("raw_level"),
        if_ok("service"),
        if_ok("ip"),
        if_ok("endpoint"),
        if_ok("message"),
        F.when(ok & is_error, error_type(error_message)).alias("error_type"),
        F.col("source_file"),
        F.col("line"),
        fmt.alias("format"),
        F.col("malformed_reason"),
        F.when(~ok, raw).alias("raw"),
        *located,
        (continuation_lines if continuation_lines is not None else F.lit(0))
        .cast("long")
        .alias("continuation_lines"),
    )


def blank_to_null(col: Column) -> Column:
    """Trimmed text, null when empty."""
    trimmed = F.trim(col)
    return F.when(trimmed != "", trimmed)


def to_staged(df: DataFrame) -> DataFrame:
    """Select and cast the STAGED_SCHEMA columns, in order."""
    return df.select(*[F.col(f.name).cast(f.dataType).alias(f.name) for f in STAGED_SCHEMA.fields])


def empty_staged(spark: SparkSession) -> DataFrame:
    return spark.createDataFrame([], STAGED_SCHEMA)


def union_staged(spark: SparkSession, frames: Sequence[DataFrame]) -> DataFrame:
    if not frames:
        return empty_staged(spark)
    return reduce(lambda a, b: a.unionByName(b), frames)


__all__ = [
    "LINE_FILE",
    "FileLookup",
    "blank_to_null",
    "empty_staged",
    "metadata_file_column",
    "read_numbered_lines",
    "spark_path",
    "staged_from_judged",
    "to_staged",
    "union_staged",
]
