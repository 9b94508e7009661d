"""Masked types -> mined templates, in plain Python (standard library only).

Drain/Brain-like mining over the multiset of masked types ({masked type: record count}).
logdesk.engine.error_types has already masked the obvious variables (numbers, ids, addresses,
paths, times), so what is left to find are variable *words* (user names, host names) and
constant words that tell two events apart (`Link ok` / `Link error`).

1. Tokens are `masked.split(" ")` (masking collapses whitespace). Types start in one group per
   token count and first token: Drain's first two tree levels. A first token holding a digit
   or a mask is a variable, and so is a dotted name (`com.apple.xpc.launchd:`, `rpc.statd`:
   bundle, package, host and class names, which vary as the emitter does): all such types
   share one key (`nginx[<num>]:`, `<ip>:`) and are told apart by the positions that follow.
2. A group is split, again and again, on one position at a time (the candidate with the
   fewest values, then the leftmost, as IPLoM), until no position qualifies:
   - constant words: 2..MAX_CONSTANTS distinct values, none holding a digit or a mask, and
     at least FEW_RECORDS records per value. Brain's insight is that constants take few
     values while variables take many; record counts add that a word seen once cannot be
     told from a variable (three users, one record each, are one event; `Link ok` and
     `Link error` seen 13 times each are two). On loghub, 3 values is where user names start.
   - or constant skeletons of glued tokens, when every value at the position is a call
     `name(args)` or a `key=value`: the name, the key and whether the value is empty are the
     constant part, the arguments and the value the variable part. `by LOGIN(uid=<num>)` and
     `by (uid=<num>)` part (2 skeletons: `LOGIN()` and `()`), as do `rhost=` and `rhost=<ip>`;
     `user=alice` and `user=bob` do not (one skeleton `user=<*>`, and the words are few only
     as words). The same count rule applies to skeletons as to words.
   - or dissimilar types: the group agrees (one value) on fewer than MIN_AGREEMENT of its
     positions, Drain's similarity threshold. The position is then split by token *shape*
     (masks and digit runs as `<*>`): `setSteps=<num>` and `setDay=<num>` part, while
     `node-<num>` and `node-<hex>` stay together.
   A word ending in a short number (ssh2, eth0:, SOCKS5) is a name, not a digit-holding
   variable: interface and protocol names are constants as often as not.
   A position a group has shown to be variable (more than MAX_CONSTANTS values) stays variable
   in the group's parts, as a wildcard stays one down Drain's tree: splitting `session opened
   for user {cyrus,news,test,root} by ...` on its last position must not make three of the
   users constants. Only groups whose types are similar (agreeing on at least MIN_AGREEMENT of
   their positions) pass this on: a mixed group (the first-token wildcard key) has many
   values at positions that are constants in each of its events.
3. In each final group, positions with one value are kept, positions with one shape keep the
   shape (`node-<*>`), positions of one key with values keep the key (`rhost=<*>`), the others
   become `<*>`.

Only counts are used, never an order of arrival: the result is a function of the multiset.
Given distinct types without counts (a set), each counts one record, and words are then
constants only when few relative to the number of types.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

WILDCARD = "<*>"
# Drain's similarity threshold: a group agreeing on fewer positions than this share is split.
MIN_AGREEMENT = 0.5
# A position of words with this many distinct values or fewer holds constants (Brain's rule)...
MAX_CONSTANTS = 3
# ... when its group has at least this many records per value (a word seen once is no constant)
FEW_RECORDS = 2
# the variable parts of a token: masks (<num>, <ip>, <*>) and digit runs
_VARIABLE_PART = re.compile(r"<[a-z*]+>|[0-9]+")
# a word with a short number glued at its end is a name (ssh2, eth0:, SOCKS5), not a value
_NUMBERED_NAME = re.compile(r"[A-Za-z][A-Za-z_\-]*[0-9]{1,2}[:,.;)]?")
# a dotted name (com.apple.xpc.launchd:, rpc.statd, org.foo.Bar): as a first token, a variable
_DOTTED = re.compile(r"[A-Za-z0-9_]\.[A-Za-z0-9_]")
# glued tokens with a constant skeleton: a call name(args) (the name may be absent) and a
# key=value (the value may be empty); names and keys hold no digit
_CALL = re.compile(r"([A-Za-z_][A-Za-z_\-]*|)\(.*\)[,.:;]?")
_KEY_VALUE = re.compile(r"([A-Za-z_][A-Za-z_.\-]*=)(.*)")

_WILDCARD_RUN = re.compile(r"(?:<\*>)+")

Tokens = tuple[str, ...]


def shape(token: str) -> str:
    """token with masks and digit runs as `<*>`; runs of them collapse into one."""
    return _WILDCARD_RUN.sub(WILDCARD, _VARIABLE_PART.sub(WILDCARD, token))


def _is_variable_looking(token: str) -> bool:
    """A mask or a digit, except in a word ending in a short number (ssh2, eth0:, SOCKS5)."""
    return _VARIABLE_PART.search(token) is not None and _NUMBERED_NAME.fullmatch(token) is None


def _skeleton(token: str) -> str | None:
    """The constant part of a glued token: `LOGIN()` for `LOGIN(uid=<num>)`, `()` for
    `(uid=<num>)`, `rhost=<*>` for `rhost=<ip>`, `rhost=` for `rhost=`; None for other tokens."""
    call = _CALL.fullmatch(token)
    if call is not None:
        return call.group(1) + "()"
    key_value = _KEY_VALUE.fullmatch(token)
    if key_value is not None:
        return key_value.group(1) + (WILDCARD if key_value.group(2) else "")
    return None


# how a group is split at its position: by the whole token, by its shape, by its skeleton
_BY_VALUE, _BY_SHAPE, _BY_SKELETON = "value", "shape", "skeleton"
_SPLIT_KEY = {_BY_VALUE: lambda token: token, _BY_SHAPE: shape, _BY_SKELETON: _skeleton}


def _skeletons(values: set[str]) -> set[str] | None:
    """the values' skeletons, or None when a value has none."""
    skeletons = set()
    for value in values:
        skeleton = _skeleton(value)
        if skeleton is None:
            return None
        skeletons.add(skeleton)
    return skeletons


