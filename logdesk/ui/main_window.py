"""The main window's shell: layout (welcome page, dashboard, status bar), filters and
analytics, settings, drag and drop, closing.

Its actions and menus are in window_actions.py, runs and the other engine jobs in
run_controller.py, exports in window_exports.py: mixins of MainWindow."""

from __future__ import annotations

import traceback
from datetime import datetime
from pathlib import Path
from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from logdesk.backend import Backend
from logdesk.control import RunControl
from logdesk.input_location import folder_value
from logdesk.results import Alert, Analytics, RecordFilter, RunResult
from logdesk.settings import Settings
from logdesk.ui.auto_refresh import FolderWatcher
from logdesk.ui.click_through import ClickThrough
from logdesk.ui.dashboard import Dashboard
from logdesk.ui.drop_overlay import DropOverlay, folder_for_drop
from logdesk.ui.error_dialog import Messenger
from logdesk.ui.malformed_dialog import MalformedDialog
from logdesk.ui.plain_text import plain_label
from logdesk.ui.recent import RecentFolders
from logdesk.ui.records_model import RecordsModel
from logdesk.ui.run_controller import RunController
from logdesk.ui.run_status import RunStatusPanel, busy_page
from logdesk.ui.services import Services, default_services
from logdesk.ui.settings_dialog import SettingsDialog
from logdesk.analysis.summarize import available_span
from logdesk.ui.timefmt import zone
from logdesk.ui.window_actions import WindowActions
from logdesk.ui.window_exports import CSV_FILTER, PARQUET_FILTER, WindowExports, records_target

DEFAULT_SIZE = QSize(1280, 820)
SHUTDOWN_WAIT_MS = 15_000

__all__ = ["CSV_FILTER", "DEFAULT_SIZE", "PARQUET_FILTER", "SHUTDOWN_WAIT_MS", "MainWindow", "records_target"]


