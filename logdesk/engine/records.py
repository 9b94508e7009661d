"""Queries over a run's persisted records (Parquet) for the records view.

Every query filters exactly (ts >= start, ts < end, level in levels), searches with built-in
functions only, sorts with a total order (so offset paging never repeats or skips a row) and
collects at most one page.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from logdesk.backend import RECORD_COLUMNS
from logdesk.engine.readers.line_numbers import LineIndex, number_staged_lines
from logdesk.engine.schema import LOCATOR_COLUMNS
from logdesk.engine.run_files import TEMPLATES_DIR_NAME, templates_dir_of
from logdesk.engine.run_records import is_records_manifest, read_records_manifest
from logdesk.engine.templates import with_templates
from logdesk.query import TEXT_COLUMNS, Term, parse
from logdesk.results import MISSING_KEY, RecordFilter

SEARCH_COLUMNS: tuple[str, ...] = TEXT_COLUMNS
# Columns that make a sort a total order, after the user's sort column (row_id is unique per
# run where a reader left `line` to be counted later).
_TIEBREAKERS: tuple[str, ...] = (
    "ts", "source_file", "line", "row_id", "level", "service", "ip", "endpoint", "message"
)


def zone(name: str):
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def epoch_micros(moment: datetime, time_zone: str) -> int:
    """A filter bound in epoch microseconds; naive datetimes are wall-clock in `time_zone`."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone(time_zone))
    delta = moment - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def load_records(spark: SparkSession, records_path: str) -> DataFrame:
    """The parsed records of a run (malformed rows, when the folder keeps them, left out), with
    `template` (the run's mined template of the masked message, when it kept them: run_files)
    and `error_type` (the template of an ERROR or CRITICAL record, else null)."""
    if is_records_manifest(records_path):  # a run's list of copies (run_records.py)
        df = spark.read.parquet(*read_records_manifest(records_path).records)
        templates = Path(records_path).parent / TEMPLATES_DIR_NAME
    else:  # one Parquet folder
        df = spark.read.parquet(records_path)
        templates = templates_dir_of(records_path)
    if "malformed_reason" in df.columns:
        df = df.where(F.col("malformed_reason").isNull())
    if "masked" in df.columns:
        df = with_templates(df, spark.read.parquet(str(templates)) if templates.is_dir() else None)
    return df


def filter_condition(record_filter: RecordFilter, time_zone: str) -> Column | None:
    conditions: list[Column] = []
    ts_us = F.unix_micros(F.col("ts"))
    if record_filter.start is not None:
        conditions.append(ts_us >= F.lit(epoch_micros(record_filter.start, time_zone)))
    if record_filter.end is not None:
        conditions.append(ts_us < F.lit(epoch_micros(record_filter.end, time_zone)))
    if record_filter.levels:
        conditions.append(F.col("level").isin(sorted(record_filter.levels)))
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = combined & condition
    return combined


def apply_record_filter(df: DataFrame, record_filter: RecordFilter, time_zone: str) -> DataFrame:
    condition = filter_condition(record_filter, time_zone)
    return df if condition is None else df.where(condition)


def apply_search(df: DataFrame, search: str) -> DataFrame:
    """The records matching a search in logdesk/query.py's language (raises QueryError for
    one the user must fix): field terms exact, words and phrases case-insensitive substrings
    of message, service, ip or endpoint, /regex/ a case-insensitive Java regex there."""
    terms = parse(search)
    if not terms:
        return df
    conditions = [_term_condition(df, term) for term in terms]
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = combined & condition
    return df.where(combined)


def _term_condition(df: DataFrame, term: Term) -> Column:
    if term.kind == "field":
        if term.column not in df.columns:
            return F.lit(term.value == MISSING_KEY)
        value = F.col(term.column)
        if term.value == MISSING_KEY:
            return value.isNull() | (F.trim(value) == "")
        if term.column == "message":
            return F.coalesce(F.contains(F.lower(value), F.lower(F.lit(term.value))), F.lit(False))
        if term.column == "level":
            return F.coalesce(F.upper(value) == F.lit(term.value), F.lit(False))
        return F.coalesce(value == F.lit(term.value), F.lit(False))
    columns = [F.col(name) for name in SEARCH_COLUMNS if name in df.columns]
    if not columns:
        return F.lit(False)
    if term.kind == "regex":
        pattern = "(?i)" + term.value
        tests = [F.coalesce(column.rlike(pattern), F.lit(False)) for column in columns]
    else:
        needle = F.lower(F.lit(term.value))
        tests = [F.coalesce(F.contains(F.lower(column), needle), F.lit(False)) for column in columns]
    combined = tests[0]
    for test in tests[1:]:
        combined = combined | test
    return combined


def sort_columns(df: DataFrame, sort_column: str, descending: bool) -> list[Column]:
    if sort_column not in RECORD_COLUMNS:
        raise ValueError(f"cannot sort records by {sort_column!r}")
    if sort_column == "line":  # lines are counted per page only: file order is the same order
        lead = ["source_file", "line", "first_line", "row_id"]
    else:
        lead = [sort_column]
    names = lead + [c for c in _TIEBREAKERS if c not in lead and c in df.columns]
    order = []
    for i, name in enumerate(names):
        column = F.col(name)
        # ties are broken in ascending order so pages stay stable either way
        if i < len(lead) and descending:
            order.append(column.desc_nulls_last())
        else:
            order.append(column.asc_nulls_last())
    return order


