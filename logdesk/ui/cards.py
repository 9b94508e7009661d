"""Metric cards: a title, a big number and a short note; some are clickable."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from logdesk.ui.plain_text import plain_label

SEVERITY_COLOURS = {"critical": QColor(200, 40, 40), "warning": QColor(215, 130, 0)}


class MetricCard(QFrame):
    clicked = Signal()

    def __init__(self, key: str, title: str, tip: str, clickable: bool = False, parent=None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"card_{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.setToolTip(tip)
        self._clickable = clickable
        if clickable:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.title_label = plain_label(title)
        self.value_label = plain_label("–")
        self.value_label.setObjectName(f"card_{key}_value")
        self.note_label = plain_label("")
        font = self.value_label.font()
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        self.value_label.setFont(font)
        muted = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
        for label in (self.title_label, self.note_label):
            pal = label.palette()
            pal.setColor(QPalette.ColorRole.WindowText, muted)
            label.setPalette(pal)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.value_label)
        layout.addWidget(self.note_label)

    def set_value(self, value: str, note: str = "", colour: QColor | None = None) -> None:
        self.value_label.setText(value)
        self.note_label.setText(note)
        pal = self.value_label.palette()
        default = self.palette().color(QPalette.ColorRole.WindowText)
        pal.setColor(QPalette.ColorRole.WindowText, colour if colour is not None else default)
        self.value_label.setPalette(pal)

    def value_text(self) -> str:
        return self.value_label.text()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self._clickable and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self._clickable and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)


class CardsRow(QWidget):
    """The five cards of the dashboard, by key."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        specs = [
            ("total", "Total logs", "Records that match the current filter", False),
            ("errors", "Errors", "ERROR and CRITICAL records that match the filter", False),
            ("error_rate", "Error rate", "Errors / total logs", False),
            ("alerts", "Active alerts", "Alert rules that fire for the current filter — click to see them", True),
            ("malformed", "Malformed rows", "Lines that could not be parsed (all files) — click to see them", True),
        ]
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.cards: dict[str, MetricCard] = {}
        for key, title, tip, clickable in specs:
            card = MetricCard(key, title, tip, clickable)
            self.cards[key] = card
            layout.addWidget(card)

    def card(self, key: str) -> MetricCard:
        return self.cards[key]

    def clear(self) -> None:
        for card in self.cards.values():
            card.set_value("–")
