"""Keep spreadsheet programs from running text found in logs as formulas (CSV injection).

A cell that starts with one of FORMULA_PREFIXES gets a leading single quote, which spreadsheets
show as text. The engine applies the same rule in Spark (FORMULA_PREFIX_PATTERN with rlike) to
the malformed-rows CSV, which it writes itself.
"""

from __future__ import annotations

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
# The same characters as a Java/Python regular expression anchored at the start.
FORMULA_PREFIX_PATTERN: str = r"^[=+\-@\t\r]"
NEUTRALIZING_PREFIX: str = "'"


def neutralize(value: object) -> str:
    """The CSV cell text for `value`; numbers are written as they are (a count is never a
    formula), None as an empty cell, anything else as text made safe."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return NEUTRALIZING_PREFIX + text if text.startswith(FORMULA_PREFIXES) else text
