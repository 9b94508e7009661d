"""JSON-lines dialects whose fields need more than a key name (used by json_reader.py).

Plain keys that mean one thing wherever they appear are aliases (EXTRA_ALIASES, appended to the
reader's own). A key that is too short or too common to be trusted alone is read only with the
key that marks its dialect (the rules below):
  Docker json-file   {"log": "...\\n", "stream": "stderr", "time": ...}: the stream is no level
                     (stderr carries plain output too); a level only when the log text starts
                     with one (formats.systems.leading_level, as for docker compose and CRI)
  systemd journal    `journalctl -o json`: __REALTIME_TIMESTAMP (epoch microseconds, as a
                     string), MESSAGE, PRIORITY (syslog severity 0-7: the mapping's "0".."7"),
                     SYSLOG_IDENTIFIER or _COMM as service. _HOSTNAME has no staged column (the
                     text syslog formats drop their host the same way).
  Rust tracing JSON  timestamp, level, fields.message; target (a Rust module path) as service
  MongoDB 4.4+       t.$date, s (F E W I D1..D5), c (component) as service, msg; s and c only
                     when t.$date is there
"""

from __future__ import annotations

from collections.abc import Callable

from pyspark.sql import Column
from pyspark.sql import functions as F

from logdesk.engine.formats.model import java_pattern
from logdesk.engine.formats.systems import leading_level

# role -> keys after the reader's aliases ("a.b": flat key "a.b", else b inside object a)
# (the timestamp's keys, journald's and MongoDB's too, are discover.JSON_TIMESTAMP_ALIASES:
# discovery samples them for the file's layout)
EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "level": ("PRIORITY",),
    "message": ("fields.message",),
    "service": ("SYSLOG_IDENTIFIER", "_COMM", "attrs.tag"),
}

# keys the rules below read besides the aliases; "stream" only tells a Docker line
RULE_KEYS: tuple[str, ...] = ("stream", "log", "target", "s", "c", "t.$date")

_RUST_PATH = r"^[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z0-9_]+)*$"
_MONGO_SEVERITY = r"^(?:[FEWI]|D[1-5]?)$"
_LEADING = "^" + java_pattern(leading_level("level"))  # groups 1 (word) and 2 (klog letter)


def raw_level(value: Callable[[str], Column], aliased: Column) -> Column:
    """The raw level: the aliases' (`aliased`), else a MongoDB severity, else the level a
    Docker line's text starts with. `value(key)` is a key's trimmed text (null when absent)."""
    mongo = F.when(value("t.$date").isNotNull() & value("s").rlike(_MONGO_SEVERITY), value("s"))
    log = value("log")
    lead = F.coalesce(
        *[F.when(F.regexp_extract(log, _LEADING, i) != "", F.regexp_extract(log, _LEADING, i))
          for i in (1, 2)]
    )
    docker = F.when(value("stream").isNotNull() & ~log.startswith("{"), lead)
    return F.coalesce(aliased, mongo, docker)


def level_key(raw: Column) -> Column:
    """What the level mapping looks up for `raw`: MongoDB's debug verbosities D1..D5 are D."""
    return F.when(raw.rlike(r"^D[1-5]$"), F.lit("D")).otherwise(raw)


def service(value: Callable[[str], Column], aliased: Column) -> Column:
    """The service: the aliases', else a MongoDB component, else a tracing target."""
    mongo = F.when(value("t.$date").isNotNull(), value("c"))
    target = F.when(value("target").rlike(_RUST_PATH), value("target"))
    return F.coalesce(aliased, mongo, target)


def epoch_digits(text: Column) -> Column:
    """Epoch microseconds (16 digits, journald) and nanoseconds (19) as seconds with a fraction,
    which the generic parser reads; other text unchanged."""
    return F.when(
        text.rlike(r"^\d{16}(?:\d{3})?$"),
        F.concat(F.substring(text, 1, 10), F.lit("."), F.substring(text, 11, 9)),
    ).otherwise(text)


__all__ = ["EXTRA_ALIASES", "RULE_KEYS", "epoch_digits", "level_key", "raw_level", "service"]
