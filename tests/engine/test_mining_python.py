"""The plain-Python template mining (logdesk.engine.mining) against the Spark one
(logdesk.engine.templates): hand-counted templates, then the same mapping as Spark on the
template tests' inputs, the labelled evaluation sample and seeded random types."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from logdesk.engine import mining
from logdesk.engine.mining import mine_templates

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "eval" / "templates_labelled.csv"


def spark_mined(spark, types: list[str]) -> dict[str, str]:
    from logdesk.engine.templates import mine_templates as spark_mine_templates

    frame = spark.createDataFrame([(t,) for t in types], "error_type string")
    return {r["error_type"]: r["template"] for r in spark_mine_templates(frame).collect()}


# -- hand-counted templates (no Spark) ------------------------------------------------------


def test_splits_stop_after_three_rounds():
    # 16 types, positions 2..5 with two values each: every round splits on the leftmost
    # (2, then 3, then 4); position 5 is never reached and becomes <*>
    types = [
        f"Mode {a} {b} {c} {d}"
        for a in ("red", "blue") for b in ("up", "down") for c in ("left", "right") for d in ("hot", "cold")
    ]
    result = mine_templates(types)
    assert len(result) == 16
    assert result["Mode red up left hot"] == "Mode red up left <*>"
    assert result["Mode blue down right cold"] == "Mode blue down right <*>"
    assert len(set(result.values())) == 8


def test_the_split_position_has_the_fewest_values_then_is_leftmost():
    # position 2 has 3 values, position 3 has 2 (both at most half of 6 types): 3 wins
    types = [f"Svc {s} {state}" for s in ("a", "b", "c") for state in ("on", "off")]
    assert mine_templates(types) == {
        "Svc a off": "Svc <*> off", "Svc b off": "Svc <*> off", "Svc c off": "Svc <*> off",
        "Svc a on": "Svc <*> on", "Svc b on": "Svc <*> on", "Svc c on": "Svc <*> on",
    }


def test_agreement_of_exactly_one_half_is_not_split():
    # 2 of 4 positions agree (0.5, not < 0.5); 2 values in 2 types is not "few": kept together
    assert mine_templates(["Task alpha done ok", "Task beta done fine"]) == {
        "Task alpha done ok": "Task <*> done <*>",
        "Task beta done fine": "Task <*> done <*>",
    }
    # 1 of 4 agrees: split on the leftmost two-valued position, each type is its own template
    assert mine_templates(["Task alpha failed ok", "Task beta done fine"]) == {
        "Task alpha failed ok": "Task alpha failed ok",
        "Task beta done fine": "Task beta done fine",
    }


def test_digit_positions_are_never_split_on():
    # agreement 1/3: position 2 holds digits, so position 3 splits
    assert mine_templates(["Job j1 x", "Job j2 y"]) == {"Job j1 x": "Job j1 x", "Job j2 y": "Job j2 y"}
    # no digit-free position left: one group
    assert mine_templates(["Job j1 x", "Job j2 x2"]) == {
        "Job j1 x": "Job <*> <*>", "Job j2 x2": "Job <*> <*>",
    }


def test_empty_tokens_count_like_spark_split():
    assert mine_templates(["a  b", "a x b", "a y b", "a b ", "a c ", "", " "]) == {
        "a  b": "a <*> b", "a x b": "a <*> b", "a y b": "a <*> b",  # ["a", "", "b"]
        "a b ": "a <*> ", "a c ": "a <*> ",  # ["a", "b", ""]: a trailing empty token
        "": "",
        " ": " ",  # ["", ""]
    }


def test_none_and_duplicates_are_ignored_and_order_does_not_matter():
    types = ["Cache redis evicted <num> keys", "Cache redis evicted all keys", "Disk full"]
    expected = {
        "Cache redis evicted <num> keys": "Cache redis evicted <*> keys",
        "Cache redis evicted all keys": "Cache redis evicted <*> keys",
        "Disk full": "Disk full",
    }
    assert mine_templates(types) == expected
    assert mine_templates(iter([None, *reversed(types), types[0], None])) == expected
    assert mine_templates([]) == {} and mine_templates([None]) == {}


# Group keys are "\u0001"-joined strings, as in Spark. They cannot collide, even with "\u0001"
# in tokens: a key's first token and split tokens are digit-free, and each split part starts
# with its position's digits. Spark and Python agree on such types (HAND_COUNTED_INPUTS).
KEY_SEP_IN_TOKENS = {
    # position 2 holds a digit, so the group splits on position 3 (agreement 1/3): all apart
    "a x\x013=t q": "a x\x013=t q",
    "a x\x013=t r": "a x\x013=t r",
    "a w s": "a w s",
    "a w u": "a w u",
    # a first token with a digit is a variable key (<*>); split on position 3 (2 values)
    "a\x012=x k t": "a\x012=x <*> t",
    "a\x012=x l t": "a\x012=x <*> t",
    "a\x012=x m v": "a\x012=x <*> v",
    "a\x012=x o v": "a\x012=x <*> v",
    # a digit-free first token holding the separator is a key of its own
    "a\x01 w s": "a\x01 w <*>",
    "a\x01 w u": "a\x01 w <*>",
}


def test_key_separator_in_tokens_changes_nothing():
    assert mine_templates(KEY_SEP_IN_TOKENS) == KEY_SEP_IN_TOKENS


# -- the same mapping as Spark ---------------------------------------------------------------

# the inputs of tests/engine/test_templates.py
TEMPLATE_TESTS_INPUTS = [
    [
        "User alice failed login from <ip>",
        "User bob failed login from <ip>",
        "User carol failed login from <ip>",
        "Connection refused by auth for user alice",
        "Connection refused by auth for user bob",
        "Connection reset by auth for user carol",
        "Connection reset by auth for user dave",
        "Failed to open <path> for writing",
        "Failed to connect to <ip> now",
        "nginx[<num>]: segfault at <hex> error <num>",
        "php-fpm[<num>]: segfault at <hex> error <num>",
        "Disk full on <path>",
    ],
    ["Job nightly failed: <str>", "Job hourly failed: <str>"],
    [f"Queue {q} is full, dropping message <uuid>" for q in ("emails", "exports", "payments")]
    + [f"Cache {c} unreachable at <ip>" for c in ("redis", "memcached")]
    + ["Cache redis evicted <num> keys", "Cache redis evicted all keys"],
    # the pipeline test's masked types
    [f"User {u} failed login from <ip>" for u in ("alice", "bob", "carol")] + ["Disk full on <path>"],
]


HAND_COUNTED_INPUTS = [
    list(KEY_SEP_IN_TOKENS),
    [f"Svc {s} {state}" for s in ("a", "b", "c") for state in ("on", "off")],
    ["Task alpha done ok", "Task beta done fine", "Task alpha failed ok", "Task beta done fine2"],
    ["Job j1 x", "Job j2 y", "Job j3 x3"],
    ["a  b", "a x b", "a y b", "a b ", "a c ", "", " ", "  ", " a", "a"],
]


@pytest.mark.parametrize(
    "types",
    TEMPLATE_TESTS_INPUTS + HAND_COUNTED_INPUTS,
    ids=[f"template_tests{i}" for i in range(len(TEMPLATE_TESTS_INPUTS))]
    + [f"hand_counted{i}" for i in range(len(HAND_COUNTED_INPUTS))],
)
def test_template_tests_and_hand_counted_inputs_match_spark(spark, types):
    assert mine_templates(types) == spark_mined(spark, types)


def _masked_sample_types(spark) -> list[str]:
    from pyspark.sql import functions as F

    from logdesk.engine.error_types import error_type

    labelled = spark.read.csv(str(SAMPLE), header=True, escape='"', multiLine=True)
    rows = labelled.select(error_type(F.col("message")).alias("t")).distinct().collect()
    return [r["t"] for r in rows if r["t"] is not None]


def test_labelled_sample_matches_spark(spark):
    types = _masked_sample_types(spark)
    assert len(types) > 100
    python = mine_templates(types)
    assert python == spark_mined(spark, types)
    assert len(set(python.values())) < len(types)  # mining did merge types


_WORDS = [
    "alpha", "beta", "gamma", "delta", "error", "failed", "timeout", "refused", "reset", "disk",
    "user", "auth", "cache", "queue", "open", "read", "write", "at", "on", "for",
]
_MASKS = ["<num>", "<ip>", "<path>", "<hex>", "<str>", "<*>", "web-<num>", "key=<*>"]
_FIRSTS = ["Error", "Failed", "Connection", "Job", "nginx[<num>]:", "x1", "<ip>", ""]


def random_types(seed: int, events: int = 60) -> list[str]:
    """Masked-looking types in events that share first tokens and lengths, with few-valued,
    all-distinct, digit, mask and empty positions."""
    rng = random.Random(seed)
    types: set[str] = set()
    for e in range(events):
        length = rng.randint(1, 7)
        first = rng.choice(_FIRSTS)
        kinds = [rng.choice(["const", "const", "few", "few", "distinct", "digit", "mask", "empty"])
                 for _ in range(length - 1)]
        pools = {
            p: rng.sample(_WORDS, rng.randint(2, 3)) if kind == "few" else [rng.choice(_WORDS)]
            for p, kind in enumerate(kinds)
        }
        for i in range(rng.randint(1, 12)):
            tokens = [first]
            for p, kind in enumerate(kinds):
                if kind in ("const", "few"):
                    tokens.append(rng.choice(pools[p]))
                elif kind == "distinct":  # one value per type, digit-free
                    tokens.append(pools[p][0] + "abcdefghijkl"[i])
                elif kind == "digit":
                    tokens.append(f"id{rng.randint(0, 30)}")
                elif kind == "mask":
                    tokens.append(rng.choice(_MASKS))
                else:
                    tokens.append("" if rng.random() < 0.8 else rng.choice(_WORDS))
            types.add(" ".join(tokens))
    return sorted(types)


def _split_depths(types: list[str]) -> set[int]:
    """The rounds in which some group of `types` splits (checks that the generator splits)."""
    typed, depths = mining._start_groups(types), set()
    for r in range(1, mining.SPLIT_ROUNDS + 1):
        typed = mining._split_round(typed)
        if any(not t.grp.endswith(mining._KEY_SEP) for t in typed):
            depths.add(r)
    return depths


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_types_match_spark_whatever_the_order(spark, seed):
    types = random_types(seed)
    assert len(types) > 200
    assert _split_depths(types) == {1, 2, 3}
    python = mine_templates(types)
    assert 20 < len(set(python.values())) < len(types)
    assert python == spark_mined(spark, types)
    shuffled = list(types)
    random.Random(seed + 100).shuffle(shuffled)
    assert mine_templates(shuffled) == python
    assert mine_templates(reversed(types)) == python
