"""pyqtgraph charts: errors over time (with a draggable date range) and horizontal bar charts."""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from typing import Sequence

from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QPalette
from PySide6.QtWidgets import QToolTip, QVBoxLayout, QWidget

import pyqtgraph as pg  # noqa: E402 - after PySide6, so pyqtgraph binds to it

from logdesk.results import TimeCount
from logdesk.ui.plain_text import elide_right, plain_label, tooltip
from logdesk.ui.timefmt import format_time, from_wall_seconds, wall_seconds

LABEL_CHARS = 30  # bar labels are elided to about this many characters; tooltips show all


def _apply_palette(plot: pg.PlotWidget, widget: QWidget) -> None:
    palette = widget.palette()
    plot.setBackground(palette.color(QPalette.ColorRole.Base))
    text = palette.color(QPalette.ColorRole.Text)
    for name in ("left", "bottom"):
        axis = plot.getPlotItem().getAxis(name)
        axis.setPen(pg.mkPen(text))
        axis.setTextPen(pg.mkPen(text))


def _accent(widget: QWidget) -> QColor:
    return widget.palette().color(QPalette.ColorRole.Highlight)


MAX_FILLED_POINTS = 20_000


def _with_empty_windows(points: list[TimeCount], tz: tzinfo, window_seconds: int) -> list[TimeCount]:
    """Windows without records are not listed by the analysis; show them as zero, so the
    line drops to 0 in quiet periods instead of bridging them."""
    if len(points) < 2:
        return points
    xs = [wall_seconds(p.start, tz) for p in points]
    if (xs[-1] - xs[0]) / window_seconds > MAX_FILLED_POINTS:
        return points
    grid: dict[float, TimeCount] = {}
    x = xs[0]
    while x <= xs[-1]:
        grid[x] = TimeCount(from_wall_seconds(x, tz), 0, 0)
        x += window_seconds
    # real windows replace the zeros; any off the regular grid (DST edges) are added as they are
    grid.update(zip(xs, points))
    return [grid[x] for x in sorted(grid)]


class _ChartBase(QWidget):
    def __init__(self, title: str, plot: pg.PlotWidget, parent=None) -> None:
        super().__init__(parent)
        self.title_label = plain_label(title)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.plot = plot
        self.plot.setMenuEnabled(False)
        self.plot.getPlotItem().hideButtons()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title_label)
        layout.addWidget(self.plot, 1)
        self.empty_text = pg.TextItem("", anchor=(0.5, 0.5))
        self.plot.addItem(self.empty_text, ignoreBounds=True)
        _apply_palette(self.plot, self)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.PaletteChange:
            _apply_palette(self.plot, self)
            self._palette_changed()
        super().changeEvent(event)

    def _palette_changed(self) -> None:
        pass

    def _show_empty(self, text: str) -> None:
        self.empty_text.setText(text, color=self.palette().color(QPalette.ColorRole.Text))
        self.empty_text.setVisible(bool(text))
        if text:
            vb = self.plot.getPlotItem().getViewBox()
            (x0, x1), (y0, y1) = vb.viewRange()
            self.empty_text.setPos((x0 + x1) / 2, (y0 + y1) / 2)


class ErrorsOverTimeChart(_ChartBase):
    """Errors per trend window on a date axis. Hover shows time and count; wheel zooms, drag
    pans; dragging the shaded range (or its edges) selects the date filter."""

    range_selected = Signal(object, object)  # aware start, aware end (end exclusive)

    def __init__(self, parent=None) -> None:
        axis = pg.DateAxisItem(orientation="bottom", utcOffset=0)
        plot = pg.PlotWidget(axisItems={"bottom": axis})
        super().__init__("Errors over time", plot, parent)
        self.setObjectName("errorsOverTime")
        self.setToolTip("")
        item = plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.2)
        item.setLabel("left", "errors")
        item.getViewBox().setMouseEnabled(x=True, y=False)
        self.curve = plot.plot([], [], pen=pg.mkPen(_accent(self), width=2), symbol="o", symbolSize=5,
                               symbolBrush=_accent(self), symbolPen=None)
        self.region = pg.LinearRegionItem(movable=True)
        self.region.setZValue(-10)
        self.region.setToolTip("Drag the shaded range or its edges to filter by date")
        self._style_region()
        self.region.setVisible(False)
        plot.addItem(self.region, ignoreBounds=True)
        self.region.sigRegionChangeFinished.connect(self._region_finished)
        self.hover_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(_accent(self), style=Qt.PenStyle.DashLine))
        self.hover_line.setVisible(False)
        plot.addItem(self.hover_line, ignoreBounds=True)
        self.hover_text = pg.TextItem("", anchor=(0, 1))
        self.hover_text.setVisible(False)
        plot.addItem(self.hover_text, ignoreBounds=True)
        plot.scene().sigMouseMoved.connect(self._mouse_moved)
        self._xs: list[float] = []
        self._ys: list[int] = []
        self._points: list[TimeCount] = []
        self._tz: tzinfo = timezone.utc
        self._window_seconds = 3600
        self._setting_region = False

    def _style_region(self) -> None:
        accent = QColor(_accent(self))
        accent.setAlpha(22)
        self.region.setBrush(pg.mkBrush(accent))
        hover = QColor(accent)
        hover.setAlpha(60)
        self.region.setHoverBrush(pg.mkBrush(hover))
        for line in self.region.lines:
            line.setPen(pg.mkPen(_accent(self), width=2))

    def _palette_changed(self) -> None:
        self._style_region()

    def set_data(
        self, points: Sequence[TimeCount], tz: tzinfo, window_seconds: int,
        selection: tuple[datetime, datetime] | None,
    ) -> None:
        self._tz = tz
        self._window_seconds = max(1, int(window_seconds))
        self._points = _with_empty_windows(list(points), tz, self._window_seconds)
        self._xs = [wall_seconds(p.start, tz) for p in self._points]
        self._ys = [int(p.errors) for p in self._points]
        self.curve.setData(self._xs, self._ys)
        self.curve.setSymbol("o" if len(self._xs) <= 200 else None)
        self.plot.getPlotItem().enableAutoRange()
        self.hover_line.setVisible(False)
        self.hover_text.setVisible(False)
        if selection is not None:
            self.set_selection(*selection)
        else:
            self.region.setVisible(False)
        self._show_empty("" if self._points else "No records for this filter")

    def set_selection(self, start: datetime, end: datetime) -> None:
        self._setting_region = True
        try:
            self.region.setRegion((wall_seconds(start, self._tz), wall_seconds(end, self._tz)))
            self.region.setVisible(True)
        finally:
            self._setting_region = False

    def selection(self) -> tuple[datetime, datetime]:
        x0, x1 = self.region.getRegion()
        return from_wall_seconds(x0, self._tz), from_wall_seconds(x1, self._tz)

    def _region_finished(self) -> None:
        if self._setting_region or not self.region.isVisible():
            return
        start, end = self.selection()
        self.range_selected.emit(start, end)

    def point_text(self, index: int) -> str:
        point = self._points[index]
        start = format_time(point.start, self._tz, seconds=False)
        return f"{start}\n{point.errors:,} errors of {point.total:,} records"

    def _mouse_moved(self, scene_pos: QPointF) -> None:
        vb = self.plot.getPlotItem().getViewBox()
        if not self._xs or not self.plot.sceneBoundingRect().contains(scene_pos):
            self.hover_line.setVisible(False)
            self.hover_text.setVisible(False)
            return
        x = vb.mapSceneToView(scene_pos).x()
        index = min(range(len(self._xs)), key=lambda i: abs(self._xs[i] - x))
        self.hover_line.setPos(self._xs[index])
        self.hover_line.setVisible(True)
        self.hover_text.setText(self.point_text(index), color=self.palette().color(QPalette.ColorRole.Text))
        (_x0, _x1), (_y0, y1) = vb.viewRange()
        self.hover_text.setPos(self._xs[index], y1)
        self.hover_text.setVisible(True)


