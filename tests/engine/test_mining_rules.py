"""The mining rules beyond plain Drain/Brain (logdesk.engine.mining): dotted first tokens,
skeletons of glued `name(args)` / `key=value` tokens, and positions that stay variable once a
group has shown them to be. Each expected grouping is worked out by hand from the module
docstring; the comments give the steps."""

from __future__ import annotations

import random
from collections import Counter

from logdesk.engine.mining import mine_templates


def test_a_dotted_first_token_is_a_variable():
    # one key for all four (dotted first tokens); position 1 has 4 values: not constants
    jobs = {
        "com.apple.cache.daily: run this job now": 5,
        "com.apple.safari.update: run this job now": 3,
        "org.mozilla.sync: run this job now": 2,
        "net.example.tick: run this job now": 1,
    }
    assert mine_templates(jobs) == {t: "<*> run this job now" for t in jobs}
    # still a position like any other: 2 values in 8 records are constants
    two = {"com.a.x: started": 4, "com.b.y: started": 4}
    assert mine_templates(two) == {t: t for t in two}
    # a plain word first token keeps its own key (Drain's first level), however many
    words = {f"{w} (command <num>)": 1 for w in ("boot", "wait", "halt", "sync")}
    assert mine_templates(words) == {t: t for t in words}


def test_call_skeletons_split_and_the_users_stay_variable():
    types = {
        "session opened for user cyrus by (uid=<num>)": 40,
        "session opened for user news by (uid=<num>)": 40,
        "session opened for user test by (uid=<num>)": 30,
        "session opened for user root by LOGIN(uid=<num>)": 1,
    }
    # the last position holds masks, so no constant words, but every value is a call:
    # skeletons `()` and `LOGIN()`, 2 in 111 records: split there. The user position had 4
    # values in a group agreeing on 5 of 7 positions: it stays variable in the parts
    three = "session opened for user <*> by (uid=<num>)"
    assert mine_templates(types) == {
        "session opened for user cyrus by (uid=<num>)": three,
        "session opened for user news by (uid=<num>)": three,
        "session opened for user test by (uid=<num>)": three,
        "session opened for user root by LOGIN(uid=<num>)": "session opened for user root by LOGIN(uid=<num>)",
    }
    # on their own, 3 users in 110 records are constants (Brain's rule): each is a template
    alone = {t: c for t, c in types.items() if "root" not in t}
    assert mine_templates(alone) == {t: t for t in alone}


def test_a_call_skeleton_needs_every_value_to_be_a_call():
    # `<ip>,` is no call: no skeleton split; the group agrees on 3 of 4 positions: one group
    types = {"synchronized to <ip>, stratum <num>": 50, "synchronized to LOCAL(<num>), stratum <num>": 1}
    assert mine_templates(types) == {t: "synchronized to <*> stratum <num>" for t in types}


def test_key_value_skeletons_tell_an_empty_value_and_other_keys_apart():
    # `rhost=<ip>` holds a mask: no constant words; skeletons `rhost=<*>` and `rhost=`, 2 in
    # 16 records: split. The non-empty part keeps its key in the template
    types = {
        "auth failure; tty=ssh rhost=<ip>": 10,
        "auth failure; tty=ssh rhost=host.example.com": 5,
        "auth failure; tty=ssh rhost=": 1,
    }
    assert mine_templates(types) == {
        "auth failure; tty=ssh rhost=<ip>": "auth failure; tty=ssh rhost=<*>",
        "auth failure; tty=ssh rhost=host.example.com": "auth failure; tty=ssh rhost=<*>",
        "auth failure; tty=ssh rhost=": "auth failure; tty=ssh rhost=",
    }
    # keys `mode=` and `level=`, 2 in 9 records: split; `mode=<num>` and `mode=fast` share a
    # skeleton and the part agrees on 1 of 2 positions (not fewer than half): one group
    keys = {"set mode=<num>": 3, "set mode=fast": 3, "set level=<num>": 3}
    assert mine_templates(keys) == {
        "set mode=<num>": "set mode=<*>",
        "set mode=fast": "set mode=<*>",
        "set level=<num>": "set level=<num>",
    }
    # one key, word values: the constant-word rule as before (2 values in 2 records: merged)
    users = ["login user=alice", "login user=bob"]
    assert mine_templates(users) == {t: "login user=<*>" for t in users}


def test_a_mixed_group_does_not_make_its_positions_variable():
    # one key (first tokens hold masks); position 1 has 4 values, but the group agrees on 0 of
    # 2 positions: it splits by shape on position 0 (2 shapes) and passes nothing on, so each
    # part's 2 words in 10 records are constants
    types = {"[<num>] connected": 5, "[<num>] disconnected": 5, "pid<num>: started": 5, "pid<num>: stopped": 5}
    assert mine_templates(types) == {t: t for t in types}


def test_the_new_rules_depend_only_on_the_multiset():
    rng = random.Random(11)
    words = [
        "user", "failed", "root", "alice", "<num>", "<ip>", "(uid=<num>)", "LOGIN(uid=<num>)",
        "rhost=", "rhost=<ip>", "key=value", "com.apple.x:", "org.y.z:", "by",
    ]
    types = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 5))) for _ in range(400)]
    first = mine_templates(types)
    shuffled = list(types)
    rng.shuffle(shuffled)
    assert mine_templates(shuffled) == first
    assert mine_templates(Counter(types)) == first
    assert mine_templates(dict(reversed(Counter(types).most_common()))) == first
