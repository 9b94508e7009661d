"""Mined templates applied to a DataFrame of records: with_templates maps each record's masked
message to the run's template, and gives error records their error type (the same template).

The mining itself is logdesk.engine.mining, plain Python on the driver: it works on the
distinct masked messages, a small set, and a run answered from the cache has no Spark. (A Spark
built-in copy of the mining used to live here as a reference; keeping two implementations in
step cost more than it checked, so mining.py is the single implementation.)
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from logdesk.engine.mining import WILDCARD
from logdesk.results import ERROR_LEVELS


def with_templates(records: DataFrame, mapping: DataFrame | None) -> DataFrame:
    """records plus `template` (from `mapping`: masked, template; a broadcast join of a small
    table) and `error_type`. A masked message the mapping lacks is its own template."""
    columns = records.columns
    if mapping is not None:
        records = records.join(F.broadcast(mapping.withColumnRenamed("template", "_template")),
                               on="masked", how="left")
        template = F.coalesce(F.col("_template"), F.col("masked"))
    else:
        template = F.col("masked")
    template = F.when(F.trim(template) != "", template)
    return records.select(
        *columns,
        template.alias("template"),
        F.when(F.col("level").isin(*sorted(ERROR_LEVELS)), template).alias("error_type"),
    )


__all__ = ["WILDCARD", "with_templates"]
