"""Files no reader understands -> one malformed STAGED row per non-blank line.

Nothing is parsed; the point is that their lines are counted and shown in the malformed-rows
report instead of vanishing. Lines are read with spark.read.text (split across tasks for large
uncompressed files; line numbers stay exact, see line_numbers.py). Blank lines are skipped, as the
CSV reader skips them, but they still count for the line numbers of the lines after them.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from logdesk.engine.discover import FORMAT_UNKNOWN, InputFile
from logdesk.engine.readers.common import (
    FileLookup,
    metadata_file_column,
    spark_path,
    to_staged,
)
from logdesk.engine.readers.line_numbers import with_line_numbers
from logdesk.engine.schema import LOCATOR_COLUMNS

UNRECOGNIZED_REASON = "unrecognized format (not CSV with a known header)"
_FILE, _BLOCK, _ROW_ID = "_file", "_block", "_row_id"


def read_unrecognized(
    spark: SparkSession, files: Sequence[InputFile], reason: str = UNRECOGNIZED_REASON
) -> DataFrame:
    """Every non-blank line of `files` as a malformed row: raw = the line, line = its number."""
    if not files:
        raise ValueError("read_unrecognized needs at least one file")
    lookup = FileLookup(files)
    lines = spark.read.text([spark_path(f.read_path) for f in files]).select(
        F.col("value"),
        metadata_file_column().alias(_FILE),
        F.col("_metadata.file_block_start").alias(_BLOCK),
        F.monotonically_increasing_id().alias(_ROW_ID),
    )
    numbered = with_line_numbers(
        lines, file_col=_FILE, block_col=_BLOCK, row_id_col=_ROW_ID, newlines=None, first_line=1
    )
    null = F.lit(None)
    staged = numbered.where(F.trim(F.col("value")) != "").select(
        null.alias("ts"),
        null.alias("level"),
        null.alias("raw_level"),
        null.alias("service"),
        null.alias("ip"),
        null.alias("endpoint"),
        null.alias("message"),
        null.alias("error_type"),
        lookup.source_file(lookup.position(F.col(_FILE)), F.col(_FILE)).alias("source_file"),
        F.col("line"),
        F.lit(FORMAT_UNKNOWN).alias("format"),
        F.lit(reason).alias("malformed_reason"),
        F.col("value").alias("raw"),
        *[null.alias(name) for name in LOCATOR_COLUMNS],  # `line` is already exact
        F.lit(0).cast("long").alias("continuation_lines"),
    )
    return to_staged(staged)


__all__ = ["UNRECOGNIZED_REASON", "read_unrecognized"]