def _few(values: set[str], records: int) -> bool:
    """2..MAX_CONSTANTS values with FEW_RECORDS records per value: constants, by Brain's rule."""
    return 2 <= len(values) <= MAX_CONSTANTS and len(values) * FEW_RECORDS <= records


def _split_position(
    group: list[Tokens], n: int, counts: Mapping[Tokens, int], variable: frozenset[int]
) -> tuple[tuple[int, str] | None, frozenset[int]]:
    """((0-based position, how) the group splits on, or None; the positions its parts must
    keep variable). variable: the positions an enclosing group has shown to be variable."""
    records = sum(counts[t] for t in group)
    raw = [{t[p] for t in group} for p in range(n)]
    agreement = sum(1 for values in raw if len(values) == 1) / n
    candidates = []
    for p, values in enumerate(raw):
        if len(values) >= 2:
            if p not in variable and _few(values, records) and not any(map(_is_variable_looking, values)):
                candidates.append((len(values), p, _BY_VALUE))
                continue
            skeletons = _skeletons(values)
            if skeletons is not None and _few(skeletons, records):
                candidates.append((len(skeletons), p, _BY_SKELETON))
                continue
        if agreement < MIN_AGREEMENT:
            shapes = len({shape(v) for v in values})
            if shapes >= 2:
                candidates.append((shapes, p, _BY_SHAPE))
    if agreement >= MIN_AGREEMENT:
        variable = variable | {p for p, values in enumerate(raw) if len(values) > MAX_CONSTANTS}
    return (min(candidates)[1:] if candidates else None), variable


def _final_groups(group: list[Tokens], n: int, counts: Mapping[Tokens, int]) -> list[list[Tokens]]:
    """group split until no part has a split position."""
    done: list[list[Tokens]] = []
    todo: list[tuple[list[Tokens], frozenset[int]]] = [(group, frozenset())]
    while todo:
        group, variable = todo.pop()
        split, variable = _split_position(group, n, counts, variable)
        if split is None:
            done.append(group)
            continue
        p, how = split
        key = _SPLIT_KEY[how]
        parts: dict[str | None, list[Tokens]] = {}
        for tokens in group:
            parts.setdefault(key(tokens[p]), []).append(tokens)
        todo.extend((part, variable) for part in parts.values())
    return done


def _template(group: list[Tokens], n: int) -> Tokens:
    template = []
    for p in range(n):
        values = {t[p] for t in group}
        template.append(next(iter(values)) if len(values) == 1 else _variable_template(values))
    return tuple(template)


def _variable_template(values: set[str]) -> str:
    """the values' one shape (`node-<*>`), or their one key (`rhost=<*>`), or `<*>`."""
    shapes = {shape(v) for v in values}
    if len(shapes) == 1:
        return next(iter(shapes))
    skeletons = _skeletons(values) or set()
    keys = {k for k in skeletons if k.endswith("=" + WILDCARD)}
    return next(iter(keys)) if len(skeletons) == 1 and keys else WILDCARD


def _counted(types: Mapping[str, int] | Iterable[str | None]) -> Counter[str]:
    if isinstance(types, Mapping):
        return Counter({t: int(c) for t, c in types.items() if t is not None and c > 0})
    return Counter(t for t in types if t is not None)


def mine_templates(types: Mapping[str, int] | Iterable[str | None]) -> dict[str, str]:
    """Masked types -> template, for every type.

    types: a mapping {masked type: record count} (what runs should pass), or an iterable of
    masked types in which each occurrence counts one record. None and counts < 1 are ignored."""
    start: dict[tuple[int, str], list[Tokens]] = {}
    counts: dict[Tokens, int] = {}
    for masked, count in _counted(types).items():
        tokens = tuple(masked.split(" "))
        counts[tokens] = count
        variable_first = _VARIABLE_PART.search(tokens[0]) or _DOTTED.search(tokens[0])
        first = WILDCARD if variable_first else tokens[0]
        start.setdefault((len(tokens), first), []).append(tokens)
    templates: dict[str, str] = {}
    for (n, _), members in start.items():
        for group in _final_groups(members, n, counts):
            template = " ".join(_template(group, n))
            for tokens in group:
                templates[" ".join(tokens)] = template
    return dict(sorted(templates.items()))


__all__ = ["FEW_RECORDS", "MAX_CONSTANTS", "MIN_AGREEMENT", "WILDCARD", "mine_templates", "shape"]
