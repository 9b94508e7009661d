"""`logdesk` without a subcommand: the desktop application.

run_app(args) opens the window at once, starts Spark in the background, optionally processes
a folder, exports reports, saves a screenshot and quits (--exit-when-done).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

import pyqtgraph as pg  # noqa: E402 - after PySide6, so pyqtgraph binds to it

from logdesk import __version__, startup_probe
from logdesk.backend import Backend
from logdesk.paths import resources_dir, user_config_dir
from logdesk.settings import Settings


def app_icon() -> QIcon:
    icon = QIcon()
    folder = resources_dir() / "icons"
    for name in ("logdesk.svg", "logdesk.png"):
        path = folder / name
        if path.exists():
            icon.addFile(str(path))
    return icon


def window_settings() -> QSettings:
    """Window state (geometry, recent folders) beside the user's config.yaml, so that
    LOGDESK_CONFIG_DIR moves both."""
    return QSettings(str(user_config_dir() / "window.ini"), QSettings.Format.IniFormat)


def spark_backend(warm_up: bool = True) -> Backend:
    # imported here so that the ui package itself never imports pyspark
    from logdesk.engine.backend import SparkBackend

    return SparkBackend(warm_up=warm_up)


def _load_settings(config: str | None) -> Settings:
    from logdesk.config_loader import load_settings

    return load_settings(user_file=Path(config) if config else None)


class _Completion:
    """After the first run: export, screenshot, and maybe quit with the run's outcome."""

    def __init__(self, app: QApplication, window, args: Any) -> None:
        self.app = app
        self.window = window
        self.export = getattr(args, "export", None)
        self.screenshot = getattr(args, "screenshot", None)
        self.exit_when_done = bool(getattr(args, "exit_when_done", False))
        self.done = False

    def run_completed(self, ok: bool, message: str) -> None:
        if self.done:
            return
        self.done = True
        # let the charts lay out and paint before exporting the picture
        QTimer.singleShot(200, lambda: self._finish(ok, message))

    def _finish(self, ok: bool, message: str) -> None:
        if ok and self.export:
            ok = self.window.export_to(Path(self.export)) is not None
        if self.screenshot:
            self.window.repaint()
            QApplication.processEvents()
            path = Path(self.screenshot)
            path.parent.mkdir(parents=True, exist_ok=True)
            if not self.window.grab().save(str(path)):
                print(f"logdesk: could not save the screenshot to {path}", file=sys.stderr)
                ok = False
        if not ok and message and not self.window.messenger.interactive:
            print(f"logdesk: {message}", file=sys.stderr)
        if self.exit_when_done:
            self.window.close()
            self.app.exit(0 if ok else 1)

    def spark_state(self, state: str) -> None:
        # with nothing to process, --exit-when-done ends once Spark is up (or failed)
        if state in ("ready", "failed") and not self.done:
            self.run_completed(state == "ready", "" if state == "ready" else "Spark did not start")


def run_app(args: Any, backend_factory: Callable[[], Backend] = spark_backend,
            settings: Settings | None = None, qsettings: QSettings | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("logdesk")
    app.setOrganizationName("logdesk")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    pg.setConfigOptions(antialias=True)

    from logdesk.ui.main_window import DEFAULT_SIZE, MainWindow

    if settings is None:
        settings = getattr(args, "settings", None)  # cli.py has loaded and validated them
    if settings is None:
        try:
            settings = _load_settings(getattr(args, "config", None))
        except Exception as exc:  # noqa: BLE001 - ConfigError and unreadable files alike
            print(f"logdesk: {exc}", file=sys.stderr)
            return 2

    exit_when_done = bool(getattr(args, "exit_when_done", False))
    # A folder given at launch is processed at once: warming Spark up first would only delay it.
    backend = spark_backend(warm_up=False) if (
        backend_factory is spark_backend and getattr(args, "folder", None)) else backend_factory()
    window = MainWindow(backend, settings, qsettings=qsettings or window_settings(),
                        interactive=not exit_when_done)
    window.setWindowIcon(app.windowIcon())
    if getattr(args, "screenshot", None):
        window.resize(DEFAULT_SIZE)  # pictures have one size, whatever the last session saved
    completion = _Completion(app, window, args)
    window.run_completed.connect(completion.run_completed)
    folder = getattr(args, "folder", None)
    if folder:
        window.open_folder(Path(folder))
    elif exit_when_done or getattr(args, "screenshot", None):
        window.spark_state_changed.connect(completion.spark_state)
    window.show()
    if startup_probe.enabled():
        # runs once the event loop has handled the show and the first paint
        QTimer.singleShot(0, startup_probe.report_window_shown)
    code = app.exec()
    window.shutdown()
    return int(code)
