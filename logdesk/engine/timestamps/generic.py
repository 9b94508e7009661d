"""Timestamp text -> TimestampType with Spark built-ins only.

The generic chain: each accepted form has a regex gate and a parser; `coalesce` stops at the first branch that
yields a value, so the common ISO form costs one regex test and one cast. A gate matters:
Spark's string->timestamp cast alone accepts "2024" or "12345" as a year.

Accepted (surrounding [ ] are ignored):
  2024-03-05 10:11:12 / 2024-03-05T10:11:12  fraction .123 or ,123 (1-9 digits, micro precision),
      zone Z, z, UTC, GMT, +02, +0200, +02:00 or none; also date only (midnight).
      Digits past microseconds are cut off, in epoch seconds too.
  2024/03/05 10:11:12          (same tail as ISO)
  03/05/2024 10:11:12          (month first, US style; same tail as ISO)
  05/Mar/2024:10:11:12 +0200   (Apache access log; zone optional)
  Mar  5 10:11:12              (syslog; year inferred from the file's modification time)
  Tue Mar  5 10:11:12 2024     (ctime; the weekday is ignored)
  1709633472[.123]             (epoch seconds, 10 digits)
  1709633472123                (epoch milliseconds, 13 digits)
Naive times are read in the session time zone (spark.sql.session.timeZone).
"""

from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F
from logdesk.engine.column_cache import cached_columns
from logdesk.engine.timestamps.patterns import is_dateless

