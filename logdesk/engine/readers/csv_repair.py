"""CSV files with an unclosed quote: found after the read, flagged, and the rest read on.

csv_reader reads quoted fields across line breaks (multiLine), so one stray `"` makes Spark's
parser take the lines after it as one field: up to the next quote, or to the end of the file.
Spark gives no bound that keeps a job alive (maxCharsPerColumn fails the whole job), so the
damage is looked for after the staged copy is written, where it is cheap:

1. Suspects, from the Parquet footers of the staged copy (no Spark job, no rows read): a CSV
   file whose records hold a record spanning more than MAX_QUOTED_LINES lines, or whose
   malformed rows hold one spanning any line break (an unclosed quote mostly ends in a later
   line's quoted field and leaves a record with too many fields). A legitimate quoted stack
   trace is tens of lines, and parses as a record: it does not make a file a suspect.
2. Only for a suspect (rare), a pass over the file on the driver that follows the quoting as
   Spark's parser does (_line_quoting) and finds each unclosed quote: a quoted field that
   runs to the end of the file, or into a later line's quote (which Spark takes for an
   unescaped quote), or past MAX_QUOTED_LINES lines that look like rows of the file
   (as many commas as the header has, for most of them). A quoted field that closes normally
   is never touched, however long.
3. For a file with such damage, a repaired copy: every line the same, except that the record
   holding the unclosed quote (its first line up to the quote's line) becomes one quoted
   marker field holding a reason and the original text, with the same line breaks. The
   copies of all damaged files are read again by csv_reader in one Spark job; each marker
   row is malformed ("unclosed quote: ...", raw = the original text), every line after it
   reads as usual, and the line numbers stay exact (the marker spans the same lines). Their
   staged rows replace the file's first ones before the aggregations run.

The bound: 1,000 lines. Far above a quoted stack trace (Java prints at most 1,024 frames,
so a StackOverflowError just passes it; the "rows of the file" test keeps such a trace
whole), and small enough that the undetected case costs at most that many lines. A bound in
characters (say 1 MB) would need a length per record in the staged copy, where the line
breaks are already counted (`newlines`); a field over 1 MB within 1,000 lines is a different
problem (a huge legitimate value) and is read as it is.
"""

from __future__ import annotations

import bz2
import dataclasses
import gzip
import io
import os
import shutil
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pyarrow.parquet as pq
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from logdesk.engine.discover import FORMAT_CSV, InputFile
from logdesk.engine.input_io import open_input
from logdesk.engine.partials import FILE_ID, MALFORMED, PART, RECORDS, UNIT, tag_rows
from logdesk.engine.readers.csv_reader import read_csv_inputs
from logdesk.engine.run_control import describe
from logdesk.engine.transcode import compression
from logdesk.settings import Settings

MAX_QUOTED_LINES = 1_000  # line breaks a quoted field may span before it is evidence of damage
_ROUNDS = 3  # repair passes at most (the second finds nothing unless the emulation was wrong)

_QUOTE, _COMMA, _SPACE, _TAB = 34, 44, 32, 9
_OPEN, _CLOSED, _STRAY = 0, 1, 2  # how a quoted field that reached a line's start ends there
# A marker field: MARK, the reason, SEP, the original text (quotes doubled in the file).
_MARK, _SEP = "\u0001logdesk unclosed quote\u0001", "\u0002"
_MARKER = '(?s)^"' + _MARK + "([^" + _SEP + "]*)" + _SEP + '(.*)",*$'


# ----------------------------------------------------------------------------- suspects


