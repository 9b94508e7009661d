"""The main window's actions: QActions with their shortcuts and tips, menus, the toolbar and
the Open Recent menu.

WindowActions is a mixin of MainWindow (main_window.py); the slots it connects are the
window's own (run_controller.py, window_exports.py, main_window.py)."""

from __future__ import annotations


from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle

from logdesk.input_location import folder_value

CLEAR_CACHE_TIP = "Delete logdesk's cached copies of your log files; the next run reads every file again"


class WindowActions:
    """Creates the window's actions as attributes (open_action, export_action, …)."""

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
        self.open_url_action = self._action(
            "Open folder &URL…", self.choose_url, "Ctrl+Shift+O",
            "Open a folder on shared storage: hdfs://, s3a:// or file:// (for a Spark cluster)")
        self.export_action = self._action("&Export reports…", self.export_reports, "Ctrl+E",
                                          "Write CSV and JSON reports for the current filter")
        self.export_records_action = self._action(
            "Export re&cords…", self.export_records, "Ctrl+Shift+E",
            "Write the records of the current filter and search to a CSV or Parquet file")
        self.refresh_action = self._action("&Refresh", self.refresh, QKeySequence.StandardKey.Refresh,
                                           "Process the open folder again")
        self.cancel_action = self._action("&Cancel run", self.cancel_run, "Esc", "Stop the run in progress")
        self.clear_cache_action = self._action("C&lear cache…", self.clear_cache, tip=CLEAR_CACHE_TIP)
        self.clear_cache_action.setObjectName("clearCacheAction")
        self.settings_action = self._action("&Settings…", self.edit_settings, "Ctrl+,",
                                            "Alert thresholds, analytics, time zone, Spark, cache")
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.reset_filter_action = self._action("&Reset filter", lambda: self.dashboard.filter_bar.reset(), "Ctrl+R",
                                                "Show all records")
        self.find_action = self._action("&Find records…", self.find_records, QKeySequence.StandardKey.Find,
                                        "Search the records")
        # from anywhere in the window, as in browsers and editors (a tab widget handles
        # Ctrl+Tab itself only while it has the focus, and never Ctrl+PgDown)
        self.next_tab_action = self._action("&Next tab", lambda: self._step_tab(1), "Ctrl+PgDown")
        self.next_tab_action.setShortcuts([QKeySequence("Ctrl+PgDown"), QKeySequence("Ctrl+Tab")])
        self.previous_tab_action = self._action("&Previous tab", lambda: self._step_tab(-1), "Ctrl+PgUp")
        self.previous_tab_action.setShortcuts([QKeySequence("Ctrl+PgUp"), QKeySequence("Ctrl+Shift+Tab")])
        self._build_menus()
        self._build_toolbar()

    def _step_tab(self, step: int) -> None:
        tabs = self.dashboard.tabs
        if tabs.count():
            tabs.setCurrentIndex((tabs.currentIndex() + step) % tabs.count())

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu("&File")
        menu.setToolTipsVisible(True)  # Clear cache's tip says what it deletes
        menu.addAction(self.open_action)
        menu.addAction(self.open_url_action)
        self.recent_menu = menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()
        menu.addAction(self.refresh_action)
        menu.addSeparator()
        menu.addAction(self.export_action)
        menu.addAction(self.export_records_action)
        menu.addSeparator()
        menu.addAction(self.clear_cache_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        edit = self.menuBar().addMenu("&Edit")
        edit.addAction(self.settings_action)
        view = self.menuBar().addMenu("&View")
        view.addAction(self.reset_filter_action)
        view.addAction(self.find_action)
        view.addSeparator()
        view.addAction(self.next_tab_action)
        view.addAction(self.previous_tab_action)
        run = self.menuBar().addMenu("&Run")
        run.setToolTipsVisible(True)
        run.addAction(self.refresh_action)
        run.addAction(self.cancel_action)
        run.addSeparator()
        run.addAction(self.clear_cache_action)
        self.file_menu, self.run_menu = menu, run

    def _build_toolbar(self) -> None:
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

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        folders = self.recent.folders()
        for folder in folders:
            action = self.recent_menu.addAction(folder)
            action.triggered.connect(lambda _checked=False, f=folder: self.open_folder(folder_value(f)))
        if folders:
            self.recent_menu.addSeparator()
            clear = self.recent_menu.addAction("Clear list")
            clear.triggered.connect(self.recent.clear)
        else:
            empty = self.recent_menu.addAction("(none yet)")
            empty.setEnabled(False)
