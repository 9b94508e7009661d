"""Template mining (logdesk.engine.mining) on hand-counted inputs: every expected template is
worked out by hand from the rules in the module docstring, not by restating the algorithm."""

from __future__ import annotations

import random

from logdesk.engine.mining import mine_templates, shape


def test_variable_words_merge_and_constant_words_stay_apart():
    types = [
        # one event, the user varies: 3 values in 3 records is not "few" (3 * 2 > 3)
        "User alice failed login from <ip>",
        "User bob failed login from <ip>",
        "User carol failed login from <ip>",
        # refused / reset: 2 values in 4 records (2 * 2 <= 4) are constants; then the users
        # (2 values in 2 records) are not
        "Connection refused by auth for user alice",
        "Connection refused by auth for user bob",
        "Connection reset by auth for user carol",
        "Connection reset by auth for user dave",
        # same length and first word, agreeing on 2 of 6 positions: split apart
        "Failed to open <path> for writing",
        "Failed to connect to <ip> now",
        # a first token holding a mask is a variable (syslog program[pid]:)
        "nginx[<num>]: segfault at <hex> error <num>",
        "php-fpm[<num>]: segfault at <hex> error <num>",
        "Disk full on <path>",
    ]
    assert mine_templates(types) == {
        "User alice failed login from <ip>": "User <*> failed login from <ip>",
        "User bob failed login from <ip>": "User <*> failed login from <ip>",
        "User carol failed login from <ip>": "User <*> failed login from <ip>",
        "Connection refused by auth for user alice": "Connection refused by auth for user <*>",
        "Connection refused by auth for user bob": "Connection refused by auth for user <*>",
        "Connection reset by auth for user carol": "Connection reset by auth for user <*>",
        "Connection reset by auth for user dave": "Connection reset by auth for user <*>",
        "Failed to open <path> for writing": "Failed to open <path> for writing",
        "Failed to connect to <ip> now": "Failed to connect to <ip> now",
        "nginx[<num>]: segfault at <hex> error <num>": "<*> segfault at <hex> error <num>",
        "php-fpm[<num>]: segfault at <hex> error <num>": "<*> segfault at <hex> error <num>",
        "Disk full on <path>": "Disk full on <path>",
    }


def test_record_counts_tell_constants_from_variables():
    # seen once each, two words cannot be told from a variable: merged, as Drain does
    assert mine_templates(["Link error", "Link ok"]) == {"Link error": "Link <*>", "Link ok": "Link <*>"}
    # seen by many records each, they are constants: kept apart
    apart = {"Link error": "Link error", "Link ok": "Link ok"}
    assert mine_templates({"Link error": 13, "Link ok": 2}) == apart
    # an iterable counts each occurrence as a record
    assert mine_templates(["Link error", "Link ok", "Link ok", "Link error"]) == apart


def test_more_than_three_values_are_a_variable_whatever_the_counts():
    four = {f"Session closed for {u}": 40 for u in ("cyrus", "news", "test", "root")}
    assert set(mine_templates(four).values()) == {"Session closed for <*>"}
    three = {f"Session closed for {u}": 40 for u in ("cyrus", "news", "test")}
    assert mine_templates(three) == {t: t for t in three}


def test_the_split_position_has_the_fewest_values_then_is_leftmost():
    # 6 records: position 2 has 3 values (3 * 2 <= 6), position 3 has 2: position 3 wins;
    # then each half has 3 values in 3 records: not few, merged
    types = [f"Svc {s} {state}" for s in ("a", "b", "c") for state in ("on", "off")]
    assert mine_templates(types) == {
        "Svc a off": "Svc <*> off", "Svc b off": "Svc <*> off", "Svc c off": "Svc <*> off",
        "Svc a on": "Svc <*> on", "Svc b on": "Svc <*> on", "Svc c on": "Svc <*> on",
    }


def test_groups_split_until_values_are_not_few():
    # 16 types, one record each: splits on position 2 (16 records), 3 (8), 4 (4); position 5
    # has 2 values in 2 records and becomes <*>
    types = [
        f"Mode {a} {b} {c} {d}"
        for a in ("red", "blue") for b in ("up", "down") for c in ("left", "right") for d in ("hot", "cold")
    ]
    result = mine_templates(types)
    assert result["Mode red up left hot"] == "Mode red up left <*>"
    assert result["Mode blue down right cold"] == "Mode blue down right <*>"
    assert len(set(result.values())) == 8
    # two records each: position 5 too has 2 values in 4 records, every type is a template
    assert mine_templates({t: 2 for t in types}) == {t: t for t in types}


def test_digit_and_mask_tokens_are_never_constants_but_numbered_names_are():
    # id101 / id202 hold numbers: a variable, whose shared shape stays in the template
    assert mine_templates({"Job id101 done": 3, "Job id202 done": 3}) == {
        "Job id101 done": "Job id<*> done", "Job id202 done": "Job id<*> done",
    }
    # eth0 / eth1 are names (a word and a short number): 2 values in 6 records, constants
    assert mine_templates({"Link up on eth0": 3, "Link up on eth1": 3}) == {
        "Link up on eth0": "Link up on eth0", "Link up on eth1": "Link up on eth1",
    }


def test_dissimilar_types_split_by_shape():
    # one token each, agreeing on 0 of 1 positions: split by shape (the masks aside)
    assert mine_templates(["onStep=<num>", "onExtend:<num>", "onStep=<hex>"]) == {
        "onExtend:<num>": "onExtend:<num>",
        "onStep=<hex>": "onStep=<*>",
        "onStep=<num>": "onStep=<*>",
    }


def test_shape_masks_variable_parts():
    assert shape("node-<num>") == "node-<*>"
    assert shape("eth0:") == "eth<*>:"
    assert shape("<ip>:<num>") == "<*>:<*>"
    assert shape("<num><hex>42") == "<*>"
    assert shape("word") == "word"


def test_none_zero_counts_and_order_do_not_matter():
    types = ["Cache redis evicted <num> keys", "Cache redis evicted all keys", "Disk full"]
    expected = {
        "Cache redis evicted <num> keys": "Cache redis evicted <*> keys",
        "Cache redis evicted all keys": "Cache redis evicted <*> keys",
        "Disk full": "Disk full",
    }
    assert mine_templates(types) == expected
    assert mine_templates(iter([None, *reversed(types), None])) == expected
    assert mine_templates({**{t: 1 for t in types}, "Gone": 0}) == expected
    assert mine_templates([]) == {} and mine_templates([None]) == {}
    assert mine_templates([""]) == {"": ""}


def test_the_result_depends_only_on_the_multiset():
    rng = random.Random(7)
    words = ["alpha", "beta", "gamma", "error", "failed", "user", "disk", "<num>", "<ip>", "x1"]
    types = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 5))) for _ in range(300)]
    first = mine_templates(types)
    shuffled = list(types)
    rng.shuffle(shuffled)
    assert mine_templates(shuffled) == first
    from collections import Counter

    assert mine_templates(Counter(types)) == first
    assert len(set(first.values())) < len(set(types))
