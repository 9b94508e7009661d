"""QTableView with row copying (Ctrl+C: selected rows, tab-separated) and sane defaults."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


class CopyTableView(QTableView):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setStretchLastSection(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        copy = QAction("Copy rows", self)
        copy.triggered.connect(self.copy_selection)
        self.addAction(copy)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        # QAbstractItemView would copy only the current cell; users expect whole rows
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            event.accept()
            return
        super().keyPressEvent(event)

    def selected_rows_text(self) -> str:
        model = self.model()
        if model is None or self.selectionModel() is None:
            return ""
        rows = sorted({index.row() for index in self.selectionModel().selectedIndexes()})
        header = self.horizontalHeader()
        columns = [header.logicalIndex(v) for v in range(header.count())]
        columns = [c for c in columns if not self.isColumnHidden(c)]
        lines = []
        for row in rows:
            cells = []
            for column in columns:
                value = model.index(row, column).data(Qt.ItemDataRole.DisplayRole)
                text = "" if value is None else str(value)
                cells.append(text.replace("\t", " ").replace("\n", " ").replace("\r", " "))
            lines.append("\t".join(cells))
        return "\n".join(lines)

    def copy_selection(self) -> None:
        text = self.selected_rows_text()
        if text:
            QGuiApplication.clipboard().setText(text)
