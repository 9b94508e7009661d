"""JSON-lines files -> STAGED rows: one JSON object per non-blank line, parsed or malformed.

Lines come from spark.read.text (gzip and bzip2 by file name; large plain files split across
tasks), numbered exactly with line_numbers.with_line_numbers; blank lines are skipped but count
for the numbers of the lines after them. Each line is parsed once with from_json against an
explicit all-string schema of just the keys we look for: Spark keeps a nested object or a number
as its JSON text, so `{"log":{"level":"error"}}` is reached with get_json_object on the `log`
text, and a flat dotted key (`{"log.level":"error"}`, as ECS writes it) is simply a field name.

A field is looked up by the first alias present (JSON_FIELD_ALIASES, which extends the CSV
aliases); an alias "a.b" tries the flat key "a.b" and then the nested path a -> b. Dialects that
need more than a key name (Docker json-file, journald, Rust tracing, MongoDB) are in
json_fields.py.

What Spark 4.3 does here (checked by tests/engine/test_json_reader.py):
- Field names match case-sensitively, so `MESSAGE` and `message` are different aliases.
- A line that is not JSON, or JSON but not an object (array, string, number, null), lands in the
  corrupt-record column; trailing text after a whole object is ignored by the parser, so such a
  line is also checked to end with `}`.
- A JSON number read as a string keeps its text, except a fraction, which comes out in scientific
  notation (1709633472.5 -> "1.7096334725E9"); timestamps undo that before parsing.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from logdesk.engine.column_cache import cached_columns
from pyspark.sql.types import StringType, StructField, StructType

from logdesk.engine.discover import (
    COLUMN_ALIASES,
    FORMAT_JSONL,
    JSON_TIMESTAMP_ALIASES,
    InputFile,
)
from logdesk.engine.levels import normalize_level
from logdesk.engine.readers import json_fields
from logdesk.engine.schema import LOCATOR_COLUMNS
from logdesk.engine.readers.common import (
    LINE_BLOCK,
    LINE_FILE,
    LINE_ROW_ID,
    read_lines,
    staged_from_judged,
    to_staged,
)
from logdesk.engine.readers.file_lookup import (
    FileLookup,
    file_timestamps,
    line_locators,
)
from logdesk.settings import Settings

_FILE, _LINE_TEXT = LINE_FILE, "_line_text"
_PARSED, _CORRUPT = "_json", "_corrupt_json"
_REASON_VALUE_CHARS = 100  # how much of a bad timestamp the reason quotes


def _with_extra(role: str, *extra: str) -> tuple[str, ...]:
    extra += json_fields.EXTRA_ALIASES.get(role, ())
    return COLUMN_ALIASES[role] + tuple(
        dict.fromkeys(a for a in extra if a not in COLUMN_ALIASES[role])
    )


# Staged column -> JSON keys that feed it, in order of preference: the CSV aliases first, then
# the spellings JSON loggers use (pino/bunyan `time`, `msg`, `name`; ECS dotted keys; journald
# MESSAGE; logstash @message). "a.b" means the flat key "a.b", else key b inside object a.
JSON_FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "timestamp": JSON_TIMESTAMP_ALIASES,  # discovery samples its values for their layout
    "level": _with_extra(
        "level", "log.level", "levelname", "Level", "LEVEL", "@l", "@fields.lvl", "@fields.level"
    ),
    # last, for access logs as JSON that have no message (Cloudflare's Logpush, nginx's
    # escape=json log_format): the request's path, as a text access log's message is its request
    "message": _with_extra(
        "message", "@message", "MESSAGE", "Message", "@m", "@mt", "@fields.msg",
        "@fields.message", "log", "ClientRequestURI", "request.uri",
    ),
    # req.*: what pino-http / bunyan request serializers write
    "ip": _with_extra(
        "ip", "client.ip", "source.ip", "remote_ip", "req.ip", "req.remoteAddress", "ClientIP"
    ),
    "service": _with_extra(
        "service", "service.name", "fields.service", "name", "log.logger", "logger_name"
    ),
    "endpoint": _with_extra(
        "endpoint", "url.path", "http.url", "request_uri", "req.path", "req.url",
        "ClientRequestURI", "request.uri",
    ),
}

# Numeric levels as bunyan and pino write them, turned into names before the configured mapping
# (whose "0".."7" are syslog severities and keep working).
NUMERIC_LEVEL_NAMES: dict[str, str] = {
    "10": "TRACE",
    "20": "DEBUG",
    "30": "INFO",
    "40": "WARN",
    "50": "ERROR",
    "60": "FATAL",
}

NOT_JSON_OBJECT_REASON = "not a JSON object"
INVALID_JSON_REASON = "invalid JSON"


def read_jsonl_inputs(
    spark: SparkSession, files: Sequence[InputFile], settings: Settings
) -> DataFrame:
    """STAGED rows of the JSON-lines files among `files` (others are ignored): one row per
    line (blank ones as BLANK_FORMAT rows), numbered later from the locator columns."""
    jsonl = [f for f in files if f.format == FORMAT_JSONL]
    if not jsonl:
        raise ValueError("read_jsonl_inputs needs at least one JSON-lines file")
    lookup = FileLookup(jsonl, spark)
    lines = read_lines(spark, jsonl)
    # Spark's text source keeps a line's bytes as they are: invalid UTF-8 would reach the
    # malformed rows' raw text (and crash the run when it comes to Python) -> U+FFFD
    value = F.make_valid_utf8(F.col("value"))
    # a UTF-8 byte order mark is read as part of the first line
    text = F.when(value.startswith("\ufeff"), F.substring(value, 2, 1 << 30)).otherwise(value)
    file_col = F.col(_FILE)
    # blank lines stay, as BLANK_FORMAT rows: the copy numbers every line from its position
    located = lines.select(
        text.alias(_LINE_TEXT),
        F.lit(None).cast("long").alias("line"),
        # blank = whitespace only (tabs too, as in the text reader), after a BOM
        text.rlike(r"^\s*$").alias("_blank"),
        F.col(LINE_BLOCK),
        F.col(LINE_ROW_ID),
        file_col,
    )
    located = lookup.locate(located, _FILE)
    parsed = located.select(
        F.col(_LINE_TEXT),
        F.col("line"),
        F.col("_blank"),
        *line_locators(lookup),
        lookup.source_file(file_col).alias("source_file"),
        lookup.mtime().alias("_mtime"),
        *lookup.carried,
        F.from_json(
            F.col(_LINE_TEXT),
            _PARSE_SCHEMA,
            {"mode": "PERMISSIVE", "columnNameOfCorruptRecord": _CORRUPT},
        )
        .cast(_POSITIONAL_SCHEMA)
        .alias(_PARSED),
    )
    return to_staged(_stage(parsed, settings, lookup))


# every key or path read: the aliases, then the ones only json_fields' rules read
_READ = list(
    dict.fromkeys([*(a for v in JSON_FIELD_ALIASES.values() for a in v), *json_fields.RULE_KEYS])
)


def _parse_keys() -> list[str]:
    """Every top-level key read (_READ): flat dotted keys and the parents of nested paths."""
    return list(dict.fromkeys(k for alias in _READ for k in (alias, alias.split(".", 1)[0])))


_KEYS = _parse_keys()
# from_json matches keys case-sensitively, but Spark resolves a struct field by name
# case-insensitively ("Timestamp" vs "timestamp" would be ambiguous): so the parsed struct is
# cast to positional names, and fields are referred to by those.
_PARSE_SCHEMA = StructType([StructField(k, StringType()) for k in [*_KEYS, _CORRUPT]])
_POSITIONAL_SCHEMA = StructType(
    [StructField(f"_k{i}", StringType()) for i in range(len(_PARSE_SCHEMA.fields))]
)


def _field(key: str) -> Column:
    return F.col(_PARSED).getField(f"_k{[*_KEYS, _CORRUPT].index(key)}")


def _text(col: Column) -> Column:
    """Without surrounding whitespace (line breaks too: Docker's `log` ends in one); null when
    nothing is left."""
    trimmed = F.btrim(col, F.lit(" \t\r\n"))
    return F.when(trimmed != "", trimmed)


def _scalar(col: Column) -> Column:
    """A value that is not an object or array (those come as their JSON text)."""
    return F.when(~(col.startswith("{") | col.startswith("[")), col)


# keys other aliases look into ("log" of "log.level"): their objects are containers, not values
_PARENT_KEYS = frozenset(
    a.split(".", 1)[0] for aliases in JSON_FIELD_ALIASES.values() for a in aliases if "." in a
)
_NESTED = [a for a in _READ if "." in a]


def _value_name(alias: str, nested: bool = False) -> str:
    return f"_n{_NESTED.index(alias)}" if nested else f"_v{_KEYS.index(alias)}"


@cached_columns
def _alias_values() -> list[Column]:
    """Every alias's trimmed text as its own column (_v<key>, _n<nested path>), computed once:
    the role lookups then only pick among them, which keeps the generated code small."""
    flat = [_text(_field(k)).alias(_value_name(k)) for k in _KEYS]
    nested = []
    for alias in _NESTED:
        parent, path = alias.split(".", 1)
        value = _text(F.get_json_object(_field(parent), f"$.{path}"))
        nested.append(value.alias(_value_name(alias, nested=True)))
    return flat + nested


@cached_columns
def _lookup(role: str) -> Column:
    """The first alias of `role` with a non-blank value (from _alias_values). An object or array
    (given as its JSON text) counts only as a message, and not under a container key such as
    `log`, which is the message in Docker's `{"log": "..."}` but holds `level` in ECS."""
    values: list[Column] = []
    for alias in JSON_FIELD_ALIASES[role]:
        keep_objects = role == "message" and alias not in _PARENT_KEYS
        names = [_value_name(alias)] + ([_value_name(alias, nested=True)] if "." in alias else [])
        for name in names:
            values.append(F.col(name) if keep_objects else _scalar(F.col(name)))
    return F.coalesce(*values)


def _value(key: str) -> Column:
    """One key's (or nested path's) trimmed text from _alias_values, for json_fields' rules."""
    names = [_value_name(key)] + ([_value_name(key, nested=True)] if "." in key else [])
    return F.coalesce(*[F.col(name) for name in names])


@cached_columns
def _raw_level() -> Column:
    return json_fields.raw_level(_value, _lookup("level"))


@cached_columns
def _service() -> Column:
    return json_fields.service(_value, _lookup("service"))


@cached_columns
def _timestamp_text(col: Column) -> Column:
    """Undo the scientific notation Spark gives a fractional JSON number (epoch seconds); epoch
    micro- and nanoseconds as seconds (json_fields.epoch_digits)."""
    scientific = col.rlike(r"^\d(?:\.\d+)?E\d+$")
    plain = col.try_cast("decimal(24,6)").cast("string")
    plain = F.regexp_replace(F.regexp_replace(plain, r"0+$", ""), r"\.$", "")
    return json_fields.epoch_digits(F.when(scientific, plain).otherwise(col))


@cached_columns
def _level_name(raw_level: Column) -> Column:
    names = F.create_map(
        *[F.lit(x) for pair in sorted(NUMERIC_LEVEL_NAMES.items()) for x in pair]
    )
    key = json_fields.level_key(raw_level)
    return F.coalesce(F.try_element_at(names, key), key)


def _stage(df: DataFrame, settings: Settings, lookup: FileLookup) -> DataFrame:
    # In steps, each costly column computed once and referenced by name afterwards (see csv_reader)
    line_text = F.col(_LINE_TEXT)
    passed = [line_text, F.col("line"), F.col("_blank"), *[F.col(c) for c in LOCATOR_COLUMNS],
              F.col("source_file"), F.col("_mtime"), *map(F.col, lookup.carried)]
    values = df.select(*passed, _field(_CORRUPT).alias("_corrupt"), *_alias_values())
    texts = values.select(
        *passed,
        F.col("_corrupt"),
        _lookup("timestamp").alias("_ts_text"),
        _raw_level().alias("raw_level"),
        _lookup("message").alias("message"),
        _service().alias("service"),
        _lookup("ip").alias("ip"),
        _lookup("endpoint").alias("endpoint"),
    )
    # The plain-number text in a step of its own: the per-file layouts refer to their input once
    # per layout, and Spark copies an expression, not a column, into each of those branches (on
    # a folder with many layouts the generated code outgrew Java's 64 KB method limit).
    numbers = texts.select("*", _timestamp_text(F.col("_ts_text")).alias("_ts_plain"))
    parsed = numbers.select(
        "*",
        # in the layout discovery found in the file's head (InputFile.timestamp_layout), the
        # generic chain for the rest
        file_timestamps(F.col("_ts_plain"), F.col("_mtime"), lookup).alias("_ts"),
        normalize_level(_level_name(F.col("raw_level")), settings.level_mapping).alias("_level"),
    )
    trimmed = F.trim(line_text)
    is_object = (
        F.col("_corrupt").isNull() & trimmed.startswith("{") & trimmed.endswith("}")
    )
    ts_text, ts, message = F.col("_ts_text"), F.col("_ts"), F.col("message")
    reason = (
        F.when(~trimmed.startswith("{"), F.lit(NOT_JSON_OBJECT_REASON))
        .when(~is_object, F.lit(INVALID_JSON_REASON))
        .when(ts_text.isNull(), F.lit("missing timestamp"))
        .when(
            ts.isNull(),
            F.concat(
                F.lit("unparseable timestamp: "), F.substring(ts_text, 1, _REASON_VALUE_CHARS)
            ),
        )
        .when(message.isNull(), F.lit("missing message"))
    )
    judged = parsed.select("*", reason.alias("malformed_reason"))
    return staged_from_judged(
        judged, fmt=F.lit(FORMAT_JSONL), text_to_mask=message, raw=line_text,
        locators=[F.col(c) for c in LOCATOR_COLUMNS], blank=F.col("_blank"),
    )


__all__ = [
    "INVALID_JSON_REASON",
    "JSON_FIELD_ALIASES",
    "NOT_JSON_OBJECT_REASON",
    "NUMERIC_LEVEL_NAMES",
    "read_jsonl_inputs",
]