class BarChart(_ChartBase):
    """Horizontal bars, largest first at the top; labels elided, full text in the tooltip."""

    def __init__(self, title: str, unit: str, parent=None) -> None:
        plot = pg.PlotWidget()
        super().__init__(title, plot, parent)
        self.unit = unit
        item = plot.getPlotItem()
        item.showGrid(x=True, y=False, alpha=0.2)
        item.getViewBox().invertY(True)
        item.getViewBox().setMouseEnabled(x=False, y=False)
        item.getAxis("left").setStyle(autoExpandTextSpace=True)
        self.bars = pg.BarGraphItem(x0=[], y=[], height=0.7, width=[], brush=_accent(self), pen=None)
        plot.addItem(self.bars)
        plot.scene().sigMouseMoved.connect(self._mouse_moved)
        self.labels: list[str] = []
        self.values: list[int] = []
        self.plot.setMinimumHeight(self.fontMetrics().height() * 8)

    def _palette_changed(self) -> None:
        self.bars.setOpts(brush=_accent(self))

    def set_data(self, items: Sequence[tuple[str, int]], empty_text: str = "Nothing to show") -> None:
        self.labels = [str(label) for label, _value in items]
        self.values = [int(value) for _label, value in items]
        ys = list(range(len(self.values)))
        self.bars.setOpts(x0=[0] * len(ys), y=ys, height=0.7, width=self.values, brush=_accent(self))
        self._apply_ticks()
        vb = self.plot.getPlotItem().getViewBox()
        if ys:
            vb.setRange(xRange=(0, max(self.values) * 1.08 or 1), yRange=(-0.6, len(ys) - 0.4), padding=0)
        else:
            vb.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
        self._show_empty("" if ys else empty_text)

    def _label_width(self) -> int:
        """Room for labels: about LABEL_CHARS characters, at most 40 % of the chart."""
        metrics = self.fontMetrics()
        wanted = metrics.averageCharWidth() * LABEL_CHARS
        return max(metrics.horizontalAdvance("MMMM"), min(wanted, int(self.width() * 0.4)))

    def _apply_ticks(self) -> None:
        metrics = self.fontMetrics()
        width = self._label_width()
        ticks = [(i, elide_right(label or "(none)", metrics, width)) for i, label in enumerate(self.labels)]
        axis = self.plot.getPlotItem().getAxis("left")
        axis.setTicks([ticks, []])
        # the axis does not grow to fit custom tick labels: size it for the widest one
        widest = max((metrics.horizontalAdvance(text) for _i, text in ticks), default=0)
        axis.setWidth(widest + metrics.horizontalAdvance("MM"))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.labels:
            self._apply_ticks()

    def bar_tooltip(self, index: int) -> str:
        return tooltip(f"{self.labels[index] or '(none)'}\n{self.values[index]:,} {self.unit}")

    def _mouse_moved(self, scene_pos: QPointF) -> None:
        if not self.values:
            return
        vb = self.plot.getPlotItem().getViewBox()
        axis = self.plot.getPlotItem().getAxis("left")
        point = vb.mapSceneToView(scene_pos)
        index = int(round(point.y()))
        over_axis = axis.sceneBoundingRect().contains(scene_pos)
        over_view = vb.sceneBoundingRect().contains(scene_pos)
        if 0 <= index < len(self.values) and (over_axis or over_view) and abs(point.y() - index) <= 0.4:
            QToolTip.showText(QCursor.pos(), self.bar_tooltip(index), self.plot)
        else:
            QToolTip.hideText()
