"""Message -> masked type: the message with its variable parts masked, so that messages that
differ only in ids, numbers, addresses, times or paths fall into one group. Template mining
(logdesk.engine.mining) then finds the variable words masking cannot know about.

A fixed chain of `regexp_replace` calls (Java regex, Spark built-ins: it runs on every record,
so each pass counts, about 1 s of CPU per million rows; with_masked skips a pass for a message
without the characters its matches need, see MARKS). Order matters: quoted strings go first so
nothing inside them is half-masked; UUIDs before hex ids before numbers, since each later
pattern would eat pieces of an earlier one's match; IPs (with their port) before times, whose
`hh:mm` would eat an IP's `:port` digits; times before numbers.

Masks are kept generic and each one earns its pass on the loghub benchmark
(build_scripts/eval_templates.py --loghub):
- a whole date or time (`Sun Jul 24 02:38:22 2005`, ISO 8601, `00:39`) or a duration with its
  unit (`30.5s`, `<1 sec`) is one `<time>` token: left to the number mask it would be several
  tokens whose word parts (the weekday, the month, `sec`) look like constants to the miner;
- a number keeps a size unit after it and drops a restatement of the size in other units
  (`2034 bytes (1.98 KB)` -> `<num> bytes`): the restatement is there or not depending on the
  value, and would otherwise change the token count of one event;
- `key=value` has no mask of its own: a number value is masked as a number, and a word value
  (`user=root`) is left to the miner, which tells constants from variables.
"""

from __future__ import annotations

from functools import reduce

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from logdesk.engine.column_cache import cached_columns

MAX_ERROR_TYPE_LENGTH = 200

# Only the head of a message is masked: the template keeps 200 chars, masking rarely shrinks
# text 5-fold, and the cost of every pass grows with the length (think stack traces).
_MASKED_PREFIX = 1000

# (pattern, replacement) in the order they are applied. Patterns with one replacement share a
# pass (each pass costs about as much as a match). Possessive quantifiers (*+, ++) keep long
# inputs from backtracking.
MASKS: tuple[tuple[str, str], ...] = (
    # quoted strings; a quote glued to a word (can't, O'Brien) opens nothing
    (r"""(?<!\w)(?:"[^"]*+"|'[^']*+')(?!\w)""", "<str>"),
    (r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b", "<uuid>"),
    # URL: keep scheme and host, mask the path and query
    (r"\b([A-Za-z][A-Za-z0-9+.\-]*://[^/\s'\"<>]+)/[^\s'\"<>]*", "$1<path>"),
    (r"(?<![\w.+\-])[\w.+\-]++@[A-Za-z0-9\-]++(?:\.[A-Za-z0-9\-]++)++", "<email>"),
    # C:\dir\file, \\server\share\file, /a/b/c (not and/or, not a URL's //)
    (
        (
            r"\b[A-Za-z]:\\[^\s'\"<>|:*?]*+"
            r"|\\\\[\w.\-$]++\\[^\s'\"<>|:*?]*+"
            r"|(?<![\w.:/\-<>])/[\w.\-~%@+]++(?:/[\w.\-~%@+]*+)*+"
        ),
        "<path>",
    ),
    (r"\b(?:\d{1,3}\.){3}\d{1,3}\b(?::\d{1,5}\b)?", "<ip>"),
    # dates, clock times and durations: Sun Jul 24 02:38:22 2005, 2024-03-01T10:00:00Z, 00:39,
    # 30.5s, <1 sec. A month name needs a day number after it, a weekday name a date. The
    # leading look-behind rejects most positions (inside words) at once: this pass is long.
    (
        (
            r"(?<![\w.])(?:"
            r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? )?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
            r" {1,2}\d{1,2}\b(?:,? \d{4}\b)?(?: \d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\b)?(?: \d{4}\b)?"
            r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?(?!\w)"
            r"|\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\b"
            r"|[<>~]?\d++(?:\.\d+)? ?(?:ms|us|ns|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?)\b"
            r")"
        ),
        "<time>",
    ),
    # 0x..., or 8+ hex chars with a digit and a letter: ids and hashes, not words nor numbers
    (
        r"\b(?:0[xX][0-9a-fA-F]++|(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,})\b",
        "<hex>",
    ),
    # numbers; a size unit stays, a restatement of the size in other units goes:
    # "2034 bytes (1.98 KB) sent" and "785 bytes sent" are both "<num> bytes sent"
    (
        r"(?<![\w.])-?\d++(?:\.\d++)*+((?: ?(?:[KMGTP]i?B|kB|bytes|B)\b)?+)"
        r"(?:(?<=[A-Za-z]) \(\d++(?:\.\d++)? ?(?:[KMGTP]i?B|kB|bytes|B)\))?+",
        "<num>$1",
    ),
    # runs of whitespace -> one space; a single space (most matches of a plain `\s+`, each one a
    # costly replacement) is left alone, as the result is the same
    (r"(?: (?=\s)|[\t\n\x0B\f\r])\s*+", " "),
)

# A pass that cannot match without one of these characters is skipped for a message that has
# none of them (an `instr` test is far cheaper than a regex scan: on the benchmark's messages it
# skips six of the ten passes for most rows; each pass also copies the text twice, match or
# not). The passes whose matches need only digits (times, hex ids, numbers) have no mark.
MARKS: tuple[tuple[str, ...], ...] = (
    ('"', "'"), ("-",), ("://",), ("@",), ("/", "\\"), (".",), (), (), (),
    ("  ", "\t", "\n", "\r", "\x0b", "\x0c"),
)


@cached_columns
def error_type(message_col: Column) -> Column:
    """The message template (string, at most 200 chars); null for a null message. One
    expression, for a few rows (tests, the evaluation); with_masked gives the same text faster."""
    masked = F.substring(message_col, 1, _MASKED_PREFIX)
    for pattern, replacement in MASKS:
        masked = F.regexp_replace(masked, pattern, replacement)
    return _finish(masked)


def with_masked(df: DataFrame, text: Column, name: str, when: Column | None = None) -> DataFrame:
    """`df` with a column `name`: `text` masked as error_type masks it (null where `when` is
    false). A guarded pass refers to the text before it three times (test, replace, keep), so
    it starts a projection of its own: within one expression Spark would copy the expression of
    every earlier pass into each reference. The unguarded passes after it share its projection."""
    head = F.substring(text, 1, _MASKED_PREFIX)
    out = df.select("*", (head if when is None else F.when(when, head)).alias(name))
    for column in _projections(name):
        out = out.withColumn(name, column)
    return out


@cached_columns
def _projections(name: str) -> list[Column]:
    """The expressions of with_masked's projections, each over the column `name`."""
    projections: list[Column] = []
    current: Column | None = None  # the passes since the last projection, None for none
    for (pattern, replacement), marks in zip(MASKS, MARKS, strict=True):
        if marks and current is not None:
            projections.append(current)
            current = None
        text = F.col(name) if current is None else current
        replaced = F.regexp_replace(text, pattern, replacement)
        if marks:
            found = reduce(lambda a, b: a | b, [F.instr(text, m) > 0 for m in marks])
            replaced = F.when(found, replaced).otherwise(text)
        current = replaced
    projections.append(_finish(F.col(name) if current is None else current))
    return projections


def _finish(masked: Column) -> Column:
    return F.substring(F.trim(masked), 1, MAX_ERROR_TYPE_LENGTH)


__all__ = ["MARKS", "MASKS", "MAX_ERROR_TYPE_LENGTH", "error_type", "with_masked"]
