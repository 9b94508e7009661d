"""A file's timestamp layout from its head: the samples each kind of file offers (pure Python).

discover.py calls these with the decoded head it already has: a CSV file's timestamp column
(or date + time columns), a text format's `ts` group on the lines it reads as records, or —
for the generic reader — the timestamp each line starts with.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import datetime, timezone

from logdesk.engine.formats.model import TextFormat
from logdesk.engine.timestamps.catalogue import Layout
from logdesk.engine.timestamps.infer import infer_layout, infer_line_layout

SAMPLE_ROWS = 100  # rows or lines of the head looked at


def _year(mtime: float) -> int | None:
    try:
        return datetime.fromtimestamp(mtime, timezone.utc).year
    except (OverflowError, OSError, ValueError):
        return None


def csv_layout(text: str, columns: Sequence[int], mtime: float, cut: bool) -> Layout | None:
    """The layout of a CSV head's timestamp `columns` (one, or date and time joined with a
    space); `cut`: the head ends inside the file, so its last row may be partial."""
    if not columns:
        return None
    try:  # newline=None: lone CR line ends too
        rows = list(csv.reader(io.StringIO(text, newline=None)))[1: SAMPLE_ROWS + 1]
    except csv.Error:  # a NUL byte, say: no sample, the generic chain reads the rows
        return None
    if cut and rows:
        rows = rows[:-1]
    samples = []
    for row in rows:
        if len(row) > max(columns):
            samples.append(" ".join(row[i].strip() for i in columns))
    return infer_layout(samples, mtime_year=_year(mtime))


def text_layout(fmt: TextFormat, lines: Sequence[str], mtime: float) -> Layout | None:
    """The layout of the `ts` (or date + time) texts of the head lines `fmt` reads as records;
    None for a format with a layout or Spark pattern of its own."""
    if fmt.timestamp_pattern or fmt.timestamp_layout:
        return None
    ts, date, time_ = fmt.field_groups("ts"), fmt.field_groups("date"), fmt.field_groups("time")
    if not ts and not (date and time_):
        return None
    pattern = re.compile(fmt.pattern, re.ASCII)
    samples = []
    for line in lines[:SAMPLE_ROWS]:
        m = pattern.match(line.rstrip("\r\n"))
        if m is None:
            continue
        if ts:
            samples.append(next((m.group(n) for n in ts if m.group(n)), None))
        else:
            d = next((m.group(n) for n in date if m.group(n)), None)
            t = next((m.group(n) for n in time_ if m.group(n)), None)
            samples.append(f"{d} {t}" if d and t else None)
    return infer_layout(samples, mtime_year=_year(mtime))


def line_layout(lines: Sequence[str], mtime: float) -> Layout | None:
    """The layout the head's lines start with (the generic reader), None when they do not."""
    return infer_line_layout(list(lines[:SAMPLE_ROWS]), mtime_year=_year(mtime))


__all__ = ["SAMPLE_ROWS", "csv_layout", "line_layout", "text_layout"]
