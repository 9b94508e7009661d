"""SparkBackend: the desktop app's way to the engine (implements logdesk.backend.Backend).

All methods except RunControl.cancel run on the app's engine thread. A run executes in its own
Spark job group (or, on Spark Connect, under its own tag) so that cancelling from the GUI
thread stops the Spark jobs at once. When Spark's JVM dies under a call, the call raises
SparkEngineDied and the backend has dropped the dead session: `start()` makes a new one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Sequence, TypeVar

from pyspark import SparkContext
from pyspark.sql import SparkSession

from logdesk.analysis.histogram import LevelHistogram
from logdesk.backend import RecordPage
from logdesk.control import RunControl
from logdesk.engine import records
from logdesk.engine.session import create_session, engine_died, is_connect, stop_session
from logdesk.engine.session import discard_dead_session
from logdesk.input_location import folder_value
from logdesk.backend import SparkEngineDied
from logdesk.results import RecordFilter, RunResult
from logdesk.settings import Settings

T = TypeVar("T")


def _warm_up(spark: SparkSession, settings: Settings) -> None:
    """Run the pipeline once on the bundled sample logs, results thrown away.

    The first run in a fresh JVM pays for class loading, JIT and code generation; doing that
    while the user is still picking a folder made the first real run of 1M rows 22 s -> 15.5 s
    here. Best effort: a failure here is not the user's problem.
    """
    from logdesk.engine.pipeline import run_pipeline
    from logdesk.paths import sample_logs_dir

    sample = sample_logs_dir()
    picked = [sample / name for name in _WARM_UP_FILES if (sample / name).is_file()]
    if not picked:
        return
    with tempfile.TemporaryDirectory(prefix="logdesk-warm-up-") as work:
        # A few sample files of the common kinds, not the whole sample: a user who drops a
        # folder at once waits for the warm-up to finish.
        logs = Path(work) / "logs"
        logs.mkdir()
        for path in picked:
            shutil.copyfile(path, logs / path.name)
        # the cache off: a warm-up answered from the cache would warm nothing up
        warm = dataclasses.replace(
            settings,
            paths=dataclasses.replace(settings.paths, work_dir=work),
            cache=dataclasses.replace(settings.cache, enabled=False),
        )
        try:
            run_pipeline(spark, logs, warm)
        except Exception:  # noqa: BLE001 - see docstring
            pass


# sample files the warm-up reads: a CSV and a plain-text log with stack traces
_WARM_UP_FILES = ("api-gateway/2026-03-01.csv", "orders/orders-service.log")


class SparkBackend:
    """Owns (or borrows) one SparkSession.

    `stop()` stops the session only when this backend created it: a session that was already
    running when `start()` was called (a test's shared session, an embedding program's) is
    left alone. Pass `own_session=False` to never stop it.
    """

    def __init__(self, own_session: bool | None = None, warm_up: bool = True) -> None:
        self._warm_up = warm_up
        self._spark: SparkSession | None = None
        self._settings: Settings | None = None
        self._own_session_override = own_session
        self._own_session = False
        self._lock = threading.Lock()
        # (records_path, its staged copy's line index, cached in Spark): the Records view's
        # pages are numbered with it, so only the first page pays for building it
        self._line_index: tuple[tuple[str, int], Any] | None = None

    @property
    def spark(self) -> SparkSession | None:
        return self._spark

    @property
    def owns_session(self) -> bool:
        return self._own_session

    def start(self, settings: Settings) -> None:
        connect = is_connect(settings.spark.master)
        already_running = (not connect) and SparkContext._active_spark_context is not None
        spark = create_session(settings.spark, settings.time_zone)
        with self._lock:
            self._spark = spark
            self._settings = settings
            if self._own_session_override is not None:
                self._own_session = self._own_session_override
            else:
                self._own_session = not already_running
        if self._warm_up and self._own_session and not connect:
            _warm_up(spark, settings)

    def _guarded(self, call: Callable[[], T]) -> T:
        """`call()`, with a JVM that died under it turned into SparkEngineDied after the dead
        session is dropped (so that start() launches a new JVM instead of reusing it)."""
        try:
            return call()
        except SparkEngineDied:
            self._drop_dead_session()
            raise
        except Exception as exc:
            if self._spark is None or is_connect(self._master) or not engine_died(exc):
                raise
            self._drop_dead_session()
            raise SparkEngineDied() from exc

    @property
    def _master(self) -> str:
        return self._settings.spark.master if self._settings else ""

    def _drop_dead_session(self) -> None:
        with self._lock:
            self._spark = None
            self._line_index = None
            self._own_session = False
        discard_dead_session()

    def _session(self) -> SparkSession:
        spark = self._spark
        if spark is None:
            raise RuntimeError("Spark is not running (it failed to start or was stopped).")
        return spark

    def run(
        self, folder: Path, settings: Settings, control: RunControl,
        record_filter: RecordFilter = RecordFilter(),
    ) -> RunResult:
        from logdesk.engine.pipeline import run_pipeline

        # run_pipeline puts the run in its own job group (or tag), wires control.cancel() to
        # it and turns a Spark error after a cancel into Cancelled.
        control.check()
        spark = self._session()
        return self._guarded(lambda: run_pipeline(spark, folder_value(folder), settings,
                                                  record_filter=record_filter, control=control))

    def _time_zone(self, result: RunResult) -> str:
        return result.cube.time_zone or (self._settings.time_zone if self._settings else "UTC")

    def _filtered(self, result: RunResult, record_filter: RecordFilter, search: str):
        tz = self._time_zone(result)
        df = records.load_records(self._session(), result.records_path)
        df = records.apply_record_filter(df, result.applied_filter, tz)
        df = records.apply_record_filter(df, record_filter, tz)
        return records.apply_search(df, search)

    def count_records(self, result: RunResult, record_filter: RecordFilter, search: str) -> int:
        if not result.records_path:  # a run without a single parsed record
            return 0
        return self._guarded(lambda: int(self._filtered(result, record_filter, search).count()))

    def fetch_records(
        self, result: RunResult, record_filter: RecordFilter, search: str,
        sort_column: str, descending: bool, offset: int, limit: int,
    ) -> RecordPage:
        if not result.records_path:
            return RecordPage(offset=offset, rows=())

        def page():
            df = self._filtered(result, record_filter, search)
            rows = records.page_frame(df, sort_column, descending, offset, limit).collect()
            # the lines a reader left to be counted, for this page's rows only
            return rows, records.page_lines(df.sparkSession, rows,
                                            lambda: self._line_index_of(df.sparkSession, result))

        rows, lines = self._guarded(page)
        return RecordPage(offset=offset,
                          rows=records.rows_to_records(rows, self._time_zone(result), lines))

    def level_histogram(self, result: RunResult, levels: frozenset[str],
                        wall_range: tuple[float, float], bin_seconds: int) -> LevelHistogram:
        from logdesk.analysis.histogram import histogram_from_counts

        if not result.records_path:
            return histogram_from_counts((), wall_range, bin_seconds)

        def count():
            df = self._filtered(result, RecordFilter(levels=levels), "")
            return records.bin_counts(df, self._time_zone(result), wall_range, bin_seconds)

        return histogram_from_counts(self._guarded(count), wall_range, bin_seconds)

    def _line_index_of(self, spark: SparkSession, result: RunResult):
        """The line index of `result`'s staged copy, built once per run and cached in Spark
        (the previous run's is let go)."""
        from logdesk.engine.readers.line_numbers import staged_line_index
        from logdesk.engine.run_records import staged_paths

        key = (result.records_path, id(spark))  # a new session has none of the old's cache
        known = self._line_index
        if known is not None and known[0] == key:
            return known[1]
        if known is not None:
            self._line_index = None
            for table in (known[1].blocks, known[1].intervals):
                if table is not None:
                    with contextlib.suppress(Exception):  # a session that has gone
                        table.unpersist()
        index = staged_line_index(spark.read.parquet(*staged_paths(result.records_path)))
        index = dataclasses.replace(
            index, blocks=index.blocks.cache(),
            intervals=None if index.intervals is None else index.intervals.cache())
        self._line_index = (key, index)
        return index

    def export_records(
        self, result: RunResult, record_filter: RecordFilter, search: str, path: Path,
    ) -> int:
        from logdesk.engine.records_export import export_records

        spark = self._session()
        return self._guarded(lambda: export_records(spark, result, record_filter, search,
                                                    Path(path), self._time_zone(result)))

    def malformed_rows(self, result: RunResult, limit: int) -> Sequence[tuple]:
        return records.read_malformed(result.malformed_csv_path, limit)

    def record_location(
        self, result: RunResult, record_filter: RecordFilter, search: str,
        sort_column: str, descending: bool, offset: int,
    ) -> tuple[str, int] | None:
        if not result.records_path:
            return None
        from logdesk.engine.records_export import numbered_in_file_order

        def locate():
            df = self._filtered(result, record_filter, search)
            one = df.orderBy(*records.sort_columns(df, sort_column, descending)) \
                .offset(max(0, offset)).limit(1)
            # lines are counted only where shown: here, for this one record
            got = numbered_in_file_order(one, result).select("source_file", "line").collect()
            if not got or got[0][0] is None or got[0][1] is None:
                return None
            return str(got[0][0]), int(got[0][1])

        return self._guarded(locate)

    def clear_cache(self, settings: Settings) -> tuple[int, int]:
        from logdesk.engine.pipeline import cache_store

        return cache_store(settings).clear()

    def stop(self) -> None:
        with self._lock:
            spark, own = self._spark, self._own_session
            self._spark = None
        if spark is not None and own:
            stop_session(spark)
