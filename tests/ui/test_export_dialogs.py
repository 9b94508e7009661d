"""The export dialogs open in a folder that exists: Enter exports there."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from ui_fakes import process


def test_the_reports_dialog_opens_in_the_default_folder_made_for_it(window, log_folder, tmp_path, qtbot, monkeypatch):
    process(window, qtbot, log_folder)
    default = tmp_path / "reports"  # the window fixture's output_dir
    assert not default.exists()
    offered = []

    def press_enter(_parent, _caption, start):
        offered.append(start)
        assert Path(start).is_dir()  # a folder that does not exist gives "Directory not found"
        return start

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", press_enter)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert offered == [str(default)]
    assert (default / "json" / "summary.json").is_file()


def test_a_cancelled_dialog_leaves_no_folder_behind(window, log_folder, tmp_path, qtbot, monkeypatch):
    process(window, qtbot, log_folder)
    default = tmp_path / "reports"
    seen = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        lambda _p, _c, start: seen.append(Path(start).is_dir()) or "")
    window.export_reports()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda _p, _c, start, _f: seen.append(Path(start).parent.is_dir()) or ("", ""))
    window.export_records()
    assert seen == [True, True]
    assert not default.exists()


def test_a_folder_that_cannot_be_made_offers_the_nearest_existing_one(make_window, backend, log_folder, tmp_path, qtbot, monkeypatch):
    from logdesk.settings import PathSettings, Settings

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    window = make_window(backend, Settings(paths=PathSettings(output_dir=str(blocker / "reports"))))
    process(window, qtbot, log_folder)
    offered = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda _p, _c, start: offered.append(start) or "")
    window.export_reports()
    assert offered == [str(tmp_path)]


def test_open_folder_after_an_export_shows_the_folder(window, log_folder, tmp_path, qtbot, monkeypatch):
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QMessageBox

    process(window, qtbot, log_folder)
    opened, titles = [], []

    def click_open_folder(box):
        titles.append(box.windowTitle())
        button = next(b for b in box.buttons() if b.text() == "Open folder")
        button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click_open_folder)
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    out = tmp_path / "out"
    assert window.export_to(out) is not None
    assert titles == ["Reports exported"]
    assert opened == [str(out)]
