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
    LINE_FILE,
    FileLookup,
    line_locators,
    read_lines,
    to_staged,
)
from logdesk.engine.schema import BLANK_FORMAT

UNRECOGNIZED_REASON = "unrecognized format (no known log format fits this file)"


def read_unrecognized(
    spark: SparkSession, files: Sequence[InputFile], reason: str = UNRECOGNIZED_REASON
) -> DataFrame:
    """Every non-blank line of `files` as a malformed row (raw = the line); blank lines as
    BLANK_FORMAT rows. Lines are numbered later, from their positions."""
    if not files:
        raise ValueError("read_unrecognized needs at least one file")
    lookup = FileLookup(files)
    lines = read_lines(spark, files).select("*", lookup.position(F.col(LINE_FILE)).alias("_pos"))
    null = F.lit(None)
    blank = F.trim(F.col("value")) == ""  # kept for the numbering of the lines after it
    staged = lines.select(
        null.alias("ts"),
        null.alias("level"),
        null.alias("raw_level"),
        null.alias("service"),
        null.alias("ip"),
        null.alias("endpoint"),
        null.alias("message"),
        null.alias("error_type"),
        lookup.source_file(F.col("_pos"), F.col(LINE_FILE)).alias("source_file"),
        null.cast("long").alias("line"),
        F.when(blank, F.lit(BLANK_FORMAT)).otherwise(F.lit(FORMAT_UNKNOWN)).alias("format"),
        F.when(~blank, F.lit(reason)).alias("malformed_reason"),
        F.when(~blank, F.col("value")).alias("raw"),
        *line_locators(lookup),  # numbered later, from the copy
        F.lit(0).cast("long").alias("continuation_lines"),
    )
    return to_staged(staged)


__all__ = ["UNRECOGNIZED_REASON", "read_unrecognized"]
