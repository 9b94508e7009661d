"""From a number to its records: real clicks on bars, double-clicks on rows, a click on a
histogram bin; the filter bar says what is in effect and Reset undoes it. Expected counts
from ui_fakes.GROUPS by hand."""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QPointF, Qt

from ui_fakes import card, process

UTC = timezone.utc


def _records_total(window, qtbot, expected: int) -> None:
    model = window.records_model
    qtbot.waitUntil(lambda: not model.is_loading and model.total == expected, timeout=15_000)


def _shown(window, qtbot):
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(200)


def _click_bar(qtbot, chart, index: int) -> None:
    vb = chart.plot.getPlotItem().getViewBox()
    scene = vb.mapViewToScene(QPointF(chart.values[index] / 2, index))
    qtbot.mouseClick(chart.plot.viewport(), Qt.MouseButton.LeftButton, pos=chart.plot.mapFromScene(scene))


def _double_click_row(qtbot, panel, key: str) -> None:
    view = panel.view
    model = view.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == key)
    rect = view.visualRect(model.index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_a_bar_of_errors_per_ip_shows_those_errors(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    _shown(window, qtbot)
    dash = window.dashboard
    assert dash.ip_chart.labels[0] == "10.0.0.4"
    _click_bar(qtbot, dash.ip_chart, 0)
    qtbot.waitUntil(lambda: dash.tabs.currentWidget() is dash.records_view, timeout=5_000)
    assert dash.records_view.search_box.text() == "ip:10.0.0.4"
    assert dash.filter_bar.current.levels == frozenset({"ERROR", "CRITICAL"})
    _records_total(window, qtbot, 5)  # ERROR 4 + CRITICAL 1 (its UNKNOWN record is not an error)
    assert dash.filter_bar.summary.text() == "Filter: ERROR, CRITICAL — records view: ip:10.0.0.4"
    qtbot.mouseClick(dash.filter_bar.reset_button, Qt.MouseButton.LeftButton)
    assert dash.records_view.search_box.text() == ""
    assert dash.filter_bar.summary.text() == "Filter: all records"
    _records_total(window, qtbot, 57)
    assert card(window, "total") == "57"


def test_an_error_type_bar_and_a_service_row(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    _shown(window, qtbot)
    dash = window.dashboard
    assert dash.types_chart.labels[0] == "DbTimeout"
    _click_bar(qtbot, dash.types_chart, 0)
    qtbot.waitUntil(lambda: dash.records_view.search_box.text() == "type:DbTimeout", timeout=5_000)
    _records_total(window, qtbot, 7)  # 3 in hour 1, 4 in hour 47
    dash.tabs.setCurrentIndex(dash.TAB_SOURCES)
    _double_click_row(qtbot, dash.per_service, "web")
    qtbot.waitUntil(lambda: dash.records_view.search_box.text() == "service:web", timeout=5_000)
    assert dash.tabs.currentWidget() is dash.records_view
    _records_total(window, qtbot, 15)  # WARN 2, INFO 10 + 1, ERROR 2
    assert dash.filter_bar.current.levels == frozenset()  # a table row: every level


def test_a_pattern_row_and_a_severity_row(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    _shown(window, qtbot)
    dash = window.dashboard
    dash.tabs.setCurrentIndex(dash.TAB_PATTERNS)
    patterns = [dash.patterns.model.display_text(r, 0) for r in range(dash.patterns.model.rowCount())]
    assert sorted(patterns) == ["(none)", "DbTimeout", "NullPointer", "OutOfMemory"]  # the fake mines types
    _double_click_row(qtbot, dash.patterns, "NullPointer")
    qtbot.waitUntil(lambda: dash.records_view.search_box.text() == "pattern:NullPointer", timeout=5_000)
    _records_total(window, qtbot, 2)
    dash.records_view.show_search("")
    dash.tabs.setCurrentIndex(dash.TAB_ERRORS)
    _double_click_row(qtbot, dash.severity, "CRITICAL")
    qtbot.waitUntil(lambda: dash.filter_bar.current.levels == frozenset({"CRITICAL"}), timeout=5_000)
    assert card(window, "total") == "1"
    _records_total(window, qtbot, 1)


def test_a_click_on_a_histogram_bin_shows_its_records(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    _shown(window, qtbot)
    dash = window.dashboard
    chart = dash.time_chart
    vb = chart.view_box
    at = datetime(2024, 3, 1, 1, 30, tzinfo=UTC).timestamp()
    scene = vb.mapViewToScene(QPointF(at, 1))
    qtbot.mouseClick(chart.plot.viewport(), Qt.MouseButton.LeftButton, pos=chart.plot.mapFromScene(scene))
    bar = dash.filter_bar
    qtbot.waitUntil(lambda: bar.current.start is not None, timeout=5_000)
    assert (bar.current.start, bar.current.end) == (datetime(2024, 3, 1, 1, tzinfo=UTC),
                                                    datetime(2024, 3, 1, 2, tzinfo=UTC))
    assert dash.tabs.currentWidget() is dash.records_view
    _records_total(window, qtbot, 5)  # ERROR 3 + WARN 2


def test_an_alert_row_shows_the_records_behind_it(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    _shown(window, qtbot)
    dash = window.dashboard
    dash.tabs.setCurrentWidget(dash.alerts_panel)
    view = dash.alerts_panel.current_view
    model = view.model()
    assert model.rowCount() == 1 and model.index(0, 1).data() == "High error rate"
    rect = view.visualRect(model.index(0, 1))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    bar = dash.filter_bar
    qtbot.waitUntil(lambda: bar.current.levels == frozenset({"ERROR", "CRITICAL"}), timeout=5_000)
    # the errors run from 01:00 on 1 March to 23:03 on 2 March: hour buckets 01:00 to 24:00
    assert (bar.current.start, bar.current.end) == (datetime(2024, 3, 1, 1, tzinfo=UTC),
                                                    datetime(2024, 3, 3, 0, tzinfo=UTC))
    assert dash.tabs.currentWidget() is dash.records_view
    _records_total(window, qtbot, 10)
