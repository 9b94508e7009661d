"""Physical line numbers for rows read from files, without a shuffle of the rows.

Spark gives no line numbers. What it does guarantee: one block of one file is read by one task,
in file order, so `monotonically_increasing_id()` (partition id << 33 | position in partition)
increases by one per row inside a block. So

    line = first_line + lines of earlier blocks of the file + (id - min id of the block)
           + embedded newlines of earlier records of the block

The last two terms need facts about other rows. They come from one small aggregation over the
same input, grouped so that it has one row per block plus one row per record that spans several
lines (a quoted field with a newline); ordinary records collapse into their block's row. That
aggregate is broadcast and joined back, so the rows themselves are never shuffled.

Over the raw input that would mean a second scan of it; so the readers keep each row's position
in the staged columns (row_id, block_start, newlines, first_line; one-line readers also keep
blank lines, as BLANK_FORMAT rows) and number_staged_lines runs over the staged Parquet copy,
where the aggregate reads four small columns, and only where lines are shown (the malformed
rows, the records export).

Mapping a row to the multi-line records before it is an as-of lookup. To make it a hash join,
each block's record index range is cut into buckets sized so that a bucket holds about one
multi-line record; an interval "records (lo, hi] are shifted by `offset` lines" is listed in every
bucket it overlaps, and a row checks only the intervals of its own bucket. The interval table has
about 2 x (multi-line records) + (blocks) rows, and a row checks about two intervals, however the
multi-line records are spread. A file where nearly every record spans lines gives an interval
table about as long as the file (still correct, but the broadcast grows with it).

Both reads must split the input identically; they do, since the file listing and the split
planning depend only on the paths, sizes and session settings, not on the columns read.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

LINE = "line"
_BLOCK = "_ln_block"
_BASE, _COUNT, _BEFORE, _BUCKET_SIZE = "_ln_base", "_ln_count", "_ln_before", "_ln_bucket_size"
_REC, _NL, _IDX = "_ln_record", "_ln_newlines", "_ln_idx"
_LO, _HI, _OFFSET, _BUCKET = "_ln_lo", "_ln_hi", "_ln_offset", "_ln_bucket"
_PART = "_ln_part"  # a file's rows from one read


@dataclass(frozen=True)
class LineIndex:
    """The small tables that turn row ids into line numbers (see the module docstring)."""

    blocks: DataFrame  # file, block, base row id, lines before the block, bucket size
    intervals: DataFrame | None  # file, block, bucket, lo, hi, offset; None: no multi-line rows


def build_line_index(
    df: DataFrame,
    *,
    file_col: str,
    block_col: str | None,
    row_id_col: str,
    newlines: Column | None,
) -> LineIndex:
    """The line index of every row of `df` (arguments as for with_line_numbers). Only a few
    columns of `df` are read, so over Parquet this is much cheaper than the rows themselves."""
    row_id = F.col(row_id_col)
    nl = F.lit(0) if newlines is None else F.coalesce(newlines, F.lit(0))
    nl = nl.cast("long")
    # Small: one row per block for its one-line records, one row per multi-line record.
    grouped = df.groupBy(
        F.col(file_col), _block(block_col).alias(_BLOCK), F.when(nl > 0, row_id).alias(_REC)
    ).agg(F.min(row_id).alias("_ln_min"), F.count(F.lit(1)).alias("_ln_n"), F.sum(nl).alias(_NL))
    annotated = _annotate(grouped, file_col)

    # Both tables come from `annotated`, so Spark computes it once (reused exchange).
    first_of_block = F.row_number().over(
        Window.partitionBy(file_col, _BLOCK).orderBy(F.col(_REC).asc_nulls_first())
    )
    blocks = (
        annotated.withColumn("_ln_first", first_of_block)
        .where(F.col("_ln_first") == 1)
        .select(file_col, _BLOCK, _BASE, _BEFORE, _BUCKET_SIZE)
    )
    intervals = None if newlines is None else _intervals(annotated, file_col)
    return LineIndex(blocks=blocks, intervals=intervals)


def attach_line_numbers(
    df: DataFrame,
    index: LineIndex,
    *,
    file_col: str,
    block_col: str | None,
    row_id_col: str,
    first_line: Column,
) -> DataFrame:
    """`df` plus `line`, looked up in `index` (built from these rows or a superset of them:
    the other rows of the same files). Two broadcast joins; the rows are never shuffled."""
    rows = df.withColumn(_BLOCK, _block(block_col)).join(
        F.broadcast(index.blocks), on=[file_col, _BLOCK], how="left"
    )
    rows = rows.withColumn(_IDX, F.col(row_id_col) - F.col(_BASE))
    offset: Column = F.lit(0)
    if index.intervals is not None:
        rows = rows.withColumn(_BUCKET, F.floor(F.col(_IDX) / F.col(_BUCKET_SIZE)))
        i = index.intervals.alias("_ln_i")
        r = rows.alias("_ln_r")
        cond = (
            (F.col(f"_ln_r.{file_col}") == F.col(f"_ln_i.{file_col}"))
            & (F.col(f"_ln_r.{_BLOCK}") == F.col(f"_ln_i.{_BLOCK}"))
            & (F.col(f"_ln_r.{_BUCKET}") == F.col(f"_ln_i.{_BUCKET}"))
            & (F.col(f"_ln_r.{_IDX}") > F.col(f"_ln_i.{_LO}"))
            & (F.col(f"_ln_r.{_IDX}") <= F.col(f"_ln_i.{_HI}"))
        )
        rows = r.join(F.broadcast(i), on=cond, how="left").select(
            "_ln_r.*", F.col(f"_ln_i.{_OFFSET}")
        )
        offset = F.coalesce(F.col(_OFFSET), F.lit(0))
    line = first_line + F.col(_BEFORE) + F.col(_IDX) + offset
    helpers = [_BLOCK, _BASE, _BEFORE, _BUCKET_SIZE, _IDX, _BUCKET, _OFFSET]
    return rows.withColumn(LINE, line.cast("long")).drop(*helpers)


def _staged_part() -> Column:
    return F.concat_ws("\u0000", F.col("source_file"), F.col("first_line").cast("string"))


def staged_line_index(all_rows: DataFrame) -> LineIndex:
    """The line index of a staged copy's rows (small: a row per block and per multi-line
    record), for number_staged_lines; a caller numbering many batches may cache it."""
    return build_line_index(
        all_rows.where(F.col("row_id").isNotNull()).withColumn(_PART, _staged_part()),
        file_col=_PART,
        block_col="block_start",
        row_id_col="row_id",
        newlines=F.col("newlines"),
    )


def number_staged_lines(rows: DataFrame, all_rows: DataFrame | None = None,
                        index: LineIndex | None = None) -> DataFrame:
    """STAGED `rows` with `line` filled in where the reader left it to us (row_id set).

    `all_rows` holds every staged row of the files of `rows` (records and malformed alike):
    the lines of a row depend on all rows before it. Rows of one file read in several parts
    (an appended end read on its own, cache/plan.py) differ in first_line, so each part is
    numbered on its own. `index`: staged_line_index(all_rows), when the caller has it."""
    part = _staged_part()
    if index is None:
        assert all_rows is not None, "number_staged_lines needs all_rows or their index"
        index = staged_line_index(all_rows)
    numbered = attach_line_numbers(
        rows.withColumnRenamed(LINE, "_ln_given").withColumn(_PART, part),
        index,
        file_col=_PART,
        block_col="block_start",
        row_id_col="row_id",
        first_line=F.col("first_line"),
    )
    given = F.coalesce(F.col("_ln_given"), F.col(LINE)).alias(LINE)
    return numbered.select(*[given if c == LINE else F.col(c) for c in rows.columns])


def _block(block_col: str | None) -> Column:
    return (F.col(block_col) if block_col else F.lit(0)).cast("long")


def _annotate(grouped: DataFrame, file_col: str) -> DataFrame:
    """Per grouped row, the facts of its block: first row id, records, lines before the block,
    bucket size; and for a multi-line record, where the next one is and the newlines so far."""
    block = Window.partitionBy(file_col, _BLOCK)
    by_record = block.orderBy(F.col(_REC).asc_nulls_first())
    upto_record = by_record.rowsBetween(Window.unboundedPreceding, Window.currentRow)
    upto_block = (
        Window.partitionBy(file_col)
        .orderBy(_BLOCK)
        .rangeBetween(Window.unboundedPreceding, Window.currentRow)
    )
    lines = F.col("_ln_n") + F.col(_NL)
    n_records = F.sum("_ln_n").over(block)
    multi = F.count(_REC).over(block)
    # one shuffle of the small table by file serves every window below
    return grouped.repartition(file_col).select(
        file_col,
        _BLOCK,
        _REC,
        F.min("_ln_min").over(block).alias(_BASE),
        n_records.alias(_COUNT),
        (F.sum(lines).over(upto_block) - F.sum(lines).over(block)).alias(_BEFORE),
        F.greatest(F.lit(1), F.ceil(n_records / (multi + 1))).cast("long").alias(_BUCKET_SIZE),
        F.lead(_REC).over(by_record).alias("_ln_next"),
        F.sum(_NL).over(upto_record).alias(_OFFSET),
    )


def _intervals(annotated: DataFrame, file_col: str) -> DataFrame:
    """(file, block, bucket, lo, hi, offset): records with lo < index <= hi start `offset` lines
    further down than their index says; one row per bucket the interval overlaps."""
    spans = (
        annotated.where(F.col(_REC).isNotNull())
        .select(
            file_col,
            _BLOCK,
            (F.col(_REC) - F.col(_BASE)).alias(_LO),
            F.coalesce(F.col("_ln_next") - F.col(_BASE), F.col(_COUNT) - 1).alias(_HI),
            _OFFSET,
            _BUCKET_SIZE,
        )
        .where(F.col(_HI) > F.col(_LO))
    )
    size = F.col(_BUCKET_SIZE)
    buckets = F.sequence(F.floor((F.col(_LO) + 1) / size), F.floor(F.col(_HI) / size))
    return spans.select(file_col, _BLOCK, F.explode(buckets).alias(_BUCKET), _LO, _HI, _OFFSET)


__all__ = [
    "LINE",
    "LineIndex",
    "attach_line_numbers",
    "build_line_index",
    "number_staged_lines",
]
