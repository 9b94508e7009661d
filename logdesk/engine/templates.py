"""Masked error types -> mined templates, in the spirit of Drain, with Spark built-ins only;
and with_templates, which maps a DataFrame's masked types to a run's templates.

Runs mine with engine/mining.py, the plain-Python port of this, on the driver (the distinct
types are a small set, and a run answered from the cache has no Spark); this Spark version is
the reference the port is tested against (tests/engine/test_mining_python.py).

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



WILDCARD = "<*>"
# Drain's similarity threshold: a group agreeing on fewer positions than this share is split.
MIN_AGREEMENT = 0.5
SPLIT_ROUNDS = 3
# A token holding a digit or a mask (<num>, <ip>, web-<num>, nginx[<num>]:) is variable-looking:
# never a group key.
_VARIABLE_LOOKING = r"[0-9]|<[a-z*]+>"
_KEY_SEP = "\u0001"  # joins key parts; never in a masked message (control chars are text)


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
    "mine_templates",
    "with_templates",
]
