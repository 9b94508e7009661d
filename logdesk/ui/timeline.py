"""The records histogram: every record over time, bars per bin stacked by level (errors at
the bottom, in red), bins that follow the zoom, a hover readout, and a date range chosen by
dragging.

Mouse: the wheel zooms the time axis (bins get shorter as the range does), a left drag on the
chart selects a new date range (the filter follows), the shaded selection's edges resize it
(its body does not move: dragging inside it selects anew), a right or middle drag pans, and a
double click shows the whole data again. x is wall-clock seconds in the data's zone."""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from typing import Callable

from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

import pyqtgraph as pg  # noqa: E402 - after PySide6, so pyqtgraph binds to it

from logdesk.analysis.histogram import LevelHistogram, finest_bin_seconds
from logdesk.results import LEVELS
from logdesk.ui.charts import ChartBase, accent, integer_ticks
from logdesk.ui.timefmt import format_time, from_wall_seconds, wall_seconds

# bottom to top: the errors first, so a spike of them reads at a glance
STACK_ORDER = ("CRITICAL", "ERROR", "WARN", "INFO", "DEBUG", "UNKNOWN")
LEVEL_COLOURS = {
    "CRITICAL": "#8e0000", "ERROR": "#d32f2f", "WARN": "#f59e0b",
    "INFO": None,  # the palette's highlight colour, muted
    "DEBUG": "#9aa0a6", "UNKNOWN": "#c7b8ea",
}
REBIN_DELAY_MS = 120

HistogramSource = Callable[[tuple[float, float] | None, int], LevelHistogram]
# (token, wall range, bin seconds): ask for bins finer than the cube's; the answer comes to
# fine_ready(token, histogram)
FineBinsRequest = Callable[[object, tuple[float, float], int], None]
# The engine is asked for finer bins only once the cube gives fewer than this many over the
# visible range (a day of hour bins): an overview needs no Spark query at every pan or resize.
FINE_BELOW_BINS = 24


def _bin_label(seconds: int) -> str:
    for unit, name in ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second")):
        if seconds % unit == 0:
            n = seconds // unit
            return f"1 {name}" if n == 1 else f"{n} {name}s"
    return f"{seconds} s"


class _SelectingViewBox(pg.ViewBox):
    """A left drag draws a range instead of panning; right and middle drags pan."""

    def __init__(self, chart: "RecordsHistogram") -> None:
        super().__init__()
        self._chart = chart
        self.setMouseEnabled(x=True, y=False)

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802 - pyqtgraph override
        if ev.button() != Qt.MouseButton.LeftButton:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        x0 = self.mapSceneToView(ev.buttonDownScenePos()).x()
        x1 = self.mapSceneToView(ev.scenePos()).x()
        self._chart.dragging_selection(min(x0, x1), max(x0, x1), finished=ev.isFinish())

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 - pyqtgraph override
        if ev.button() != Qt.MouseButton.LeftButton:
            super().mouseClickEvent(ev)
            return
        ev.accept()
        if ev.double():
            self._chart.double_clicked()
        else:
            self._chart.clicked_at(self.mapSceneToView(ev.scenePos()).x())

    def mouseDoubleClickEvent(self, ev) -> None:  # noqa: N802 - Qt's, when pyqtgraph passes it on
        ev.accept()
        self._chart.double_clicked()


