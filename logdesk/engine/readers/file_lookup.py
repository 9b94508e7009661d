"""Per-file facts for the rows of a read over many files: which InputFile a row came from
(from Spark's file column), and that file's path, mtime, timestamp layout and line offset, as
literals for a few files or a broadcast join with a local table for many."""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, IntegerType, StringType, StructField, StructType

from logdesk.engine.discover import InputFile
from logdesk.engine.formats.model import TextFormat
from logdesk.engine.input_io import absolute_input
from logdesk.engine.readers.common import (
    LINE_BLOCK,
    LINE_FILE,
    LINE_ROW_ID,
    LIST_SEPARATOR,
    decoded_local_path,
    spark_file_uri,
)
from logdesk.engine.timestamps import (
    layout_named,
    parse_exactly,
    parse_timestamp,
    parse_with_layouts,
    parse_with_pattern,
)


def text_array(values: Sequence[str]) -> Column:
    """An array<string> literal of `values` (at least one) in one JVM call however many there
    are: one string split, which the optimizer folds into a literal. A literal per element
    cost a py4j round trip each, seconds for a read of 20,000 files."""
    return F.split(F.lit(LIST_SEPARATOR.join(values)), LIST_SEPARATOR)


_SMALL_INDEX = 64  # up to this many keys, one map (a lookup compares the keys one by one)
_KEYS_PER_BUCKET = 4