def _max_newlines(folder: Path) -> int:
    """The largest `newlines` among the staged rows under `folder` (Parquet footers; the column
    itself only where a footer has no statistics)."""
    best = 0
    for part in sorted(folder.glob("*.parquet")):
        meta = pq.ParquetFile(part).metadata
        names = [meta.schema.column(i).name for i in range(meta.num_columns)]
        if "newlines" not in names:
            continue
        column = names.index("newlines")
        for g in range(meta.num_row_groups):
            stats = meta.row_group(g).column(column).statistics
            if stats is not None and stats.has_min_max:
                best = max(best, int(stats.max))
            else:
                values = pq.read_table(part, columns=["newlines"]).column(0).to_pylist()
                best = max([best, *(v for v in values if v is not None)])
                break
    return best


def suspects(reads: Sequence[InputFile], staged: Path) -> list[int]:
    """Positions in `reads` of the CSV files whose staged copy (staged/unit=N: a CSV file is
    never bundled, its unit is its position) may hide an unclosed quote."""
    found = []
    for i, f in enumerate(reads):
        if f.format != FORMAT_CSV or not f.header:
            continue
        rows = staged / f"{UNIT}={i}"
        if (_max_newlines(rows / f"{PART}={MALFORMED}") > 0
                or _max_newlines(rows / f"{PART}={RECORDS}") > MAX_QUOTED_LINES):
            found.append(i)
    return found


# ----------------------------------------------------------------------------- the quoting


def _quoted_end(line: bytes, i: int) -> tuple[int, int | None]:
    """Where a quoted field whose text goes on at line[i] ends: (_OPEN, None) past the line's
    end; (_CLOSED or _STRAY, the next field's start, or None when the record ends here). A
    quote followed by spaces and a comma or the line end closes; followed by anything else it
    is unescaped, and the field goes on to the next comma or line end."""
    n = len(line)
    while True:
        j = line.find(b'"', i)
        if j < 0:
            return _OPEN, None
        if j + 1 < n and line[j + 1] == _QUOTE:
            i = j + 2  # a doubled quote
            continue
        k = j + 1
        while k < n and line[k] in (_SPACE, _TAB):
            k += 1
        if k == n:
            return _CLOSED, None
        if line[k] == _COMMA:
            return _CLOSED, k + 1
        comma = line.find(b",", k)
        return _STRAY, (None if comma < 0 else comma + 1)


def _line_quoting(line: bytes, in_quote: bool) -> tuple[int, bool]:
    """How one physical line (without its line end) leaves the quoting, as Spark's CSV parser
    reads it (univocity: quote and escape `"`, unescaped quotes STOP_AT_DELIMITER; a quote
    opens a field only at its start). Returns how a quoted field open at the line's start ends
    (_OPEN, _CLOSED, _STRAY; _CLOSED when none was open) and whether one is open at its end."""
    ended, i = _CLOSED, 0
    if in_quote:
        ended, after = _quoted_end(line, 0)
        if ended == _OPEN:
            return _OPEN, True
        if after is None:
            return ended, False
        i = after
    elif b'"' not in line:
        return _CLOSED, False
    n = len(line)
    while True:
        if i < n and line[i] == _QUOTE:
            state, after = _quoted_end(line, i + 1)
            if state == _OPEN:
                return ended, True
            if after is None:
                return ended, False
            i = after
        else:
            comma = line.find(b",", i)
            if comma < 0:
                return ended, False
            i = comma + 1


def _lines(n: int) -> str:
    return f"{n:,} line" if n == 1 else f"{n:,} lines"


def _content(line: bytes) -> bytes:
    return line.rstrip(b"\r\n")


