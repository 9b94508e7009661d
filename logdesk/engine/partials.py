"""A run's normalized copy -> each file's share of the results, as small Arrow tables.

Three aggregations over the copy just written (Parquet: narrow columns are cheap to scan),
whatever the number of files or formats, every one grouped by `file_id` so that each file's
share can be kept in its cache entry and merged with the other files' later (cache/merge.py):

facts      one grouping-sets aggregation (written by Spark as Parquet, per file, when the
           caller gives a folder: the driver then reads them one file at a time instead of
           holding all; see cache/merge.py): per (file, bucket, level) and per (file, bucket,
           level, key) for each cube dimension, count and first/last time; the pattern key
           is the *masked* message (templates are mined over all files, after merging); plus the
           ingest counts per (file, part). Numeric buffers only, so Spark's hash aggregate
           (and whole-stage code) serves all of it.
patterns   per (file, masked message, level, service) of every record: count, first/last
           time and the smallest message (a string buffer, so an aggregation of its own): the
           templates are mined from its masked messages, the error types' services and the
           samples come from it
malformed  the malformed rows with their exact line numbers: the rows and their files' line
           index (from the copy's position columns, not from the input) come in one job, and
           the lines are counted on the driver (malformed_table)
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import IntegerType, StringType, StructField, StructType

from logdesk.engine.readers import file_lookup
from logdesk.engine.readers.file_lookup import KeyIndex, text_array
from logdesk.engine.cube import SAMPLE_MAX_CHARS, bucket_start, dimension_key, level_index
from logdesk.engine.schema import BLANK_FORMAT
from logdesk.results import DIMENSIONS

FILE_ID, PART = "file_id", "part"
# the copy's and the facts' folder per unit: one file, or a bundle of small ones (cache/bundles.py)
UNIT = "unit"
RECORDS, MALFORMED = "records", "malformed"
BLANK = "blank"  # lines kept only for numbering (schema.BLANK_FORMAT): never counted
# A record whose message gave no masked text; never a real masked message (control character).
NO_TYPE = "\u0000none"
# facts.gid: which table a fact row belongs to
GID_LEVELS, GID_INGEST = 0, -1
GID_OF_DIMENSION: dict[str, int] = {d: i + 1 for i, d in enumerate(DIMENSIONS)}

_COLUMNS = (FILE_ID, PART, "bucket", "level_index", *DIMENSIONS)


@dataclass(frozen=True)
class Partials:
    # file_id, gid, bucket, level, key, count, first_ms, last_ms, continuation; with a facts
    # folder, only the ingest and level rows (gid <= GID_LEVELS), the rest being in the folder
    facts: pa.Table
    patterns: pa.Table  # file_id, masked, level, service, count, first_ms, last_ms, sample
    malformed: pa.Table  # file_id, line, reason, raw


def tag_rows(staged: DataFrame, paths: Sequence[str],
             units: Sequence[int] | None = None) -> DataFrame:
    """STAGED rows (BLANK_FORMAT ones kept) plus `file_id` (position of source_file in
    `paths`) and `part` (records, malformed, blank): the copy's partition columns; with
    `units` (the unit of each path), `unit` too. Literals for a few paths, a broadcast join
    with a local table for many (readers/file_lookup.JOIN_ABOVE: a literal's text is in every
    plan string Spark builds)."""
    part = (
        F.when(F.col("format") == BLANK_FORMAT, F.lit(BLANK))
        .when(F.col("malformed_reason").isNull(), F.lit(RECORDS))
        .otherwise(F.lit(MALFORMED))
    )
    if len(paths) <= file_lookup.JOIN_ABOVE:
        file_id = KeyIndex(list(paths)).position(F.col("source_file")) - 1
        tagged = staged.select("*", file_id.alias(FILE_ID), part.alias(PART))
        return tagged if units is None else with_units(tagged, units)
    rows = [(path, i, units[i] if units is not None else i) for i, path in enumerate(paths)]
    table = staged.sparkSession.createDataFrame(rows, _TAG_SCHEMA)
    if units is None:
        table = table.drop(UNIT)
    joined = staged.join(F.broadcast(table), F.col("source_file") == F.col("_tag_path"), "left")
    return joined.drop("_tag_path").withColumn(PART, part)


_TAG_SCHEMA = StructType([StructField("_tag_path", StringType()),
                          StructField(FILE_ID, IntegerType()), StructField(UNIT, IntegerType())])


def with_units(frame: DataFrame, units: Sequence[int] | None) -> DataFrame:
    """`frame` (with FILE_ID) plus UNIT: each file's unit in `units` (None: the file itself),
    as a literal for a few files and by a broadcast join for many (see tag_rows)."""
    if units is None or all(u == i for i, u in enumerate(units)):
        return frame.withColumn(UNIT, F.col(FILE_ID))
    if len(units) <= file_lookup.JOIN_ABOVE:
        unit = F.element_at(text_array([str(n) for n in units]).cast("array<int>"), F.col(FILE_ID) + 1)
        return frame.withColumn(UNIT, unit)
    table = frame.sparkSession.createDataFrame(
        [(i, u) for i, u in enumerate(units)],
        StructType([StructField("_unit_file", IntegerType()), StructField(UNIT, IntegerType())]))
    joined = frame.join(F.broadcast(table), F.col(FILE_ID) == F.col("_unit_file"), "left")
    return joined.drop("_unit_file")


def _set_id(grouped: tuple[str, ...]) -> int:
    n = len(_COLUMNS)
    return sum(1 << (n - 1 - i) for i, name in enumerate(_COLUMNS) if name not in grouped)


_INGEST_SET = (FILE_ID, PART)
_LEVEL_SET = (FILE_ID, PART, "bucket", "level_index")
_SETS: dict[int, tuple[str, ...]] = {
    GID_INGEST: _INGEST_SET,
    GID_LEVELS: _LEVEL_SET,
    **{gid: (*_LEVEL_SET, d) for d, gid in GID_OF_DIMENSION.items()},
}


def facts_frame(copy: DataFrame, bucket_seconds: int) -> DataFrame:
    level = F.col("level")
    is_record = F.col(PART) == RECORDS
    prepared = copy.select(
        F.col(FILE_ID).cast("int").alias(FILE_ID),
        F.col(PART),
        F.when(is_record, bucket_start(F.col("ts"), bucket_seconds)).alias("bucket"),
        F.when(is_record, level_index(level)).alias("level_index"),
        F.when(is_record, F.coalesce(F.col("masked"), F.lit(NO_TYPE))).alias("pattern"),
        *(F.when(is_record, dimension_key(F.col(d))).alias(d) for d in DIMENSIONS if d != "pattern"),
        F.col("ts"),
        F.coalesce(F.col("continuation_lines"), F.lit(0)).alias("continuation_lines"),
    )
    spark_gid = {_set_id(cols): gid for gid, cols in _SETS.items()}
    gid_expr = F.lit(None).cast("int")
    grouping = F.grouping_id().cast("int")
    for spark_id, gid in spark_gid.items():
        gid_expr = F.when(grouping == spark_id, F.lit(gid)).otherwise(gid_expr)
    keyed = F.coalesce(*(F.col(d) for d in DIMENSIONS))
    return (
        prepared.groupingSets([list(c) for c in _SETS.values()], *_COLUMNS)
        .agg(
            gid_expr.alias("gid"),
            F.count(F.lit(1)).alias("count"),
            F.unix_millis(F.min("ts")).alias("first_ms"),
            F.unix_millis(F.max("ts")).alias("last_ms"),
            F.sum("continuation_lines").alias("continuation"),
        )
        # fact sets count records only (a keyed set groups other rows under a null key)
        .where(
            (F.col("gid") == GID_INGEST)
            | ((F.col(PART) == RECORDS) & ((F.col("gid") == GID_LEVELS) | keyed.isNotNull()))
        )
        .select(
            FILE_ID,
            F.col("gid").cast("tinyint").alias("gid"),
            F.col("bucket").cast("long").alias("bucket"),
            F.col("level_index").cast("tinyint").alias("level"),
            F.when(F.col("gid") == GID_INGEST, F.col(PART)).otherwise(keyed).alias("key"),
            "count",
            "first_ms",
            "last_ms",
            F.col("continuation").cast("long").alias("continuation"),
        )
    )


def patterns_frame(copy: DataFrame) -> DataFrame:
    records = copy.where(F.col(PART) == RECORDS)
    return records.groupBy(
        F.col(FILE_ID).cast("int").alias(FILE_ID),
        F.coalesce(F.col("masked"), F.lit(NO_TYPE)).alias("masked"),
        level_index(F.col("level")).alias("level"),  # a tinyint
        F.col("service"),
    ).agg(
        F.count(F.lit(1)).alias("count"),
        F.unix_millis(F.min("ts")).alias("first_ms"),
        F.unix_millis(F.max("ts")).alias("last_ms"),
        F.substring(F.min("message"), 1, SAMPLE_MAX_CHARS).alias("sample"),
    )


def malformed_table(copy: DataFrame) -> pa.Table:
    """file_id, line, reason, raw of the malformed rows, in one Spark job: the rows themselves
    and the line index of their files (one row per block, plus one per record that spans
    lines; see line_numbers.py for the formula) are collected together, and the lines are
    counted here. The index is as small as the one line_numbers.py broadcasts, and numbering a
    few rows in Python costs less than the seven jobs of number_staged_lines' window plan
    (which the records export still uses)."""
    nl = F.coalesce(F.col("newlines"), F.lit(0)).cast("long")
    keys = [F.col(FILE_ID).cast("int").alias(FILE_ID), F.col("first_line").cast("long").alias("first"),
            F.col("block_start").cast("long").alias("block")]
    index = (
        copy.where(F.col("row_id").isNotNull())
        .groupBy(*keys, F.when(nl > 0, F.col("row_id")).alias("rec"))
        .agg(F.min("row_id").alias("row_id"), F.count(F.lit(1)).alias("n"), F.sum(nl).alias("nl"))
        .select(F.lit(True).alias("_index"), "*")
    )
    bad = copy.where(F.col(PART) == MALFORMED).select(
        F.lit(False).alias("_index"), *keys, F.col("row_id"), F.col("line").cast("long").alias("line"),
        F.col("malformed_reason").alias("reason"), F.col("raw"),
    )
    both = index.unionByName(bad, allowMissingColumns=True).toArrow()
    is_index = both.column("_index")
    return _numbered(both.filter(is_index).to_pylist(), both.filter(pc.invert(is_index)))


def _numbered(index: list[dict], bad: pa.Table) -> pa.Table:
    """`bad` (file_id, first, block, row_id, line, reason, raw) with every line filled in from
    `index` (rows of file_id, first, block, rec, row_id = min id, n, nl)."""
    blocks: dict[tuple, list[int]] = {}  # (file, first, block) -> [lines, base row id]
    multi: dict[tuple, list[tuple[int, int]]] = {}  # (file, first, block) -> [(record id, newlines)]
    for r in index:
        key = (r[FILE_ID], r["first"], r["block"])
        entry = blocks.setdefault(key, [0, r["row_id"]])
        entry[0] += r["n"] + r["nl"]
        entry[1] = min(entry[1], r["row_id"])
        if r["rec"] is not None:
            multi.setdefault(key, []).append((r["rec"], r["nl"]))
    by_part: dict[tuple, list[tuple]] = {}
    for key in blocks:
        by_part.setdefault(key[:2], []).append(key)
    before: dict[tuple, int] = {}  # lines of the earlier blocks of the same part
    for keys in by_part.values():
        total = 0
        for key in sorted(keys, key=lambda k: k[2]):
            before[key] = total
            total += blocks[key][0]
    shifts: dict[tuple, tuple[list[int], list[int]]] = {}  # record ids, newlines before each
    for key, recs in multi.items():
        recs.sort()
        sums = [0]
        for _, n in recs:
            sums.append(sums[-1] + n)
        shifts[key] = ([rec for rec, _ in recs], sums)

    columns = (bad.column(c).to_pylist() for c in (FILE_ID, "first", "block", "row_id", "line"))
    lines = []
    for file_id, first, block, row_id, line in zip(*columns):
        if line is None and row_id is not None:
            key = (file_id, first, block)
            line = first + before[key] + row_id - blocks[key][1]
            if key in shifts:  # newlines of the multi-line records strictly before the row
                ids, sums = shifts[key]
                line += sums[bisect.bisect_left(ids, row_id)]
        lines.append(line)
    return pa.table({
        FILE_ID: bad.column(FILE_ID).cast(pa.int32()),
        "line": pa.array(lines, pa.int64()),
        "reason": bad.column("reason").cast(pa.string()),
        "raw": bad.column("raw").cast(pa.string()),
    }, schema=empty_malformed().schema)


def compute_partials(copy: DataFrame, bucket_seconds: int, with_malformed: bool = True,
                     facts_dir: Path | None = None,
                     units: Sequence[int] | None = None) -> Partials:
    """The three tables (at most three Spark actions, over the copy only). The facts come
    first: when they show no record, or no malformed row, that aggregation is skipped (a
    refresh after a few appended lines mostly has no malformed row). facts_dir: where Spark writes
    the facts, one folder per unit (unit=N; `units`: the unit of each FILE_ID, else the file
    itself); the returned facts are then only their ingest and level rows."""
    frame = facts_frame(copy, bucket_seconds)
    if facts_dir is None:
        facts = frame.toArrow()
    else:
        frame = with_units(frame, units)
        frame.write.mode("overwrite").partitionBy(UNIT).parquet(str(facts_dir))
        facts = read_facts_summary(facts_dir)
    gid = facts.column("gid")
    has_malformed = _any(pc.and_(pc.equal(gid, GID_INGEST), pc.equal(facts.column("key"), MALFORMED)))
    has_records = _any(pc.equal(gid, GID_LEVELS))
    patterns = patterns_frame(copy).toArrow() if has_records else empty_patterns()
    malformed = malformed_table(copy) if (with_malformed and has_malformed) else empty_malformed()
    return Partials(facts=facts, patterns=patterns, malformed=malformed)


def read_facts_summary(facts_dir: Path) -> pa.Table:
    """The ingest and level rows (gid <= GID_LEVELS) of facts written to `facts_dir` (one
    folder per unit), with their file_id."""
    tables = []
    for folder in sorted(facts_dir.glob(f"{UNIT}=*")):
        tables.append(pq.read_table(folder, filters=[("gid", "<=", GID_LEVELS)]))
    if not tables:
        return empty_facts()
    return pa.concat_tables([t.select(tables[0].column_names) for t in tables])


def empty_facts() -> pa.Table:
    return pa.table({
        FILE_ID: pa.array([], pa.int32()), "gid": pa.array([], pa.int8()),
        "bucket": pa.array([], pa.int64()), "level": pa.array([], pa.int8()),
        "key": pa.array([], pa.string()), "count": pa.array([], pa.int64()),
        "first_ms": pa.array([], pa.int64()), "last_ms": pa.array([], pa.int64()),
        "continuation": pa.array([], pa.int64()),
    })


def _any(mask) -> bool:
    return bool(pc.any(pc.fill_null(mask, False)).as_py())


def empty_patterns() -> pa.Table:
    return pa.table({
        FILE_ID: pa.array([], pa.int32()),
        "masked": pa.array([], pa.string()),
        "level": pa.array([], pa.int8()),
        "service": pa.array([], pa.string()),
        "count": pa.array([], pa.int64()),
        "first_ms": pa.array([], pa.int64()),
        "last_ms": pa.array([], pa.int64()),
        "sample": pa.array([], pa.string()),
    })


def empty_malformed() -> pa.Table:
    return pa.table(
        {
            FILE_ID: pa.array([], pa.int32()),
            "line": pa.array([], pa.int64()),
            "reason": pa.array([], pa.string()),
            "raw": pa.array([], pa.string()),
        }
    )


__all__ = [
    "FILE_ID", "UNIT", "GID_INGEST", "GID_LEVELS", "GID_OF_DIMENSION", "MALFORMED", "NO_TYPE", "PART",
    "Partials", "RECORDS", "compute_partials", "tag_rows", "empty_facts", "empty_malformed",
    "facts_frame", "malformed_table", "read_facts_summary", "patterns_frame", "empty_patterns",
]
