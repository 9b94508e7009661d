"""The Inputs tab (per-file ingest report and malformed samples), the nothing-readable banner,
and Export records… (off the GUI thread, for the filter bar and the records search)."""

from __future__ import annotations

import csv
import threading
from datetime import timezone

import pyarrow.parquet as pq
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from logdesk.ui.dashboard import Dashboard
from logdesk.ui.main_window import CSV_FILTER, PARQUET_FILTER
from ui_fakes import APP_CONTINUATION_LINES, EXPORT_COLUMNS, FakeBackend, process


def _table(panel) -> list[list[str]]:
    model = panel.model
    return [[model.display_text(r, c) for c in range(model.columnCount())] for r in range(model.rowCount())]


def _keep_errors_only(window, qtbot) -> None:
    for level in ("ERROR", "CRITICAL"):
        qtbot.mouseClick(window.dashboard.filter_bar.level_buttons[level], Qt.MouseButton.LeftButton)


def _search_records(window, text: str) -> None:
    view = window.dashboard.records_view
    view.search_box.setText(text)
    view.apply_search()
    assert window.records_model.search == text


# -- Inputs ------------------------------------------------------------------------------

def test_inputs_tab_lists_each_file_and_its_malformed_samples(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    dash = window.dashboard
    assert dash.tabs.tabText(Dashboard.TAB_INPUTS) == "Inputs"
    inputs = dash.inputs
    headers = [inputs.files.model.headerData(c, Qt.Orientation.Horizontal) for c in range(9)]
    assert headers == ["File", "Fate", "Format", "Timestamps", "Encoding", "Records",
                       "Continuation lines", "Malformed lines", "Note"]
    assert _table(inputs.files) == [
        ["app.log", "read", "text", "", "utf-8", "57", str(APP_CONTINUATION_LINES), "2", ""],
        ["sub/other.csv", "read", "csv", "", "utf-16", "0", "0", "1",
         "header only partly recognized"],
    ]
    # the first file is selected: its samples, log markup shown as text
    assert _table(inputs.samples) == [
        ["7", "no timestamp", "garbage <i>line</i>"],
        ["9", "no timestamp", "=cmd|' /C calc'!A0"],
    ]
    assert inputs.samples.title_label.textFormat() == Qt.TextFormat.PlainText
    assert inputs.samples.title_label.text() == "Malformed lines of app.log"
    assert inputs.select_file("sub/other.csv")
    assert _table(inputs.samples) == [["2", "wrong column count", "a,b"]]
    assert inputs.samples.title_label.text() == "Malformed lines of sub/other.csv"
    assert dash.banner.isHidden()


def test_a_folder_where_nothing_could_be_read_says_so(make_window, log_folder, qtbot):
    window = make_window(FakeBackend(records=[]))
    process(window, qtbot, log_folder)
    dash = window.dashboard
    assert not dash.banner.isHidden()
    assert dash.banner_label.text() == (
        f"Nothing in this folder could be read (2 files read, 0 skipped): "
        f"{2 + APP_CONTINUATION_LINES + 1} lines, all malformed — see Inputs."
    )
    assert dash.banner_label.textFormat() == Qt.TextFormat.PlainText
    assert dash.tabs.currentIndex() == Dashboard.TAB_INPUTS
    dash.tabs.setCurrentIndex(Dashboard.TAB_OVERVIEW)
    qtbot.mouseClick(dash.banner_button, Qt.MouseButton.LeftButton)
    assert dash.tabs.currentIndex() == Dashboard.TAB_INPUTS


# -- Export records… ---------------------------------------------------------------------

def test_export_records_needs_a_result(window):
    assert not window.export_records_action.isEnabled()


def test_export_records_writes_the_filter_and_search_off_the_gui_thread(
    window, backend, log_folder, tmp_path, qtbot, monkeypatch
):
    process(window, qtbot, log_folder)
    assert window.export_records_action.isEnabled()
    _keep_errors_only(window, qtbot)
    _search_records(window, "pay")
    target = tmp_path / "errors.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), CSV_FILTER))
    with qtbot.waitSignal(window.records_export_completed, timeout=15_000) as blocker:
        window.export_records_action.trigger()
        # busy until the engine thread answers (its answer is queued to this thread)
        assert window.is_exporting_records
        assert not window.export_records_action.isEnabled()
        assert window.progress_bar.isVisible() and window.progress_bar.maximum() == 0
        assert window.stage_label.text() == "Exporting records…"
    assert blocker.args == [True, str(target)]
    record_filter, search, path, thread = backend.exports[-1]
    assert (record_filter.levels, search, path) == (frozenset({"ERROR", "CRITICAL"}), "pay", target)
    assert thread != threading.main_thread().name
    with open(target, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    # hour 47: four DbTimeout errors, then the OutOfMemory one (records 52..56 of the fake)
    assert [(r[1], r[7], r[9]) for r in rows[1:]] == [
        ("ERROR", "DbTimeout", "52"), ("ERROR", "DbTimeout", "53"), ("ERROR", "DbTimeout", "54"),
        ("ERROR", "DbTimeout", "55"), ("CRITICAL", "OutOfMemory", "56"),
    ]
    assert rows[1][0] == "2024-03-02T23:00:00.000+00:00"
    assert not window.is_exporting_records
    assert window.export_records_action.isEnabled()
    assert not window.progress_bar.isVisible()
    message = window.statusBar().currentMessage()
    assert message.startswith("Exported 5 records (ERROR,CRITICAL, search “pay”) to ")
    assert message.endswith(str(target))


def test_export_records_as_parquet_by_the_chosen_filter(window, backend, log_folder, tmp_path, qtbot, monkeypatch):
    process(window, qtbot, log_folder)
    chosen = tmp_path / "all"  # no extension: the Parquet filter adds it
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen), PARQUET_FILTER))
    with qtbot.waitSignal(window.records_export_completed, timeout=15_000) as blocker:
        window.export_records_action.trigger()
    target = tmp_path / "all.parquet"
    assert blocker.args == [True, str(target)]
    table = pq.read_table(target)
    assert tuple(table.column_names) == EXPORT_COLUMNS
    assert table.num_rows == 57
    first = table.slice(0, 1).to_pylist()[0]
    assert first["timestamp"].astimezone(timezone.utc).isoformat() == "2024-03-01T00:00:00+00:00"
    assert (first["level"], first["line"]) == ("INFO", 1)
    assert window.statusBar().currentMessage().startswith("Exported 57 records (all records) to ")


def test_cancelled_dialog_exports_nothing(window, backend, log_folder, qtbot, monkeypatch):
    process(window, qtbot, log_folder)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    window.export_records_action.trigger()
    assert backend.exports == [] and not window.is_exporting_records


def test_export_records_failure_says_why(window, backend, log_folder, tmp_path, qtbot, monkeypatch, messages):
    process(window, qtbot, log_folder)
    backend.export_error = PermissionError("cannot write records to /readonly/r.csv: Permission denied")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("/readonly/r.csv", CSV_FILTER))
    with qtbot.waitSignal(window.records_export_completed, timeout=15_000) as blocker:
        window.export_records_action.trigger()
    assert blocker.args == [False, "cannot write records to /readonly/r.csv: Permission denied"]
    icon, title, text, details = messages[-1]
    assert (icon, title) == (QMessageBox.Icon.Critical, "Export failed")
    assert text == "Could not write records to /readonly/r.csv:\ncannot write records to /readonly/r.csv: Permission denied"
    assert "PermissionError" in details
    assert window.export_records_action.isEnabled()
    assert window.statusBar().currentMessage().startswith("Records export failed: ")