def _repairs(lines: Iterable[bytes], width: int) -> Iterator[tuple[int, int, str]]:
    """(first line, last line, reason) of each record holding an unclosed quote, in file order;
    `lines` are the physical lines after the header (line 2 on), line ends kept. The record
    ends at the line where its unclosed quote opens; parsing goes on after that line."""
    source = iter(lines)
    pending: deque[tuple[int, bytes]] = deque()  # lines to read again after a repair
    number = 1
    in_quote = False
    record: list[tuple[int, bytes]] = []  # the record so far, while a quoted field is open
    opened = 0  # line where the open quoted field starts
    span = looks_like_rows = nonblank = 0
    judged = False  # the open field passed MAX_QUOTED_LINES and did not look like rows

    def damaged(reason: str) -> tuple[int, int, str]:
        nonlocal in_quote, record
        first = record[0][0]
        pending.extendleft(reversed([x for x in record if x[0] > opened]))
        in_quote, record = False, []
        return first, opened, reason

    while True:
        if pending:
            n, line = pending.popleft()
        else:
            line = next(source, None)
            if line is None:
                if not in_quote:
                    return
                more = f" ({_lines(number - opened)} after it)" if number > opened else ""
                yield damaged("unclosed quote: the quoted field opened on this line runs to "
                              f"the end of the file{more}")
                continue
            number += 1
            n = number
        text = _content(line)
        if not in_quote:
            _, open_at_end = _line_quoting(text, False)
            if open_at_end:
                in_quote, record = True, [(n, line)]
                opened, span, looks_like_rows, nonblank, judged = n, 0, 0, 0, False
            continue
        record.append((n, line))
        span += 1
        ended, open_at_end = _line_quoting(text, True)
        if ended == _OPEN:
            if not judged and span <= MAX_QUOTED_LINES:
                nonblank += bool(text.strip())
                looks_like_rows += text.count(b",") == width - 1
                if span == MAX_QUOTED_LINES:
                    if 2 * looks_like_rows >= nonblank:
                        yield damaged(f"unclosed quote: the quoted field opened on this line "
                                      f"runs on over the next {MAX_QUOTED_LINES:,} lines, "
                                      "which look like rows of the file")
                    else:
                        judged = True
        elif ended == _STRAY:
            yield damaged(f"unclosed quote: the quoted field opened on this line would run "
                          f"on for {_lines(n - opened)}, into a quote on a later line")
        elif open_at_end:  # closed; another quoted field of the same record opens on this line
            opened, span, looks_like_rows, nonblank, judged = n, 0, 0, 0, False
        else:
            in_quote, record = False, []


# ----------------------------------------------------------------------------- the copy


def _open(path: str):
    codec = compression(path)
    raw = open_input(path)  # a path, or a URL on a Hadoop file system
    if codec == "gzip":
        return _Closing(gzip.GzipFile(fileobj=raw), raw)
    if codec == "bzip2":
        return _Closing(bz2.BZ2File(raw), raw)
    return raw


class _Closing(io.BufferedReader):
    """A decompressing reader that closes the raw stream under it too."""

    def __init__(self, packed, raw) -> None:
        super().__init__(packed)
        self._raw = raw

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._raw.close()


def _physical_lines(handle) -> Iterator[bytes]:
    """The file's lines, line ends kept: split at LF, or at CR when the file has no LF."""
    head = handle.peek(1 << 16)[: 1 << 16] if hasattr(handle, "peek") else b""
    if b"\n" in head or b"\r" not in head:
        yield from handle
        return
    data = handle.read()  # lone-CR line ends (old Mac): rare, small
    yield from data.splitlines(keepends=True)


def _scan(f: InputFile) -> list[tuple[int, int, str]]:
    with _open(f.read_path) as handle:
        lines = _physical_lines(handle)
        next(lines, None)  # the header
        return list(_repairs(lines, len(f.header or ())))


def _marker(record: list[bytes], reason: str, width: int) -> bytes:
    """One CSV record over the same lines: a quoted field holding the reason and the text,
    then more fields than the header has (so it reads as malformed whatever the width)."""
    text = b"\n".join(_content(line) for line in record)
    value = (_MARK + reason + _SEP).encode("utf-8") + text
    end = record[-1][len(_content(record[-1])):] or b""
    return b'"' + value.replace(b'"', b'""') + b'"' + b"," * width + end


