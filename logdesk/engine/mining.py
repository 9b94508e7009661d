"""Masked error types -> mined templates, in plain Python (standard library only).

The same Drain-like, set-based mining as logdesk.engine.templates, which does it with Spark
built-ins; this port mirrors it token for token, so both give the same (error_type -> template)
mapping for any set of distinct masked types:

1. Tokens are `error_type.split(" ")`, like Spark's `split(error_type, " ")`: every empty token
   is kept ("a  b " -> a, "", b, "") and "" is one empty token. The first group key is the
   token count and the first token (`<*>` when it looks variable: a digit or a mask).
2. SPLIT_ROUNDS rounds. In each group a position is a candidate when it has two or more
   values, none variable-looking, and either at most half as many values as the group has
   types, or the group agrees (one value) on fewer than MIN_AGREEMENT of its positions. The
   candidate with the fewest values, then the leftmost, splits the group: its members are
   regrouped by their token there.
3. In each final group, positions with one value are kept; the others become `<*>`.

Group keys are the very strings Spark builds ("\\u0001"-joined parts, an empty part when a
group is not split). Only sets and sizes are used, never an order of arrival: the result is a
function of the set of types.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

WILDCARD = "<*>"
# Drain's similarity threshold: a group agreeing on fewer positions than this share is split.
MIN_AGREEMENT = 0.5
SPLIT_ROUNDS = 3
# A token holding a digit or a mask (<num>, <ip>, web-<num>, nginx[<num>]:) is variable-looking:
# never a group key. Spark's `rlike` is a find, hence `search`.
_VARIABLE_LOOKING = r"[0-9]|<[a-z*]+>"
_KEY_SEP = "\u0001"  # joins key parts, as in the Spark version

_variable_looking = re.compile(_VARIABLE_LOOKING)

Tokens = tuple[str, ...]
# (grp, n): the Spark version groups by both columns
GroupKey = tuple[str, int]


@dataclass(frozen=True)
class _Typed:
    """One distinct masked type: Spark's (error_type, tokens, n, grp) row."""

    error_type: str
    tokens: Tokens
    grp: str

    @property
    def n(self) -> int:
        return len(self.tokens)


@dataclass(frozen=True)
class _Group:
    """One group: its members and, per position, the number of distinct values."""

    n: int
    members: tuple[_Typed, ...]
    distinct: tuple[int, ...]
    variable_looking: tuple[bool, ...]


def _split(error_type: str) -> Tokens:
    """Spark `split(s, " ")` (a Java regex split, limit -1): empty tokens kept, "" -> ("",)."""
    return tuple(error_type.split(" "))


def _is_variable_looking(token: str) -> bool:
    return _variable_looking.search(token) is not None


def _start_groups(types: Iterable[str | None]) -> list[_Typed]:
    typed = []
    for error_type in {t for t in types if t is not None}:
        tokens = _split(error_type)
        first = WILDCARD if _is_variable_looking(tokens[0]) else tokens[0]
        typed.append(_Typed(error_type, tokens, _KEY_SEP.join((str(len(tokens)), first))))
    return typed


def _grouped(typed: Iterable[_Typed]) -> list[_Group]:
    by_key: dict[GroupKey, list[_Typed]] = {}
    for t in typed:
        by_key.setdefault((t.grp, t.n), []).append(t)
    groups = []
    for (_, n), members in by_key.items():
        columns = [{m.tokens[p] for m in members} for p in range(n)]
        groups.append(
            _Group(
                n=n,
                members=tuple(members),
                distinct=tuple(len(values) for values in columns),
                variable_looking=tuple(any(map(_is_variable_looking, values)) for values in columns),
            )
        )
    return groups


def _split_position(group: _Group) -> int | None:
    """The 1-based position the group splits on this round, or None."""
    agreement = sum(1 for d in group.distinct if d == 1) / group.n
    candidates = [
        (d, p)
        for p, (d, variable) in enumerate(zip(group.distinct, group.variable_looking), start=1)
        if d >= 2 and not variable and (d * 2 <= len(group.members) or agreement < MIN_AGREEMENT)
    ]
    # the candidate with the fewest values (then the leftmost), as IPLoM splits: one per round
    return min(candidates)[1] if candidates else None


def _split_round(typed: Iterable[_Typed]) -> list[_Typed]:
    """typed regrouped by the tokens at its group's split position."""
    regrouped = []
    for group in _grouped(typed):
        p = _split_position(group)
        for m in group.members:
            # concat_ws(SEP, grp, concat_ws(SEP, [p=token] or [])): an unsplit group gets grp + SEP
            part = "" if p is None else f"{p}={m.tokens[p - 1]}"
            regrouped.append(_Typed(m.error_type, m.tokens, _KEY_SEP.join((m.grp, part))))
    return regrouped


def mine_templates(types: Iterable[str | None]) -> dict[str, str]:
    """Distinct masked error types (None ignored, duplicates ignored) -> template."""
    typed = _start_groups(types)
    for _ in range(SPLIT_ROUNDS):
        typed = _split_round(typed)
    templates: dict[str, str] = {}
    for group in _grouped(typed):
        for m in group.members:
            templates[m.error_type] = " ".join(
                token if d == 1 else WILDCARD for token, d in zip(m.tokens, group.distinct)
            )
    return dict(sorted(templates.items()))


__all__ = ["MIN_AGREEMENT", "SPLIT_ROUNDS", "WILDCARD", "mine_templates"]
