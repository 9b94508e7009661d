"""Export for the current filter, the settings dialog, alert history and auto-refresh."""

from __future__ import annotations

import re

import csv
import json
import os
import time
from dataclasses import replace

import yaml
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from logdesk.paths import user_config_file
from logdesk.reports.writer import ReportWriteError
from logdesk.settings import DashboardSettings, PathSettings, Settings
from logdesk.ui.auto_refresh import FolderWatcher
from logdesk.ui.settings_dialog import SettingsDialog
from ui_fakes import card, process


def test_ctrl_e_exports_reports_for_the_current_filter(window, log_folder, tmp_path, qtbot, monkeypatch, messages):
    process(window, qtbot, log_folder)
    for level in ("ERROR", "CRITICAL"):
        qtbot.mouseClick(window.dashboard.filter_bar.level_buttons[level], Qt.MouseButton.LeftButton)
    out = tmp_path / "out"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a: str(out))
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    summary = json.loads((out / "json" / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["records"] == 10  # the filter on screen, not all 57
    assert summary["totals"]["errors"] == 10
    assert summary["totals"]["malformed_rows"] == 3
    assert summary["filter"]["levels"] == ["ERROR", "CRITICAL"]
    with open(out / "csv" / "top_errors.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["error_type"], r["count"]) for r in rows] == [("DbTimeout", "7"), ("NullPointer", "2"), ("OutOfMemory", "1")]
    with open(out / "csv" / "malformed_rows.csv", encoding="utf-8", newline="") as handle:
        assert len(list(csv.reader(handle))) == 4  # header + 3
    icon, title, text, _details = messages[-1]
    assert title == "Reports exported"
    assert "summary.json" in text and str(out) in text
    # the alert history now comes from the export folder's alerts.log
    history = window.dashboard.alerts_panel.history_model
    assert history.rowCount() == 1
    headers = [history.headerData(c, Qt.Orientation.Horizontal) for c in range(history.columnCount())]
    assert headers[:5] == ["Run time", "Severity", "Rule", "Value", "Threshold"]
    assert [history.display_text(0, c) for c in (1, 2, 3, 4)] == ["CRITICAL", "High error rate", "100.0%", "10.0%"]
    # times as everywhere else in the app (they are ISO 8601 text in alerts.log)
    shown = {headers[c]: history.display_text(0, c) for c in range(len(headers))}
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", shown["Run time"]), shown
    assert shown["Evidence start"] == "2024-03-01 01:00:00", shown


def test_export_failure_says_why(window, log_folder, tmp_path, qtbot, monkeypatch, messages):
    process(window, qtbot, log_folder)

    def refuse(*_args):
        raise ReportWriteError("Cannot write reports to /readonly: permission denied")

    monkeypatch.setattr(window.services, "write_reports", refuse)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a: str(tmp_path / "x"))
    window.export_action.trigger()
    assert messages[-1][0] == QMessageBox.Icon.Critical
    assert messages[-1][2] == "Cannot write reports to /readonly: permission denied"
    assert window.export_action.isEnabled()


def test_export_needs_a_result(window, messages):
    assert not window.export_action.isEnabled()
    window.export_reports()
    assert messages[-1][1] == "Nothing to export"


def test_settings_change_thresholds_at_once_and_are_saved(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    assert card(window, "alerts") == "1"
    dialog = SettingsDialog(window.settings, window)
    dialog.error_rate.setValue(50.0)
    dialog.critical_count.setValue(1)
    dialog.top_n.setValue(2)
    assert dialog.validation_problem() == ""
    assert dialog.changes() == {
        "alerts": {"error_rate_threshold": 0.5, "critical_error_count": 1},
        "analytics": {"top_n": 2},
    }
    window.apply_settings(dialog.new_settings(), dialog.changes())
    # 17.5 % is under 50 %, but one CRITICAL record now fires the critical rule
    assert card(window, "alerts") == "1"
    assert window.dashboard.alerts_panel.current_model.display_text(0, 1) == "Critical errors"
    assert window.dashboard.types_chart.labels == ["DbTimeout", "NullPointer"]  # top 2
    saved = yaml.safe_load(user_config_file().read_text(encoding="utf-8"))
    assert saved["alerts"]["error_rate_threshold"] == 0.5
    assert saved["analytics"]["top_n"] == 2


def test_settings_dialog_rejects_bad_values(window):
    dialog = SettingsDialog(window.settings, window)
    dialog.trend_window.setCurrentText("7 minutes")
    dialog.accept()
    assert dialog.result() != SettingsDialog.DialogCode.Accepted
    assert dialog.problem.text().startswith("Trend window:")
    dialog.trend_window.setCurrentText("15m")
    dialog.time_zone.setCurrentText("Mars/Olympus")
    assert "unknown zone" in dialog.validation_problem()
    dialog.time_zone.setCurrentText("Europe/Berlin")
    dialog.driver_memory.setText("lots")
    assert dialog.validation_problem().startswith("Driver memory")
    dialog.driver_memory.setText("4g")
    dialog.master.setText("mesos://h:5050")
    assert dialog.validation_problem().startswith("Spark master")


def test_unsaveable_settings_are_not_applied(window, log_folder, qtbot, monkeypatch, messages):
    process(window, qtbot, log_folder)

    def refuse(_changes):
        raise ValueError("alerts.error_rate_threshold: must be between 0 and 1")

    monkeypatch.setattr(window.services, "save_user_settings", refuse)
    new = replace(window.settings, alerts=replace(window.settings.alerts, error_rate_threshold=0.5))
    window.apply_settings(new, {"alerts": {"error_rate_threshold": 0.5}})
    assert window.settings.alerts.error_rate_threshold == 0.1
    assert "must be between 0 and 1" in messages[-1][2]
    assert card(window, "alerts") == "1"


def test_spark_settings_restart_spark(window, backend, qtbot):
    new = replace(window.settings, spark=replace(window.settings.spark, master="local[2]"))
    with qtbot.waitSignal(window.spark_state_changed, check_params_cb=lambda s: s == "ready", timeout=15_000):
        window.apply_settings(new, {"spark": {"master": "local[2]"}})
    assert backend.stopped == 1


def test_folder_watcher_reports_new_files_at_most_once_per_interval(qtbot, tmp_path):
    watcher = FolderWatcher(scan_ms=50)
    watcher.watch(tmp_path, min_interval_s=0)
    nested = tmp_path / "nested"
    nested.mkdir()
    with qtbot.waitSignal(watcher.changed, timeout=15_000):
        (nested / "new.log").write_text("x\n")
    watcher.watch(tmp_path, min_interval_s=3600)
    with qtbot.assertNotEmitted(watcher.changed, wait=300):
        (nested / "newer.log").write_text("y\n")
    watcher.stop()


def test_auto_refresh_reruns_when_files_change(make_window, backend, log_folder, tmp_path, qtbot):
    settings = Settings(paths=PathSettings(output_dir=str(tmp_path / "reports")),
                        dashboard=DashboardSettings(auto_refresh=True, auto_refresh_seconds=5))
    window = make_window(backend, settings)
    process(window, qtbot, log_folder)
    assert window.watcher.folder == log_folder.resolve()
    window.watcher._min_interval_s = 0  # the 5 s minimum would only slow the test down
    time.sleep(0.01)
    with qtbot.waitSignal(window.run_completed, timeout=30_000):
        (log_folder / "app.log").write_text("more\n", encoding="utf-8")
        os.utime(log_folder / "app.log")
        window.watcher.check_now()
    assert len(backend.runs) == 2
