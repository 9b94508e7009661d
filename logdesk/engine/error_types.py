"""Error message -> error type: the message with its variable parts masked, so that messages that
differ only in ids, numbers, addresses or paths fall into one group.

A fixed chain of `regexp_replace` calls (Java regex). Order matters: quoted strings go first so
nothing inside them is half-masked; UUIDs before hex ids before numbers, since each later pattern
would eat pieces of an earlier one's match; key=value before numbers so `retries=3` keeps its key.
"""

from __future__ import annotations

from pyspark.sql import Column
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
    # 0x..., or 8+ hex chars with a digit and a letter: ids and hashes, not words nor numbers
    (
        r"\b(?:0[xX][0-9a-fA-F]++|(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,})\b",
        "<hex>",
    ),
    (r"\b([A-Za-z_][\w.\-]*)=[^\s,;&]+", "$1=<*>"),
    (r"(?<![\w.])-?\d++(?:\.\d++)*+", "<num>"),
    (r"\s+", " "),
)


@cached_columns
def error_type(message_col: Column) -> Column:
    """The message template (string, at most 200 chars); null for a null message."""
    masked = F.substring(message_col, 1, _MASKED_PREFIX)
    for pattern, replacement in MASKS:
        masked = F.regexp_replace(masked, pattern, replacement)
    return F.substring(F.trim(masked), 1, MAX_ERROR_TYPE_LENGTH)


__all__ = ["MASKS", "MAX_ERROR_TYPE_LENGTH", "error_type"]
