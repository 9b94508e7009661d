"""Drag-and-drop: which dropped paths logdesk accepts, and the highlight shown while dragging."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QWidget

LOG_SUFFIXES: frozenset[str] = frozenset({".csv", ".gz", ".log", ".txt", ".json", ".jsonl", ".ndjson"})


def is_log_file(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in LOG_SUFFIXES


def folder_for_drop(paths: Iterable[Path]) -> tuple[Path | None, str]:
    """The folder to process for dropped paths, or None and why not.

    A folder is processed as is; a log file stands for the folder it is in."""
    paths = [Path(p) for p in paths]
    if not paths:
        return None, "Nothing to open: drop a folder or log files."
    for path in paths:
        if path.is_dir():
            return path, ""
        if is_log_file(path):
            return path.parent, ""
    names = ", ".join(p.name or str(p) for p in paths[:3])
    suffixes = " ".join(sorted(LOG_SUFFIXES))
    return None, f"Not a folder or a log file: {names}. Drop a folder, or files ending in {suffixes}."


class DropOverlay(QWidget):
    """A translucent highlight over the window while something is dragged over it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("dropOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.message = ""
        self.accepted = True
        self.hide()

    def show_for(self, message: str, accepted: bool) -> None:
        self.message = message
        self.accepted = accepted
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.raise_()
        self.show()
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        colour = QColor(palette.color(QPalette.ColorRole.Highlight)) if self.accepted else QColor(200, 40, 40)
        fill = QColor(colour)
        fill.setAlpha(45)
        painter.fillRect(self.rect(), fill)
        margin = self.fontMetrics().height()
        frame = self.rect().adjusted(margin, margin, -margin, -margin)
        pen = QPen(colour, max(2, margin // 5), Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawRoundedRect(frame, margin, margin)
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        painter.setFont(font)
        text_box = QRect(frame.adjusted(margin, margin, -margin, -margin))
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        # drawText with a rect never interprets markup
        painter.drawText(text_box, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self.message)
        painter.end()
