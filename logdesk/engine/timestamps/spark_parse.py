"""Timestamp text -> TimestampType in one inferred layout (Spark built-ins only).

parse_with_layout parses each row once, in the file's layout (catalogue.py, chosen by
infer.py on the driver), and only the rows that layout does not take go through the generic
chain (generic.parse_timestamp). parse_with_layouts does the same for rows of many files, each
with its own layout, in one expression (the generic chain, the costly part to compile, once).

ANSI mode is on: every step is a try_* function or is gated by the layout's regex, so a bad row
gives null, never an exception. Valid but extreme texts give the instant they stand for, also
outside years 1-9999 in UTC ("0001-01-01 00:00:00" read at +14 is in year 0): Spark's timestamps
hold it, Python's datetime does not, so read such columns back as unix_micros/unix_millis (as
the engine does) rather than as Python datetimes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple

from pyspark.sql import Column
from pyspark.sql import functions as F

from logdesk.engine.column_cache import cached_columns
from logdesk.engine.timestamps.catalogue import Layout
from logdesk.engine.timestamps.generic import dateless_timestamp, parse_timestamp

# Digits kept from an epoch fraction, to reach microseconds (ns: digits dropped from the end)
_UNIT_DIGITS = {"epoch_s": 6, "epoch_ms": 3, "epoch_us": 0, "epoch_ns": -3}
_TAI64_OFFSET = 2**62 + 10  # daemontools' tai64nlocal: TAI64 label -> Unix seconds
# A yearless time may be this far after the file's mtime before it is taken as last year's
# (as generic._yearless: clocks and mtimes disagree a little)
_YEARLESS_SLACK = "INTERVAL 1 DAY"


def _bare(text_col: Column) -> Column:
    """Trimmed, without surrounding [ ] (as the generic chain takes them off)."""
    text = F.trim(text_col)
    return F.when(
        text.startswith("["), F.trim(F.regexp_replace(text, r"^\[(.*)\]$", "$1"))
    ).otherwise(text)


def _fits(text: Column, layout: Layout) -> Column:
    return text.rlike("^(?:" + layout.regex + ")$")


def _yearless(text: Column, pattern: str, file_mtime: Column) -> Column:
    """A time without a year, in the year of the file's mtime, or the year before when that is
    more than a day after the mtime, or is no date at all (Feb 29 of a common year)."""
    year = F.year(file_mtime)

    def in_year(y: Column) -> Column:
        dated = F.concat_ws(" ", y.cast("string"), text)
        return F.try_to_timestamp(dated, F.lit(f"yyyy {pattern}"))

    this_year = in_year(year)
    too_late = this_year > file_mtime + F.expr(_YEARLESS_SLACK)
    return F.when(this_year.isNull() | too_late, in_year(year - 1)).otherwise(this_year)


def _pattern(text: Column, layout: Layout, file_mtime: Column) -> Column:
    if layout.drop_weekday:
        text = F.regexp_replace(text, r"^[A-Za-z]{3},? +", "")
    if layout.squeeze_spaces:
        text = F.regexp_replace(text, r" {2,}", " ")
    if layout.count_millis:  # 9 ms -> 009, 12 ms -> 012
        text = F.regexp_replace(text, r"(?<=\D)(\d)$", "00$1")
        text = F.regexp_replace(text, r"(?<=\D)(\d{2})$", "0$1")
    pattern = layout.spark_pattern or ""
    if layout.dateless:
        return dateless_timestamp(text, pattern, file_mtime)
    if layout.yearless:
        return _yearless(text, pattern, file_mtime)
    return F.try_to_timestamp(text, F.lit(pattern))


def _iso(text: Column) -> Column:
    """Spark's cast takes ISO text with any fraction and zone, but not a comma before the
    fraction, a lower-case t or z, or Java's "+01:00[Europe/Berlin]" suffix."""
    fixed = F.regexp_replace(text, r"(:\d{2}),(\d)", "$1.$2")
    fixed = F.regexp_replace(fixed, r"^(\d{4}-\d{1,2}-\d{1,2})t", "$1T")
    fixed = F.regexp_replace(fixed, r"z$", "Z")
    fixed = F.regexp_replace(fixed, r"([+-]\d{2}(?::?\d{2})?)\[[^\]]*\]$", "$1")
    # The cast alone takes "2024" or "12345" as a year: the date and the time must be there.
    # (A short gate, not the layout's whole regex: the cast checks the rest, and may take a
    # little more than the regex does, such as zone ids the catalogue leaves out.)
    return F.when(text.rlike(r"^\d{4}-\d{1,2}-\d{1,2}[Tt ]\d"), fixed.try_cast("timestamp"))


