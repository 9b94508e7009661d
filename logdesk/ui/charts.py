"""pyqtgraph charts: the shared base (title, palette, empty text) and horizontal bar charts;
the records histogram is in ui/timeline.py."""

from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QPalette
from PySide6.QtWidgets import QToolTip, QVBoxLayout, QWidget

import pyqtgraph as pg  # noqa: E402 - after PySide6, so pyqtgraph binds to it

from logdesk.ui.plain_text import elide_middle, plain_label, tooltip

LABEL_CHARS = 30  # bar labels are elided to about this many characters; tooltips show all


def _apply_palette(plot: pg.PlotWidget, widget: QWidget) -> None:
    palette = widget.palette()
    plot.setBackground(palette.color(QPalette.ColorRole.Base))
    text = palette.color(QPalette.ColorRole.Text)
    for name in ("left", "bottom"):
        axis = plot.getPlotItem().getAxis(name)
        axis.setPen(pg.mkPen(text))
        axis.setTextPen(pg.mkPen(text))


def accent(widget: QWidget) -> QColor:
    return widget.palette().color(QPalette.ColorRole.Highlight)


def integer_ticks(axis: pg.AxisItem, largest: float) -> None:
    """Counts are whole numbers: ticks at a 1-2-5 step of at least 1, about five of them
    (pyqtgraph's own spacing gives 0.2 ... 1.0 for small counts)."""
    step = 1
    for scale in (1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000):
        for unit in (1, 2, 5):
            step = unit * scale
            if largest / step <= 6:
                axis.setTickSpacing(step, step)
                return
    axis.setTickSpacing(step, step)


class ChartBase(QWidget):
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


class BarChart(ChartBase):
    """Horizontal bars, largest first at the top; labels elided, full text in the tooltip.
    `bar_clicked(label)`: a click on a bar or its label."""

    bar_clicked = Signal(str)

    def __init__(self, title: str, unit: str, parent=None) -> None:
        plot = pg.PlotWidget()
        super().__init__(title, plot, parent)
        self.unit = unit
        item = plot.getPlotItem()
        item.showGrid(x=True, y=False, alpha=0.2)
        item.getViewBox().invertY(True)
        item.getViewBox().setMouseEnabled(x=False, y=False)
        item.getAxis("left").setStyle(autoExpandTextSpace=True)
        self.bars = pg.BarGraphItem(x0=[], y=[], height=0.7, width=[], brush=accent(self), pen=None)
        plot.addItem(self.bars)
        plot.scene().sigMouseMoved.connect(self._mouse_moved)
        plot.scene().sigMouseClicked.connect(self._mouse_clicked)
        self.labels: list[str] = []
        self.values: list[int] = []
        self.plot.setMinimumHeight(self.fontMetrics().height() * 8)

    def _palette_changed(self) -> None:
        self.bars.setOpts(brush=accent(self))

    def set_data(self, items: Sequence[tuple[str, int]], empty_text: str = "Nothing to show") -> None:
        self.labels = [str(label) for label, _value in items]
        self.values = [int(value) for _label, value in items]
        ys = list(range(len(self.values)))
        self.bars.setOpts(x0=[0] * len(ys), y=ys, height=0.7, width=self.values, brush=accent(self))
        self._apply_ticks()
        integer_ticks(self.plot.getPlotItem().getAxis("bottom"), max(self.values, default=1))
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
        # the middle goes: names that share a long start (org.apache.hadoop.mapred.…) differ
        # at their end
        ticks = [(i, elide_middle(label or "(none)", metrics, width)) for i, label in enumerate(self.labels)]
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
        return tooltip(f"{self.labels[index] or '(none)'}\n{self.values[index]:,} {self.unit}"
                       "\nclick: show these records")

    def bar_at(self, scene_pos: QPointF) -> int | None:
        if not self.values:
            return None
        vb = self.plot.getPlotItem().getViewBox()
        axis = self.plot.getPlotItem().getAxis("left")
        point = vb.mapSceneToView(scene_pos)
        index = int(round(point.y()))
        inside = axis.sceneBoundingRect().contains(scene_pos) or vb.sceneBoundingRect().contains(scene_pos)
        if 0 <= index < len(self.values) and inside and abs(point.y() - index) <= 0.4:
            return index
        return None

    def _mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        index = self.bar_at(event.scenePos())
        if index is not None:
            self.bar_clicked.emit(self.labels[index])

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
