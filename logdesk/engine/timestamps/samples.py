"""A file's timestamp layout from its head: the samples each kind of file offers (pure Python).

discover.py calls these with the decoded head it already has: a CSV file's timestamp column
(or date + time columns), a JSON-lines file's timestamp field, a text format's `ts` group on
the lines it reads as records, or — for the generic reader — the timestamp each line starts
with. forced_pattern: the layout config sets for a file by its path (timestamps.layouts).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import PurePosixPath

from logdesk.engine.formats.model import TextFormat
from logdesk.engine.timestamps.catalogue import Layout
from logdesk.engine.timestamps.infer import infer_layout, infer_line_layout
from logdesk.settings import TimestampLayoutSettings

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


def json_layout(text: str, keys: Sequence[str], mtime: float, cut: bool) -> Layout | None:
    """The layout of a JSON-lines head's timestamp field: per line the first of `keys` with a
    value, as the reader looks it up (json_reader._lookup), and in the text the reader parses."""
    lines = [line for line in text.splitlines() if line.strip()]
    if cut and lines:
        lines = lines[:-1]
    samples = []
    for line in lines[:SAMPLE_ROWS]:
        try:  # numbers as their JSON text, as Spark's from_json gives them to a string field
            record = json.loads(line, parse_float=str, parse_int=str)
        except ValueError:
            continue
        if isinstance(record, dict):
            samples.append(_json_timestamp_text(record, keys))
    return infer_layout(samples, mtime_year=_year(mtime))


def _json_text(value: object) -> str | None:
    """A scalar's text as the reader sees it (trimmed; objects, arrays and blanks: None)."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    text = text.strip(" \t\r\n")
    return text if text and not text.startswith(("{", "[")) else None


def _json_timestamp_text(record: dict, keys: Sequence[str]) -> str | None:
    for key in keys:
        candidates = [record.get(key)]
        if "." in key:  # the flat key "a.b", else b inside object a
            parent, path = key.split(".", 1)
            inner = record.get(parent)
            candidates.append(inner.get(path) if isinstance(inner, dict) else None)
        for value in candidates:
            text = _json_text(value)
            if text is not None:
                return json_epoch_digits(text)
    return None


def json_epoch_digits(text: str) -> str:
    """Epoch micro- and nanoseconds (16 or 19 digits, journald) as seconds with a fraction, as
    the reader hands them on (json_fields.epoch_digits)."""
    if re.fullmatch(r"\d{16}(?:\d{3})?", text):
        return text[:10] + "." + text[10:19]
    return text


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


# --- layouts set by config (timestamps.layouts) --------------------------------------------

def forced_pattern(relative: str, rules: Sequence[TimestampLayoutSettings]) -> str | None:
    """The layout (Spark pattern) of the first rule whose glob matches `relative`, the file's
    path relative to the input folder ("/" between folders); a glob without "/" is matched
    against the file name alone. * and ? stay within a folder, ** spans folders."""
    name = PurePosixPath(relative).name
    for rule in rules:
        target = relative if "/" in rule.files else name
        if _glob_regex(rule.files).match(target):
            return rule.layout
    return None


def _glob_regex(glob: str) -> re.Pattern[str]:
    out: list[str] = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if glob.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        char = glob[i]
        end = glob.find("]", i + 2) if char == "[" else -1
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif end > 0:  # [abc], [!abc]
            body = glob[i + 1:end]
            body = "^" + body[1:] if body.startswith("!") else body
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end + 1
            continue
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out) + r"\Z", re.S)


__all__ = ["SAMPLE_ROWS", "csv_layout", "forced_pattern", "json_epoch_digits", "json_layout",
           "line_layout", "text_layout"]
