"""The engine thread: one QObject worker moved to a QThread runs every backend call.

One thread serializes Spark start, runs, record queries and shutdown, so a records page can
never read a run's files while the next run rewrites them. The GUI thread only emits requests
(queued signals) and cancels runs through RunControl, which is thread-safe.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from logdesk.backend import Backend, SparkEngineDied
from logdesk.control import Cancelled, RunControl
from logdesk.input_location import folder_value
from logdesk.results import RecordFilter, RunResult
from logdesk.settings import Settings


@dataclass(frozen=True)
class RunJob:
    folder: Path
    settings: Settings
    control: RunControl
    record_filter: RecordFilter = RecordFilter()


@dataclass(frozen=True)
class RecordsQuery:
    generation: int
    result: RunResult
    record_filter: RecordFilter
    search: str
    sort_column: str = "ts"
    descending: bool = False
    offset: int = 0
    limit: int = 0


@dataclass(frozen=True)
class HistogramQuery:
    """Bins finer than the cube's bucket for the visible range of the records histogram."""
    key: object  # the chart's own token: a reply for an older view is dropped
    result: RunResult
    levels: frozenset[str]
    wall_range: tuple[float, float]
    bin_seconds: int


@dataclass(frozen=True)
class ExportJob:
    result: RunResult
    record_filter: RecordFilter
    search: str
    path: Path


class _Generation:
    """The newest records generation; the worker skips queries that are already stale."""

    def __init__(self) -> None:
        self.value = 0
        self.histogram: object = None  # the newest histogram query's key


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:500]


def _os_error(exc: OSError) -> str:
    """The error as "Permission denied: /path", not "[Errno 13] Permission denied: '/path'"."""
    if not exc.strerror:
        return _short(exc)
    return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror


