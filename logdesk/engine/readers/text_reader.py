"""Plain-text log files in a known TextFormat -> STAGED rows, one per record or malformed line.

Per format, the files are read as lines (spark.read.text: split across tasks, gz/bz2 by name),
once. Each line is then one of:
  blank        not a data line (skipped, still counted for the numbers after it)
  skip         a header/directive line of the format (W3C `#Fields:`), like a CSV header
  start        matches the format's pattern: the first line of a record
  continuation a multi-line format's other lines (stack traces, wrapped messages): folded into
               the record that starts before them, counted in its `continuation_lines`; also
               the later pieces of a line a `partial` format split (CRI's P lines), joined to
               the record's first line without a line break
  malformed    a non-matching line of a one-line format, or a line before the file's first
               record; also a record whose timestamp is missing or unparseable.
Line numbers never cost a second scan. Folding continuations needs the lines of a file in order:
one window over (file, split, position in split), which also numbers them (row_number); records
whose next line starts another record (most) are done there, and only multi-line records and
their continuation lines are grouped (on the window's partitioning: no second shuffle).
One-line formats skip all that (unless they have partial lines): every line is parsed where it is read, and blank and skipped
lines are kept as BLANK_FORMAT rows, so that the staged copy can be numbered from the rows'
positions later (readers/line_numbers.py), as the CSV reader's is.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from logdesk.engine.discover import FORMAT_TEXT, InputFile
from logdesk.engine.file_head import ANSI_ESCAPE
from logdesk.engine.levels import normalize_level
from logdesk.engine.readers.common import (
    LINE_BLOCK,
    LINE_FILE,
    LINE_ROW_ID,
    read_lines,
    staged_from_judged,
    to_staged,
    union_staged,
)
from logdesk.engine.readers.file_lookup import (
    FileLookup,
    file_timestamps,
    line_locators,
)
from logdesk.engine.text_formats import TextFormat, java_pattern
from logdesk.settings import Settings

_FILE = LINE_FILE
_REASON_VALUE_CHARS = 100


def read_text_inputs(
    spark: SparkSession, files: Sequence[InputFile], settings: Settings
) -> DataFrame:
    """STAGED rows of the plain-text files among `files` (others are ignored)."""
    groups: dict[TextFormat, list[InputFile]] = {}
    for f in files:
        if f.format == FORMAT_TEXT and f.text_format is not None:
            groups.setdefault(f.text_format, []).append(f)
    frames = [_read_group(spark, fmt, group, settings) for fmt, group in groups.items()]
    return union_staged(spark, frames)


def _read_group(
    spark: SparkSession, fmt: TextFormat, files: list[InputFile], settings: Settings
) -> DataFrame:
    lookup = FileLookup(files, spark)
    lines = read_lines(spark, files)
    # (?s): Java's `.` stops at \u2028 and \u0085 where Python's (used for detection) does not
    pattern = "(?s)^(?:" + java_pattern(fmt.pattern) + ")"
    text = F.regexp_replace(F.col("value"), "^\ufeff", "")  # a UTF-8 BOM on the first line
    # ANSI colours (coloured console output saved to a file) are not part of the text: removed
    # from every line, as detection removed them from the head (file_head.text_lines)
    text = F.when(text.contains("\x1b"), F.regexp_replace(text, ANSI_ESCAPE, "")).otherwise(text)
    # blank = whitespace only (tabs too, as detection's str.strip() sees it), not just spaces
    no_data = F.col("text").rlike(r"^\s*$")
    if fmt.skip:
        # anchored as detection anchors it (re.match): a data line holding "#" is data
        no_data = no_data | F.col("text").rlike("^(?:" + java_pattern(fmt.skip) + ")")
    if fmt.multiline or fmt.partial:
        # Folding needs the file's lines in order: the window that sorts them numbers them too.
        in_order = Window.partitionBy(_FILE).orderBy(LINE_BLOCK, LINE_ROW_ID)
        line = F.row_number().over(in_order).cast("long")
        if lookup.has_line_offsets:
            line = line + lookup.line_offset(F.col(_FILE))
        numbered = lines.select(F.col(_FILE), LINE_BLOCK, LINE_ROW_ID, text.alias("text"), line.alias("line"))
        data = numbered.where(~no_data).withColumn("_match", F.col("text").rlike(pattern))
        if fmt.partial:
            # pieces are joined within their stream (piece's group 1): a stderr line written
            # between two pieces of a stdout line does not cut it
            data = data.withColumn("_key", _piece_key(fmt))
            in_order = Window.partitionBy(_FILE, "_key").orderBy(LINE_BLOCK, LINE_ROW_ID)
            starts = _piece_starts(fmt, in_order)
        else:
            starts = F.col("_match")
        records = _fold(data.withColumn("_start", starts), in_order, _piece_regex(fmt))
        return to_staged(_stage(records, fmt, pattern, lookup, settings, exact_lines=True))
    # One record per line, where it is read; blank and skipped lines stay (BLANK_FORMAT) so
    # that the copy can number every line from its position.
    data = lines.select(
        F.col(_FILE), LINE_BLOCK, LINE_ROW_ID, text.alias("text"), F.lit(None).cast("long").alias("line")
    ).select("*", no_data.alias("_blank"), F.col("text").rlike(pattern).alias("_match"))
    return to_staged(_stage(_one_line(data), fmt, pattern, lookup, settings, exact_lines=False))


def _piece_regex(fmt: TextFormat) -> str | None:
    """What starts each piece of a `partial` format's lines, anchored (None for others)."""
    return "^(?:" + java_pattern(fmt.piece) + ")" if fmt.partial and fmt.piece else None


