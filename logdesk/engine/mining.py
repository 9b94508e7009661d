"""Masked types -> mined templates, in plain Python (standard library only).

Drain/Brain-like mining over the multiset of masked types ({masked type: record count}).
logdesk.engine.error_types has already masked the obvious variables (numbers, ids, addresses,
paths, times), so what is left to find are variable *words* (user names, host names) and
constant words that tell two events apart (`Link ok` / `Link error`).

1. Tokens are `masked.split(" ")` (masking collapses whitespace). Types start in one group per
   token count and first token: Drain's first two tree levels. A first token holding a digit
   or a mask is a variable: all such types share one key (`nginx[<num>]:`, `<ip>:`).
2. A group is split, again and again, on one position at a time (the candidate with the
   fewest values, then the leftmost, as IPLoM), until no position qualifies:
   - constant words: 2..MAX_CONSTANTS distinct values, none holding a digit or a mask, and
     at least FEW_RECORDS records per value. Brain's insight is that constants take few
     values while variables take many; record counts add that a word seen once cannot be
     told from a variable (three users, one record each, are one event; `Link ok` and
     `Link error` seen 13 times each are two). On loghub, 3 values is where user names start.
   - or dissimilar types: the group agrees (one value) on fewer than MIN_AGREEMENT of its
     positions, Drain's similarity threshold. The position is then split by token *shape*
     (masks and digit runs as `<*>`): `setSteps=<num>` and `setDay=<num>` part, while
     `node-<num>` and `node-<hex>` stay together.
   A word ending in a short number (ssh2, eth0:, SOCKS5) is a name, not a digit-holding
   variable: interface and protocol names are constants as often as not.
3. In each final group, positions with one value are kept, positions with one shape keep the
   shape (`node-<*>`), the others become `<*>`.

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

Tokens = tuple[str, ...]


def shape(token: str) -> str:
    """token with masks and digit runs as `<*>`; runs of them collapse into one."""
    return re.sub(r"(?:<\*>)+", WILDCARD, _VARIABLE_PART.sub(WILDCARD, token))


def _is_variable_looking(token: str) -> bool:
    """A mask or a digit, except in a word ending in a short number (ssh2, eth0:, SOCKS5)."""
    return _VARIABLE_PART.search(token) is not None and _NUMBERED_NAME.fullmatch(token) is None


def _split_position(
    group: list[Tokens], n: int, counts: Mapping[Tokens, int]
) -> tuple[int, bool] | None:
    """(0-based position, by shape) the group splits on, or None."""
    records = sum(counts[t] for t in group)
    raw = [{t[p] for t in group} for p in range(n)]
    agreement = sum(1 for values in raw if len(values) == 1) / n
    candidates = []
    for p, values in enumerate(raw):
        if (
            2 <= len(values) <= MAX_CONSTANTS
            and len(values) * FEW_RECORDS <= records
            and not any(map(_is_variable_looking, values))
        ):
            candidates.append((len(values), p, False))
        elif agreement < MIN_AGREEMENT:
            shapes = len({shape(v) for v in values})
            if shapes >= 2:
                candidates.append((shapes, p, True))
    return min(candidates)[1:] if candidates else None


def _final_groups(group: list[Tokens], n: int, counts: Mapping[Tokens, int]) -> list[list[Tokens]]:
    """group split until no part has a split position."""
    done, todo = [], [group]
    while todo:
        group = todo.pop()
        split = _split_position(group, n, counts)
        if split is None:
            done.append(group)
            continue
        p, by_shape = split
        parts: dict[str, list[Tokens]] = {}
        for tokens in group:
            parts.setdefault(shape(tokens[p]) if by_shape else tokens[p], []).append(tokens)
        todo.extend(parts.values())
    return done


def _template(group: list[Tokens], n: int) -> Tokens:
    template = []
    for p in range(n):
        values = {t[p] for t in group}
        shapes = {shape(v) for v in values}
        template.append(
            next(iter(values)) if len(values) == 1 else next(iter(shapes)) if len(shapes) == 1 else WILDCARD
        )
    return tuple(template)


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
        first = tokens[0] if _VARIABLE_PART.search(tokens[0]) is None else WILDCARD
        start.setdefault((len(tokens), first), []).append(tokens)
    templates: dict[str, str] = {}
    for (n, _), members in start.items():
        for group in _final_groups(members, n, counts):
            template = " ".join(_template(group, n))
            for tokens in group:
                templates[" ".join(tokens)] = template
    return dict(sorted(templates.items()))


__all__ = ["FEW_RECORDS", "MAX_CONSTANTS", "MIN_AGREEMENT", "WILDCARD", "mine_templates", "shape"]
