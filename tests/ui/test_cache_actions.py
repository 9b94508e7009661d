"""File / Run → Clear cache, and the cache options of the settings dialog."""

from __future__ import annotations

import threading
from dataclasses import replace

import yaml
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from logdesk.config_loader import load_settings
from logdesk.paths import user_config_file
from logdesk.results import CacheUse
from logdesk.settings import CacheSettings, PathSettings, Settings
from logdesk.ui.settings_dialog import SettingsDialog
from ui_fakes import FakeBackend, process

CLEARED = "Cache cleared: 1,234 files, 5,415.8 MB freed"  # FakeBackend.cache_freed


def _answer(monkeypatch, button):
    """QMessageBox.question answers `button`; returns the questions asked."""
    asked = []

    def question(parent, title, text, buttons, default):
        asked.append((title, text, buttons, default))
        return button

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def _click_menu_entry(qtbot, window, menu, action):
    menu.popup(window.mapToGlobal(QPoint(10, 10)))
    qtbot.waitExposed(menu)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())


def test_the_action_says_what_it_deletes_in_the_file_and_run_menus(window):
    action = window.clear_cache_action
    assert action.toolTip() == "Delete logdesk's cached copies of your log files; the next run reads every file again"
    assert action.statusTip() == action.toolTip()
    assert action in window.file_menu.actions() and action in window.run_menu.actions()
    assert action.isEnabled()  # no folder needed: the cache outlives the folders it holds


def test_clear_cache_from_the_menu_asks_then_clears_on_the_engine_thread(window, backend, qtbot, monkeypatch):
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.cache_clear_completed, timeout=15_000) as done:
        _click_menu_entry(qtbot, window, window.file_menu, window.clear_cache_action)
        assert not window.clear_cache_action.isEnabled()  # until the engine thread answers
    [(title, text, buttons, default)] = asked
    assert title == "Clear cache" and "next run" in text
    assert buttons == QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    assert default == QMessageBox.StandardButton.No
    [(settings, thread)] = backend.cache_clears
    assert settings is window.settings
    assert thread != threading.main_thread().name
    assert done.args == [True, CLEARED]
    assert window.statusBar().currentMessage() == CLEARED
    assert window.clear_cache_action.isEnabled()


def test_no_keeps_the_cache(window, backend, qtbot, monkeypatch):
    asked = _answer(monkeypatch, QMessageBox.StandardButton.No)
    with qtbot.assertNotEmitted(window.cache_clear_completed, wait=200):
        _click_menu_entry(qtbot, window, window.run_menu, window.clear_cache_action)
    assert len(asked) == 1
    assert backend.cache_clears == []
    assert window.clear_cache_action.isEnabled()


def test_clear_cache_is_disabled_during_a_run(make_window, log_folder, qtbot, monkeypatch):
    backend = FakeBackend(block_runs=True)
    window = make_window(backend)
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    window.open_folder(log_folder)
    assert backend.run_entered.wait(5)
    assert not window.clear_cache_action.isEnabled()
    window.clear_cache_action.trigger()  # a disabled action does nothing
    assert window.clear_cache() is False  # nor does a call that slips past it
    assert asked == []
    with qtbot.waitSignal(window.run_completed, timeout=30_000):
        qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    assert window.clear_cache_action.isEnabled()
    backend.block_runs = False
    process(window, qtbot, log_folder)
    assert window.clear_cache_action.isEnabled()
    with qtbot.waitSignal(window.cache_clear_completed, timeout=15_000):
        window.clear_cache_action.trigger()
    assert len(backend.cache_clears) == 1
    assert window.statusBar().currentMessage() == CLEARED  # the fake's results are not cached


def test_a_cached_open_folder_needs_a_refresh_for_its_records(make_window, log_folder, qtbot, monkeypatch):
    class CachingBackend(FakeBackend):
        def run(self, *args, **kwargs):
            return replace(super().run(*args, **kwargs), cache=CacheUse(enabled=True, read=2))

    window = make_window(CachingBackend(cache_freed=(1, 1_572_864)))
    process(window, qtbot, log_folder)
    _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.cache_clear_completed, timeout=15_000):
        window.clear_cache_action.trigger()
    message = window.statusBar().currentMessage()
    assert message.startswith("Cache cleared: 1 file, 1.5 MB freed")
    assert "refresh (F5)" in message


def test_a_file_error_is_one_line_without_a_traceback(window, backend, qtbot, monkeypatch, messages):
    backend.clear_error = PermissionError(13, "Permission denied", "/cache/files/entries/3f2a")
    _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.cache_clear_completed, timeout=15_000) as done:
        window.clear_cache_action.trigger()
    assert done.args == [False, "Permission denied: /cache/files/entries/3f2a"]
    icon, title, text, details = messages[-1]
    assert (icon, title) == (QMessageBox.Icon.Critical, "Cache not cleared")
    assert text == "Could not clear logdesk's cache:\nPermission denied: /cache/files/entries/3f2a"
    assert details == ""
    assert window.statusBar().currentMessage() == "Cache not cleared: Permission denied: /cache/files/entries/3f2a"
    assert window.clear_cache_action.isEnabled()


def test_settings_dialog_cache_options_round_trip(make_window, backend, tmp_path, qtbot):
    settings = Settings(paths=PathSettings(output_dir=str(tmp_path / "reports")),
                        cache=CacheSettings(dir=str(tmp_path / "my-cache")))
    window = make_window(backend, settings)
    dialog = SettingsDialog(window.settings, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.cache_enabled.isChecked()
    assert dialog.cache_enabled.text() == "Keep a cache of read files (re-opening a folder reads only what changed)"
    spin = dialog.cache_max_size
    assert (spin.minimum(), spin.maximum(), spin.value(), spin.suffix()) == (16, 10_000_000, 4096, " MB")
    assert spin.isGroupSeparatorShown()  # 4,096 MB in an English locale
    assert dialog.changes() == {}

    qtbot.mouseClick(dialog.cache_enabled, Qt.MouseButton.LeftButton, pos=QPoint(5, dialog.cache_enabled.height() // 2))
    assert not dialog.cache_enabled.isChecked()
    assert not spin.isEnabled()  # no size without a cache
    qtbot.mouseClick(dialog.cache_enabled, Qt.MouseButton.LeftButton, pos=QPoint(5, dialog.cache_enabled.height() // 2))
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "20000")
    assert spin.value() == 20_000
    qtbot.mouseClick(dialog.cache_enabled, Qt.MouseButton.LeftButton, pos=QPoint(5, dialog.cache_enabled.height() // 2))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert dialog.result() == SettingsDialog.DialogCode.Accepted

    new = dialog.new_settings()
    assert new.cache == CacheSettings(enabled=False, dir=str(tmp_path / "my-cache"), max_size_mb=20_000)
    assert dialog.changes() == {"cache": {"enabled": False, "max_size_mb": 20_000}}
    assert window.apply_settings(new, dialog.changes())
    assert window.settings.cache == new.cache
    saved = yaml.safe_load(user_config_file().read_text(encoding="utf-8"))
    assert saved["cache"] == {"enabled": False, "max_size_mb": 20_000}
    assert load_settings().cache == CacheSettings(enabled=False, max_size_mb=20_000)

    again = SettingsDialog(window.settings, window)
    qtbot.addWidget(again)
    assert not again.cache_enabled.isChecked()
    assert again.cache_max_size.value() == 20_000 and not again.cache_max_size.isEnabled()
    assert again.new_settings().cache == new.cache and again.changes() == {}
