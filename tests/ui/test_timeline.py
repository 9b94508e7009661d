"""The records histogram, driven with real mouse events: hover readout, a drag that selects a
date range, edges that resize it, a drag inside it that selects anew, and wheel zoom that
shortens the bins. Expected counts come from ui_fakes.GROUPS by hand."""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ui_fakes import FakeBackend, card, process

UTC = timezone.utc


def _chart(window, qtbot, width=1200, height=700):
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    chart = window.dashboard.time_chart
    qtbot.waitUntil(lambda: chart.histogram is not None and chart.view_box.width() > 100)
    # let the layout settle: a resize after this would move every bar under the mouse
    geometry = None
    while geometry != (chart.view_box.sceneBoundingRect(), chart.visible_range()):
        geometry = (chart.view_box.sceneBoundingRect(), chart.visible_range())
        qtbot.wait(150)
    return chart


def _pos(chart, when: datetime, y_share: float = 0.5) -> QPoint:
    """Viewport position of time `when` (UTC data), at `y_share` of the plot's height."""
    vb = chart.view_box
    scene = vb.mapViewToScene(QPointF(when.timestamp(), 0))
    rect = vb.sceneBoundingRect()
    scene.setY(rect.top() + rect.height() * y_share)
    return chart.plot.mapFromScene(scene)


