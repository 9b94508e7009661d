"""The main window: opening folders, runs on the engine thread, filters, export, settings."""

from __future__ import annotations

import traceback
from datetime import datetime
from pathlib import Path
from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from logdesk.backend import Backend
from logdesk.control import RunControl
from logdesk.results import Alert, Analytics, RecordFilter, RunResult
from logdesk.settings import Settings
from logdesk.ui.auto_refresh import FolderWatcher
from logdesk.ui.dashboard import Dashboard
from logdesk.ui.drop_overlay import DropOverlay, folder_for_drop
from logdesk.ui.error_dialog import Messenger
from logdesk.ui.malformed_dialog import MalformedDialog
from logdesk.ui.plain_text import plain_label
from logdesk.ui.recent import RecentFolders
from logdesk.ui.records_model import RecordsModel
from logdesk.ui.services import Services, default_services
from logdesk.ui.settings_dialog import SettingsDialog
from logdesk.analysis.summarize import available_span
from logdesk.ui.timefmt import zone

DEFAULT_SIZE = QSize(1280, 820)
SHUTDOWN_WAIT_MS = 15_000
CSV_FILTER = "CSV files (*.csv)"
PARQUET_FILTER = "Parquet files (*.parquet)"


def records_target(path: str, chosen_filter: str) -> Path:
    """The file to write: the chosen filter's extension is added when the name has neither."""
    target = Path(path)
    if target.suffix.lower() not in (".csv", ".parquet"):
        target = target.with_name(target.name + (".parquet" if chosen_filter == PARQUET_FILTER else ".csv"))
    return target


