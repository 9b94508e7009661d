"""Every table model passes QAbstractItemModelTester; rows copy as TSV; log text stays plain."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QLabel

from ui_fakes import MARKUP, expand, process


def _tester(model):
    return QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)


def _failures(qtlog) -> list[str]:
    return [r.message for r in qtlog.records if "FAIL" in r.message or "QAbstractItemModelTester" in r.message]


def _all_models(window):
    dash = window.dashboard
    panels = [dash.top_errors, dash.trends, dash.severity, dash.per_ip, dash.per_service, dash.per_endpoint, dash.files]
    models = {p.objectName(): p.model for p in panels}
    models.update({f"{p.objectName()}_proxy": p.proxy for p in panels})
    models["alerts"] = dash.alerts_panel.current_model
    models["alerts_proxy"] = dash.alerts_panel.current_proxy
    models["history_proxy"] = dash.alerts_panel.history_proxy
    models["records"] = window.records_model
    return models


def test_every_table_model_passes_the_model_tester(window, log_folder, qtbot, qtlog):
    testers = [_tester(m) for m in _all_models(window).values()]  # attached before any data
    process(window, qtbot, log_folder)
    model = window.records_model
    qtbot.waitUntil(lambda: model.rowCount() == 57 and model.total == 57, timeout=15_000)
    for level in ("WARN", "ERROR", "CRITICAL", "UNKNOWN"):
        qtbot.mouseClick(window.dashboard.filter_bar.level_buttons[level], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.total == 13 and model.rowCount() == 13, timeout=15_000)
    window.dashboard.per_ip.view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    window.dashboard.per_ip.filter_box.setText("10.0.0")
    model.sort(1, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: model.rowCount() == 13, timeout=15_000)
    window.dashboard.filter_bar.reset()
    qtbot.waitUntil(lambda: model.rowCount() == 57, timeout=15_000)
    assert len(testers) == len(_all_models(window))
    assert _failures(qtlog) == []


def test_analytics_tables_hold_the_numbers(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    dash = window.dashboard
    top = dash.top_errors.model
    assert [(top.display_text(r, 0), top.display_text(r, 1)) for r in range(top.rowCount())] == [
        ("DbTimeout", "7"), ("NullPointer", "2"), ("OutOfMemory", "1")]
    severity = dash.severity.model
    rows = {severity.display_text(r, 0): (severity.display_text(r, 1), severity.display_text(r, 2))
            for r in range(severity.rowCount())}
    assert rows["INFO"] == ("39", "68.4%")
    assert rows["CRITICAL"] == ("1", "1.8%")
    ip = dash.per_ip.model
    assert [ip.display_text(0, c) for c in range(4)] == ["10.0.0.4", "6", "5", "83.3%"]
    endpoints = dash.per_endpoint.model
    assert sorted(endpoints.display_text(r, 0) for r in range(endpoints.rowCount())) == ["/home", "/login", "/pay"]
    # the proxy sorts numbers as numbers
    dash.per_ip.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    proxy = dash.per_ip.proxy
    assert [proxy.index(r, 1).data() for r in range(proxy.rowCount())] == ["33", "15", "6", "3"]
    dash.per_ip.filter_box.setText("0.0.4")
    assert proxy.rowCount() == 1


def test_ctrl_c_copies_selected_rows_tab_separated(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    panel = window.dashboard.top_errors
    window.dashboard.tabs.setCurrentIndex(1)
    view = panel.view
    view.selectRow(0)
    view.selectionModel().select(panel.proxy.index(2, 0), view.selectionModel().SelectionFlag.Select
                                 | view.selectionModel().SelectionFlag.Rows)
    view.setFocus()
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QGuiApplication.clipboard().text().split("\n")
    assert len(lines) == 2
    assert lines[0].split("\t")[:5] == ["DbTimeout", "7", "", "2024-03-01 01:00:00", "2024-03-02 23:03:00"]
    assert lines[1].split("\t")[:2] == ["OutOfMemory", "1"]


def test_markup_in_log_text_is_shown_literally(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    model = window.records_model
    view = window.dashboard.records_view
    qtbot.keyClicks(view.search_box, "bold")
    view.apply_search()
    qtbot.waitUntil(lambda: model.total == 1 and model.rowCount() == 1, timeout=15_000)
    index = model.index(0, 5)
    assert index.data(Qt.ItemDataRole.DisplayRole) == MARKUP
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "<qt>&lt;b&gt;bold&lt;/b&gt;&lt;img src=x&gt;</qt>"
    view.table.selectRow(0)
    assert MARKUP in view.detail.toPlainText()
    # no label anywhere in the window may interpret markup
    rich = [label.objectName() or label.text() for label in window.findChildren(QLabel)
            if label.textFormat() != Qt.TextFormat.PlainText]
    assert rich == []


def test_records_model_columns_and_headers(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    model = window.records_model
    qtbot.waitUntil(lambda: model.rowCount() == 57, timeout=15_000)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Timestamp", "Level", "Service", "IP", "Endpoint", "Message", "Template", "File",
                       "Line"]
    assert model.index(0, 7).data() == "app.log"  # named from the opened folder
    # the fake's records are app.log's lines in their order: the row's line is its record's place
    shown = model.record(0)
    place = next(i for i, r in enumerate(expand(), start=1)
                 if (r.ts, r.message) == (shown[0], shown[5]))
    assert model.index(0, 8).data() == str(place)
    assert model.index(0, 8).data(Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert model.index(0, 7).data(Qt.ItemDataRole.ToolTipRole) == f"<qt>{log_folder.resolve() / 'app.log'}</qt>"
    assert [model.index(0, c).data() for c in range(5)] == [
        "2024-03-01 00:00:00", "DEBUG", "api", "10.0.0.1", "/login"]
    assert model.rowCount(model.index(0, 0)) == 0 and not model.canFetchMore(QModelIndex())


def test_error_types_table_shows_the_runs_services_as_plain_text(qapp):
    from datetime import datetime, timezone

    from logdesk.results import ErrorTypeInfo, ErrorTypeStat
    from logdesk.ui.table_models import RowsTableModel, error_type_rows, top_errors_columns

    t = datetime(2024, 3, 1, 10, 0, tzinfo=timezone.utc)
    stats = [ErrorTypeStat("User <*> failed", 3, t, t, "User <b>x</b> failed"),
             ErrorTypeStat("Disk full on <path>", 1, t, t, "Disk full on /x")]
    infos = [ErrorTypeInfo("User <*> failed", 3, t, t, ("<i>api</i>", "web"), 4, "User <b>x</b> failed")]
    model = RowsTableModel(top_errors_columns())
    model.set_rows(error_type_rows(stats, infos))
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Error type", "Count", "Trend", "First seen", "Last seen", "Services", "Example message"]
    assert [model.display_text(0, c) for c in (0, 1, 5, 6)] == [
        "User <*> failed", "3", "<i>api</i>, web (+2 more)", "User <b>x</b> failed"]
    assert model.display_text(1, 5) == ""


def test_error_types_and_patterns_have_a_sparkline_per_row(window, log_folder, qtbot):
    from logdesk.ui.sparkline import SPARK_ROLE

    process(window, qtbot, log_folder)
    window.resize(1400, 900)
    dash = window.dashboard
    panel = dash.top_errors
    dash.tabs.setCurrentIndex(dash.TAB_ERRORS)
    model = panel.model
    trend_col = 2
    rows = {model.display_text(r, 0): model.index(r, trend_col).data(SPARK_ROLE) for r in range(model.rowCount())}
    # 48 hours in 24 slices of 2 h: DbTimeout's 3 errors in hour 1, 4 in hour 47 (GROUPS)
    assert rows["DbTimeout"] == (3,) + (0,) * 22 + (4,)
    assert rows["NullPointer"][12] == 2 and sum(rows["NullPointer"]) == 2  # hour 24
    patterns = dash.patterns.model
    spark = {patterns.display_text(r, 0): patterns.index(r, 2).data(SPARK_ROLE)
             for r in range(patterns.rowCount())}
    assert sum(spark["(none)"]) == 57 - 10  # every record the fake left without a type
    # drawn: the cell holds the palette's highlight colour
    qtbot.waitExposed(panel.view)
    rect = panel.view.visualRect(panel.proxy.index(0, trend_col))
    image = panel.view.viewport().grab(rect).toImage()
    accent = panel.view.palette().highlight().color()
    close = sum(1 for x in range(image.width()) for y in range(image.height())
                if abs(image.pixelColor(x, y).red() - accent.red()) < 40
                and abs(image.pixelColor(x, y).blue() - accent.blue()) < 40
                and abs(image.pixelColor(x, y).green() - accent.green()) < 40)
    assert close > 10