def _write_copy(f: InputFile, repairs: list[tuple[int, int, str]], target: Path) -> None:
    width = len(f.header or ())
    todo = deque(repairs)
    with _open(f.read_path) as handle, open(target, "wb") as out:
        record: list[bytes] = []
        for number, line in enumerate(_physical_lines(handle), start=1):
            if todo and todo[0][0] <= number <= todo[0][1]:
                record.append(line)
                if number == todo[0][1]:
                    out.write(_marker(record, todo[0][2], width))
                    record = []
                    todo.popleft()
                continue
            out.write(line)


# ----------------------------------------------------------------------------- the re-read


def _flag_markers(staged: DataFrame) -> DataFrame:
    """Marker rows: the reason and original text out of the marker field."""
    raw = F.col("raw")
    is_marker = raw.startswith('"' + _MARK)
    reason = F.regexp_extract(raw, _MARKER, 1)
    original = F.replace(F.regexp_extract(raw, _MARKER, 2), F.lit('""'), F.lit('"'))
    columns: list[Column] = []
    for name in staged.columns:
        if name == "malformed_reason":
            columns.append(F.when(is_marker, reason).otherwise(F.col(name)).alias(name))
        elif name == "raw":
            columns.append(F.when(is_marker, original).otherwise(raw).alias(name))
        else:
            columns.append(F.col(name))
    return staged.select(*columns)


def repair_unclosed_quotes(
    spark: SparkSession,
    reads: Sequence[InputFile],
    staged: Path,
    settings: Settings,
    work_dir: Path,
) -> dict[str, int]:
    """Find unclosed quotes in the CSV files of `reads` whose staged copy (written by the
    pipeline under `staged`, partitioned by file_id = position in `reads`, and part) shows
    the damage; read the damaged ones again with each unclosed quote flagged, and put their
    staged rows in place of the first ones. Returns path -> unclosed quotes found. No Spark
    job unless a file is damaged; then one per round."""
    found: dict[str, int] = {}
    current = list(reads)
    candidates = suspects(current, staged)
    try:
        for round_ in range(_ROUNDS):
            if not candidates:
                break
            copies: dict[int, InputFile] = {}
            for i in candidates:
                f = current[i]
                try:
                    repairs = _scan(f)
                    if not repairs:
                        continue
                    work_dir.mkdir(parents=True, exist_ok=True)
                    name = os.path.basename(f.read_path)
                    if compression(name):  # the copy is plain text, and Spark goes by the name
                        name = os.path.splitext(name)[0]
                    target = work_dir / f"{round_}-{i}-{name}"
                    _write_copy(f, repairs, target)
                except (OSError, EOFError, ValueError):  # unreadable now: keep the first read
                    continue
                copies[i] = dataclasses.replace(f, transcoded=str(target))
                found[f.path] = found.get(f.path, 0) + len(repairs)
            if not copies:
                break
            _reread(spark, list(copies.values()), [f.path for f in current], staged,
                    settings, work_dir / f"staged-{round_}")
            for i, f in copies.items():
                current[i] = f
            candidates = [i for i in suspects(current, staged) if i in copies]
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    return found


def _reread(spark: SparkSession, copies: list[InputFile], paths: list[str], staged: Path,
            settings: Settings, out: Path) -> None:
    describe(spark, "logdesk: read CSV files again around unclosed quotes")
    rows = tag_rows(_flag_markers(read_csv_inputs(spark, copies, settings)), paths)
    rows = rows.withColumn(UNIT, F.col(FILE_ID))
    rows.write.mode("overwrite").partitionBy(UNIT, PART).parquet(str(out))
    for f in copies:
        folder = f"{UNIT}={paths.index(f.path)}"
        shutil.rmtree(staged / folder, ignore_errors=True)
        if (out / folder).is_dir():
            shutil.move(str(out / folder), str(staged / folder))


__all__ = ["MAX_QUOTED_LINES", "repair_unclosed_quotes", "suspects"]