class MainWindow(QMainWindow):
    # (ok, message) once per run the window started: for --exit-when-done and tests
    run_completed = Signal(bool, str)
    spark_state_changed = Signal(str)  # "starting" | "ready" | "failed"
    analytics_changed = Signal()
    records_export_completed = Signal(bool, str)  # (ok, path or message) per records export

    def __init__(
        self, backend: Backend, settings: Settings, *, qsettings: QSettings | None = None,
        services: Services | None = None, interactive: bool = True,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("logdesk")
        self.settings = settings
        self.services = services or default_services()
        self.qsettings = qsettings or QSettings()
        self.recent = RecentFolders(self.qsettings)
        self.messenger = Messenger(self, interactive)

        from logdesk.ui.worker import EngineClient  # noqa: PLC0415 - keeps import order obvious

        self.engine = EngineClient(backend, self)
        self.engine.worker.spark_ready.connect(self._spark_ready)
        self.engine.worker.spark_failed.connect(self._spark_failed)
        self.engine.worker.progress.connect(self._progress)
        self.engine.worker.finished.connect(self._run_finished)
        self.engine.worker.failed.connect(self._run_failed)
        self.engine.worker.cancelled.connect(self._run_cancelled)
        self.engine.worker.records_exported.connect(self._records_exported)
        self.engine.worker.export_failed.connect(self._records_export_failed)

        self.result: RunResult | None = None
        self.analytics: Analytics | None = None
        self.alerts: tuple[Alert, ...] = ()
        self.spark_state = "starting"
        self._spark_problem = ("", "")
        self._control: RunControl | None = None
        self._running_folder: Path | None = None
        self._pending: tuple[Path, bool] | None = None
        self._closing = False
        self._closed = False
        self.last_export_dir: Path | None = None
        self._malformed_dialog: MalformedDialog | None = None
        self._records_export = None  # the ExportJob on the engine thread, if any

        self.records_model = RecordsModel(self.engine, parent=self)
        self.dashboard = Dashboard(self.records_model)
        self.dashboard.filter_bar.filter_changed.connect(self._filter_changed)
        self.dashboard.time_chart.range_selected.connect(self._chart_range_selected)
        self.dashboard.cards.card("malformed").clicked.connect(self.show_malformed_rows)
        self.dashboard.cards.card("alerts").clicked.connect(
            lambda: self.dashboard.tabs.setCurrentIndex(Dashboard.TAB_ALERTS))
        self.dashboard.alerts_panel.reload_button.clicked.connect(self.reload_alert_history)

        self._build_actions()
        self._build_welcome()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.dashboard)
        self.setCentralWidget(self.stack)
        self._build_status_bar()

        self.watcher = FolderWatcher(self)
        self.watcher.changed.connect(self._folder_changed)

        self.overlay = DropOverlay(self)
        self.setAcceptDrops(True)
        self.resize(DEFAULT_SIZE)
        geometry = self.qsettings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self._set_running(False)
        self.engine.start_spark(settings)  # in the background, at once

    # -- construction ---------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        shortcut_text = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip or text.rstrip('…')} ({shortcut_text})" if shortcut_text else (tip or text))
        action.setStatusTip(tip or text.rstrip("…"))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.open_action = self._action("&Open folder…", self.choose_folder, QKeySequence.StandardKey.Open,
                                        "Choose a folder of log files to analyze")
        self.export_action = self._action("&Export reports…", self.export_reports, "Ctrl+E",
                                          "Write CSV and JSON reports for the current filter")
        self.export_records_action = self._action(
            "Export re&cords…", self.export_records, "Ctrl+Shift+E",
            "Write the records of the current filter and search to a CSV or Parquet file")
        self.refresh_action = self._action("&Refresh", self.refresh, QKeySequence.StandardKey.Refresh,
                                           "Process the open folder again")
        self.cancel_action = self._action("&Cancel run", self.cancel_run, "Esc", "Stop the run in progress")
        self.settings_action = self._action("&Settings…", self.edit_settings, "Ctrl+,",
                                            "Alert thresholds, analytics, time zone, Spark")
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.reset_filter_action = self._action("&Reset filter", lambda: self.dashboard.filter_bar.reset(), "Ctrl+R",
                                                "Show all records")
        self.find_action = self._action("&Find records…", self.find_records, QKeySequence.StandardKey.Find,
                                        "Search the records")

        menu = self.menuBar().addMenu("&File")
        menu.addAction(self.open_action)
        self.recent_menu = menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()
        menu.addAction(self.refresh_action)
        menu.addSeparator()
        menu.addAction(self.export_action)
        menu.addAction(self.export_records_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        edit = self.menuBar().addMenu("&Edit")
        edit.addAction(self.settings_action)
        view = self.menuBar().addMenu("&View")
        view.addAction(self.reset_filter_action)
        view.addAction(self.find_action)
        run = self.menuBar().addMenu("&Run")
        run.addAction(self.refresh_action)
        run.addAction(self.cancel_action)

        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        icons = {
            self.open_action: QStyle.StandardPixmap.SP_DirOpenIcon,
            self.refresh_action: QStyle.StandardPixmap.SP_BrowserReload,
            self.cancel_action: QStyle.StandardPixmap.SP_BrowserStop,
            self.export_action: QStyle.StandardPixmap.SP_DialogSaveButton,
            self.settings_action: QStyle.StandardPixmap.SP_FileDialogDetailedView,
        }
        for action, pixmap in icons.items():
            action.setIcon(self.style().standardIcon(pixmap))
        for action in (self.open_action, self.refresh_action, self.cancel_action, self.export_action,
                       self.settings_action):
            toolbar.addAction(action)

    def _build_welcome(self) -> None:
        self.welcome = QWidget()
        self.welcome.setObjectName("welcome")
        title = plain_label("Drop a folder of logs here")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        hint = plain_label(
            "…or choose one with Open folder (Ctrl+O). logdesk reads CSV, JSON lines, syslog-style "
            "and plain text logs (also .gz), finds the errors, and raises alerts."
        )
        hint.setWordWrap(True)
        self.welcome_button = QPushButton("Open folder…")
        self.welcome_button.clicked.connect(self.choose_folder)
        layout = QVBoxLayout(self.welcome)
        layout.addStretch(1)
        for widget in (title, hint, self.welcome_button):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.stage_label = plain_label("")
        self.stage_label.setObjectName("stageLabel")
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("runProgress")
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 14)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setToolTip("Stop the run in progress (Esc)")
        self.cancel_button.clicked.connect(self.cancel_run)
        self.refresh_label = plain_label("")
        self.refresh_label.setObjectName("refreshLabel")
        self.refresh_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("last refresh 00:00:00  "))
        self.spark_label = plain_label("Spark: starting…")
        self.spark_label.setObjectName("sparkLabel")
        for widget in (self.stage_label, self.progress_bar, self.cancel_button, self.refresh_label, self.spark_label):
            bar.addPermanentWidget(widget)

    # -- state ------------------------------------------------------------------------------
    @property
    def is_running(self) -> bool:
        return self._control is not None

    @property
    def tz(self):
        return zone(self.result.cube.time_zone if self.result else self.settings.time_zone)

    @property
    def is_exporting_records(self) -> bool:
        return self._records_export is not None

    def _set_running(self, running: bool) -> None:
        exporting = self.is_exporting_records
        self.cancel_action.setEnabled(running)
        self.cancel_button.setVisible(running)
        self.progress_bar.setVisible(running or exporting)
        self.stage_label.setVisible(running or exporting)
        self.export_action.setEnabled(not running and self.result is not None)
        self.export_records_action.setEnabled(not running and not exporting and self.result is not None)
        self.refresh_action.setEnabled(not running and self.result is not None)
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

    # -- opening folders --------------------------------------------------------------------
    def choose_folder(self) -> None:
        start = str(self.result.input_folder) if self.result else (self.recent.folders() or [""])[0]
        folder = QFileDialog.getExistingDirectory(self, "Open a folder of logs", start)
        if folder:
            self.open_folder(Path(folder))

    def open_folder(self, folder: Path | str, refresh: bool = False) -> bool:
        """Process `folder`; returns False (after telling the user) when it cannot start."""
        folder = Path(folder).expanduser()
        if not folder.is_dir():
            message = f"{folder} is not a folder." if folder.exists() else f"{folder} does not exist."
            self.messenger.error("Cannot open folder", message)
            self.run_completed.emit(False, message)
            return False
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
            return True
        self._start_run(folder, refresh)
        return True

    def _start_pending(self) -> None:
        if self._pending is not None and not self.is_running and self.spark_state == "ready" and not self._closing:
            folder, refresh = self._pending
            self._pending = None
            self._start_run(folder, refresh)

    def _start_run(self, folder: Path, refresh: bool) -> None:
        self._running_folder = folder
        self._running_refresh = refresh
        self._control = self.engine.run(folder, self.settings)
        self._set_running(True)
        self.stage_label.setText("Starting…")
        self.statusBar().showMessage(f"Processing {folder}…")

    def refresh(self) -> None:
        if self.result is not None and not self.is_running:
            self.open_folder(Path(self.result.input_folder), refresh=True)

    def cancel_run(self) -> None:
        if self._control is not None:
            self._pending = None
            self.stage_label.setText("Cancelling…")
            self._control.cancel()

    # -- run outcome ------------------------------------------------------------------------
    def _progress(self, stage: str, fraction: float) -> None:
        if self.is_running and not self._control.is_cancelled:  # type: ignore[union-attr]
            self.stage_label.setText(stage)
            self.progress_bar.setValue(int(fraction * 1000))

    def _run_done(self) -> None:
        self._control = None
        self._set_running(False)

    def _run_finished(self, result: RunResult) -> None:
        refresh = getattr(self, "_running_refresh", False) and self.result is not None
        self._run_done()
        if self._closing:
            return
        same_folder = self.result is not None and Path(self.result.input_folder) == Path(result.input_folder)
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
        self._watch(Path(result.input_folder))
        self.refresh_label.setText(f"last refresh {datetime.now().strftime('%H:%M:%S')}")
        files = len(result.ingest.files)
        self.statusBar().showMessage(
            f"Processed {result.ingest.parsed_rows:,} records from {files:,} file{'s' if files != 1 else ''} "
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

    # -- filters and analytics --------------------------------------------------------------
    def recompute(self) -> bool:
        """Summarize the cube for the current filter and update everything on screen."""
        if self.result is None:
            return False
        cube = self.result.cube
        record_filter = self.dashboard.filter_bar.current
        try:
            analytics = self.services.summarize(cube, record_filter, self.settings.analytics)
            alerts = tuple(
                self.services.evaluate_alerts(
                    analytics, self.settings.alerts, self.result.previous_error_types
                )
            )
            if record_filter.start is not None or record_filter.end is not None:
                context = self.services.summarize(cube, RecordFilter(levels=record_filter.levels), self.settings.analytics)
            else:
                context = analytics
        except Exception as exc:  # noqa: BLE001 - shown to the user; the window stays usable
            self.messenger.error("Analysis failed", str(exc) or type(exc).__name__, traceback.format_exc())
            return False
        self.analytics, self.alerts = analytics, alerts
        tz = self.tz
        span = available_span(cube)
        selection = None
        if span is not None:
            selection = (record_filter.start or span[0], record_filter.end or span[1])
        self.dashboard.show_analytics(self.result, analytics, alerts, context, self.settings, tz, selection)
        self.analytics_changed.emit()
        return True

    def _filter_changed(self, record_filter: RecordFilter) -> None:
        self.recompute()
        self.records_model.set_filter(record_filter)

    def _chart_range_selected(self, start: datetime, end: datetime) -> None:
        self.dashboard.filter_bar.set_date_range(start, end)

    def find_records(self) -> None:
        if self.result is not None:
            self.dashboard.tabs.setCurrentIndex(Dashboard.TAB_RECORDS)
            self.dashboard.records_view.focus_search()

    # -- malformed rows, export, alert history ------------------------------------------------
    def show_malformed_rows(self) -> None:
        if self.result is None:
            return
        dialog = MalformedDialog(self.engine, self.result, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._malformed_dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "_malformed_dialog", None))
        dialog.show()

    def default_export_dir(self) -> Path:
        return self.last_export_dir or Path(self.settings.paths.output_dir).expanduser().resolve()

    def export_reports(self) -> None:
        if self.result is None or self.analytics is None:
            self.messenger.info("Nothing to export", "Open a folder first; reports describe a processed folder.")
            return
        folder = QFileDialog.getExistingDirectory(self, "Export reports to", str(self.default_export_dir()))
        if folder:
            self.export_to(Path(folder))

    def export_to(self, folder: Path) -> list[Path] | None:
        """Write the reports of the current filter into `folder`; None (after a message) on failure."""
        if self.result is None or self.analytics is None:
            return None
        try:
            written = self.services.write_reports(self.result, self.analytics, self.alerts, folder, self.settings)
        except self.services.report_error as exc:
            self.messenger.error("Export failed", str(exc))
            return None
        except Exception as exc:  # noqa: BLE001 - the window stays usable
            self.messenger.error("Export failed", f"Could not write reports to {folder}: {exc}", traceback.format_exc())
            return None
        self.last_export_dir = folder
        self.reload_alert_history()
        names = "\n".join(str(p) for p in written)
        self.statusBar().showMessage(f"Exported {len(written)} files to {folder}", 10_000)
        self.messenger.info(
            "Reports exported",
            f"Wrote {len(written)} files to {folder} for {self.analytics.filter.describe()}:\n\n{names}",
        )
        return list(written)

    def export_records(self) -> None:
        """Ask for a file, then write the records of the filter bar and the records search."""
        if self.result is None:
            self.messenger.info("Nothing to export", "Open a folder first; records come from a processed folder.")
            return
        start = str(self.default_export_dir() / "records.csv")
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export records", start, f"{CSV_FILTER};;{PARQUET_FILTER}")
        if path:
            self.export_records_to(records_target(path, chosen))

    def export_records_to(self, path: Path) -> bool:
        """Start writing the current records to `path` on the engine thread (Parquet when it
        ends in .parquet, else CSV); records_export_completed tells the outcome."""
        if self.result is None or self.is_exporting_records or self.is_running:
            return False
        record_filter = self.dashboard.filter_bar.current
        self._records_export = self.engine.export_records(
            self.result, record_filter, self.records_model.search, Path(path))
        self.progress_bar.setRange(0, 0)  # busy: Spark gives no fraction for one write
        self.stage_label.setText("Exporting records…")
        self._set_running(self.is_running)
        self.statusBar().showMessage(f"Exporting records to {path}…")
        return True

    def _export_done(self) -> None:
        self._records_export = None
        self.progress_bar.setRange(0, 1000)
        self._set_running(self.is_running)

    def _records_exported(self, job, rows: int) -> None:
        self._export_done()
        what = job.record_filter.describe() + (f", search “{job.search}”" if job.search else "")
        self.statusBar().showMessage(f"Exported {rows:,} record{'s' if rows != 1 else ''} ({what}) to {job.path}", 15_000)
        self.records_export_completed.emit(True, str(job.path))

    def _records_export_failed(self, job, message: str, details: str) -> None:
        self._export_done()
        self.statusBar().showMessage(f"Records export failed: {message}", 15_000)
        if not self._closing:
            self.messenger.error("Export failed", f"Could not write records to {job.path}:\n{message}", details)
        self.records_export_completed.emit(False, message)

    def alerts_log_path(self) -> Path:
        return self.default_export_dir() / "alerts.log"

    def reload_alert_history(self) -> None:
        path = self.alerts_log_path()
        panel = self.dashboard.alerts_panel
        if not path.exists():
            panel.set_history([], None)
            return
        try:
            entries = self.services.read_alert_history(path)
        except Exception as exc:  # noqa: BLE001 - an unreadable log must not break the window
            panel.set_history([], path, f"Could not read {path}: {exc}")
            return
        panel.set_history(entries, path)

    # -- settings and auto-refresh ------------------------------------------------------------
    def edit_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        if dialog.exec() != SettingsDialog.DialogCode.Accepted:
            return
        self.apply_settings(dialog.new_settings(), dialog.changes())

    def apply_settings(self, new: Settings, changes: dict) -> bool:
        """Save, then apply: thresholds and top N at once, Spark settings by a restart.

        A change that cannot be saved (the loader validates it) is not applied either."""
        if not changes:
            return True
        try:
            self.services.save_user_settings(changes)
        except Exception as exc:  # noqa: BLE001 - ConfigError and file errors alike
            self.messenger.error("Settings not saved", str(exc) or type(exc).__name__)
            return False
        old = self.settings
        self.settings = new
        if (old.spark.master, old.spark.driver_memory) != (new.spark.master, new.spark.driver_memory):
            self._set_spark_state("starting", "Spark: restarting…")
            self.engine.restart_spark(new)
        if self.result is not None:
            self._watch(Path(self.result.input_folder))
            self.recompute()
        if (old.analytics.trend_window, old.time_zone) != (new.analytics.trend_window, new.time_zone):
            self.statusBar().showMessage("Trend window and time zone apply when the folder is processed again (F5).")
        return True

    def _watch(self, folder: Path) -> None:
        dash = self.settings.dashboard
        if dash.auto_refresh:
            if self.watcher.folder != folder:
                self.watcher.watch(folder, dash.auto_refresh_seconds)
            else:
                self.watcher.accept_current_state()
        else:
            self.watcher.stop()

    def _folder_changed(self) -> None:
        if self.result is not None and not self.is_running and not self._closing:
            self.statusBar().showMessage("Files changed: refreshing…")
            self.refresh()

    # -- recent folders -----------------------------------------------------------------------
    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        folders = self.recent.folders()
        for folder in folders:
            action = self.recent_menu.addAction(folder)
            action.triggered.connect(lambda _checked=False, f=folder: self.open_folder(Path(f)))
        if folders:
            self.recent_menu.addSeparator()
            clear = self.recent_menu.addAction("Clear list")
            clear.triggered.connect(self.recent.clear)
        else:
            empty = self.recent_menu.addAction("(none yet)")
            empty.setEnabled(False)

    # -- drag and drop --------------------------------------------------------------------------
    @staticmethod
    def _dropped_paths(event) -> list[Path]:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            event.ignore()
            return
        folder, problem = folder_for_drop(self._dropped_paths(event))
        self.overlay.show_for(f"Drop to analyze\n{folder}" if folder else problem, folder is not None)
        event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        event.acceptProposedAction()

    def dragLeaveEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.overlay.hide()
        event.accept()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.overlay.hide()
        paths = self._dropped_paths(event)
        folder, problem = folder_for_drop(paths)
        event.acceptProposedAction()
        if folder is None:
            self.statusBar().showMessage(problem, 15_000)
            self.messenger.warning("Cannot open this", problem)
            return
        self.open_folder(folder)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.overlay.isVisible():
            self.overlay.setGeometry(self.rect())

    # -- closing -------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Cancel any run, stop Spark and end the engine thread (bounded wait)."""
        if self._closed:
            return
        self._closing = True
        self._pending = None
        self.watcher.stop()
        self.qsettings.setValue("window/geometry", self.saveGeometry())
        self.qsettings.sync()
        if self._control is not None:
            self._control.cancel()
        self.statusBar().showMessage("Stopping Spark…")
        self.engine.shutdown(SHUTDOWN_WAIT_MS)
        self._closed = True