def _epoch(text: Column, layout: Layout) -> Column:
    """Digits since 1970 -> microseconds as text -> bigint (null when too large), so that no
    arithmetic can overflow."""
    k = _UNIT_DIGITS[layout.kind]
    if k < 0:
        digits = F.regexp_extract(text, r"^(\d+)\d{" + str(-k) + "}", 1)
    elif k == 0:
        digits = F.regexp_extract(text, r"^(\d+)", 1)
    else:
        fraction = F.regexp_extract(text, r"^\d+\.(\d+)$", 1)
        digits = F.concat(F.regexp_extract(text, r"^(\d+)", 1), F.rpad(fraction, k, "0"))
    return F.when(_fits(text, layout), F.timestamp_micros(digits.try_cast("bigint")))


def _tai64n(text: Column, layout: Layout) -> Column:
    """@ + 16 hex digits of TAI64 seconds + 8 of nanoseconds (daemontools' multilog)."""
    seconds = F.try_subtract(
        F.conv(F.substring(text, 2, 16), 16, 10).try_cast("bigint"), F.lit(_TAI64_OFFSET)
    )
    nanos = F.conv(F.substring(text, 18, 8), 16, 10).try_cast("bigint")
    micros = F.try_add(F.try_multiply(seconds, F.lit(1_000_000)), F.floor(nanos / 1000))
    return F.when(_fits(text, layout) & (nanos < 1_000_000_000), F.timestamp_micros(micros))


def _exact(text: Column, layout: Layout, file_mtime: Column) -> Column:
    if layout.kind == "pattern":
        return _pattern(text, layout, file_mtime)
    if layout.kind == "iso":
        return _iso(text)
    if layout.kind == "tai64n":
        return _tai64n(text, layout)
    if layout.kind in _UNIT_DIGITS:
        return _epoch(text, layout)
    raise ValueError(f"unknown layout kind {layout.kind!r} ({layout.name})")


@cached_columns
def _parse(text_col: Column, layout_values: tuple, layout_col: Column | None,
           file_mtime_col: Column, fallback: bool = True) -> Column:
    """layout_col None: every row in the one layout; else each row in the layout it names.
    fallback: the generic chain for rows the layout does not take."""
    text = _bare(text_col)
    layouts = [Layout(*values) for values in layout_values]
    exact: Column | None = None
    if layout_col is None:
        exact = _exact(text, layouts[0], file_mtime_col)
    else:
        for layout in layouts:
            this = layout_col == F.lit(layout.name)
            branch = _exact(text, layout, file_mtime_col)
            exact = F.when(this, branch) if exact is None else exact.when(this, branch)
    if not fallback and exact is not None:
        return exact
    generic = parse_timestamp(text_col, file_mtime_col)
    return generic if exact is None else F.coalesce(exact, generic)


def parse_with_layout(text_col: Column, layout: Layout, file_mtime_col: Column) -> Column:
    """Timestamp text -> TimestampType: one parse in `layout`, the generic chain for the rows it
    does not take, null when neither does. `file_mtime_col` (TimestampType) supplies the year
    of yearless layouts; naive texts are read in the session time zone."""
    # Layouts as tuples of plain values: the column cache keys on those
    return _parse(text_col, (astuple(layout),), None, file_mtime_col)


def parse_exactly(text_col: Column, layout: Layout, file_mtime_col: Column) -> Column:
    """One parse in `layout`, no fallback: for text that the layout's own regex has already
    picked out of a line (the generic reader), where a value the layout does not take (a
    month 13) is an unparseable timestamp, and the generic chain would only cost plan size."""
    return _parse(text_col, (astuple(layout),), None, file_mtime_col, False)


def parse_with_layouts(text_col: Column, layout_name_col: Column, layouts: Sequence[Layout],
                       file_mtime_col: Column) -> Column:
    """parse_with_layout for rows of several files: each row in the layout whose name is in
    `layout_name_col` (null or a name not among `layouts`: the generic chain only)."""
    return _parse(text_col, tuple(astuple(layout) for layout in layouts), layout_name_col,
                  file_mtime_col)


__all__ = ["parse_exactly", "parse_with_layout", "parse_with_layouts"]
