"""Helpers every reader shares: handing paths to Spark, mapping Spark's file column back to the
InputFile, and shaping rows into STAGED_SCHEMA."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import reduce

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from logdesk.engine.column_cache import cached_columns
from logdesk.engine.discover import InputFile
from logdesk.engine.error_types import with_masked
from logdesk.engine.input_io import absolute_input
from logdesk.spark_urls import is_hadoop_url
from logdesk.engine.schema import BLANK_FORMAT, LOCATOR_COLUMNS, STAGED_SCHEMA

# Hadoop expands these in a path given to spark.read; a file may really be named "app[1].csv".
_GLOB_CHARS = re.compile(r"([\\\[\]{}*?])")


def spark_path(path: str) -> str:
    """The absolute path (or Hadoop URL) of a file, with glob characters escaped, for
    spark.read."""
    return _GLOB_CHARS.sub(r"\\\1", absolute_input(path))


def metadata_file_column() -> Column:
    """Spark's name for the file a row came from (a URL-encoded `file:` URI string)."""
    return F.col("_metadata.file_path")


def decoded_local_path(file_col: Column) -> Column:
    """file:/tmp/a%20b.csv -> /tmp/a b.csv. A literal '+' stays '+' (url_decode would make it a
    space), and Hadoop writes a real '%' as %25, so decoding is exact."""
    without_scheme = F.regexp_replace(file_col, r"^file:(?://(?=/))?", "")
    return F.try_url_decode(F.replace(without_scheme, F.lit("+"), F.lit("%2B")))


# Characters java.net.URI leaves as they are in a path (Hadoop builds Spark's file URIs so).
_URI_PATH_SAFE = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-!.~'()*,;:$&+=@/"
)


def spark_file_uri(path: str) -> str:
    """How Spark spells a local file in `_metadata.file_path` (file:/a%20b/c): ASCII outside
    the URI path set is percent-encoded, other characters stay (java.net.URI's rule). A
    Hadoop URL (hdfs://nn/a b) keeps its scheme and authority, its path encoded the same way."""
    prefix = "file:"
    if is_hadoop_url(path):
        scheme, rest = path.split("://", 1)
        authority, slash, path = rest.partition("/")
        prefix, path = f"{scheme}://{authority}", slash + path
    out = []
    for ch in path:
        if ch in _URI_PATH_SAFE or (ord(ch) > 127 and ch.isprintable() and not ch.isspace()):
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
    return prefix + "".join(out)


LIST_SEPARATOR = "\u0000"  # never in a path or a layout name
PACK_SEPARATOR = "\u0001"  # after a pack line's file URI (engine/packs.py; URIs encode it)


LINE_FILE = "_file"  # Spark's file column in read_lines


LINE_BLOCK, LINE_ROW_ID = "_block", "_row_id"


# Above this many paths Spark lists them with a Spark job of one task per path (14.6 s for
# 2,000 local files, against 0.7 s on the driver); logdesk reads local folders.
_LISTING_THRESHOLD = "spark.sql.sources.parallelPartitionDiscovery.threshold"
# What Spark counts for opening a file when it packs files into tasks (default 4 MB): with
# thousands of tiny files, the default makes a task of every ~32 of them.
_OPEN_COST = "spark.sql.files.openCostInBytes"
_MANY_FILES = 64
_SMALL_OPEN_COST = 64 * 1024


@contextmanager
def many_files_conf(spark: SparkSession, files: int) -> Iterator[None]:
    """Session settings for reading `files` files (listed on the driver; with many, packed
    into fewer tasks), restored afterwards. Around the DataFrame's creation (the listing) and
    its action (the task packing)."""
    wanted = {_LISTING_THRESHOLD: str(max(32, files + 1))}
    if files > _MANY_FILES:
        wanted[_OPEN_COST] = str(_SMALL_OPEN_COST)
    before = {key: spark.conf.get(key, None) for key in wanted}
    for key, value in wanted.items():
        spark.conf.set(key, value)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                spark.conf.unset(key)
            else:
                spark.conf.set(key, value)


def read_lines(spark: SparkSession, files: Sequence[InputFile]) -> DataFrame:
    """Every physical line of `files` (blank ones too) as `value`, `_file` (Spark's file
    column, for FileLookup), `_block` (the start of the line's split of its file) and `_row_id`
    (monotonically_increasing_id at the scan). Large files are split across tasks (gz/bz2 by
    name). Lines are not numbered here: that needs facts of other rows, which would mean a
    second scan of the input. A reader either numbers them in a window it sorts anyway (multi-
    line formats), or keeps every line, blank ones too (BLANK_FORMAT), with its position, so
    that the copy can be numbered later (readers/line_numbers.py)."""
    direct = [spark_path(f.read_path) for f in files if not f.pack]
    packs = sorted({spark_path(f.pack) for f in files if f.pack})
    frames = []
    if direct:
        frames.append(_read_text(spark, direct).select(
            F.col("value"),
            metadata_file_column().alias(LINE_FILE),
            F.col("_metadata.file_block_start").alias(LINE_BLOCK),
            F.monotonically_increasing_id().alias(LINE_ROW_ID),
        ))
    if packs:  # engine/packs.py: "<file URI>\x01<line>" per line, a file's lines in a row
        parts = F.split(F.col("value"), PACK_SEPARATOR, 2)
        frames.append(_read_text(spark, packs).select(
            parts[1].alias("value"),
            parts[0].alias(LINE_FILE),
            F.col("_metadata.file_block_start").alias(LINE_BLOCK),
            F.monotonically_increasing_id().alias(LINE_ROW_ID),
        ))
    return frames[0] if len(frames) == 1 else frames[0].unionByName(frames[1])


