"""Masked error types -> mined templates, in the spirit of Drain, with Spark built-ins only.

The staged `error_type` is the message with numbers, ids, addresses and paths masked
(logdesk.engine.error_types): Drain's pre-processing step. Mining then works on the distinct
masked types (a small table), tokenized on single spaces:

1. Types of the same token count whose first token is the same start one group (a first token
   holding a digit is not a key: it is a variable). This is the first level of Drain's tree.
2. Two split rounds. In a group, a position is a split position when every value there is
   digit-free and either (a) it takes few values, at most half as many as the group has types
   (constant words shared by several types: "refused" / "reset" each seen with varying users),
   or (b) the group agrees on fewer than half of its positions (unrelated messages that only
   share a length and a first word). Types are regrouped by their tokens at split positions.
   A position where every type has its own value (a user name, a host) is never split on (a).
3. In each final group, positions with one value are constant; the others become `<*>`.

Everything is set-based (no order of arrival), so the same types always give the same
templates. Each round is one aggregation over the group table, three shuffles in all.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from logdesk.results import ERROR_LEVELS

WILDCARD = "<*>"
# Drain's similarity threshold: a group agreeing on fewer positions than this share is split.
MIN_AGREEMENT = 0.5
SPLIT_ROUNDS = 3
# A token holding a digit or a mask (<num>, <ip>, web-<num>, nginx[<num>]:) is variable-looking:
# never a group key.
_VARIABLE_LOOKING = r"[0-9]|<[a-z*]+>"
_KEY_SEP = "\u0001"  # joins key parts; never in a masked message (control chars are text)


def error_type_counts(records: DataFrame) -> DataFrame:
    """(error_type, records) of the ERROR/CRITICAL records with a type: the mining input."""
    return (
        records.where(F.col("level").isin(*sorted(ERROR_LEVELS)) & F.col("error_type").isNotNull())
        .groupBy("error_type")
        .agg(F.count(F.lit(1)).alias("records"))
    )


def _start_groups(types: DataFrame) -> DataFrame:
    tokens = F.split(F.col("error_type"), " ")
    first = F.element_at(tokens, 1)
    return types.select(
        "error_type",
        tokens.alias("tokens"),
        F.size(tokens).alias("n"),
        F.concat_ws(
            _KEY_SEP,
            F.size(tokens).cast("string"),
            F.when(first.rlike(_VARIABLE_LOOKING), F.lit(WILDCARD)).otherwise(first),
        ).alias("grp"),
    )


def _grouped(typed: DataFrame) -> DataFrame:
    """One row per group: its members and, per position, the number of distinct values."""
    return (
        typed.groupBy("grp", "n")
        .agg(F.collect_list(F.struct("error_type", "tokens")).alias("members"))
        .withColumn(
            "distinct",
            F.expr(
                "transform(sequence(1, n), p -> "
                "size(array_distinct(transform(members, m -> element_at(m.tokens, p)))))"
            ),
        )
        .withColumn(
            "variable_looking",
            F.expr(
                "transform(sequence(1, n), p -> "
                f"exists(members, m -> element_at(m.tokens, p) rlike '{_VARIABLE_LOOKING}'))"
            ),
        )
    )


def _split_round(typed: DataFrame) -> DataFrame:
    """typed (error_type, tokens, n, grp) regrouped by the tokens at its group's split positions."""
    groups = _grouped(typed).withColumn(
        "agreement",
        F.expr("size(filter(distinct, d -> d = 1)) / n"),
    )
    candidates = F.expr(
        "filter(sequence(1, n), p -> element_at(distinct, p) >= 2 "
        "AND NOT element_at(variable_looking, p) "
        f"AND (element_at(distinct, p) * 2 <= size(members) OR agreement < {MIN_AGREEMENT}))"
    )
    # the candidate with the fewest values (then the leftmost), as IPLoM splits: one per round
    split_positions = F.expr(
        "slice(transform(array_sort(transform(candidates, p -> struct(element_at(distinct, p) AS d, p AS p))), "
        "c -> c.p), 1, 1)"
    )
    return (
        groups.withColumn("candidates", candidates)
        .select("grp", "n", split_positions.alias("split"), F.explode("members").alias("m"))
        .select(
            F.col("m.error_type").alias("error_type"),
            F.col("m.tokens").alias("tokens"),
            "n",
            F.concat_ws(
                _KEY_SEP,
                F.col("grp"),
                F.concat_ws(_KEY_SEP, F.expr("transform(split, p -> concat(p, '=', element_at(m.tokens, p)))")),
            ).alias("grp"),
        )
    )


def mine_templates(types: DataFrame) -> DataFrame:
    """types: (error_type, ...) with distinct error_type values -> (error_type, template)."""
    typed = _start_groups(types.select("error_type").where(F.col("error_type").isNotNull()))
    for _ in range(SPLIT_ROUNDS):
        typed = _split_round(typed)
    template = F.expr(
        "array_join(transform(sequence(1, n), p -> CASE WHEN element_at(distinct, p) = 1 "
        f"THEN element_at(m.tokens, p) ELSE '{WILDCARD}' END), ' ')"
    )
    return (
        _grouped(typed)
        .select("n", "distinct", F.explode("members").alias("m"))
        .select(F.col("m.error_type").alias("error_type"), template.alias("template"))
    )


_MAPPING_SCHEMA = "error_type string, template string"


def apply_mined_templates(
    records: DataFrame, save_to: str | None = None
) -> tuple[DataFrame, frozenset[str]]:
    """Mine the templates of `records` (one small collected result: one row per distinct
    masked type) and return the records mapped to them, with the set of templates.

    save_to: a folder to keep the mapping in (Parquet), so that later reads of the staged
    records (records view, records export) show the same templates as the reports."""
    rows = mine_templates(error_type_counts(records)).collect()
    spark = records.sparkSession
    mapping = spark.createDataFrame(
        [(r["error_type"], r["template"]) for r in rows], _MAPPING_SCHEMA
    )
    if save_to:
        mapping.coalesce(1).write.mode("overwrite").parquet(save_to)
    return with_templates(records, mapping), frozenset(r["template"] for r in rows)


def with_templates(records: DataFrame, mapping: DataFrame) -> DataFrame:
    """records with error_type replaced by its mined template (broadcast join of a small map)."""
    cols = records.columns
    joined = records.join(F.broadcast(mapping), on="error_type", how="left")
    return joined.select(
        *(
            F.coalesce(F.col("template"), F.col("error_type")).alias("error_type")
            if c == "error_type"
            else F.col(c)
            for c in cols
        )
    )


__all__ = [
    "MIN_AGREEMENT",
    "WILDCARD",
    "apply_mined_templates",
    "error_type_counts",
    "mine_templates",
    "with_templates",
]
