"""Level and date filters: every card follows, and the records view counts the same records."""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone, Qt

from logdesk.results import RecordFilter
from ui_fakes import card, process

UTC = timezone.utc


def _records_total(window, qtbot) -> int:
    model = window.records_model
    qtbot.waitUntil(lambda: model.total is not None and not model.is_loading, timeout=15_000)
    return model.total


def _click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_level_buttons_filter_every_card(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    bar = window.dashboard.filter_bar
    _click(qtbot, bar.level_buttons["DEBUG"])
    assert card(window, "total") == "52"
    for level in ("INFO", "WARN", "UNKNOWN"):
        _click(qtbot, bar.level_buttons[level])
    assert bar.current.levels == frozenset({"ERROR", "CRITICAL"})
    assert card(window, "total") == "10"
    assert card(window, "errors") == "10"
    assert card(window, "error_rate") == "100.0%"
    assert bar.summary.text() == "Filter: ERROR, CRITICAL"
    assert _records_total(window, qtbot) == 10
    # charts and tables follow the same filter
    assert window.dashboard.types_chart.labels == ["DbTimeout", "NullPointer", "OutOfMemory"]
    assert window.dashboard.types_chart.values == [7, 2, 1]
    assert window.dashboard.severity.model.rowCount() == 2
    _click(qtbot, bar.reset_button)
    assert card(window, "total") == "57"
    assert bar.summary.text() == "Filter: all records"
    assert all(b.isChecked() for b in bar.level_buttons.values())
    assert _records_total(window, qtbot) == 57


def test_the_last_level_cannot_be_unchecked(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    bar = window.dashboard.filter_bar
    for level in ("DEBUG", "INFO", "WARN", "ERROR", "CRITICAL"):
        _click(qtbot, bar.level_buttons[level])
    assert card(window, "total") == "1"  # UNKNOWN only
    _click(qtbot, bar.level_buttons["UNKNOWN"])
    assert bar.level_buttons["UNKNOWN"].isChecked()
    assert card(window, "total") == "1"


def test_presets_count_back_from_the_end_of_the_data(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    bar = window.dashboard.filter_bar
    _click(qtbot, bar.preset_buttons["hour"])
    # the data ends in the 23:00 bucket of 2 March: the last hour is that bucket
    assert bar.current.start == datetime(2024, 3, 2, 23, tzinfo=UTC)
    assert card(window, "total") == "14"
    assert card(window, "errors") == "5"
    assert _records_total(window, qtbot) == 14
    _click(qtbot, bar.preset_buttons["day"])
    assert card(window, "total") == "27"
    assert card(window, "errors") == "7"
    _click(qtbot, bar.preset_buttons["week"])
    assert card(window, "total") == "57"
    assert bar.current.start is not None  # a week back: still a filter, just a wide one
    _click(qtbot, bar.preset_buttons["all"])
    assert bar.current == RecordFilter()
    assert card(window, "total") == "57"


def test_date_edits_filter_and_snap_to_buckets(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    bar = window.dashboard.filter_bar
    assert bar.from_edit.dateTime().toString("yyyy-MM-dd HH:mm") == "2024-03-01 00:00"
    assert bar.to_edit.dateTime().toString("yyyy-MM-dd HH:mm") == "2024-03-03 00:00"
    with qtbot.waitSignal(bar.filter_changed, timeout=15_000):
        bar.from_edit.setDateTime(QDateTime(QDate(2024, 3, 2), QTime(0, 0), QTimeZone.utc()))
    with qtbot.waitSignal(bar.filter_changed, timeout=15_000):
        bar.to_edit.setDateTime(QDateTime(QDate(2024, 3, 2), QTime(0, 30), QTimeZone.utc()))
    # 00:30 snaps up to the end of its hour bucket, so cards and records agree exactly
    assert bar.current.start == datetime(2024, 3, 2, 0, tzinfo=UTC)
    assert bar.current.end == datetime(2024, 3, 2, 1, tzinfo=UTC)
    assert bar.to_edit.dateTime().toString("HH:mm") == "01:00"
    assert card(window, "total") == "13"
    assert card(window, "errors") == "2"
    assert bar.summary.text() == "Filter: 2024-03-02 00:00 → 2024-03-02 01:00"
    assert _records_total(window, qtbot) == 13


def test_typing_a_date_applies_after_editing(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    bar = window.dashboard.filter_bar
    edit = bar.from_edit
    edit.setFocus()
    edit.setSelectedSection(edit.Section.DaySection)
    with qtbot.waitSignal(bar.filter_changed, timeout=15_000):
        qtbot.keyClicks(edit, "02")
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert bar.current.start == datetime(2024, 3, 2, 0, tzinfo=UTC)
    assert card(window, "total") == "27"


def test_dragging_the_chart_range_sets_the_date_filter(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    chart = window.dashboard.time_chart
    start = datetime(2024, 3, 1, 0, 20, tzinfo=UTC).timestamp()
    end = datetime(2024, 3, 1, 1, 10, tzinfo=UTC).timestamp()
    chart.region.setRegion((start, end))  # what a drag of the region's edges does
    chart.region.sigRegionChangeFinished.emit(chart.region)
    bar = window.dashboard.filter_bar
    assert bar.current.start == datetime(2024, 3, 1, 0, tzinfo=UTC)
    assert bar.current.end == datetime(2024, 3, 1, 2, tzinfo=UTC)
    assert card(window, "total") == "30"
    assert card(window, "errors") == "3"
    # the chart keeps showing all the data, with the selection marked
    x0, x1 = chart.region.getRegion()
    assert (x0, x1) == (datetime(2024, 3, 1, 0, tzinfo=UTC).timestamp(), datetime(2024, 3, 1, 2, tzinfo=UTC).timestamp())
    assert max(chart._ys) == 5


def test_chart_hover_shows_time_and_count(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    chart = window.dashboard.time_chart
    index = next(i for i, p in enumerate(chart._points) if p.errors == 3)
    assert chart.point_text(index) == "2024-03-01 01:00\n3 errors of 5 records"
    vb = chart.plot.getPlotItem().getViewBox()
    qtbot.waitUntil(lambda: vb.viewRange()[0][0] <= chart._xs[index] <= vb.viewRange()[0][1])
    scene_pos = vb.mapViewToScene(vb.mapToView(vb.boundingRect().center()))
    scene_pos.setX(vb.mapViewToScene(type(scene_pos)(chart._xs[index], 1)).x())
    chart._mouse_moved(scene_pos)
    assert chart.hover_text.isVisible()
    assert chart.hover_text.textItem.toPlainText() == "2024-03-01 01:00\n3 errors of 5 records"


def test_bar_tooltips_show_the_full_label_escaped(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    chart = window.dashboard.service_chart
    assert chart.labels[0] == "payments-service-with-a-rather-long-name"
    ticks = chart.plot.getPlotItem().getAxis("left")._tickLevels[0]
    assert ticks[0][1] != chart.labels[0] and "…" in ticks[0][1]  # elided on the axis
    assert chart.bar_tooltip(0) == "<qt>payments-service-with-a-rather-long-name<br>5 errors</qt>"
