"""Explicit schemas shared by every reader and by the pipeline."""

from __future__ import annotations

from pyspark.sql.types import LongType, StringType, StructField, StructType, TimestampType

# What every reader produces: one row per input record (data line), parsed or not.
# A row is malformed when `malformed_reason` is not null; then `raw` holds its text and the
# normalized columns may be null. `line` is the 1-based physical line where the record starts.
STAGED_SCHEMA = StructType(
    [
        StructField("ts", TimestampType(), True),
        StructField("level", StringType(), True),  # one of results.LEVELS
        StructField("raw_level", StringType(), True),
        StructField("service", StringType(), True),
        StructField("ip", StringType(), True),
        StructField("endpoint", StringType(), True),
        StructField("message", StringType(), True),
        StructField("error_type", StringType(), True),  # set for ERROR/CRITICAL rows only
        StructField("source_file", StringType(), False),
        StructField("line", LongType(), True),
        StructField("format", StringType(), False),
        StructField("malformed_reason", StringType(), True),
        StructField("raw", StringType(), True),
    ]
)

STAGED_COLUMNS: tuple[str, ...] = tuple(f.name for f in STAGED_SCHEMA.fields)