def _piece_key(fmt: TextFormat) -> Column:
    """A partial format's line -> its stream (`piece`'s group 1; "" without one), null for a
    line that is no piece (those always start a row of their own)."""
    text, piece = F.col("text"), _piece_regex(fmt) or "^"
    return F.when(text.rlike(piece), F.regexp_extract(text, piece, 1) if fmt.piece else F.lit(""))


def _piece_starts(fmt: TextFormat, in_stream) -> Column:
    """True where a line starts a row: every line but a piece that continues the partial line
    before it in its stream (`in_stream`: the window of the file's lines of one `_key`)."""
    partial = F.col("text").rlike("^(?:" + java_pattern(fmt.partial or "") + ")")
    continues = (
        F.coalesce(F.lag(partial).over(in_stream), F.lit(False))
        & F.col("_match")
        & F.col("_key").isNotNull()
    )
    return ~continues


def _one_line(data: DataFrame) -> DataFrame:
    """Every data line is its own record (or malformed)."""
    extra = [c for c in ("_blank", LINE_BLOCK, LINE_ROW_ID) if c in data.columns]
    return data.select(
        _FILE,
        "line",
        F.col("text").alias("first"),
        F.lit(None).cast("string").alias("tail"),
        F.lit(None).cast("string").alias("_raw"),
        F.lit(0).cast("long").alias("continuation_lines"),
        F.when(~F.col("_match"), F.lit("orphan")).alias("_why"),
        *extra,
    )


def _fold(data: DataFrame, in_order, piece: str | None = None) -> DataFrame:
    """Continuation lines joined to the record that starts before them. `in_order` is the
    window (file, lines in order) the lines were numbered in: the same sort serves here.
    `piece` (a partial format's): the continuing lines are pieces of the record's first line,
    each without its `piece` prefix, joined to it without a line break (`first` is then the
    whole logical line, `_raw` the lines as written)."""
    upto = in_order.rowsBetween(Window.unboundedPreceding, Window.currentRow)
    # Most records are one line (the next line starts another record); only the others and
    # their continuation lines go through the grouping.
    keyed = data.select(
        "*",
        F.max(F.when(F.col("_start"), F.col("line"))).over(upto).alias("_record"),
        F.coalesce(F.lead("_start").over(in_order), F.lit(True)).alias("_next_starts"),
    )
    alone = F.col("_start") & F.col("_next_starts")
    single = _one_line(keyed.where(alone).drop(LINE_BLOCK, LINE_ROW_ID))
    # lines before the first record of the file stay alone (and malformed)
    rest = keyed.where(~alone).withColumn(
        "_record", F.coalesce(F.col("_record"), -F.col("line"))
    )
    parts = F.sort_array(F.collect_list(F.struct("line", "text", "_match")))
    grouped = rest.groupBy(_FILE, "_record").agg(parts.alias("_parts"))
    first = F.col("_parts")[0]
    later = F.slice(F.col("_parts"), 2, 1 << 30)
    lines = F.array_join(F.transform(later, lambda p: p["text"]), "\n")
    n = F.size(F.col("_parts"))
    if piece is None:
        text, tail, raw = first["text"], F.when(n > 1, lines), F.lit(None).cast("string")
    else:
        rest_of_line = F.transform(later, lambda p: F.regexp_replace(p["text"], piece, ""))
        text = F.concat(first["text"], F.array_join(rest_of_line, ""))
        tail = F.lit(None).cast("string")
        raw = F.when(n > 1, F.concat_ws("\n", first["text"], lines))
    multi = grouped.select(
        _FILE,
        first["line"].alias("line"),
        text.alias("first"),
        tail.alias("tail"),
        raw.alias("_raw"),
        (n - 1).cast("long").alias("continuation_lines"),
        F.when(~first["_match"], F.lit("orphan")).alias("_why"),
    )
    return single.unionByName(multi)


_FIELDS = ("ts", "date", "time", "level", "status", "pri", "message", "service", "ip", "endpoint")
_GROUP_SEP = "\u0001"  # between the groups of one match; a control character logs do not hold


