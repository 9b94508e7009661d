"""The interface the desktop app uses to reach the engine, free of Spark and Qt.

logdesk.engine.backend.SparkBackend implements it with a real SparkSession; tests may pass a
fake with the same methods. All methods except `cancel` run on the worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence

from logdesk.analysis.histogram import LevelHistogram
from logdesk.control import RunControl
from logdesk.results import RecordFilter, RunResult
from logdesk.settings import Settings

ENGINE_DIED_MESSAGE = "the Spark engine stopped unexpectedly (its Java process ended)"


class SparkEngineDied(RuntimeError):
    """Spark's JVM ended in the middle of a call (killed, crashed, out of memory). The session
    is gone; the engine has forgotten it, so the next start makes a new one. The message is
    ENGINE_DIED_MESSAGE, meant for the user."""

    def __init__(self, message: str = ENGINE_DIED_MESSAGE) -> None:
        super().__init__(message)


# `line`: the record's first line in its file (None where it cannot be known)
RECORD_COLUMNS: tuple[str, ...] = (
    "ts", "level", "service", "ip", "endpoint", "message", "template", "source_file", "line",
)


@dataclass(frozen=True)
class RecordPage:
    offset: int
    rows: tuple[tuple, ...]  # each row: values in RECORD_COLUMNS order (ts as datetime)


class Backend(Protocol):
    def start(self, settings: Settings) -> None:
        """Start Spark (slow: seconds). Raises with a user-facing message on failure."""

    def run(
        self, folder: Path, settings: Settings, control: RunControl,
        record_filter: RecordFilter = RecordFilter(),
    ) -> RunResult:
        """Process a folder. Raises control.Cancelled when cancelled, SparkEngineDied when
        Spark's JVM ends during the run (every other method raises it the same way)."""

    def count_records(self, result: RunResult, record_filter: RecordFilter, search: str) -> int:
        ...

    def fetch_records(
        self, result: RunResult, record_filter: RecordFilter, search: str,
        sort_column: str, descending: bool, offset: int, limit: int,
    ) -> RecordPage:
        ...

    def export_records(
        self, result: RunResult, record_filter: RecordFilter, search: str, path: Path,
    ) -> int:
        """Write the records of `record_filter` and `search` (within the run's own filter) to
        `path`: Parquet when it ends in .parquet, else CSV. Returns the rows written; raises
        OSError with a user-facing message when `path` cannot be written."""

    def malformed_rows(self, result: RunResult, limit: int) -> Sequence[tuple]:
        """(file, line, reason, raw) for the first `limit` malformed rows."""

    def record_location(
        self, result: RunResult, record_filter: RecordFilter, search: str,
        sort_column: str, descending: bool, offset: int,
    ) -> tuple[str, int] | None:
        """(source file, 1-based physical line) of the record at `offset` of the records view's
        query (filter, search, sort as in fetch_records); None if it has no line."""

    def level_histogram(self, result: RunResult, levels: frozenset[str],
                        wall_range: tuple[float, float], bin_seconds: int) -> LevelHistogram:
        """Records per level in `bin_seconds` bins over `wall_range` (wall-clock seconds of
        the run's zone), of `levels` (all when empty), counted from the records: for bins
        finer than the cube's bucket."""
        ...

    def clear_cache(self, settings: Settings) -> tuple[int, int]:
        """Delete every file's cached copy and share of the results (settings.cache); returns
        (files, bytes) freed. The next run of any folder reads all of its files again."""

    def stop(self) -> None:
        """Stop Spark; safe to call twice and from shutdown paths."""
