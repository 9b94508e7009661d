"""Search hits highlighted in the records table: the parts of a cell the records search
matched get a highlight behind them. The text is painted as plain text (never markup)."""

from __future__ import annotations

import functools
import re

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from logdesk import query

HIGHLIGHT = QColor(255, 214, 0, 110)  # a marker's yellow, translucent for dark palettes too


@functools.lru_cache(maxsize=16)
def _terms(search: str) -> tuple[query.Term, ...]:
    """The search parsed once, not once per painted cell (a search it cannot read: none)."""
    try:
        return query.parse(search)
    except query.QueryError:
        return ()


def hit_spans(text: str, search: str, column: str) -> list[tuple[int, int]]:
    """(start, end) of every part of `text` (a `column` cell) that `search` matched, merged."""
    terms = _terms(search)
    spans: list[tuple[int, int]] = []
    lowered = text.lower()
    for term in terms:
        if term.kind == "field" and term.column != column:
            continue
        if term.kind in ("word", "phrase") or (term.kind == "field" and term.column == "message"):
            if column not in query.TEXT_COLUMNS:
                continue
            needle = term.value.lower()
            start = lowered.find(needle)
            while needle and start >= 0:
                spans.append((start, start + len(needle)))
                start = lowered.find(needle, start + len(needle))
        elif term.kind == "regex" and column in query.TEXT_COLUMNS:
            for m in re.finditer(term.value, text, re.IGNORECASE):
                if m.end() > m.start():
                    spans.append(m.span())
        elif term.kind == "field" and text == term.value:
            spans.append((0, len(text)))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


class SearchHighlightDelegate(QStyledItemDelegate):
    """Paints a cell as the style does, then the hits of `search()` behind its text."""

    def __init__(self, search, columns, parent=None) -> None:
        super().__init__(parent)
        self._search = search  # () -> the search in effect
        self._columns = columns  # column index -> record column name

    def paint(self, painter, option, index) -> None:
        search = self._search()
        name = self._columns[index.column()] if index.column() < len(self._columns) else ""
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        spans = hit_spans(text, search, name) if search and text else []
        if not spans:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
        rect = rect.adjusted(3, 0, -3, 0)
        metrics = opt.fontMetrics
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        painter.save()
        for start, end in spans:
            if start >= len(shown):
                break
            x = rect.left() + metrics.horizontalAdvance(shown[:start])
            width = metrics.horizontalAdvance(shown[start:min(end, len(shown))])
            painter.fillRect(QRect(x, rect.top() + 1, width, rect.height() - 2), HIGHLIGHT)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = opt.palette.ColorRole.HighlightedText if selected else opt.palette.ColorRole.Text
        painter.setPen(opt.palette.color(role))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), shown)
        painter.restore()