def _send(widget, kind, pos: QPoint, button, buttons) -> None:
    event = QMouseEvent(kind, QPointF(pos), QPointF(widget.mapToGlobal(pos)), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def _hover(chart, pos: QPoint) -> None:
    # pyqtgraph drops a move that comes within 1/mouseRateLimit s (10 ms) of the last one
    QTest.qWait(30)
    none = Qt.MouseButton.NoButton
    _send(chart.plot.viewport(), QEvent.Type.MouseMove, pos, none, none)


def _double_click(chart, pos: QPoint) -> None:
    """What a mouse sends for a double click: press, release, double-click, release."""
    viewport = chart.plot.viewport()
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    _hover(chart, pos)
    for kind, buttons in ((QEvent.Type.MouseButtonPress, left), (QEvent.Type.MouseButtonRelease, none),
                          (QEvent.Type.MouseButtonDblClick, left), (QEvent.Type.MouseButtonRelease, none)):
        _send(viewport, kind, pos, left, buttons)


def _drag(qtbot, chart, start: QPoint, end: QPoint, steps: int = 8) -> None:
    viewport = chart.plot.viewport()
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    _hover(chart, start)
    _send(viewport, QEvent.Type.MouseButtonPress, start, left, left)
    for i in range(1, steps + 1):
        p = start + (end - start) * i / steps
        _send(viewport, QEvent.Type.MouseMove, QPoint(round(p.x()), round(p.y())), none, left)
        qtbot.wait(15)
    _send(viewport, QEvent.Type.MouseButtonRelease, end, left, none)
    qtbot.wait(20)


def test_hovering_a_bar_shows_its_time_and_counts_per_level(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    chart = _chart(window, qtbot)
    assert chart.histogram.bin_seconds == 3600
    _hover(chart, _pos(chart, datetime(2024, 3, 1, 1, 30, tzinfo=UTC)))
    qtbot.waitUntil(chart.hover_text.isVisible, timeout=5_000)
    # hour 1 holds 3 ERROR and 2 WARN records (GROUPS)
    assert chart.hover_text.textItem.toPlainText() == (
        "2024-03-01 01:00 – 2024-03-01 02:00\n5 records: 2 WARN, 3 ERROR")
    p2 = _pos(chart, datetime(2024, 3, 1, 12, 30, tzinfo=UTC))
    _hover(chart, p2)
    qtbot.waitUntil(lambda: "12:00 –" in chart.hover_text.textItem.toPlainText(), timeout=5_000)
    assert chart.hover_text.textItem.toPlainText().endswith("\n0 records"), chart.hover_text.textItem.toPlainText()


def test_bars_are_stacked_per_level_and_zero_filled(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    chart = _chart(window, qtbot)
    hist = chart.histogram
    assert len(hist) == 48 and sum(hist.totals) == 57 and hist.totals[2] == 0
    error_bars = chart.bars["ERROR"].opts
    i = hist.starts.index(int(datetime(2024, 3, 2, 23, tzinfo=UTC).timestamp()))
    # 23:00 on 2 March: CRITICAL 1 at the bottom, then ERROR 4 on top of it
    assert chart.bars["CRITICAL"].opts["y0"][i] == 0 and chart.bars["CRITICAL"].opts["height"][i] == 1
    assert error_bars["y0"][i] == 1 and error_bars["height"][i] == 4
    assert chart.view_box.viewRange()[1][0] == 0  # counts start at zero


def test_dragging_on_the_chart_selects_a_date_range(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    chart = _chart(window, qtbot)
    bar = window.dashboard.filter_bar
    with qtbot.waitSignal(bar.filter_changed, timeout=5_000):
        _drag(qtbot, chart, _pos(chart, datetime(2024, 3, 1, 0, 20, tzinfo=UTC)),
              _pos(chart, datetime(2024, 3, 1, 1, 10, tzinfo=UTC)))
    # snapped outwards to the hour buckets: hours 0 and 1, 25 + 5 records, 3 of them errors
    assert bar.current.start == datetime(2024, 3, 1, 0, tzinfo=UTC)
    assert bar.current.end == datetime(2024, 3, 1, 2, tzinfo=UTC)
    assert card(window, "total") == "30" and card(window, "errors") == "3"
    assert chart.region.isVisible()
    assert chart.region.getRegion() == (datetime(2024, 3, 1, 0, tzinfo=UTC).timestamp(),
                                        datetime(2024, 3, 1, 2, tzinfo=UTC).timestamp())
    assert sum(chart.histogram.totals) == 57  # the chart still shows all the data

    # a drag inside the selection selects anew (it used to move the whole range)
    with qtbot.waitSignal(bar.filter_changed, timeout=5_000):
        _drag(qtbot, chart, _pos(chart, datetime(2024, 3, 1, 1, 10, tzinfo=UTC)),
              _pos(chart, datetime(2024, 3, 1, 1, 50, tzinfo=UTC)))
    assert (bar.current.start, bar.current.end) == (datetime(2024, 3, 1, 1, tzinfo=UTC),
                                                    datetime(2024, 3, 1, 2, tzinfo=UTC))
    assert card(window, "total") == "5"


def test_dragging_an_edge_resizes_the_range(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    chart = _chart(window, qtbot)
    bar = window.dashboard.filter_bar
    bar.set_date_range(datetime(2024, 3, 1, 0, tzinfo=UTC), datetime(2024, 3, 1, 2, tzinfo=UTC))
    qtbot.waitUntil(chart.region.isVisible)
    with qtbot.waitSignal(bar.filter_changed, timeout=5_000):
        _drag(qtbot, chart, _pos(chart, datetime(2024, 3, 1, 2, tzinfo=UTC)),
              _pos(chart, datetime(2024, 3, 2, 0, 30, tzinfo=UTC)))
    assert bar.current.start == datetime(2024, 3, 1, 0, tzinfo=UTC)  # the other edge stays
    assert bar.current.end == datetime(2024, 3, 2, 1, tzinfo=UTC)
    assert card(window, "total") == "43"  # 25 + 5 + 13


def _wheel(chart, pos: QPoint, notches: int) -> None:
    viewport = chart.plot.viewport()
    event = QWheelEvent(QPointF(pos), QPointF(viewport.mapToGlobal(pos)), QPoint(0, 0),
                        QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewport, event)


def test_bins_follow_the_zoom_and_a_double_click_shows_everything(make_window, log_folder, qtbot):
    window = make_window(FakeBackend(bucket_seconds=60))  # a minute cube: bins down to a minute
    process(window, qtbot, log_folder)
    chart = _chart(window, qtbot)
    wide = chart.histogram.bin_seconds
    assert wide >= 15 * 60  # 48 hours in at most ~200 bins
    assert sum(chart.histogram.totals) == 57
    centre = _pos(chart, datetime(2024, 3, 1, 1, 2, tzinfo=UTC))
    for _ in range(12):
        _wheel(chart, centre, 1)
        qtbot.wait(15)
    qtbot.waitUntil(lambda: chart.histogram.bin_seconds == 60, timeout=5_000)
    x0, x1 = chart.visible_range()
    assert x1 - x0 < 4 * 3600
    # hour 1 holds 3 ERROR at minutes 0-2 and 2 WARN at minutes 0-1 (ui_fakes.expand)
    expected = {0: 2, 1: 2, 2: 1, 3: 0, 4: 0}
    hist = chart.histogram
    one = int(datetime(2024, 3, 1, 1, 0, tzinfo=UTC).timestamp())
    seen = {(s - one) // 60: n for s, n in zip(hist.starts, hist.totals) if 0 <= s - one < 300}
    assert 1 in seen and 2 in seen, (hist.starts[0] - one, len(hist))
    assert seen == {m: expected[m] for m in seen}
    _double_click(chart, centre)
    qtbot.waitUntil(lambda: chart.histogram.bin_seconds == wide, timeout=5_000)
    qtbot.wait(600)  # past the double-click interval: the first click selected nothing
    assert window.dashboard.filter_bar.current.start is None


def test_zooming_below_the_cubes_hour_asks_the_engine_for_minute_bins(make_window, log_folder,
                                                                       qtbot):
    backend = FakeBackend()  # an hour cube, as the default trend window makes
    window = make_window(backend)
    process(window, qtbot, log_folder)
    chart = _chart(window, qtbot)
    assert chart.histogram.bin_seconds >= 3600 and backend.histograms == []  # the cube suffices
    centre = _pos(chart, datetime(2024, 3, 1, 1, 2, tzinfo=UTC))
    for _ in range(12):
        _wheel(chart, centre, 1)
        qtbot.wait(15)
    # the hour bins show at once, then the engine's bins of a minute or less replace them
    qtbot.waitUntil(lambda: chart.histogram.bin_seconds <= 60, timeout=10_000)
    hist = chart.histogram
    assert backend.histograms and backend.histograms[-1][2] == hist.bin_seconds
    x0, x1 = chart.visible_range()
    assert x1 - x0 < 4 * 3600
    # hour 1 holds 3 ERROR at minutes 0-2 and 2 WARN at minutes 0-1 (ui_fakes.expand)
    one = int(datetime(2024, 3, 1, 1, 0, tzinfo=UTC).timestamp())
    per_minute: dict[int, int] = {}
    for start, n in zip(hist.starts, hist.totals):
        if 0 <= start - one < 300:
            per_minute[(start - one) // 60] = per_minute.get((start - one) // 60, 0) + n
    assert per_minute == {m: {0: 2, 1: 2, 2: 1, 3: 0, 4: 0}[m] for m in per_minute}
    assert 1 in per_minute
    assert hist.counts[3][hist.starts.index(one)] == 1  # ERROR at 01:00:00, stacked by level
    asked = len(backend.histograms)
    _double_click(chart, centre)  # everything again: hour bins from the cube, no engine call
    qtbot.waitUntil(lambda: chart.histogram.bin_seconds >= 3600, timeout=5_000)
    qtbot.wait(300)
    assert len(backend.histograms) == asked and chart.histogram.bin_seconds >= 3600


def test_a_legend_names_each_levels_colour(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    chart = _chart(window, qtbot)
    entries = [(sample.item, label.text) for sample, label in chart.legend.items]
    assert [text for _item, text in entries] == ["CRITICAL", "ERROR", "WARN", "INFO", "DEBUG", "UNKNOWN"]
    assert all(item is chart.bars[text] for item, text in entries)