def _all_groups(first: Column, pattern: str, numbers: list[int]) -> Column:
    """The numbered groups of ONE match of `pattern` on `first`, as an array (in `numbers`
    order). regexp_extract would run the whole pattern again for every group, which made the
    pattern the most expensive part of reading an access log; the match replaced by its
    groups joined with a separator takes one run. Only meaningful where the pattern matches
    (records; a line that does not match is malformed before its fields are looked at)."""
    replacement = _GROUP_SEP.join(f"${n}" for n in numbers)
    return F.split(F.regexp_replace(first, pattern + ".*", replacement), _GROUP_SEP, -1)


def _group(groups: Column, position: dict[int, int], numbers: list[int]) -> Column:
    """The first non-empty of the numbered groups, trimmed; null when none."""
    values = [F.trim(F.try_element_at(groups, F.lit(position[i]))) for i in numbers]
    candidates = [F.when(v != "", v) for v in values]
    if not candidates:
        return F.lit(None).cast("string")
    return candidates[0] if len(candidates) == 1 else F.coalesce(*candidates)


def _stage(
    records: DataFrame, fmt: TextFormat, pattern: str, lookup: FileLookup, settings: Settings,
    exact_lines: bool,
) -> DataFrame:
    first = F.col("first")
    used = sorted({n for name in _FIELDS for n in fmt.field_groups(name)})
    position = {n: i + 1 for i, n in enumerate(used)}

    def field(name: str) -> Column:
        return _group(F.col("_g"), position, fmt.field_groups(name))

    ts_text = field("ts")
    date, time_ = fmt.field_groups("date"), fmt.field_groups("time")
    if not fmt.field_groups("ts") and date and time_:
        d, t = field("date"), field("time")
        ts_text = F.when(d.isNotNull() & t.isNotNull(), F.concat_ws(" ", d, t))
    raw_level: Column = field("level")
    if fmt.field_groups("status"):
        raw_level = F.coalesce(raw_level, field("status"))
    if fmt.field_groups("pri"):
        pri = field("pri").try_cast("int")
        raw_level = F.coalesce(raw_level, (pri % 8).cast("string"))
    head = field("message") if fmt.field_groups("message") else F.trim(first)
    message = F.when(F.col("tail").isNotNull(), F.concat_ws("\n", head, F.col("tail"))).otherwise(
        head
    )
    file_col = F.col(_FILE)
    groups = _all_groups(first, pattern, used) if used else F.array().cast("array<string>")
    located = lookup.locate(records.select("*", groups.alias("_g")), _FILE)
    texts = located.select(
        "*",
        lookup.source_file(file_col).alias("source_file"),
        lookup.mtime().alias("_mtime"),
        ts_text.alias("_ts_text"),
        raw_level.alias("raw_level"),
        F.when(message != "", message).alias("message"),
        head.alias("_head"),
        field("service").alias("service"),
        field("ip").alias("ip"),
        field("endpoint").alias("endpoint"),
    )
    ts = file_timestamps(F.col("_ts_text"), F.col("_mtime"), lookup, fmt)
    level = _level(F.col("raw_level"), fmt, settings)
    parsed = texts.select("*", ts.alias("_ts"), level.alias("_level"))
    orphan_reason = (
        f"line before the first {fmt.name} record"
        if fmt.multiline
        else f"does not match the {fmt.name} format"
    )
    reason = (
        F.when(F.col("_why") == "orphan", F.lit(orphan_reason))
        .when(F.col("_ts_text").isNull(), F.lit("missing timestamp"))
        .when(
            F.col("_ts").isNull(),
            F.concat(
                F.lit("unparseable timestamp: "),
                F.substring(F.col("_ts_text"), 1, _REASON_VALUE_CHARS),
            ),
        )
        .when(F.col("message").isNull(), F.lit("empty message"))
    )
    judged = parsed.select("*", reason.alias("malformed_reason"))
    raw = F.coalesce(
        F.col("_raw"),
        F.when(F.col("tail").isNotNull(), F.concat_ws("\n", "first", "tail")),
        F.col("first"),
    )
    return staged_from_judged(
        judged,
        locators=None if exact_lines else line_locators(lookup),
        blank=None if exact_lines else F.col("_blank"),
        fmt=F.lit(fmt.name),
        # the record's own line, not its stack trace: one error, one type, whatever the call path
        text_to_mask=F.coalesce(F.col("_head"), F.lit("")),
        raw=raw,
        continuation_lines=F.col("continuation_lines"),
    )


def _level(raw_level: Column, fmt: TextFormat, settings: Settings) -> Column:
    """The configured mapping; an HTTP status is ERROR for 5xx, WARN for 4xx, else INFO."""
    mapped = normalize_level(raw_level, settings.level_mapping)
    if not fmt.field_groups("status") or fmt.field_groups("level"):
        return mapped
    status = raw_level.try_cast("int")
    return (
        F.when(status.between(500, 599), F.lit("ERROR"))
        .when(status.between(400, 499), F.lit("WARN"))
        .when(status.isNotNull(), F.lit("INFO"))
        .otherwise(mapped)
    )


__all__ = ["read_text_inputs"]
