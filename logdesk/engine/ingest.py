"""Folder -> one STAGED DataFrame: discover the files, hand each format's files to its reader,
union the results.

Readers are looked up by InputFile.format in READERS, so another reader (JSON lines, plain-text
patterns) is added by registering it here and teaching discover.py to recognize its files;
nothing downstream changes, since every reader produces STAGED_SCHEMA. Files without a reader
(skipped, unreadable, empty) contribute no rows; they stay in the file list for the report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from logdesk.engine.discover import (
    FORMAT_CSV,
    FORMAT_JSONL,
    FORMAT_TEXT,
    InputFile,
    discover_inputs,
)
from logdesk.engine.readers.common import union_staged
from logdesk.engine.readers.csv_reader import read_csv_inputs
from logdesk.engine.readers.json_reader import read_jsonl_inputs
from logdesk.engine.readers.line_numbers import number_staged_lines
from logdesk.engine.readers.text_reader import read_text_inputs
from logdesk.engine.schema import BLANK_FORMAT
from logdesk.engine.text_formats import user_text_formats
from logdesk.settings import Settings

# (spark, files of one format, settings) -> STAGED rows of those files
Reader = Callable[[SparkSession, Sequence[InputFile], Settings], DataFrame]


READERS: dict[str, Reader] = {
    FORMAT_CSV: read_csv_inputs,
    FORMAT_JSONL: read_jsonl_inputs,
    FORMAT_TEXT: read_text_inputs,
}


def read_inputs(
    spark: SparkSession,
    files: Sequence[InputFile],
    settings: Settings,
    readers: Mapping[str, Reader] | None = None,
    numbered: bool = True,
) -> DataFrame:
    """STAGED rows of already discovered files (lazy: nothing runs until an action).

    numbered=False leaves `line` null where a reader deferred it, and keeps the BLANK_FORMAT
    rows that numbering needs: the pipeline numbers lines from its staged copy instead of
    reading the input twice (see line_numbers.py)."""
    registry = READERS if readers is None else readers
    by_format: dict[str, list[InputFile]] = {}
    for f in files:
        by_format.setdefault(f.format, []).append(f)
    frames = [
        registry[fmt](spark, group, settings)
        for fmt, group in sorted(by_format.items())
        if fmt in registry
    ]
    staged = union_staged(spark, frames)
    return with_lines(staged) if numbered else staged


def with_lines(staged: DataFrame) -> DataFrame:
    """A reader's rows with every `line` filled in, and without the BLANK_FORMAT rows that
    were kept only for the numbering of the lines after them."""
    return number_staged_lines(staged, staged).where(F.col("format") != BLANK_FORMAT)


def read_folder(
    spark: SparkSession, folder: Path, settings: Settings, numbered: bool = True
) -> tuple[DataFrame, list[InputFile]]:
    """(STAGED rows of every log file under `folder`, the files found, sorted by path)."""
    files = discover_inputs(Path(folder), user_text_formats(settings.text_formats),
                            timestamp_layouts=settings.timestamps.layouts)
    return read_inputs(spark, files, settings, numbered=numbered), files


__all__ = ["READERS", "Reader", "read_folder", "read_inputs", "with_lines"]
