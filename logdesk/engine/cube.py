"""The cube's building blocks in Spark: time buckets, level indexes, dimension keys; and
build_cube, which aggregates a DataFrame of records into a Cube the way a run does (through
engine/partials.py and cache/merge.py).
"""

from __future__ import annotations

import math

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from logdesk.results import LEVELS, MISSING_KEY, Cube
from logdesk.settings import Settings

HOUR_SECONDS = 3600
# Longest sample message kept per error type (they are shown in tables, not read in full).
SAMPLE_MAX_CHARS = 500



def bucket_seconds_for(trend_window_seconds: int) -> int:
    """Cube bucket length for a trend window: the longest length dividing both the window and
    an hour, so buckets never straddle an hour and every trend window is whole buckets
    (5m -> 5m, 1h/6h/1d -> 1h, 90m -> 30m)."""
    return math.gcd(int(trend_window_seconds), HOUR_SECONDS)


def bucket_start(ts: Column, bucket_seconds: int) -> Column:
    """Epoch seconds of the start of the bucket holding `ts`.

    Buckets divide the local hour of the session time zone. Working from the minute and
    second of the local wall clock (not from a truncated wall time converted back) keeps the
    repeated hour at a DST fall-back apart, and suits zones such as +05:30 or +05:45."""
    into_hour = F.minute(ts) * 60 + F.second(ts)
    return F.unix_seconds(ts) - into_hour % F.lit(bucket_seconds)


def level_index(level: Column) -> Column:
    """Index into LEVELS; anything else counts as UNKNOWN so no record is lost."""
    expr = F.when(level == LEVELS[0], F.lit(0))
    for i, name in enumerate(LEVELS[1:], start=1):
        expr = expr.when(level == name, F.lit(i))
    return expr.otherwise(F.lit(LEVELS.index("UNKNOWN"))).cast("tinyint")


def dimension_key(value: Column) -> Column:
    """The cube key of a dimension value: MISSING_KEY for null or blank."""
    return F.coalesce(F.when(F.trim(value) != "", value), F.lit(MISSING_KEY))


def build_cube(records: DataFrame, settings: Settings) -> Cube:
    """Aggregate parsed records (STAGED_SCHEMA, ts not null) into a Cube, through the same
    partial aggregates and merge as a run (engine/partials.py, cache/merge.py).

    The session time zone must already be settings.time_zone: buckets follow its wall clock."""
    from logdesk.engine.cache.merge import merge_partials
    from logdesk.engine.partials import FILE_ID, PART, RECORDS, facts_frame, patterns_frame

    session_zone = records.sparkSession.conf.get("spark.sql.session.timeZone")
    if session_zone != settings.time_zone:
        raise ValueError(
            f"Spark session time zone is {session_zone!r} but settings say "
            f"{settings.time_zone!r}; set spark.sql.session.timeZone before reading records"
        )
    bucket_seconds = bucket_seconds_for(settings.analytics.trend_window_seconds)
    copy = records.select("*", F.lit(0).alias(FILE_ID), F.lit(RECORDS).alias(PART))
    facts = facts_frame(copy, bucket_seconds).toArrow()
    patterns = patterns_frame(copy).toArrow()
    return merge_partials([facts], [patterns], bucket_seconds, settings.time_zone).cube
