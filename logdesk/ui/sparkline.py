"""A table cell's sparkline: a row's counts over the data's span, drawn as a small line."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainter, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QStyle, QStyledItemDelegate

SPARK_ROLE = int(Qt.ItemDataRole.UserRole) + 7  # the counts (a tuple of ints)


class SparklineDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option, index) -> None:
        super().paint(painter, option, index)  # background, selection
        values = index.data(SPARK_ROLE) or ()
        if not values or max(values) <= 0:
            return
        rect = option.rect.adjusted(4, 3, -4, -3)
        if rect.width() < 4 or rect.height() < 4:
            return
        top = max(values)
        step = rect.width() / max(1, len(values) - 1)
        points = QPolygonF([QPointF(rect.left() + i * step, rect.bottom() - rect.height() * v / top)
                            for i, v in enumerate(values)])
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Highlight
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(option.palette.color(role), 1.5))
        painter.drawPolyline(points)
        painter.restore()
