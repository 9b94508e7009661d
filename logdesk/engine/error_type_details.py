"""Per error type details for RunResult: count, first/last seen, a few services, one sample.

One small aggregate over the (filtered, template-mapped) records; only one row per error type
reaches the driver.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from logdesk.engine.cube import SAMPLE_MAX_CHARS, dimension_key
from logdesk.results import ERROR_LEVELS, ErrorTypeInfo

# Services listed per error type (alphabetically first ones); service_count has them all.
MAX_SERVICES = 5


def error_type_details(records: DataFrame, time_zone: str) -> tuple[ErrorTypeInfo, ...]:
    """Error types of the ERROR/CRITICAL records, most frequent first, then by template."""
    services = F.array_sort(F.collect_set(F.when(F.trim(F.col("service")) != "", F.col("service"))))
    rows = (
        records.where(F.col("level").isin(*sorted(ERROR_LEVELS)))
        .groupBy(dimension_key(F.col("error_type")).alias("template"))
        .agg(
            F.count(F.lit(1)).alias("count"),
            F.unix_millis(F.min("ts")).alias("first_ms"),
            F.unix_millis(F.max("ts")).alias("last_ms"),
            services.alias("services"),
            # the smallest message, as the cube's sample, so identical runs agree
            F.substring(F.min("message"), 1, SAMPLE_MAX_CHARS).alias("sample"),
        )
        .select(
            "template", "count", "first_ms", "last_ms",
            F.slice("services", 1, MAX_SERVICES).alias("services"),
            F.size("services").alias("service_count"),
            "sample",
        )
        .collect()
    )
    tz = ZoneInfo(time_zone)

    def at(ms: int) -> datetime:
        return datetime.fromtimestamp(ms / 1000, tz)

    infos = [
        ErrorTypeInfo(
            template=r["template"],
            count=int(r["count"]),
            first_seen=at(r["first_ms"]),
            last_seen=at(r["last_ms"]),
            services=tuple(r["services"]),
            service_count=int(r["service_count"]),
            sample=r["sample"] or "",
        )
        for r in rows
    ]
    return tuple(sorted(infos, key=lambda i: (-i.count, i.template)))


__all__ = ["MAX_SERVICES", "error_type_details"]