class RecordsHistogram(ChartBase):
    range_selected = Signal(object, object)  # aware start, aware end (end exclusive)
    bin_clicked = Signal(object, object)  # a click on a bin: its start and end (aware)

    def __init__(self, parent=None) -> None:
        axis = pg.DateAxisItem(orientation="bottom", utcOffset=0)
        self.view_box = _SelectingViewBox(self)
        plot = pg.PlotWidget(axisItems={"bottom": axis}, viewBox=self.view_box)
        super().__init__("Records over time", plot, parent)
        self.setObjectName("recordsHistogram")
        item = plot.getPlotItem()
        item.showGrid(x=False, y=True, alpha=0.2)
        item.setLabel("left", "records")
        # which colour is which level, in one row at the top left (hover gives the counts)
        self.legend = item.addLegend(offset=(8, 4), colCount=len(STACK_ORDER))
        self._style_legend()
        self.bars: dict[str, pg.BarGraphItem] = {}
        for level in STACK_ORDER:
            bars = pg.BarGraphItem(x0=[], y0=[], width=[], height=[], pen=None,
                                   brush=self._colour(level), name=level)
            plot.addItem(bars)
            self.bars[level] = bars
        self.region = pg.LinearRegionItem(movable=True)
        # only the edges move: a drag inside the selection draws a new one (see _SelectingViewBox)
        self.region.movable = False
        for line in self.region.lines:
            line.setMovable(True)
        self.region.setZValue(10)
        self.region.setToolTip("Drag an edge to change the date range; drag anywhere to pick a new one")
        self.region.setVisible(False)
        plot.addItem(self.region, ignoreBounds=True)
        self.region.sigRegionChangeFinished.connect(self._region_finished)
        self.hover_text = pg.TextItem("", anchor=(0, 0))
        self.hover_text.setZValue(20)
        self.hover_text.setVisible(False)
        plot.addItem(self.hover_text, ignoreBounds=True)
        self.bin_label = pg.TextItem("", anchor=(1, 0))
        plot.addItem(self.bin_label, ignoreBounds=True)
        plot.scene().sigMouseMoved.connect(self._mouse_moved)
        self._rebin_timer = QTimer(self)
        self._rebin_timer.setSingleShot(True)
        self._rebin_timer.setInterval(REBIN_DELAY_MS)
        self._rebin_timer.timeout.connect(self._rebin)
        self.view_box.sigXRangeChanged.connect(lambda *_a: self._rebin_timer.start())
        self._click_timer = QTimer(self)
        self._click_timer.setSingleShot(True)
        self._click_timer.timeout.connect(self._emit_bin_clicked)
        self._clicked_bin = (0, 0)
        self._source: HistogramSource | None = None
        self._fine: FineBinsRequest | None = None
        self._fine_token: object | None = None  # the request the chart waits for, if any
        self._span: tuple[float, float] | None = None
        self._tz: tzinfo = timezone.utc
        self.histogram: LevelHistogram | None = None
        self._setting = False
        self._style_region()

    # -- colours ----------------------------------------------------------------------------
    def _colour(self, level: str) -> QColor:
        fixed = LEVEL_COLOURS[level]
        if fixed is not None:
            return QColor(fixed)
        colour = QColor(accent(self))
        colour.setAlpha(150)
        return colour

    def _style_region(self) -> None:
        colour = QColor(accent(self))
        colour.setAlpha(28)
        self.region.setBrush(pg.mkBrush(colour))
        hover = QColor(colour)
        hover.setAlpha(40)
        self.region.setHoverBrush(pg.mkBrush(hover))
        for line in self.region.lines:
            line.setPen(pg.mkPen(accent(self), width=3))
            line.setHoverPen(pg.mkPen(accent(self), width=5))

    def _style_legend(self) -> None:
        # readable over bars: the chart's own background, a little translucent, and its text
        base = QColor(self.palette().color(QPalette.ColorRole.Base))
        base.setAlpha(220)
        self.legend.setBrush(pg.mkBrush(base))
        self.legend.setLabelTextColor(self.palette().color(QPalette.ColorRole.Text))

    def _palette_changed(self) -> None:
        self._style_region()
        self._style_legend()
        for level, bars in self.bars.items():
            bars.setOpts(brush=self._colour(level))

    # -- data -------------------------------------------------------------------------------
    def set_source(self, source: HistogramSource | None, span: tuple[float, float] | None,
                   tz: tzinfo, selection: tuple[datetime, datetime] | None,
                   fine: FineBinsRequest | None = None) -> None:
        """A new result or level filter: `source(wall_range, max_bins)` gives the bins of a
        range; `span` is the data's (wall seconds); `fine` asks the engine for bins finer
        than the source's, for a range zoomed in below them. The visible range is kept when it
        still overlaps the data, so changing a level does not lose the user's zoom."""
        self._source, self._tz, self._fine = source, tz, fine
        self._fine_token = None
        old_span, self._span = self._span, span
        if span is None or source is None:
            self.histogram = None
            self._draw()
            self.region.setVisible(False)
            self._show_empty("No records for this filter")
            return
        if old_span != span:
            self._show_range(*span)
        self._rebin()
        if selection is not None:
            self.set_selection(*selection)
        else:
            self.region.setVisible(False)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._rebin_timer.start()  # bins follow the width too (about one per 6 px)

    def show_all(self) -> None:
        if self._span is not None:
            self._show_range(*self._span)

    def _show_range(self, lo: float, hi: float) -> None:
        pad = max((hi - lo) * 0.02, 1.0)
        self.view_box.setXRange(lo - pad, hi + pad, padding=0)

    def visible_range(self) -> tuple[float, float]:
        return tuple(self.view_box.viewRange()[0])  # type: ignore[return-value]

    def _max_bins(self) -> int:
        # about one bin per 6 pixels, between 20 and 400
        return max(20, min(400, int(self.view_box.width() / 6) or 150))

    def _rebin(self) -> None:
        self._rebin_timer.stop()
        if self._source is None or self._span is None:
            return
        lo, hi = self.visible_range()
        lo, hi = max(lo, self._span[0]), min(hi, self._span[1])
        if hi <= lo:
            lo, hi = self._span
        max_bins = self._max_bins()
        self.histogram = self._source((lo, hi), max_bins)
        self._draw()
        # Zoomed in below the cube's bucket: the coarse bins show at once, the engine's finer
        # ones replace them when they come (unless the view has moved on by then).
        self._fine_token = None
        finest = finest_bin_seconds(hi - lo, max_bins)
        coarse = len(self.histogram.starts)
        if self._fine is not None and 0 < coarse < FINE_BELOW_BINS and finest < self.histogram.bin_seconds:
            self._fine_token = token = object()
            self._fine(token, (lo, hi), finest)

    def fine_ready(self, token: object, histogram: LevelHistogram) -> None:
        if token is not None and token is self._fine_token:
            self._fine_token = None
            self.histogram = histogram
            self._draw()

    def _draw(self) -> None:
        hist = self.histogram
        if hist is None or not hist.starts:
            for bars in self.bars.values():
                bars.setOpts(x0=[], y0=[], width=[], height=[])
            self.bin_label.setText("")
            return
        width = hist.bin_seconds * 0.9
        x0 = [s + hist.bin_seconds * 0.05 for s in hist.starts]
        base = [0] * len(hist.starts)
        for level in STACK_ORDER:
            heights = list(hist.counts[LEVELS.index(level)])
            self.bars[level].setOpts(x0=x0, y0=list(base), width=[width] * len(x0), height=heights,
                                     brush=self._colour(level))
            base = [b + h for b, h in zip(base, heights)]
        top = max(base, default=0)
        # headroom for the legend's row above the tallest bar
        self.view_box.setYRange(0, max(1, top) * 1.2, padding=0)
        integer_ticks(self.plot.getPlotItem().getAxis("left"), max(1, top))
        self.bin_label.setText(f"bins: {_bin_label(hist.bin_seconds)}",
                               color=self.palette().color(QPalette.ColorRole.Text))
        (_x0, x1), (_y0, y1) = self.view_box.viewRange()
        self.bin_label.setPos(x1, y1)
        self._show_empty("" if sum(base) else "No records in this range")

    # -- selection --------------------------------------------------------------------------
    def set_selection(self, start: datetime, end: datetime) -> None:
        self._setting = True
        try:
            self.region.setRegion((wall_seconds(start, self._tz), wall_seconds(end, self._tz)))
            self.region.setVisible(True)
        finally:
            self._setting = False

    def selection(self) -> tuple[datetime, datetime]:
        x0, x1 = self.region.getRegion()
        return from_wall_seconds(x0, self._tz), from_wall_seconds(x1, self._tz)

    def dragging_selection(self, x0: float, x1: float, finished: bool) -> None:
        """A left drag on the chart: the range follows the mouse; its end selects it."""
        if self._span is None:
            return
        x0, x1 = max(x0, self._span[0]), min(x1, self._span[1])
        if x1 <= x0:
            return
        self._setting = True
        try:
            self.region.setRegion((x0, x1))
            self.region.setVisible(True)
        finally:
            self._setting = False
        if finished:
            self.range_selected.emit(*self.selection())

    def _region_finished(self) -> None:
        if self._setting or not self.region.isVisible():
            return
        self.range_selected.emit(*self.selection())

    def clicked_at(self, x: float) -> None:
        """A click on a bin shows its records, once it is clear no double click follows."""
        index = self.bin_at(x)
        hist = self.histogram
        if index is None or hist is None or not hist.totals[index]:
            return
        start = hist.starts[index]
        self._clicked_bin = (start, start + hist.bin_seconds)
        self._click_timer.start(QApplication.doubleClickInterval())

    def double_clicked(self) -> None:
        self._click_timer.stop()
        self.show_all()

    def _emit_bin_clicked(self) -> None:
        start, end = self._clicked_bin
        self.bin_clicked.emit(from_wall_seconds(start, self._tz), from_wall_seconds(end, self._tz))

    # -- hover ------------------------------------------------------------------------------
    def bin_at(self, x: float) -> int | None:
        hist = self.histogram
        if hist is None or not hist.starts:
            return None
        index = int((x - hist.starts[0]) // hist.bin_seconds)
        return index if 0 <= index < len(hist.starts) else None

    def bin_text(self, index: int) -> str:
        hist = self.histogram
        assert hist is not None
        start = from_wall_seconds(hist.starts[index], self._tz)
        end = from_wall_seconds(hist.starts[index] + hist.bin_seconds, self._tz)
        seconds = hist.bin_seconds % 60 != 0
        head = f"{format_time(start, self._tz, seconds)} – {format_time(end, self._tz, seconds)}"
        counts = [(level, hist.counts[LEVELS.index(level)][index]) for level in LEVELS]
        total = sum(n for _level, n in counts)
        parts = ", ".join(f"{n:,} {level}" for level, n in counts if n)
        return f"{head}\n{total:,} records" + (f": {parts}" if parts else "")

    def _mouse_moved(self, scene_pos: QPointF) -> None:
        if not self.view_box.sceneBoundingRect().contains(scene_pos):
            self.hover_text.setVisible(False)
            return
        x = self.view_box.mapSceneToView(scene_pos).x()
        index = self.bin_at(x)
        if index is None:
            self.hover_text.setVisible(False)
            return
        self.hover_text.setText(self.bin_text(index), color=self.palette().color(QPalette.ColorRole.Text))
        (x0, x1), (_y0, y1) = self.view_box.viewRange()
        # keep the readout inside the chart: left of the mouse in the right half
        self.hover_text.setAnchor((1, 0) if x > (x0 + x1) / 2 else (0, 0))
        self.hover_text.setPos(x, y1)
        self.hover_text.setVisible(True)