class MainWindow(ClickThrough, RunController, WindowActions, WindowExports, QMainWindow):
    # (ok, message) once per run the window started: for --exit-when-done and tests
    run_completed = Signal(bool, str)
    spark_state_changed = Signal(str)  # "starting" | "ready" | "failed"
    analytics_changed = Signal()
    records_export_completed = Signal(bool, str)  # (ok, path or message) per records export
    cache_clear_completed = Signal(bool, str)  # (ok, status text or message) per Clear cache

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

        from logdesk.ui.worker import EngineClient, HistogramQuery  # noqa: PLC0415 - keeps import order obvious

        self.engine = EngineClient(backend, self)
        self._connect_engine()

        self.result: RunResult | None = None
        self.analytics: Analytics | None = None
        self.alerts: tuple[Alert, ...] = ()
        self.spark_state = "starting"
        self._spark_problem = ("", "")
        self._control: RunControl | None = None
        self._running_folder: Path | str | None = None
        self._last_folder: Path | str | None = None  # as the last run was asked for (refresh)
        self._last_url = ""  # the last folder URL typed (Open folder URL…)
        self._pending: tuple[Path, bool] | None = None
        self._closing = False
        self._closed = False
        self.last_export_dir: Path | None = None
        self._malformed_dialog: MalformedDialog | None = None
        self._records_export = None  # the ExportJob on the engine thread, if any
        self._clearing_cache = False

        self.records_model = RecordsModel(self.engine, parent=self)
        self.dashboard = Dashboard(self.records_model)
        self.dashboard.filter_bar.filter_changed.connect(self._filter_changed)
        self.dashboard.time_chart.range_selected.connect(self._chart_range_selected)
        self.dashboard.request_fine_bins = lambda token, result, levels, wall_range, seconds: (
            self.engine.level_histogram(HistogramQuery(token, result, levels, wall_range, seconds)))
        self.engine.worker.histogram_ready.connect(self.dashboard.time_chart.fine_ready)
        self.dashboard.cards.card("malformed").clicked.connect(self.show_malformed_rows)
        self.dashboard.cards.card("alerts").clicked.connect(
            lambda: self.dashboard.tabs.setCurrentIndex(Dashboard.TAB_ALERTS))
        self.dashboard.alerts_panel.reload_button.clicked.connect(self.reload_alert_history)

        self._build_actions()
        self._connect_click_through()
        self._build_welcome()
        self.busy_page = busy_page()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.busy_page)
        self.stack.addWidget(self.dashboard)
        self.run_panel = RunStatusPanel()
        self.run_panel.cancel_requested.connect(self.cancel_run)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.run_panel)
        # Below its minimum size (a small screen, or 200 % scaling: the dashboard needs ~515
        # points of height) the main area scrolls instead of forcing the window taller than
        # the screen.
        self.main_scroll = QScrollArea()
        self.main_scroll.setObjectName("mainScroll")
        self.main_scroll.setWidgetResizable(True)
        self.main_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.main_scroll.setWidget(self.stack)
        column.addWidget(self.main_scroll, 1)
        self.setCentralWidget(central)
        self._build_status_bar()

        self.watcher = FolderWatcher(self)
        self.watcher.changed.connect(self._folder_changed)

        self.overlay = DropOverlay(self)
        self.setAcceptDrops(True)
        self.resize(DEFAULT_SIZE)
        geometry = self.qsettings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self.fit_to_screen()
        self._set_running(False)
        self.engine.start_spark(settings)  # in the background, at once

    # -- construction ---------------------------------------------------------------------
    def _build_welcome(self) -> None:
        self.welcome = QWidget()
        self.welcome.setObjectName("welcome")
        title = plain_label("Drop a folder of logs here")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        hint = self.welcome_hint = plain_label(
            "…or choose one with Open folder (Ctrl+O). logdesk reads CSV, JSON lines, syslog-style "
            "and plain text logs (also .gz), finds the errors, and raises alerts."
        )
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        # a wrapped label in a centred layout slot gets a width its height was not computed
        # for (the text was cut top and bottom): give it one
        hint.setFixedWidth(self.fontMetrics().horizontalAdvance("M") * 36)
        hint.setMinimumHeight(hint.heightForWidth(hint.width()))
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
    def tz(self):
        return zone(self.result.cube.time_zone if self.result else self.settings.time_zone)

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
        except Exception as exc:  # noqa: BLE001 - shown to the user; the window stays usable
            self.messenger.error("Analysis failed", str(exc) or type(exc).__name__, traceback.format_exc())
            return False
        self.analytics, self.alerts = analytics, alerts
        tz = self.tz
        span = available_span(cube)
        selection = None
        if span is not None:
            selection = (record_filter.start or span[0], record_filter.end or span[1])
        self.dashboard.show_analytics(self.result, analytics, alerts, self.settings, tz, selection)
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

    # -- malformed rows -----------------------------------------------------------------------
    def show_malformed_rows(self) -> None:
        if self.result is None:
            return
        dialog = MalformedDialog(self.engine, self.result, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._malformed_dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "_malformed_dialog", None))
        dialog.show()

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
        if ((old.spark.master, old.spark.driver_memory, old.spark.conf)
                != (new.spark.master, new.spark.driver_memory, new.spark.conf)):
            self._set_spark_state("starting", "Spark: restarting…")
            self.engine.restart_spark(new)
        if self.result is not None:
            self._watch(folder_value(self.result.input_folder))
            self.recompute()
        if (old.analytics.trend_window, old.time_zone) != (new.analytics.trend_window, new.time_zone):
            self.statusBar().showMessage("Trend window and time zone apply when the folder is processed again (F5).")
        return True

    def _watch(self, folder: Path | str) -> None:
        dash = self.settings.dashboard
        if dash.auto_refresh and isinstance(folder, Path):  # a Hadoop URL has no watcher
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

    def fit_to_screen(self) -> None:
        """At most 95 % of the screen's free area, whatever DEFAULT_SIZE or the last session
        say (at 200 % scaling 1280x820 points is 2560x1640 pixels)."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            return
        room = screen.availableGeometry().size() * 0.95
        if self.width() > room.width() or self.height() > room.height():
            self.resize(self.size().boundedTo(room))

    # -- closing -------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        # gone at once: stopping Spark takes seconds, and a window that stays after Alt+F4
        # looks hung
        self.hide()
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
