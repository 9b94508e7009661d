"""What a Spark datetime pattern says about its texts (pure Python): the regex of the texts it
parses, and whether it carries a year and a date. For layouts set by config
(`timestamps.layouts`) and for formats' own patterns; config_validation checks the letters.

pattern_regex("dd.MM.yy HH:mm:ss") == r"\\d{2}\\.\\d{2}\\.\\d{2} \\d{2}:\\d{2}:\\d{2}"

The regex is in the common subset of Python re and Java regex and captures nothing; quoted
text ('T', '' for a quote) is literal, [ ] are optional sections. It is a little looser than
Spark (a month name is any three letters, S… any 1..n digits): Spark's parse decides.
"""

from __future__ import annotations

import functools
import re

_ZONE_ID = r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*"
_OFFSET = r"[+-]\d{2}(?::?\d{2})?"
_SPECIAL = set(r".^$*+?()[]{}|\/")
DATE_LETTERS = frozenset("yuDMLdG")


def _two(count: int) -> str:
    return r"\d{1,2}" if count == 1 else r"\d{2}"


def _field(letter: str, count: int) -> str:
    if letter == "y":
        return r"\d{2}" if count == 2 else (r"\d{%d}" % count if count >= 4 else r"\d{1,4}")
    if letter == "D":
        return r"\d{1,3}" if count == 1 else r"\d{%d,3}" % min(count, 3)
    if letter in "ML":
        if count <= 2:
            return _two(count)
        return "[A-Za-z]{3}" if count == 3 else "[A-Za-z]{3,9}"
    if letter in "dhKkHms":
        return _two(count)
    if letter == "S":
        return r"\d{1,%d}" % count
    if letter == "a":
        return "(?:AM|PM|am|pm)"
    if letter == "G":
        return "(?:AD|BC)"
    if letter == "V":
        return _ZONE_ID
    if letter == "z":
        return "[A-Za-z][A-Za-z0-9_+/-]*"
    if letter == "O":
        return r"GMT(?:[+-]\d{1,2}(?::\d{2})?)?"
    if letter == "X":
        return "(?:Z|" + _OFFSET + ")"
    if letter == "x":
        return _OFFSET
    if letter == "Z":
        return r"(?:Z|(?:GMT)?[+-]\d{2}:?\d{2})"
    raise ValueError(f"pattern letter {letter!r} cannot be parsed")


def _literal(char: str) -> str:
    return "\\" + char if char in _SPECIAL else char


def _tokens(pattern: str):
    """(kind, text) of the pattern: ("field", "yyyy"), ("literal", "-"), ("open"|"close", "")."""
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "'":
            end = pattern.find("'", i + 1)
            if end == i + 1:  # '' : a quote
                yield "literal", "'"
                i += 2
                continue
            if end < 0:
                raise ValueError(f"unclosed quote in {pattern!r}")
            yield "literal", pattern[i + 1:end].replace("''", "'")
            i = end + 1
            continue
        if char in "[]":
            yield ("open" if char == "[" else "close"), ""
            i += 1
            continue
        if char.isascii() and char.isalpha():
            end = i
            while end < len(pattern) and pattern[end] == char:
                end += 1
            yield "field", pattern[i:end]
            i = end
            continue
        yield "literal", char
        i += 1


@functools.cache
def pattern_regex(pattern: str) -> str:
    """The regex of the whole texts `pattern` parses (ValueError for a pattern Spark would not
    take for parsing: config validation has told the user already)."""
    out: list[str] = []
    for kind, text in _tokens(pattern):
        if kind == "field":
            out.append(_field(text[0], len(text)))
        elif kind == "literal":
            out.append("".join(_literal(c) for c in text))
        else:
            out.append("(?:" if kind == "open" else ")?")
    regex = "".join(out)
    re.compile(regex)  # unbalanced [ ]: ValueError-like re.error
    return regex


def pattern_letters(pattern: str) -> frozenset[str]:
    """The pattern letters used (outside quotes)."""
    return frozenset(text[0] for kind, text in _tokens(pattern) if kind == "field")


def is_dateless(pattern: str) -> bool:
    """A time of day only ("HH:mm:ss.SSS"): the date comes from the file's mtime."""
    letters = pattern_letters(pattern)
    return bool(letters) and not letters & DATE_LETTERS


def is_yearless(pattern: str) -> bool:
    """A date without a year ("MMM d HH:mm:ss"): the year comes from the file's mtime."""
    letters = pattern_letters(pattern)
    return bool(letters & DATE_LETTERS) and not letters & set("yu")


__all__ = ["DATE_LETTERS", "is_dateless", "is_yearless", "pattern_letters", "pattern_regex"]
