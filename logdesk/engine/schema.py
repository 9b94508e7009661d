"""Explicit schemas shared by every reader and by the pipeline."""

from __future__ import annotations

from pyspark.sql.types import LongType, StringType, StructField, StructType, TimestampType

# What every reader produces: one row per input record (data line), parsed or not.
# A row is malformed when `malformed_reason` is not null; then `raw` holds its text and the
# normalized columns may be null. `line` is the 1-based physical line where the record starts.
#
# A reader may leave `line` null and give its row's position instead (row_id, block_start,
# newlines, first_line; see readers/line_numbers.py): counting lines needs an aggregate over the
# whole file, which is far cheaper over the staged Parquet copy than over the raw input, and is
# only needed for reports that show lines (number_staged_lines fills them in).
STAGED_SCHEMA = StructType(
    [
        StructField("ts", TimestampType(), True),
        StructField("level", StringType(), True),  # one of results.LEVELS
        StructField("raw_level", StringType(), True),
        StructField("service", StringType(), True),
        StructField("ip", StringType(), True),
        StructField("endpoint", StringType(), True),
        StructField("message", StringType(), True),
        StructField("masked", StringType(), True),  # the message (first line) masked: its pattern key
        StructField("source_file", StringType(), False),
        StructField("line", LongType(), True),
        StructField("format", StringType(), False),
        StructField("malformed_reason", StringType(), True),
        StructField("raw", StringType(), True),
        StructField("row_id", LongType(), True),  # monotonically_increasing_id() at the scan
        StructField("block_start", LongType(), True),  # start of the row's block in its file
        StructField("newlines", LongType(), True),  # line breaks inside the record
        StructField("first_line", LongType(), True),  # line of the file's first record
        # lines after the record's first that text readers folded into it (stack traces)
        StructField("continuation_lines", LongType(), True),
    ]
)

# The `format` of a row that is no data line (blank, or a format's header/directive line), kept
# by line-based readers only so that the lines after it can be numbered from the copy. Such rows
# are neither records nor malformed: every count leaves them out.
BLANK_FORMAT = "(blank)"

STAGED_COLUMNS: tuple[str, ...] = tuple(f.name for f in STAGED_SCHEMA.fields)
LOCATOR_COLUMNS: tuple[str, ...] = ("row_id", "block_start", "newlines", "first_line")
