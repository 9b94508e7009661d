"""The main window's run controller: Spark's state, opening folders, runs on the engine thread
(the newest request wins), their progress and outcome, and clearing the file cache.

RunController is a mixin of MainWindow (main_window.py), which owns the widgets it updates
(status bar, dashboard, records model) and calls _connect_engine() once its engine exists."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox

from logdesk.analysis.summarize import available_span
from logdesk.input_location import InputNotReachable, folder_of, folder_value
from logdesk.results import RecordFilter, RunResult
from logdesk.spark_urls import is_hadoop_url
from logdesk.ui.timefmt import zone

MB = 1024 * 1024  # the unit of cache.max_size_mb


def engine_died_text(message: str) -> str:
    """'The Spark engine stopped unexpectedly (…)': the engine's message as a sentence."""
    return message[:1].upper() + message[1:]


def cache_cleared_text(files: int, size: int) -> str:
    return f"Cache cleared: {files:,} file{'s' if files != 1 else ''}, {size / MB:,.1f} MB freed"


class RunController:
    """Runs and the other long engine jobs the window starts, and the state they leave."""

    def _connect_engine(self) -> None:
        worker = self.engine.worker
        worker.spark_ready.connect(self._spark_ready)
        worker.spark_failed.connect(self._spark_failed)
        worker.engine_died.connect(self._engine_died)
        worker.progress.connect(self._progress)
        worker.finished.connect(self._run_finished)
        worker.failed.connect(self._run_failed)
        worker.cancelled.connect(self._run_cancelled)
        worker.records_exported.connect(self._records_exported)
        worker.export_failed.connect(self._records_export_failed)
        worker.cache_cleared.connect(self._cache_cleared)
        worker.cache_clear_failed.connect(self._cache_clear_failed)

    # -- state ------------------------------------------------------------------------------
    @property
    def is_running(self) -> bool:
        return self._control is not None

    def _set_running(self, running: bool) -> None:
        exporting = self.is_exporting_records
        waiting = self._pending is not None
        self.cancel_action.setEnabled(running or waiting)
        self.cancel_button.setVisible(running or waiting)
        self.progress_bar.setVisible(running or exporting)
        self.stage_label.setVisible(running or exporting)
        self.export_action.setEnabled(not running and self.result is not None)
        self.export_records_action.setEnabled(not running and not exporting and self.result is not None)
        self.refresh_action.setEnabled(not running and self.result is not None)
        self.clear_cache_action.setEnabled(not running and not self._clearing_cache)
        if not running:
            self.progress_bar.setValue(0)
            if not exporting:
                self.stage_label.setText("")

    def _set_spark_state(self, state: str, text: str, tip: str = "") -> None:
        self.spark_state = state
        self.spark_label.setText(text)
        self.spark_label.setToolTip(tip)
        self.spark_state_changed.emit(state)

    # -- Spark ------------------------------------------------------------------------------
    def _spark_ready(self) -> None:
        self._set_spark_state("ready", "Spark: ready", f"master {self.settings.spark.master}")
        self._start_pending()

    def _spark_failed(self, message: str, details: str) -> None:
        self._spark_problem = (message, details)
        from logdesk.ui.plain_text import tooltip

        self._set_spark_state("failed", "Spark: failed", tooltip(message))
        self.statusBar().showMessage(f"Spark did not start: {message}")
        if self._pending is not None:
            folder, _refresh = self._pending
            self._pending = None
            self.messenger.error("Spark did not start", f"Cannot process {folder}: {message}", details)
            self.run_completed.emit(False, message)

    def _engine_died(self, message: str, details: str, during_run: bool) -> None:
        """Spark's JVM ended under a call (the backend has dropped the session): start a new
        one at once, then tell the user (a run's death in a dialog; a records query or export
        says so in its own message)."""
        if self._closing:
            return
        folder = self._running_folder if during_run else None
        if during_run:
            self._run_done()
        restarting = self.spark_state == "starting"
        self._set_spark_state("starting", "Spark: restarting…", "a new Spark engine is starting")
        if not restarting:
            self.engine.start_spark(self.settings)  # in the background, on the engine thread
        text = f"{engine_died_text(message)}. A new Spark engine is starting"
        self.statusBar().showMessage(text + "…")
        if during_run:
            if self._pending is None:
                self.messenger.error(
                    "Spark engine stopped",
                    f"Could not process {folder}:\n{text}; process the folder again when the "
                    "status bar says Spark: ready.",
                    details,
                )
            self.run_completed.emit(False, message)

    # -- opening folders --------------------------------------------------------------------
    def choose_folder(self) -> None:
        start = str(self.result.input_folder) if self.result else (self.recent.folders() or [""])[0]
        folder = QFileDialog.getExistingDirectory(self, "Open a folder of logs", start)
        if folder:
            self.open_folder(Path(folder))

    def choose_url(self) -> None:
        """A folder on shared storage, typed: a Hadoop file system's URL or a file:// mount."""
        text, ok = QInputDialog.getText(
            self, "Open a folder URL",
            "A folder the Spark cluster reads, as a URL:\n"
            "hdfs://namenode:8020/logs, s3a://bucket/logs, file:///mnt/shared/logs",
            QLineEdit.EchoMode.Normal, self._last_url)
        if ok and text.strip():
            self.open_folder(text.strip())

    def open_folder(self, folder: Path | str, refresh: bool = False) -> bool:
        """Process `folder` (a path, or a URL as text); returns False (after telling the
        user) when it cannot start."""
        if isinstance(folder, str) and (is_hadoop_url(folder) or folder.startswith("file:")):
            try:
                located, _shared = folder_of(folder, self.settings.spark.master,
                                             self.settings.spark.shared_folders)
            except InputNotReachable as exc:
                return self._cannot_open(str(exc))
            if isinstance(located, Path) and not located.is_dir():
                return self._cannot_open(f"{located} is not a folder.")
            self._last_url = folder
            # a Hadoop URL is listed by the engine; a file:// URL stays one, so that a
            # cluster on other hosts reads it as shared storage
            folder = located if isinstance(located, str) else located.resolve().as_uri()
        else:
            folder = Path(folder).expanduser()
            if not folder.is_dir():
                return self._cannot_open(f"{folder} is not a folder." if folder.exists()
                                         else f"{folder} does not exist.")
            folder = folder.resolve()
        if not refresh:
            self.recent.add(folder)
        if self.is_running:
            # the newest request wins: cancel the current run, start this one when it ends
            self._pending = (folder, refresh)
            self.statusBar().showMessage(f"Cancelling the current run to open {folder}…")
            assert self._control is not None
            self._control.cancel()
            return True
        if self.spark_state != "ready":
            self._pending = (folder, refresh)
            if self.spark_state == "failed":
                self._set_spark_state("starting", "Spark: starting…")
                self.engine.start_spark(self.settings)
            self.statusBar().showMessage(f"Waiting for Spark to start, then processing {folder}…")
            self.run_panel.show_waiting(str(folder), self._shown_folder())
            self._show_busy_page()
            self._set_running(False)  # Cancel works while waiting too
            return True
        self._start_run(folder, refresh)
        return True

    def _cannot_open(self, message: str) -> bool:
        self.messenger.error("Cannot open folder", message)
        self.run_completed.emit(False, message)
        return False

    def _start_pending(self) -> None:
        if self._pending is not None and not self.is_running and self.spark_state == "ready" and not self._closing:
            folder, refresh = self._pending
            self._pending = None
            self._start_run(folder, refresh)

    def _start_run(self, folder: Path | str, refresh: bool) -> None:
        self._running_folder = self._last_folder = folder
        self._running_refresh = refresh
        self._control = self.engine.run(folder, self.settings)
        self._set_running(True)
        self.stage_label.setText("Starting…")
        self.statusBar().showMessage(f"Processing {folder}…")
        self.run_panel.show_running(str(folder), self._shown_folder(), refresh)
        self._show_busy_page()

    def _shown_folder(self) -> str | None:
        """The folder whose results are on screen (None: the welcome page)."""
        return str(self.result.input_folder) if self.result is not None else None

    def _show_busy_page(self) -> None:
        if self.result is None:  # the first folder: the drop hint would say nothing is going on
            self.stack.setCurrentWidget(self.busy_page)

    def refresh(self) -> None:
        if self.result is not None and not self.is_running:
            # as it was opened: a file:// URL stays one (a plain path is refused by a cluster)
            last = self._last_folder
            same = last is not None and str(folder_value(self.result.input_folder)) in (
                str(last), str(last).removeprefix("file://"))
            self.open_folder(last if same else folder_value(self.result.input_folder),
                             refresh=True)

    def cancel_run(self) -> None:
        if self._control is not None:
            self._pending = None
            self.stage_label.setText("Cancelling…")
            self.run_panel.cancelling()
            self._control.cancel()
        elif self._pending is not None:  # still waiting for Spark: the run never starts
            folder, _refresh = self._pending
            self._pending = None
            self._run_done()
            self.statusBar().showMessage(f"Cancelled: {folder} was not processed.")
            self.run_completed.emit(False, "cancelled")

    # -- run outcome ------------------------------------------------------------------------
    def _progress(self, stage: str, fraction: float, detail: str = "") -> None:
        if self.is_running and not self._control.is_cancelled:  # type: ignore[union-attr]
            self.stage_label.setText(stage)
            self.progress_bar.setValue(int(fraction * 1000))
            self.run_panel.set_progress(stage, fraction, detail)

    def _run_done(self) -> None:
        self._control = None
        self._set_running(False)
        if self._pending is None:
            self.run_panel.finish()
            if self.result is None and self.stack.currentWidget() is self.busy_page:
                self.stack.setCurrentWidget(self.welcome)

    def _run_finished(self, result: RunResult) -> None:
        refresh = getattr(self, "_running_refresh", False) and self.result is not None
        self._run_done()
        if self._closing:
            return
        same_folder = self.result is not None and self.result.input_folder == result.input_folder
        self.result = result
        self._set_running(False)  # again: export and refresh need the result
        tz = zone(result.cube.time_zone)
        bar = self.dashboard.filter_bar
        bar.set_data_span(available_span(result.cube), tz, result.cube.bucket_seconds)
        if not (refresh or same_folder):
            bar.set_filter(RecordFilter(), emit=False)
        self.setWindowTitle(f"logdesk — {result.input_folder}")
        self.dashboard.show_result_files(result, tz)
        if self.stack.currentWidget() is not self.dashboard:
            self.stack.setCurrentWidget(self.dashboard)
            self.dashboard.tabs.setFocus()  # not the date edit, whose year would look selected
        ok = self.recompute()
        self.records_model.set_source(result, bar.current, tz)
        self._watch(folder_value(result.input_folder))
        self.refresh_label.setText(f"last refresh {datetime.now().strftime('%H:%M:%S')}")
        self.statusBar().showMessage(
            f"Processed {result.ingest.parsed_rows:,} records ({result.ingest.fates_text()}) "
            f"in {result.duration_seconds:.1f} s"
        )
        self.reload_alert_history()
        self.run_completed.emit(ok, "" if ok else "analysis failed")
        self._start_pending()

    def _run_failed(self, message: str, details: str) -> None:
        folder = self._running_folder
        self._run_done()
        self.statusBar().showMessage(f"Processing failed: {message}")
        if self._pending is None:
            self.messenger.error("Processing failed", f"Could not process {folder}:\n{message}", details)
        self.run_completed.emit(False, message)
        self._start_pending()

    def _run_cancelled(self) -> None:
        self._run_done()
        self.statusBar().showMessage("Run cancelled." if self._pending is None else "Run cancelled; starting the next…")
        self.run_completed.emit(False, "cancelled")
        self._start_pending()

    # -- the file cache -----------------------------------------------------------------------
    def clear_cache(self) -> bool:
        """Ask, then delete the file cache on the engine thread; False when not started.
        cache_clear_completed tells the outcome."""
        if self.is_running or self._clearing_cache:
            return False
        answer = QMessageBox.question(
            self, "Clear cache",
            "Delete logdesk's cached copies of your log files?\n\n"
            "Your log files are not touched, but the next run of every folder reads all of its "
            "files again, which takes longer.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self._clearing_cache = True
        self._set_running(self.is_running)
        self.statusBar().showMessage("Clearing the cache…")
        self.engine.clear_cache(self.settings)
        return True

    def _cache_clear_done(self) -> None:
        self._clearing_cache = False
        self._set_running(self.is_running)

    def _cache_cleared(self, files: int, size: int) -> None:
        self._cache_clear_done()
        text = cache_cleared_text(files, size)
        if self.result is not None and self.result.cache.enabled and files:
            # its records were the cache's copies: pages, malformed rows and records export need a new run
            text += " — refresh (F5) to browse the open folder's records again"
        self.statusBar().showMessage(text, 15_000)
        self.cache_clear_completed.emit(True, text)

    def _cache_clear_failed(self, message: str, details: str) -> None:
        self._cache_clear_done()
        self.statusBar().showMessage(f"Cache not cleared: {message}", 15_000)
        if not self._closing:
            self.messenger.error("Cache not cleared", f"Could not clear logdesk's cache:\n{message}", details)
        self.cache_clear_completed.emit(False, message)
