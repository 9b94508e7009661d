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
from logdesk.engine.schema import STAGED_SCHEMA

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
    "FileLookup",
    "blank_to_null",
    "empty_staged",
    "metadata_file_column",
    "spark_path",
    "to_staged",
    "union_staged",
]