class KeyIndex:
    """text -> its 1-based position among `keys` (distinct), as a Spark expression. Up to
    _SMALL_INDEX keys one map literal; more are spread over maps by the CRC-32 of their UTF-8
    bytes (Spark's crc32 is zlib's), so that a row compares a few keys, not thousands."""

    def __init__(self, keys: Sequence[str]) -> None:
        n = len(keys)
        positions = [str(i + 1) for i in range(n)]
        self._buckets = 0 if n <= _SMALL_INDEX else max(2, n // _KEYS_PER_BUCKET)
        if not self._buckets:
            self._map = F.map_from_arrays(text_array(keys), text_array(positions).cast("array<int>"))
            return
        maps: list[dict[str, int]] = [{} for _ in range(self._buckets)]
        for i, key in enumerate(keys):
            maps[self.bucket_of(key)][key] = i + 1
        self._maps = F.from_json(F.lit(json.dumps(maps)), "array<map<string,int>>")

    def bucket_of(self, key: str) -> int:
        return zlib.crc32(key.encode("utf-8", "surrogateescape")) % self._buckets

    def position(self, text: Column) -> Column:
        """The position of `text` (null when it is none of the keys)."""
        if not self._buckets:
            return F.try_element_at(self._map, text)
        bucket = (F.pmod(F.crc32(text.cast("binary")), F.lit(self._buckets)) + 1).cast("int")
        return F.try_element_at(F.element_at(self._maps, bucket), text)


# Above this many files, a read's per-file facts come from a broadcast join with a small local
# table instead of literals: a literal's text is part of every plan string Spark builds (at each
# SQL event and re-plan), 10.7 MB and about 5 s of the driver's time for 20,000 files, while a
# local table prints as its column names. Below it, literals cost nothing and need no join.
JOIN_ABOVE = 256

_POS, _PATH, _MTIME, _LAYOUT = "_pos", "_lk_path", "_lk_mtime", "_lk_layout"
_FACTS = (_POS, _PATH, _MTIME, _LAYOUT)
_FACTS_SCHEMA = StructType([
    StructField("_lk_uri", StringType()), StructField("_lk_key", StringType()),
    StructField(_POS, IntegerType()), StructField(_PATH, StringType()),
    StructField(_MTIME, DoubleType()), StructField(_LAYOUT, StringType()),
])


class FileLookup:
    """Per-file facts for rows of a read over several files, keyed by Spark's file column:
    Spark map/array literals for up to JOIN_ABOVE files (no join; each literal is one JVM call,
    see text_array), a broadcast join with a local table above (given a session).

    `locate(df, file_column)` once per row (it finds the file, decoding the path only when its
    spelling is not Spark's): it adds `_pos` (the file's 1-based position, null for a file not
    listed) and, for the join, the facts themselves; `carried` names those columns, for a
    select that lists its columns. `source_file`, `mtime` and `layout_name` then read them.
    `line_offset(file)` needs no locate (a literal of the few files with an offset)."""

    def __init__(self, files: Sequence[InputFile], spark: SparkSession | None = None) -> None:
        if not files:
            raise ValueError("FileLookup needs at least one file")
        self._files = list(files)
        keys = [absolute_input(f.read_path) for f in self._files]
        uris = [spark_file_uri(k) for k in keys]
        # the catalogue layouts the files' timestamps were found in (InputFile.timestamp_layout)
        self.layouts = tuple(sorted({f.timestamp_layout for f in self._files} - {""}))
        offset = [i for i, f in enumerate(self._files) if f.line_offset]
        self.has_line_offsets = bool(offset)
        if offset:
            self._offset_uris = KeyIndex([uris[i] for i in offset])
            self._offset_keys = KeyIndex([keys[i] for i in offset])
            self._offsets = text_array([str(int(self._files[i].line_offset)) for i in offset]
                                       ).cast("array<bigint>")
        self.joined = spark is not None and len(self._files) > JOIN_ABOVE
        if self.joined:
            rows = [(uri, key, i + 1, f.path, float(f.mtime), f.timestamp_layout)
                    for i, (uri, key, f) in enumerate(zip(uris, keys, self._files))]
            self._table = spark.createDataFrame(rows, _FACTS_SCHEMA)
            self.carried: tuple[str, ...] = _FACTS
            return
        self.carried = (_POS,)
        self._index = KeyIndex(keys)
        # Spark's own spelling of each path: found without decoding (which costs about as
        # much as parsing a CSV row); decoding stays the fallback for a spelling we missed.
        self._uri_index = KeyIndex(uris)
        self._paths = text_array([f.path for f in self._files])
        self._mtimes = text_array([repr(float(f.mtime)) for f in self._files]).cast("array<double>")
        self._layouts = text_array([f.timestamp_layout for f in self._files])

    def locate(self, df: DataFrame, file_column: str) -> DataFrame:
        """`df` with the `carried` columns of the file each row came from."""
        file_col = F.col(file_column)
        if not self.joined:
            position = F.coalesce(self._uri_index.position(file_col),
                                  self._index.position(decoded_local_path(file_col)))
            return df.select("*", position.alias(_POS))
        by_uri = F.broadcast(self._table.drop("_lk_key"))
        found = df.join(by_uri, file_col == F.col("_lk_uri"), "left").drop("_lk_uri")
        # a spelling spark_file_uri did not foresee: found again by the decoded path
        spare = {c: "_lk2" + c for c in _FACTS}
        by_key = F.broadcast(self._table.select(
            "_lk_key", *(F.col(c).alias(spare[c]) for c in _FACTS)))
        decoded = F.when(F.col(_POS).isNull(), decoded_local_path(file_col))
        both = found.join(by_key, decoded == F.col("_lk_key"), "left")
        kept = [c for c in df.columns if c not in _FACTS]
        return both.select(*kept, *(F.coalesce(F.col(c), F.col(spare[c])).alias(c)
                                    for c in _FACTS))

    def source_file(self, file_col: Column) -> Column:
        """InputFile.path of the row's file (never null: Spark's own path if it is not ours)."""
        ours = F.col(_PATH) if self.joined else F.try_element_at(self._paths, F.col(_POS))
        return F.coalesce(ours, decoded_local_path(file_col), file_col)

    def line_offset(self, file_col: Column) -> Column:
        """Lines of the file before its read part (InputFile.line_offset; 0 if none)."""
        if not self.has_line_offsets:
            return F.lit(0).cast("long")
        at = F.coalesce(self._offset_uris.position(file_col),
                        self._offset_keys.position(decoded_local_path(file_col)))
        return F.coalesce(F.try_element_at(self._offsets, at), F.lit(0)).cast("long")

    def layout_name(self) -> Column:
        """The name of the layout the file's timestamps are in ("" or null: none found)."""
        return F.col(_LAYOUT) if self.joined else F.try_element_at(self._layouts, F.col(_POS))

    def mtime(self) -> Column:
        """The file's modification time as a timestamp (null if the file is not ours)."""
        seconds = F.col(_MTIME) if self.joined else F.try_element_at(self._mtimes, F.col(_POS))
        return F.timestamp_seconds(seconds)


def file_timestamps(text: Column, mtime: Column, lookup: FileLookup,
                    fmt: TextFormat | None = None) -> Column:
    """Timestamp text -> timestamp, one parse per row: in the layout of the generic reader's
    format (exactly), in a format's own Spark pattern, or in the layout inferred for the row's
    file from its head (InputFile.timestamp_layout); the generic chain for what does not fit."""
    if fmt is not None and fmt.timestamp_layout:
        layout = layout_named(fmt.timestamp_layout)
        if layout is not None:
            return parse_exactly(text, layout, mtime)
    if fmt is not None and fmt.timestamp_pattern:
        return parse_with_pattern(text, fmt.timestamp_pattern, mtime, fmt.yearless)
    layouts = [x for x in (layout_named(name) for name in lookup.layouts) if x is not None]
    if not layouts:
        return parse_timestamp(text, mtime)
    return parse_with_layouts(text, lookup.layout_name(), layouts, mtime)


def line_locators(lookup: FileLookup) -> list[Column]:
    """The LOCATOR_COLUMNS of a one-line-per-row reader's rows (from read_lines)."""
    first = F.lit(1).cast("long")
    if lookup.has_line_offsets:
        first = first + lookup.line_offset(F.col(LINE_FILE))
    return [
        F.col(LINE_ROW_ID).alias("row_id"),
        F.col(LINE_BLOCK).cast("long").alias("block_start"),
        F.lit(0).cast("long").alias("newlines"),
        first.alias("first_line"),
    ]


__all__ = ["JOIN_ABOVE", "FileLookup", "KeyIndex", "file_timestamps", "line_locators",
           "text_array"]
