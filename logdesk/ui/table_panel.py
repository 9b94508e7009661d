"""A titled, sortable, filterable table (QAbstractTableModel → QSortFilterProxyModel → view)."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLineEdit, QVBoxLayout, QWidget

from logdesk.ui.plain_text import plain_label
from logdesk.ui.sparkline import SparklineDelegate
from logdesk.ui.table_models import Column, RowsTableModel, make_proxy
from logdesk.ui.table_view import CopyTableView


class TablePanel(QWidget):
    """`row_activated(row object)`: a row was double-clicked or Enter pressed on it (the
    window shows that row's records)."""

    row_activated = Signal(object)

    def __init__(self, name: str, title: str, columns: Sequence[Column], parent=None) -> None:
        super().__init__(parent)
        self.setObjectName(f"panel_{name}")
        self.model = RowsTableModel(columns)
        self.proxy = make_proxy(self.model, self)
        self.view = CopyTableView()
        self.view.setObjectName(f"table_{name}")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # keep the analysis order until asked
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.title_label = plain_label(title)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.count_label = plain_label("")
        self.filter_box = QLineEdit()
        self.filter_box.setPlaceholderText("Filter rows…")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.setToolTip(f"Show only rows of “{title}” that contain this text")
        self.filter_box.textChanged.connect(self.proxy.setFilterFixedString)
        head = QHBoxLayout()
        head.addWidget(self.title_label)
        head.addWidget(self.count_label)
        head.addStretch(1)
        head.addWidget(self.filter_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(head)
        layout.addWidget(self.view, 1)
        self.view.activated.connect(self._activated)
        self._sparklines = SparklineDelegate(self.view)
        self._draw_sparklines()

    def _activated(self, index) -> None:
        source = self.proxy.mapToSource(index)
        if source.isValid():
            self.row_activated.emit(self.model.row_object(source.row()))

    def set_drill_tip(self, tip: str) -> None:
        self.view.setToolTip(tip)
        self.view.setStatusTip(tip)

    def _draw_sparklines(self) -> None:
        for i, column in enumerate(self.model.columns):
            if column.kind == "spark":
                self.view.setItemDelegateForColumn(i, self._sparklines)

    def set_rows(self, rows: Sequence[Any], tz: tzinfo | None = None) -> None:
        self.model.set_rows(rows, tz)
        self.count_label.setText(f"({len(rows):,})")
        self.view.resizeColumnsToContents()
        em = self.fontMetrics().horizontalAdvance("M")
        for column in range(self.model.columnCount()):
            if self.model.columns[column].kind == "spark":
                self.view.setColumnWidth(column, em * 8)
                continue
            self.view.setColumnWidth(column, min(self.view.columnWidth(column), em * 28))
