"""Log text is untrusted: helpers that keep it plain wherever Qt might read it as rich text."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel

MAX_TOOLTIP_CHARS = 2000


def tooltip(text: str) -> str:
    """A tooltip that shows `text` literally.

    QToolTip guesses rich text from the content, so the text is escaped and wrapped in <qt>,
    which forces the rich-text path: markup in the log becomes visible characters, never tags.
    """
    value = str(text)
    if len(value) > MAX_TOOLTIP_CHARS:
        value = value[:MAX_TOOLTIP_CHARS] + "…"
    return "<qt>" + html.escape(value).replace("\n", "<br>") + "</qt>"


def plain_label(text: str = "", parent=None) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def elide_middle(text: str, metrics: QFontMetrics, width: int) -> str:
    """Keep both ends: for names that differ only at their end (Java classes, long paths)."""
    return metrics.elidedText(one_line(str(text)), Qt.TextElideMode.ElideMiddle, max(width, 10))


def one_line(text: str) -> str:
    """Newlines and tabs would break table cells and copied rows; show them as spaces."""
    return " ".join(str(text).split()) if any(c in str(text) for c in "\n\r\t") else str(text)