class EngineWorker(QObject):
    spark_ready = Signal()
    spark_failed = Signal(str, str)
    progress = Signal(str, float, str)  # stage, overall fraction, detail
    finished = Signal(object)  # RunResult
    failed = Signal(str, str)  # short message, details
    cancelled = Signal()
    records_counted = Signal(int, int)  # generation, count
    records_page = Signal(int, object)  # generation, RecordPage
    records_failed = Signal(int, str)
    histogram_ready = Signal(object, object)  # key, LevelHistogram
    malformed_ready = Signal(object)  # tuple of rows
    malformed_failed = Signal(str)
    context_located = Signal(object)  # (path, line), or None: the record has no line
    context_failed = Signal(str)
    records_exported = Signal(object, int)  # ExportJob, rows written
    export_failed = Signal(object, str, str)  # ExportJob, short message, details
    cache_cleared = Signal(int, object)  # files, bytes freed (object: an int past 2 GiB)
    cache_clear_failed = Signal(str, str)  # one-line message, details ("" for a file error)
    # Spark's JVM died under a call (message, details, True when the call was a run); the
    # backend has dropped the session. A run that died says so only here; the other calls
    # also send their own failure signal afterwards.
    engine_died = Signal(str, str, bool)
    stopped = Signal()

    def __init__(self, backend: Backend, generation: _Generation) -> None:
        super().__init__()
        self._backend = backend
        self._generation = generation

    def _if_engine_died(self, exc: BaseException) -> None:
        if isinstance(exc, SparkEngineDied):
            self.engine_died.emit(_short(exc), traceback.format_exc(), False)

    @Slot(object)
    def start_spark(self, settings: Settings) -> None:
        try:
            self._backend.start(settings)
        except Exception as exc:  # noqa: BLE001 - reported to the user
            self.spark_failed.emit(_short(exc), traceback.format_exc())
        else:
            self.spark_ready.emit()

    @Slot(object)
    def restart_spark(self, settings: Settings) -> None:
        self._backend.stop()
        self.start_spark(settings)

    @Slot(object)
    def run(self, job: RunJob) -> None:
        try:
            job.control.check()
            result = self._backend.run(job.folder, job.settings, job.control, job.record_filter)
        except Cancelled:
            self.cancelled.emit()
        except SparkEngineDied as exc:
            self.engine_died.emit(_short(exc), traceback.format_exc(), True)
        except Exception as exc:  # noqa: BLE001 - reported to the user
            if job.control.is_cancelled:
                self.cancelled.emit()
            else:
                self.failed.emit(_short(exc), traceback.format_exc())
        else:
            if job.control.is_cancelled:
                self.cancelled.emit()
            else:
                self.finished.emit(result)

    @Slot(object)
    def count_records(self, query: RecordsQuery) -> None:
        if query.generation != self._generation.value:
            return
        try:
            count = self._backend.count_records(query.result, query.record_filter, query.search)
        except Exception as exc:  # noqa: BLE001 - shown in the records view
            self._if_engine_died(exc)
            self.records_failed.emit(query.generation, _short(exc))
        else:
            self.records_counted.emit(query.generation, int(count))

    @Slot(object)
    def fetch_records(self, query: RecordsQuery) -> None:
        if query.generation != self._generation.value:
            return
        try:
            page = self._backend.fetch_records(
                query.result, query.record_filter, query.search, query.sort_column,
                query.descending, query.offset, query.limit,
            )
        except Exception as exc:  # noqa: BLE001 - shown in the records view
            self._if_engine_died(exc)
            self.records_failed.emit(query.generation, _short(exc))
        else:
            self.records_page.emit(query.generation, page)

    @Slot(object)
    def level_histogram(self, query: HistogramQuery) -> None:
        if query.key != self._generation.histogram:  # the user has zoomed on since
            return
        try:
            hist = self._backend.level_histogram(query.result, query.levels, query.wall_range,
                                                 query.bin_seconds)
        except Exception as exc:  # noqa: BLE001 - the chart keeps its coarser bins
            self._if_engine_died(exc)
        else:
            self.histogram_ready.emit(query.key, hist)

    @Slot(object, int)
    def malformed_rows(self, result: RunResult, limit: int) -> None:
        try:
            rows = tuple(self._backend.malformed_rows(result, limit))
        except Exception as exc:  # noqa: BLE001 - shown in the dialog
            self.malformed_failed.emit(_short(exc))
        else:
            self.malformed_ready.emit(rows)

    @Slot(object)
    def record_location(self, query: RecordsQuery) -> None:
        try:
            where = self._backend.record_location(
                query.result, query.record_filter, query.search, query.sort_column,
                query.descending, query.offset)
        except Exception as exc:  # noqa: BLE001 - shown in the records view
            self._if_engine_died(exc)
            self.context_failed.emit(_short(exc))
        else:
            self.context_located.emit(where)

    @Slot(object)
    def export_records(self, job: ExportJob) -> None:
        try:
            rows = self._backend.export_records(job.result, job.record_filter, job.search, job.path)
        except Exception as exc:  # noqa: BLE001 - reported to the user
            self._if_engine_died(exc)
            self.export_failed.emit(job, _short(exc), traceback.format_exc())
        else:
            self.records_exported.emit(job, int(rows))

    @Slot(object)
    def clear_cache(self, settings: Settings) -> None:
        try:
            files, size = self._backend.clear_cache(settings)
        except OSError as exc:  # a file that cannot be deleted: say which, no traceback
            self.cache_clear_failed.emit(_os_error(exc), "")
        except Exception as exc:  # noqa: BLE001 - reported to the user
            self.cache_clear_failed.emit(_short(exc), traceback.format_exc())
        else:
            self.cache_cleared.emit(int(files), int(size))

    @Slot()
    def stop(self) -> None:
        try:
            self._backend.stop()
        finally:
            self.stopped.emit()
            thread = QThread.currentThread()
            thread.quit()


