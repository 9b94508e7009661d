"""The malformed rows of a run: file, line, reason and the raw text, as plain text."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLineEdit, QVBoxLayout

from logdesk.results import RunResult
from logdesk.ui.plain_text import plain_label
from logdesk.ui.table_models import RowsTableModel, make_proxy, malformed_columns
from logdesk.ui.table_view import CopyTableView
from logdesk.ui.worker import EngineClient

ROW_LIMIT = 1000


def _line_number(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class MalformedDialog(QDialog):
    def __init__(self, engine: EngineClient, result: RunResult, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("malformedDialog")
        self.setWindowTitle("Malformed rows")
        self._engine = engine
        total = result.ingest.malformed_rows
        self.model = RowsTableModel(malformed_columns())
        self.proxy = make_proxy(self.model, self)
        self.status = plain_label("Loading…" if total else "No malformed rows in this run.")
        self.status.setObjectName("malformedStatus")
        self._total = total
        self._folder = result.input_folder
        self.filter_box = QLineEdit()
        self.filter_box.setPlaceholderText("Filter these rows…")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = CopyTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.filter_box)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        em = self.fontMetrics().horizontalAdvance("M")
        self.resize(em * 70, self.fontMetrics().height() * 30)
        engine.worker.malformed_ready.connect(self._loaded)
        engine.worker.malformed_failed.connect(self._failed)
        self.finished.connect(self._disconnect)
        if total:
            engine.malformed_rows(result, ROW_LIMIT)

    def _loaded(self, rows) -> None:
        # in file and line order, each file named from the folder the user opened (an
        # absolute path cut off at the end hides the part that tells files apart)
        self.model.set_rows(sorted((self._shown_row(row) for row in rows),
                                   key=lambda r: (str(r[0]), _line_number(r[1]))))
        shown = len(rows)
        if self._total > shown:
            self.status.setText(f"Showing the first {shown:,} of {self._total:,} malformed rows.")
        else:
            self.status.setText(f"{shown:,} malformed rows.")
        self.view.resizeColumnsToContents()
        em = self.fontMetrics().horizontalAdvance("M")
        for column in range(self.model.columnCount()):
            self.view.setColumnWidth(column, min(self.view.columnWidth(column), em * 30))

    def _shown_row(self, row) -> tuple:
        file, *rest = row
        try:
            relative = os.path.relpath(str(file), self._folder)
        except ValueError:  # another drive (Windows)
            relative = str(file)
        return (str(file) if relative.startswith("..") else relative, *rest)

    def _failed(self, message: str) -> None:
        self.status.setText(f"Could not read the malformed rows: {message}")

    def _disconnect(self, _result: int) -> None:
        for signal, slot in ((self._engine.worker.malformed_ready, self._loaded),
                             (self._engine.worker.malformed_failed, self._failed)):
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):
                pass
