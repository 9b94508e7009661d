"""Which of many regexes match a text, remembered by the text's digit shape (pure Python).

Discovery tries every timestamp layout on every head line and every text format on every
head of every file: for 20,000 small files, millions of regex calls on lines that differ only
in their digits ("request 1234 handled in 56 ms"). Most of these regexes cannot tell one digit
from another (`\\d`, `[0-9]`, `\\w`), so whether they match depends only on the text with its
digits made alike. Some name a digit (the `1 ` version after a syslog <PRI>, `[1-9]` at the
start of an epoch number); where every such atom can only be tried within the first `n`
characters, the regex cannot tell digits apart after them, and the shape keeps those `n`
characters as they are. A regex that names a digit at an unbounded position (after a
repetition) is never remembered: it runs every time.

The rule is decided from the regex's parse (re._parser), so a regex added later is judged too;
`DigitShapes` then only answers what running the regexes would answer (tests compare both on
every catalogue regex).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

try:  # Python 3.11+
    import re._constants as _C
    import re._parser as _P
except ImportError:  # pragma: no cover - older Pythons: nothing is remembered
    _C = _P = None  # type: ignore[assignment]

_DIGITS = "0123456789"
_ALIKE = str.maketrans("123456789", "000000000")
_REPEATS = () if _C is None else (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT)
# the character categories (\\d, \\w, \\S, ...) that hold the digits
_DIGIT_CATEGORIES = () if _C is None else (
    _C.CATEGORY_DIGIT, _C.CATEGORY_WORD, _C.CATEGORY_NOT_SPACE, _C.CATEGORY_NOT_LINEBREAK,
    _C.CATEGORY_UNI_DIGIT, _C.CATEGORY_UNI_WORD, _C.CATEGORY_UNI_NOT_SPACE,
    _C.CATEGORY_UNI_NOT_LINEBREAK, _C.CATEGORY_LOC_WORD)


def _set_members(items: list, flags: int) -> frozenset[str]:
    """The ASCII digits an IN set (a [...] class) accepts."""
    out = set()
    for d in _DIGITS:
        code, hit, negate = ord(d), False, False
        for op, av in items:
            if op is _C.NEGATE:
                negate = True
            elif op is _C.LITERAL:
                hit |= av == code
            elif op is _C.RANGE:
                hit |= av[0] <= code <= av[1]
            elif op is _C.CATEGORY:
                hit |= av in _DIGIT_CATEGORIES  # all digits or none: as alike as they are
            else:  # a set item we do not know: treat it as naming digits
                return frozenset("?")
        if hit != negate:
            out.add(d)
    return frozenset(out)


def _width(sub) -> tuple[int, float]:
    low, high = sub.getwidth()
    return low, (math.inf if high >= _P.MAXREPEAT else high)


def _last_digit_offset(sub, start: float, flags: int) -> float:
    """The last position (from the match start) at which an atom of `sub` that tells digits
    apart may be tried, given that `sub` begins at `start` at the latest; -1 when none does,
    inf when unbounded."""
    worst = -1.0
    at = start
    for op, av in sub:
        if op in (_C.LITERAL, _C.NOT_LITERAL):
            if chr(av) in _DIGITS:
                worst = max(worst, at)
        elif op is _C.IN:
            members = _set_members(av, flags)
            if members not in (frozenset(), frozenset(_DIGITS)):
                worst = max(worst, at)
        elif op in _REPEATS:
            _low, high, inner = av
            step = _width(inner)[1]
            # the inner atoms are tried at every repetition, the last one latest
            if step == 0:
                begin = at
            elif high >= _P.MAXREPEAT or math.isinf(step):
                begin = math.inf
            else:
                begin = at + step * (high - 1)
            worst = max(worst, _last_digit_offset(inner, begin, flags))
        elif op is _C.SUBPATTERN:
            worst = max(worst, _last_digit_offset(av[3], at, flags))
        elif op is _C.ATOMIC_GROUP:
            worst = max(worst, _last_digit_offset(av, at, flags))
        elif op is _C.BRANCH:
            for branch in av[1]:
                worst = max(worst, _last_digit_offset(branch, at, flags))
        elif op in (_C.ASSERT, _C.ASSERT_NOT):
            direction, inner = av
            # a lookbehind reads text before `at`: bounded by `at` itself
            worst = max(worst, _last_digit_offset(inner, at, flags))
        elif op is _C.GROUPREF_EXISTS:
            _group, yes, no = av
            worst = max(worst, _last_digit_offset(yes, at, flags))
            if no is not None:
                worst = max(worst, _last_digit_offset(no, at, flags))
        elif op in (_C.ANY, _C.AT, _C.CATEGORY):
            pass  # the same for every digit
        else:  # a back-reference compares exact text; anything unknown: not remembered
            return math.inf
        if math.isinf(worst):
            return worst
        at = at + _item_width(op, av)
    return worst


def _item_width(op, av) -> float:
    sub = _P.SubPattern(_P.State(), [(op, av)])
    return _width(sub)[1]


def digit_prefix(pattern: re.Pattern[str]) -> int | None:
    """How many leading characters of a text `pattern` (used with match or fullmatch) may tell
    apart by their digits: 0 when none, None when an unbounded number (never remembered)."""
    if _P is None or pattern.flags & re.LOCALE:
        return None
    try:
        parsed = _P.parse(pattern.pattern, pattern.flags)
        last = _last_digit_offset(parsed, 0, pattern.flags)
    except Exception:  # noqa: BLE001 - an analysis we cannot make only means: not remembered
        return None
    if math.isinf(last):
        return None
    return int(last) + 1


def shape(text: str, keep: int) -> str:
    """`text` with its ASCII digits made alike after its first `keep` characters."""
    return text[:keep] + text[keep:].translate(_ALIKE)


_MEMO_LIMIT = 50_000


class DigitShapes:
    """Which of `patterns` match a text, the same as running `test(pattern, text)` on each,
    remembered by digit shape for those whose digit_prefix is bounded (the others run every
    time). Patterns that keep more leading characters are remembered apart, so that one of
    them does not make every other's key longer. `matching(text)`: all of them at once;
    `matches(i, text, key)`: one, for callers that stop early (`key(text)`, made once)."""

    def __init__(self, patterns: Sequence[re.Pattern[str]],
                 test: Callable[[re.Pattern[str], str], object] = re.Pattern.match) -> None:
        self._patterns = tuple(patterns)
        self._test = test
        prefixes = [digit_prefix(p) for p in self._patterns]
        self._keeps = tuple(sorted({n for n in prefixes if n is not None}))
        # pattern -> its group (position in _keeps), None: never remembered
        self._group = tuple(None if n is None else self._keeps.index(n) for n in prefixes)
        self._members = tuple(tuple(i for i, g in enumerate(self._group) if g == k)
                              for k in range(len(self._keeps)))
        self._always = tuple(i for i, g in enumerate(self._group) if g is None)
        self._all: list[dict[str, tuple[int, ...]]] = [{} for _ in self._keeps]
        self._one: dict[tuple[int, str], bool] = {}

    @property
    def always_run(self) -> tuple[int, ...]:
        """Positions of the patterns never remembered."""
        return self._always

    def key(self, text: str) -> tuple[str, ...]:
        """The text's shape for each group of patterns."""
        alike = text.translate(_ALIKE)
        return tuple(text[:keep] + alike[keep:] for keep in self._keeps)

    def matching(self, text: str) -> tuple[int, ...]:
        """Positions of the patterns that match `text`, ascending."""
        key = self.key(text)
        found: list[int] = []
        for g, members in enumerate(self._members):
            memo = self._all[g]
            hits = memo.get(key[g])
            if hits is None:
                if len(memo) >= _MEMO_LIMIT:
                    memo.clear()
                hits = memo[key[g]] = tuple(i for i in members
                                            if self._test(self._patterns[i], text))
            found.extend(hits)
        found.extend(i for i in self._always if self._test(self._patterns[i], text))
        return tuple(sorted(found)) if len(self._members) > 1 or self._always else tuple(found)

    def matches(self, i: int, text: str, key: tuple[str, ...]) -> bool:
        """Whether pattern `i` matches `text` (`key` = key(text))."""
        g = self._group[i]
        if g is None:
            return bool(self._test(self._patterns[i], text))
        memo_key = (i, key[g])
        found = self._one.get(memo_key)
        if found is None:
            if len(self._one) >= _MEMO_LIMIT:
                self._one.clear()
            found = self._one[memo_key] = bool(self._test(self._patterns[i], text))
        return found


__all__ = ["DigitShapes", "digit_prefix", "shape"]