def page_frame(
    df: DataFrame, sort_column: str, descending: bool, offset: int, limit: int
) -> DataFrame:
    """RECORD_COLUMNS (ts as epoch microseconds `ts_us`) of one sorted page, then the
    LOCATOR_COLUMNS that number the rows whose `line` the reader left to be counted."""
    ordered = df.orderBy(*sort_columns(df, sort_column, descending))
    return ordered.select(
        F.unix_micros(F.col("ts")).alias("ts_us"),
        *[F.col(name) for name in RECORD_COLUMNS[1:]],
        *[F.col(name) for name in LOCATOR_COLUMNS],
    ).offset(max(0, offset)).limit(max(0, limit))


def bin_counts(df: DataFrame, time_zone: str, wall_range: tuple[float, float],
               bin_seconds: int) -> list[tuple[int, str, int]]:
    """(bin start in wall-clock seconds of `time_zone`, level, records) of `df`'s records whose
    wall-clock time is in `wall_range`: the histogram below the cube's bucket, one aggregate
    (at most a few hundred bins x six levels come back)."""
    # from_utc_timestamp shifts the instant by the zone's offset at that instant: its epoch
    # seconds are the wall clock's, as the chart's axis is (DST included)
    wall = F.unix_seconds(F.from_utc_timestamp(F.col("ts"), time_zone))
    length = max(1, int(bin_seconds))
    lo, hi = int(math.floor(wall_range[0])), int(math.ceil(wall_range[1]))
    rows = (df.select(wall.alias("_wall"), F.col("level"))
            .where((F.col("_wall") >= lo) & (F.col("_wall") < hi))  # a null time is outside
            .groupBy((F.floor(F.col("_wall") / length) * length).cast("long").alias("_bin"),
                     F.col("level"))
            .count()
            .collect())
    return [(int(r[0]), str(r[1]), int(r[2])) for r in rows]


_FILE_AT, _LINE_AT = RECORD_COLUMNS.index("source_file"), RECORD_COLUMNS.index("line")


def _line_key(row: Sequence) -> tuple | None:
    """(source_file, first_line, row_id) of a page_frame row whose line is still to be
    counted (its LOCATOR_COLUMNS follow RECORD_COLUMNS); None when it has its line."""
    locator = dict(zip(LOCATOR_COLUMNS, row[len(RECORD_COLUMNS):]))
    if row[_LINE_AT] is not None or row[_FILE_AT] is None or locator.get("row_id") is None:
        return None
    return row[_FILE_AT], locator["first_line"], locator["row_id"]


def page_lines(spark, rows: Sequence, index: Callable[[], LineIndex]) -> dict[tuple, int]:
    """_line_key -> line, for the collected page `rows` (page_frame's columns) whose line is
    still to be counted, with the line index of the run's staged copy (`index()`: asked for
    only when some row needs it)."""
    wanted = [r for r in rows if _line_key(r) is not None]
    if not wanted:
        return {}
    page = spark.createDataFrame(
        [(r[_FILE_AT], *r[len(RECORD_COLUMNS):], None) for r in wanted],
        schema="source_file string, " + ", ".join(f"{c} long" for c in LOCATOR_COLUMNS)
               + ", line long")
    numbered = number_staged_lines(page, index=index())
    return {(f, first, row_id): line for f, first, row_id, line in
            numbered.select("source_file", "first_line", "row_id", "line").collect()
            if line is not None}


def rows_to_records(rows: Sequence, time_zone: str,
                    lines: dict[tuple, int] | None = None) -> tuple[tuple, ...]:
    """Collected page rows -> tuples in RECORD_COLUMNS order, ts as an aware datetime; `lines`
    (page_lines) fills in the lines the copy left to be counted."""
    tz = zone(time_zone)
    out = []
    for row in rows:
        ts_us = row[0]
        ts = None if ts_us is None else datetime.fromtimestamp(ts_us / 1_000_000, tz=timezone.utc).astimezone(tz)
        values = [ts, *tuple(row[1:len(RECORD_COLUMNS)])]
        key = _line_key(row) if lines else None
        if key is not None:
            values[_LINE_AT] = lines.get(key)
        out.append(tuple(values))
    return tuple(out)


def _csv_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix == ".csv" and p.is_file())
    return [path] if path.is_file() else []


def read_malformed(path: str, limit: int) -> tuple[tuple, ...]:
    """The first `limit` rows of the malformed-rows CSV (a file or a folder of part files)."""
    if not path or limit <= 0:
        return ()
    out: list[tuple] = []
    for rows in (_csv_rows(p) for p in _csv_files(Path(path))):
        for row in rows:
            out.append(row)
            if len(out) >= limit:
                return tuple(out)
    return tuple(out)


def _csv_rows(path: Path) -> Iterator[tuple]:
    with io.open(path, "r", encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return
        if [h.strip().lower() for h in header[:2]] != ["file", "line"]:
            yield _malformed_tuple(header)
        for row in reader:
            yield _malformed_tuple(row)


def _malformed_tuple(row: list[str]) -> tuple:
    padded = list(row[:4]) + [""] * (4 - min(4, len(row)))
    file, line, reason, raw = padded
    try:
        line_value: int | str = int(line)
    except ValueError:
        line_value = line
    return (file, line_value, reason, raw)
