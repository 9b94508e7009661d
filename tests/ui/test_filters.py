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
    assert not any(b.isChecked() for b in bar.level_buttons.values())  # none pressed: all
    _click(qtbot, bar.level_buttons["DEBUG"])  # shows DEBUG only (57 - 52 of the other levels)
    assert bar.current.levels == frozenset({"DEBUG"})
    assert card(window, "total") == "5"
    _click(qtbot, bar.level_buttons["DEBUG"])  # pressed again: every level
    assert bar.current.levels == frozenset()
    assert card(window, "total") == "57"
    for level in ("ERROR", "CRITICAL"):
        _click(qtbot, bar.level_buttons[level])
    assert bar.current.levels == frozenset({"ERROR", "CRITICAL"})
    assert [lv for lv, b in bar.level_buttons.items() if b.isChecked()] == ["ERROR", "CRITICAL"]
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
    assert not any(b.isChecked() for b in bar.level_buttons.values())
    assert _records_total(window, qtbot) == 57


def test_pressing_every_level_is_the_same_as_none(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    bar = window.dashboard.filter_bar
    for level in ("DEBUG", "INFO", "WARN", "ERROR", "CRITICAL"):
        _click(qtbot, bar.level_buttons[level])
    assert card(window, "total") == "56"  # all but the 1 UNKNOWN
    _click(qtbot, bar.level_buttons["UNKNOWN"])
    assert bar.current.levels == frozenset()
    assert not any(b.isChecked() for b in bar.level_buttons.values())
    assert card(window, "total") == "57"
    assert bar.summary.text() == "Filter: all records"


def _mean_colour(widget) -> tuple[float, float, float]:
    image = widget.grab().toImage()
    pixels = [image.pixelColor(x, y) for x in range(2, image.width() - 2, 2)
              for y in range(2, image.height() - 2, 2)]
    return tuple(sum(getattr(c, ch)() for c in pixels) / len(pixels) for ch in ("red", "green", "blue"))


def test_a_pressed_level_looks_pressed_in_light_and_dark(window, log_folder, qtbot):
    from PySide6.QtGui import QColor, QPalette

    process(window, qtbot, log_folder)
    bar = window.dashboard.filter_bar
    _click(qtbot, bar.level_buttons["ERROR"])
    for dark in (False, True):
        palette = QPalette()
        if dark:
            for role, colour in ((QPalette.ColorRole.Window, "#202124"), (QPalette.ColorRole.Button, "#303134"),
                                 (QPalette.ColorRole.ButtonText, "#e8eaed"), (QPalette.ColorRole.Highlight, "#8ab4f8"),
                                 (QPalette.ColorRole.HighlightedText, "#202124")):
                palette.setColor(role, QColor(colour))
        bar.setPalette(palette)
        pressed = _mean_colour(bar.level_buttons["ERROR"])
        unpressed = _mean_colour(bar.level_buttons["WARN"])
        distance = sum((a - b) ** 2 for a, b in zip(pressed, unpressed)) ** 0.5
        assert distance > 60, (dark, pressed, unpressed)


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


def test_bar_tooltips_show_the_full_label_escaped(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    chart = window.dashboard.service_chart
    assert chart.labels[0] == "payments-service-with-a-rather-long-name"
    ticks = chart.plot.getPlotItem().getAxis("left")._tickLevels[0]
    assert ticks[0][1] != chart.labels[0] and "…" in ticks[0][1]  # elided on the axis
    assert chart.bar_tooltip(0) == "<qt>payments-service-with-a-rather-long-name<br>5 errors<br>click: show these records</qt>"
