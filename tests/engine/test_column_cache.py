"""engine/column_cache.py: the same builder call in one JVM gives the same Column; a different
argument (plain or Column) gives another; the cached Column works in a second DataFrame."""

from __future__ import annotations

from pyspark.sql import functions as F

from logdesk.engine.column_cache import cached_columns

calls: list[tuple] = []


@cached_columns
def _shout(col, suffix: str, mapping: dict):
    calls.append((suffix, tuple(mapping)))
    return F.concat(F.upper(col), F.lit(suffix + mapping.get("x", "")))


def test_same_arguments_same_column_other_arguments_another(spark):
    calls.clear()
    a = _shout(F.col("name"), "!", {"x": "1"})
    b = _shout(F.col("name"), "!", {"x": "1"})
    assert a is b and len(calls) == 1
    assert _shout(F.col("other"), "!", {"x": "1"}) is not a
    assert _shout(F.col("name"), "?", {"x": "1"}) is not a
    assert _shout(F.col("name"), "!", {"x": "2"}) is not a
    assert len(calls) == 4
    # one Column object serves two unrelated DataFrames
    first = spark.createDataFrame([("ab",)], "name string").select(a.alias("v")).collect()
    second = spark.createDataFrame([("cd",), ("e",)], "name string").select(b.alias("v")).collect()
    assert [r.v for r in first] == ["AB!1"]
    assert sorted(r.v for r in second) == ["CD!1", "E!1"]