_TIME_TAIL = (
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?\s*(?:Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?"
)
_ISO = r"^\d{4}-\d{1,2}-\d{1,2}" + _TIME_TAIL + "$"
# the spellings Spark's cast takes as they are: the common case, one regex test and a cast
_ISO_AS_IS = r"^\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$"
_YMD_SLASH = r"^(\d{4})/(\d{1,2})/(\d{1,2})(?=[T ]|$)"
_MDY_SLASH = r"^(\d{1,2})/(\d{1,2})/(\d{4})(?=[T ]|$)"
_APACHE = r"^\d{1,2}/[A-Za-z]{3}/\d{4}:\d{2}:\d{2}:\d{2}(?: [+-]\d{4})?$"
_SYSLOG = r"^[A-Za-z]{3} \d{1,2} \d{1,2}:\d{2}:\d{2}$"
_CTIME = r"^[A-Za-z]{3} [A-Za-z]{3} \d{1,2} \d{1,2}:\d{2}:\d{2} \d{4}$"
_EPOCH_SECONDS = r"^\d{10}(?:\.\d{1,9})?$"
_EPOCH_MILLIS = r"^\d{13}$"

# A syslog time may be at most this far after the file's mtime before we take the previous
# year: clocks and mtimes disagree a little, but a log is not written a day before its lines.
_SYSLOG_FUTURE_SLACK = "INTERVAL 1 DAY"


def _iso_cast(iso_text: Column) -> Column:
    """ISO-like text (already gated) -> timestamp via Spark's cast, after the spellings the cast
    does not take: a comma before the fraction, a UTC/GMT zone word, a lower-case z."""
    text = F.regexp_replace(iso_text, r"(:\d{2}),(\d)", "$1.$2")
    text = F.regexp_replace(text, r"\s*(?:UTC|GMT|z)$", "Z")
    return text.try_cast("timestamp")


def _epoch_seconds(text: Column) -> Column:
    # at most 6 fraction digits: under ANSI, timestamp_seconds fails on a decimal finer than that
    micro_text = F.regexp_extract(text, r"^\d{10}(?:\.\d{1,6})?", 0)
    return F.timestamp_seconds(micro_text.try_cast("decimal(16,6)"))


def _syslog(text: Column, file_mtime: Column) -> Column:
    return _yearless(text, "MMM d HH:mm:ss", file_mtime)


def _yearless(text: Column, pattern: str, file_mtime: Column) -> Column:
    """A time without a year, in the year of the file's mtime, or the year before when that
    would put it after the mtime (a log written in December, read in January)."""
    year = F.year(file_mtime)

    def in_year(y: Column) -> Column:
        return F.try_to_timestamp(F.concat_ws(" ", y.cast("string"), text), F.lit(f"yyyy {pattern}"))

    this_year = in_year(year)
    too_late = this_year > file_mtime + F.expr(_SYSLOG_FUTURE_SLACK)
    return F.when(too_late, in_year(year - 1)).otherwise(this_year)


def dateless_timestamp(text: Column, pattern: str, file_mtime: Column) -> Column:
    """A time of day alone (`pattern` has no date letters), on the date of the file's mtime (in
    the session time zone, as the text is read), or the day before when it is later than the
    mtime's time of day (a file written just after midnight: its earlier lines are yesterday's)."""
    day = F.to_date(file_mtime)

    def on(d: Column) -> Column:
        dated = F.concat_ws(" ", F.date_format(d, "yyyy-MM-dd"), text)
        return F.try_to_timestamp(dated, F.lit(f"yyyy-MM-dd {pattern}"))

    today = on(day)
    return F.when(today > file_mtime, on(F.date_sub(day, 1))).otherwise(today)


@cached_columns
def parse_with_pattern(
    text_col: Column, pattern: str, file_mtime_col: Column, yearless: bool = False
) -> Column:
    """Timestamp text in a known Spark datetime `pattern` (a text format's own); yearless: the
    text has no year, which comes from the file's modification time; a pattern without a date
    (HH:mm:ss) takes the date of that time (dateless_timestamp). Falls back to the generic
    parser for text the pattern does not take, and is null when neither does."""
    text = F.trim(text_col)
    if is_dateless(pattern):  # strace -t / -tt: a time of day
        exact = dateless_timestamp(text, pattern, file_mtime_col)
    elif yearless:
        exact = _yearless(text, pattern, file_mtime_col)
    else:
        exact = F.try_to_timestamp(text, F.lit(pattern))
    return F.coalesce(exact, parse_timestamp(text, file_mtime_col))


@cached_columns
def parse_timestamp(text_col: Column, file_mtime_col: Column) -> Column:
    """Timestamp text -> TimestampType, null when empty or no known form matches.

    `file_mtime_col` is the file's modification time (TimestampType); it only supplies the year
    of syslog-style times that carry none.
    """
    trimmed = F.trim(text_col)
    text = F.when(
        trimmed.startswith("["), F.trim(F.regexp_replace(trimmed, r"^\[(.*)\]$", "$1"))
    ).otherwise(trimmed)
    spaced = F.regexp_replace(text, r"\s+", " ")  # syslog pads the day with a second space
    ymd = F.regexp_replace(text, _YMD_SLASH, "$1-$2-$3")
    mdy = F.regexp_replace(text, _MDY_SLASH, "$3-$1-$2")
    # Fast path for the usual yyyy-MM-dd… text: two character checks instead of a regex (the
    # cast itself rejects what is not a timestamp; a bare year never has '-' at 5 and 8).
    looks_iso = (F.substring(text, 5, 1) == "-") & (F.substring(text, 8, 1) == "-")
    return F.coalesce(
        F.when(looks_iso, text.try_cast("timestamp")),
        F.when(text.rlike(_ISO_AS_IS), text.try_cast("timestamp")),
        F.when(text.rlike(_ISO), _iso_cast(text)),
        F.when(text.rlike(_EPOCH_SECONDS), _epoch_seconds(text)),
        F.when(text.rlike(_EPOCH_MILLIS), F.timestamp_millis(text.try_cast("bigint"))),
        F.when(text.rlike(_YMD_SLASH) & ymd.rlike(_ISO), _iso_cast(ymd)),
        F.when(text.rlike(_MDY_SLASH) & mdy.rlike(_ISO), _iso_cast(mdy)),
        F.when(text.rlike(_APACHE), F.try_to_timestamp(text, F.lit("d/MMM/yyyy:HH:mm:ss[ Z]"))),
        F.when(spaced.rlike(_SYSLOG), _syslog(spaced, file_mtime_col)),
        F.when(
            spaced.rlike(_CTIME),
            F.try_to_timestamp(F.substring(spaced, 5, 64), F.lit("MMM d HH:mm:ss yyyy")),
        ),
    )


__all__ = ["dateless_timestamp", "parse_timestamp", "parse_with_pattern"]
