"""CSV log files -> STAGED rows: every data record either parsed or marked malformed.

Files are grouped by their header; each group is one spark.read.csv over its paths with an
all-string schema by position (_c0.._cN-1) plus a corrupt-record column, then mapped onto the
staged columns by the header's names (see discover.COLUMN_ALIASES).

What Spark 4.3 does here (checked by tests/engine/test_csv_reader.py):
- multiLine=True: quoted fields may hold commas, doubled quotes and line breaks; each file is
  read whole by one task, in order (which the line numbers rely on).
- PERMISSIVE + columnNameOfCorruptRecord: a record with too few or too many fields gets its
  original text in the corrupt column (fields beyond the schema are dropped, missing ones null).
- Blank lines are skipped and produce no row; line numbers after a blank line that sits between
  records are therefore one short per skipped line (blank lines at the end do not matter). A line
  of only spaces is a record with one field, so it is malformed (wrong field count).
- Empty fields read as null. CRLF line ends are removed, and inside a quoted field a line break
  may come back as LF.
- An unclosed quote makes the parser take the lines after it as one field (to the next quote or
  the end of the file). The pipeline looks for that in the staged copy and reads such a file
  again with the quote flagged (readers/csv_repair.py); nothing here pays for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from logdesk.engine.column_cache import cached_columns
from pyspark.sql.types import StringType, StructField, StructType

from logdesk.engine.discover import (
    FORMAT_CSV,
    InputFile,
    column_roles,
    timestamp_columns,
)
from logdesk.engine.levels import normalize_level
from logdesk.engine.readers.common import (
    blank_to_null,
    metadata_file_column,
    spark_path,
    staged_from_judged,
    to_staged,
    union_staged,
)
from logdesk.engine.readers.file_lookup import FileLookup, file_timestamps
from logdesk.engine.schema import LOCATOR_COLUMNS
from logdesk.settings import Settings

CORRUPT = "_corrupt_record"
_FILE, _ROW_ID = "_file", "_row_id"
_FIRST_LINE = 2  # after the one-line header
_REASON_VALUE_CHARS = 100  # how much of a bad timestamp the reason quotes

# A quoted field, unrolled and possessive so long fields do not recurse in Java's regex engine.
_QUOTED_FIELD = r'"[^"]*+(?:""[^"]*+)*+"'


def read_csv_inputs(
    spark: SparkSession, files: Sequence[InputFile], settings: Settings
) -> DataFrame:
    """STAGED rows of the CSV files among `files` (others are ignored)."""
    groups: dict[tuple[str, ...], list[InputFile]] = {}
    for f in files:
        if f.format == FORMAT_CSV and f.header:
            groups.setdefault(tuple(f.header), []).append(f)
    frames = [_read_group(spark, header, group, settings) for header, group in groups.items()]
    return union_staged(spark, frames)


def _read_group(
    spark: SparkSession, header: tuple[str, ...], files: list[InputFile], settings: Settings
) -> DataFrame:
    width = len(header)
    fields = [F.col(f"_c{i}") for i in range(width)]
    schema = StructType(
        [StructField(f"_c{i}", StringType()) for i in range(width)]
        + [StructField(CORRUPT, StringType())]
    )
    scanned = (
        spark.read.schema(schema)
        .option("header", True)
        .option("multiLine", True)
        .option("quote", '"')
        .option("escape", '"')
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT)
        .option("encoding", "UTF-8")
        .csv([spark_path(f.read_path) for f in files])
    )
    records = scanned.select(
        *fields,
        F.col(CORRUPT),
        metadata_file_column().alias(_FILE),
        F.monotonically_increasing_id().alias(_ROW_ID),
    )
    # Most records have no line break: test each field without copying, count only if needed.
    has_newline = reduce(lambda a, b: a | b, [c.contains("\n") for c in [*fields, F.col(CORRUPT)]])
    record_text = F.coalesce(F.col(CORRUPT), F.concat_ws("", *fields))
    counted = F.length(record_text) - F.length(F.replace(record_text, F.lit("\n"), F.lit("")))
    newlines = F.when(has_newline, counted).otherwise(F.lit(0))
    # Line numbers are counted later, over the staged copy (see line_numbers.py).
    located = records.select(
        *fields,
        F.col(CORRUPT),
        F.col(_FILE),
        F.col(_ROW_ID).alias("row_id"),
        F.lit(0).cast("long").alias("block_start"),  # multiLine: every file is one block
        newlines.cast("long").alias("newlines"),
        F.lit(_FIRST_LINE).cast("long").alias("first_line"),
        F.lit(None).cast("long").alias("line"),
    )
    lookup = FileLookup(files, spark)
    if lookup.has_line_offsets:  # an appended end read on its own (cache/plan.py)
        first = F.lit(_FIRST_LINE) + lookup.line_offset(F.col(_FILE))
        located = located.withColumn("first_line", first.cast("long"))
    return to_staged(_stage(located, header, fields, lookup, settings))


def _stage(
    df: DataFrame,
    header: tuple[str, ...],
    fields: list[Column],
    lookup: FileLookup,
    settings: Settings,
) -> DataFrame:
    # Built in steps, each costly column computed once and referenced by name afterwards:
    # Spark does not merge a projection into the next when that would duplicate such a column.
    roles = column_roles(header)

    def role(name: str) -> Column:
        return fields[roles[name]] if name in roles else F.lit(None).cast("string")

    ts_cols = [F.trim(fields[i]) for i in timestamp_columns(header)]
    ts_text = ts_cols[0] if len(ts_cols) == 1 else F.concat_ws(" ", *ts_cols)
    if len(ts_cols) > 1:  # separate date and time columns: both must be there
        ts_text = F.when(ts_cols[0].isNotNull() & ts_cols[1].isNotNull(), ts_text)
    file_col = F.col(_FILE)
    located = lookup.locate(df.select(*fields, CORRUPT, "line", *LOCATOR_COLUMNS, _FILE), _FILE)
    texts = located.select(
        *fields,
        F.col(CORRUPT),
        F.col("line"),
        *LOCATOR_COLUMNS,
        *lookup.carried,
        lookup.source_file(file_col).alias("source_file"),
        lookup.mtime().alias("_mtime"),
        F.when(ts_text != "", ts_text).alias("_ts_text"),
        blank_to_null(role("level")).alias("raw_level"),
        blank_to_null(role("message")).alias("message"),
        blank_to_null(role("service")).alias("service"),
        blank_to_null(role("ip")).alias("ip"),
        blank_to_null(role("endpoint")).alias("endpoint"),
    )
    parsed = texts.select(
        "*",
        file_timestamps(F.col("_ts_text"), F.col("_mtime"), lookup).alias("_ts"),
        normalize_level(F.col("raw_level"), settings.level_mapping).alias("_level"),
    )
    corrupt, ts_text_col, ts, message = (
        F.col(CORRUPT),
        F.col("_ts_text"),
        F.col("_ts"),
        F.col("message"),
    )
    reason = (
        F.when(corrupt.isNotNull(), _field_count_reason(corrupt, len(header)))
        .when(ts_text_col.isNull(), F.lit("missing timestamp"))
        .when(
            ts.isNull(),
            F.concat(
                F.lit("unparseable timestamp: "), F.substring(ts_text_col, 1, _REASON_VALUE_CHARS)
            ),
        )
        .when(
            message.isNull(), F.lit("empty message" if "message" in roles else "no message column")
        )
    )
    judged = parsed.select("*", reason.alias("malformed_reason"))
    return staged_from_judged(
        judged,
        fmt=F.lit(FORMAT_CSV),
        text_to_mask=message,
        raw=F.coalesce(corrupt, _csv_line(fields)),
        locators=[F.col(c) for c in LOCATOR_COLUMNS],  # lines are counted from the staged copy
    )


def _field_count_reason(corrupt: Column, expected: int) -> Column:
    # commas outside quoted fields + 1; exact for well-formed quoting
    unquoted = F.regexp_replace(corrupt, _QUOTED_FIELD, "")
    got = F.length(unquoted) - F.length(F.replace(unquoted, F.lit(","), F.lit(""))) + 1
    return F.concat(
        F.lit(f"wrong field count (expected {expected}, got "), got.cast("string"), F.lit(")")
    )


@cached_columns
def _csv_line(fields: list[Column]) -> Column:
    """The record written back as one CSV line, quoting fields that need it."""

    def quoted(col: Column) -> Column:
        text = F.coalesce(col, F.lit(""))
        needs_quotes = text.rlike('[",\r\n]')
        return F.when(
            needs_quotes, F.concat(F.lit('"'), F.replace(text, F.lit('"'), F.lit('""')), F.lit('"'))
        ).otherwise(text)

    return F.concat_ws(",", *[quoted(c) for c in fields])


__all__ = ["CORRUPT", "read_csv_inputs"]
