"""Raw level text -> one of results.LEVELS, through the configured mapping."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import chain

from pyspark.sql import Column
from pyspark.sql import functions as F
from logdesk.engine.column_cache import cached_columns

UNKNOWN_LEVEL = "UNKNOWN"


@cached_columns
def normalize_level(raw_col: Column, mapping: Mapping[str, str]) -> Column:
    """Trim and upper-case the raw level and look it up in `mapping` (keys upper-case, e.g.
    Settings.level_mapping). Null, empty and unmapped levels become "UNKNOWN": a level we do
    not know is reported as such, never guessed and never dropped."""
    key = F.upper(F.trim(raw_col))
    if not mapping:
        return F.lit(UNKNOWN_LEVEL)
    # upper-casing may fold two keys together; a Spark map literal refuses duplicate keys
    pairs = sorted({str(k).strip().upper(): str(v) for k, v in mapping.items()}.items())
    lookup = F.create_map(*[F.lit(x) for x in chain.from_iterable(pairs)])
    return F.coalesce(F.try_element_at(lookup, key), F.lit(UNKNOWN_LEVEL))


__all__ = ["UNKNOWN_LEVEL", "normalize_level"]