class EngineClient(QObject):
    """GUI-side handle: owns the engine thread and forwards requests to the worker."""

    _start_requested = Signal(object)
    _restart_requested = Signal(object)
    _run_requested = Signal(object)
    _count_requested = Signal(object)
    _fetch_requested = Signal(object)
    _malformed_requested = Signal(object, int)
    _location_requested = Signal(object)
    _histogram_requested = Signal(object)
    _export_requested = Signal(object)
    _clear_cache_requested = Signal(object)
    _stop_requested = Signal()

    def __init__(self, backend: Backend, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self._generation = _Generation()
        self.thread = QThread()
        self.thread.setObjectName("logdesk-engine")
        self.worker = EngineWorker(backend, self._generation)
        self.worker.moveToThread(self.thread)
        self._start_requested.connect(self.worker.start_spark)
        self._restart_requested.connect(self.worker.restart_spark)
        self._run_requested.connect(self.worker.run)
        self._count_requested.connect(self.worker.count_records)
        self._fetch_requested.connect(self.worker.fetch_records)
        self._malformed_requested.connect(self.worker.malformed_rows)
        self._location_requested.connect(self.worker.record_location)
        self._histogram_requested.connect(self.worker.level_histogram)
        self._export_requested.connect(self.worker.export_records)
        self._clear_cache_requested.connect(self.worker.clear_cache)
        self._stop_requested.connect(self.worker.stop)
        self.thread.start()
        self._shut_down = False

    # -- requests -------------------------------------------------------------------------
    def start_spark(self, settings: Settings) -> None:
        self._start_requested.emit(settings)

    def restart_spark(self, settings: Settings) -> None:
        self._restart_requested.emit(settings)

    def run(self, folder: Path | str, settings: Settings, record_filter: RecordFilter = RecordFilter()) -> RunControl:
        control = RunControl(progress=self.worker.progress.emit)
        self._run_requested.emit(RunJob(folder_value(folder), settings, control, record_filter))
        return control

    def new_records_generation(self) -> int:
        self._generation.value += 1
        return self._generation.value

    def count_records(self, query: RecordsQuery) -> None:
        self._count_requested.emit(query)

    def fetch_records(self, query: RecordsQuery) -> None:
        self._fetch_requested.emit(query)

    def malformed_rows(self, result: RunResult, limit: int) -> None:
        self._malformed_requested.emit(result, limit)

    def level_histogram(self, query: HistogramQuery) -> None:
        """Queue fine bins (answered by worker.histogram_ready; on a failure the chart keeps
        the cube's bins); a query still queued when a newer one comes is skipped."""
        self._generation.histogram = query.key
        self._histogram_requested.emit(query)

    def record_location(self, query: RecordsQuery) -> None:
        """Where the record at query.offset is (answered by worker.context_located)."""
        self._location_requested.emit(query)

    def export_records(self, result: RunResult, record_filter: RecordFilter, search: str, path: Path) -> ExportJob:
        """Queue an export on the engine thread; the worker answers with records_exported or
        export_failed, carrying the returned job."""
        job = ExportJob(result, record_filter, search, Path(path))
        self._export_requested.emit(job)
        return job

    def clear_cache(self, settings: Settings) -> None:
        """Queue deleting the file cache of `settings` on the engine thread, after whatever runs
        there now; the worker answers with cache_cleared or cache_clear_failed."""
        self._clear_cache_requested.emit(settings)

    # -- shutdown -------------------------------------------------------------------------
    def shutdown(self, wait_ms: int = 20_000) -> bool:
        """Stop Spark on the engine thread and end the thread; True when it ended in time.

        The caller cancels any run first. If the thread is still busy after `wait_ms`, Spark
        is stopped from here (which fails whatever the thread waits on) and we wait again.
        """
        if self._shut_down:
            return not self.thread.isRunning()
        self._shut_down = True
        self._generation.value += 1  # drop queued record queries
        self._stop_requested.emit()
        if self.thread.wait(wait_ms):
            return True
        try:
            self.backend.stop()
        except Exception:  # noqa: BLE001 - best effort on the way out
            pass
        self.thread.quit()
        return self.thread.wait(wait_ms)