_MANY_PATHS = 256


def _read_text(spark: SparkSession, paths: list[str]) -> DataFrame:
    """spark.read.text(paths). py4j hands a Python list to the JVM one element per round trip
    (2 s of 20,000 paths); many paths go as ONE string, split in the JVM."""
    reader = spark.read
    jreader = getattr(reader, "_jreader", None)  # Spark Connect has no JVM here
    if len(paths) <= _MANY_PATHS or jreader is None:
        return reader.text(paths)
    jvm = spark.sparkContext._jvm
    parts = jvm.java.util.regex.Pattern.compile(LIST_SEPARATOR).splitAsStream(LIST_SEPARATOR.join(paths))
    seq = jvm.org.apache.spark.api.python.PythonUtils.toSeq(parts.toList())
    return reader._df(jreader.text(seq))


# Times a record may have: Python's datetime ends at years 1 and 9999, and every report and view
# shows a time in the configured zone (at most 14 h from UTC), so a day of margin at both ends
# keeps "0001-01-01T00:00:00Z" or "9999-12-31T23:59:59Z" (default values, mostly) from crashing
# a run: such a row is malformed, with its time in the reason.
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_FIRST_SECOND = int((datetime(1, 1, 2, tzinfo=timezone.utc) - _EPOCH).total_seconds())
_LAST_SECOND = int((datetime(9999, 12, 31, tzinfo=timezone.utc) - _EPOCH).total_seconds())


def staged_from_judged(
    judged: DataFrame,
    *,
    fmt: Column,
    text_to_mask: Column,
    raw: Column,
    locators: Sequence[Column] | None = None,
    continuation_lines: Column | None = None,
    blank: Column | None = None,
) -> DataFrame:
    """The projection every reader ends with. `judged` has _ts, _level, raw_level, service, ip,
    endpoint, message, source_file, line and malformed_reason. Malformed rows keep only file,
    line, reason and `raw`; every parsed row gets `masked`: its
    `text_to_mask` (the record's first line) masked, the key its template is mined from.
    `locators`: the LOCATOR_COLUMNS values (null when `line` is already exact).
    `blank`: true for a line kept only for its position (BLANK_FORMAT: not a data line)."""
    in_range = F.unix_seconds(F.col("_ts")).between(_FIRST_SECOND, _LAST_SECOND)
    judged = judged.withColumn("malformed_reason", F.coalesce(
        F.col("malformed_reason"),
        F.when(~in_range, F.concat(F.lit("timestamp out of range: "), F.col("_ts").cast("string")))))
    judged = with_masked(judged, text_to_mask, _MASKED, when=_parsed_row(blank))
    return judged.select(*_staged_columns(fmt, raw,
                                          None if locators is None else list(locators),
                                          continuation_lines, blank))


_MASKED = "_masked"


@cached_columns
def _parsed_row(blank: Column | None) -> Column:
    ok = F.col("malformed_reason").isNull()
    return ok if blank is None else ok & ~blank


@cached_columns
def _staged_columns(fmt: Column, raw: Column,
                    locators: list[Column] | None, continuation_lines: Column | None,
                    blank: Column | None) -> list[Column]:
    ok = _parsed_row(blank)
    bad = F.col("malformed_reason").isNotNull()
    if blank is not None:
        bad = bad & ~blank

    def if_ok(name: str) -> Column:
        return F.when(ok, F.col(name)).alias(name.lstrip("_"))

    null_long = F.lit(None).cast("long")
    located = (
        list(locators)
        if locators is not None
        else [null_long.alias(name) for name in LOCATOR_COLUMNS]
    )
    return [
        if_ok("_ts"),
        if_ok("_level"),
        if_ok("raw_level"),
        if_ok("service"),
        if_ok("ip"),
        if_ok("endpoint"),
        if_ok("message"),
        F.col(_MASKED).alias("masked"),
        F.col("source_file"),
        F.col("line"),
        (fmt if blank is None else F.when(blank, F.lit(BLANK_FORMAT)).otherwise(fmt)).alias("format"),
        (F.col("malformed_reason") if blank is None else F.when(~blank, F.col("malformed_reason"))).alias(
            "malformed_reason"
        ),
        F.when(bad, raw).alias("raw"),
        *located,
        (continuation_lines if continuation_lines is not None else F.lit(0))
        .cast("long")
        .alias("continuation_lines"),
    ]


def blank_to_null(col: Column) -> Column:
    """Trimmed text, null when empty."""
    trimmed = F.trim(col)
    return F.when(trimmed != "", trimmed)


def to_staged(df: DataFrame) -> DataFrame:
    """Select and cast the STAGED_SCHEMA columns, in order."""
    return df.select(*_staged_casts())


@cached_columns
def _staged_casts() -> list[Column]:
    return [F.col(f.name).cast(f.dataType).alias(f.name) for f in STAGED_SCHEMA.fields]


def empty_staged(spark: SparkSession) -> DataFrame:
    return spark.createDataFrame([], STAGED_SCHEMA)


def union_staged(spark: SparkSession, frames: Sequence[DataFrame]) -> DataFrame:
    if not frames:
        return empty_staged(spark)
    return reduce(lambda a, b: a.unionByName(b), frames)


__all__ = [
    "LINE_FILE",
    "PACK_SEPARATOR",
    "LIST_SEPARATOR",
    "decoded_local_path",
    "blank_to_null",
    "empty_staged",
    "metadata_file_column",
    "many_files_conf",
    "read_lines",
    "spark_path",
    "staged_from_judged",
    "to_staged",
    "union_staged",
]
