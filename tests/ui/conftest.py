"""Window fixtures: a FakeBackend, private QSettings, and message boxes captured, not shown."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from ui_fakes import FakeBackend  # noqa: E402


@pytest.fixture(autouse=True)
def _own_config_folder(tmp_path, monkeypatch):
    """Each UI test saves settings (the settings dialog, window state) in a folder of its
    own: in the session's shared one they changed later tests' and CLI runs' settings."""
    monkeypatch.setenv("LOGDESK_CONFIG_DIR", str(tmp_path / "user-config"))


@pytest.fixture
def messages(monkeypatch):
    """Every QMessageBox the window shows, as (icon, title, text, details); none is shown."""
    shown: list[tuple] = []

    def fake_exec(box):
        shown.append((box.icon(), box.windowTitle(), box.text(), box.detailedText()))
        return int(QMessageBox.StandardButton.Ok)

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return shown


@pytest.fixture
def log_folder(tmp_path) -> Path:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "app.log").write_text("2024-03-01 00:00:00 INFO hello\n", encoding="utf-8")
    return folder


@pytest.fixture
def qsettings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend()


@pytest.fixture
def make_window(qtbot, qsettings, messages, tmp_path):
    """Build a MainWindow over a backend; waits until its Spark is ready; closes it after."""
    from logdesk.settings import PathSettings, Settings
    from logdesk.ui.main_window import MainWindow

    windows = []

    def build(backend, settings: Settings | None = None, wait_ready: bool = True):
        settings = settings or Settings(paths=PathSettings(output_dir=str(tmp_path / "reports")))
        window = MainWindow(backend, settings, qsettings=qsettings)
        qtbot.addWidget(window)
        windows.append(window)
        window.show()
        if wait_ready:
            qtbot.waitUntil(lambda: window.spark_state == "ready", timeout=30_000)
        return window

    yield build
    for window in windows:
        window.close()
        assert not window.engine.thread.isRunning()


@pytest.fixture
def window(make_window, backend):
    return make_window(backend)

