"""normalize_level: configured mapping, case and blanks, UNKNOWN for the rest."""

from __future__ import annotations

from pyspark.sql import functions as F

from logdesk.engine.levels import normalize_level
from logdesk.settings import Settings

CASES = [
    ("ERROR", "ERROR"),
    ("error", "ERROR"),
    ("  Warning ", "WARN"),
    ("warn", "WARN"),
    ("INFO", "INFO"),
    ("notice", "INFO"),
    ("TRACE", "DEBUG"),
    ("d", "DEBUG"),
    ("fatal", "CRITICAL"),
    ("Emerg", "CRITICAL"),
    ("SEVERE", "ERROR"),
    ("0", "CRITICAL"),
    ("2", "CRITICAL"),
    ("3", "ERROR"),
    ("4", "WARN"),
    ("5", "INFO"),
    ("6", "INFO"),
    ("7", "DEBUG"),
    ("8", "UNKNOWN"),
    ("BANANA", "UNKNOWN"),
    ("", "UNKNOWN"),
    ("   ", "UNKNOWN"),
    (None, "UNKNOWN"),
    ("ERROR!", "UNKNOWN"),  # never guessed
]


def _normalize(spark, values, mapping):
    df = spark.createDataFrame([(i, v) for i, v in enumerate(values)], "i int, raw string")
    rows = df.select("i", normalize_level(F.col("raw"), mapping).alias("level")).collect()
    return [r.level for r in sorted(rows, key=lambda r: r.i)]


def test_default_mapping(spark):
    got = _normalize(spark, [raw for raw, _ in CASES], Settings().level_mapping)
    assert list(zip([raw for raw, _ in CASES], got)) == CASES


def test_custom_mapping_keys_are_matched_case_insensitively(spark):
    mapping = {"Oops": "ERROR", "OOPS": "ERROR", "hmm": "WARN"}  # two keys fold to one
    got = _normalize(spark, ["oops", "HMM", "error", None], mapping)
    assert got == ["ERROR", "WARN", "UNKNOWN", "UNKNOWN"]


def test_empty_mapping_gives_unknown(spark):
    assert _normalize(spark, ["ERROR"], {}) == ["UNKNOWN"]
