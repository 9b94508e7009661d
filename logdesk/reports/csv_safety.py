"""Keep spreadsheet programs from running text found in logs as formulas (CSV injection).

The rule (after OWASP's CSV injection guidance), decided on the cell as a spreadsheet sees it:

* leading characters that spreadsheets and CSV readers drop or trim (C0/C1 control characters,
  DEL, Unicode spaces, zero-width and direction marks, the BOM) are skipped, for the decision
  only;
* if what remains starts with `=`, `+`, `-` or `@`, or the cell itself starts with a tab, a
  carriage return or NUL, the cell gets a leading single quote (spreadsheets show it as text);
* except a plain number (`-42`, `-3.5`, `+7`, `-1e5`: a spreadsheet reads it as a number and
  runs nothing) and a lone `-` (no formula either: logs write it for "no value").

The raw text is otherwise written unchanged, its leading whitespace included. Python
(`needs_neutralizing`) and Spark (`NEUTRALIZE_PATTERN` with rlike, Java regex) use the same
pattern: it is written in the syntax both engines read alike (explicit character classes,
ASCII digits, `(?![\\s\\S])` as "end of text", since `$` also matches before a final newline).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import TextIO

# What spreadsheets and CSV readers drop or trim in front of a cell: C0 controls and space,
# DEL, C1 controls and NBSP, Ogham space, Mongolian vowel separator, the U+2000 spaces,
# zero-width and direction marks, line/paragraph separators, embeddings, narrow NBSP,
# math space, word joiner and invisible operators, isolates, ideographic space, BOM.
IGNORED_LEADING_CLASS: str = (
    r"[\x00-\x20\x7f-\xa0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]"
)
# Characters that make a cell a formula once it starts with them (after the ignored ones).
FORMULA_START_CLASS: str = r"[=+\-@]"
# Characters a cell must not start with at all (OWASP: tab, carriage return; ASVS: NUL).
RAW_START_CLASS: str = r"[\t\r\x00]"
_END = r"(?![\s\S])"  # end of text in Java and Python alike
# A plain number: optional sign, digits with an optional fraction (or a fraction alone), an
# optional exponent, nothing else. ASCII digits: Python's \d would also take other scripts'.
PLAIN_NUMBER: str = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?" + _END

# A cell that needs the neutralizing prefix (a Java and Python regular expression).
NEUTRALIZE_PATTERN: str = (
    "^(?:" + RAW_START_CLASS
    + "|" + IGNORED_LEADING_CLASS + "*"
    + "(?!" + PLAIN_NUMBER + ")"
    + "(?!-" + _END + ")"
    + FORMULA_START_CLASS + ")"
)
NEUTRALIZING_PREFIX: str = "'"

_NEUTRALIZE = re.compile(NEUTRALIZE_PATTERN)


def needs_neutralizing(text: str) -> bool:
    """Whether a spreadsheet could read the cell `text` as a formula."""
    return _NEUTRALIZE.match(text) is not None


def neutralize(value: object) -> str:
    """The CSV cell text for `value`; numbers are written as they are (a count is never a
    formula), None as an empty cell, anything else as text made safe."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return NEUTRALIZING_PREFIX + text if needs_neutralizing(text) else text


class LfCsvWriter:
    """csv.writer with LF line ends that still quotes a cell holding a lone CR.

    Python's csv quotes a cell only for the delimiter, the quote and the characters of its
    lineterminator: with "\n" a cell "'\r=1" would go out unquoted and readers would end the
    row at its CR. Rows are written with "\r\n" (so CR and LF both force quoting), and that
    final "\r\n" -- always the terminator, since cells holding either are quoted -- becomes "\n"."""

    def __init__(self, handle: TextIO) -> None:
        self._handle = handle
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def writerow(self, row: Iterable[object]) -> None:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow(row)
        self._handle.write(self._buffer.getvalue()[:-2] + "\n")

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


__all__ = ["LfCsvWriter", "NEUTRALIZE_PATTERN", "NEUTRALIZING_PREFIX", "needs_neutralizing", "neutralize"]
