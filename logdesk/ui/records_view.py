"""The Records tab: search box, lazily paged table, and the selected record in full."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from logdesk import query
from logdesk.backend import RECORD_COLUMNS
from logdesk.ui.plain_text import plain_label
from logdesk.ui.context_dialog import ContextDialog
from logdesk.ui.records_model import HEADERS, RecordsModel
from logdesk.ui.search_highlight import SearchHighlightDelegate
from logdesk.ui.table_view import CopyTableView

SEARCH_DELAY_MS = 300

_FILE, _LINE = RECORD_COLUMNS.index("source_file"), RECORD_COLUMNS.index("line")


class RecordsView(QWidget):
    search_applied = Signal(str)  # the search now in effect (the filter bar says it)

    def __init__(self, model: RecordsModel, parent=None) -> None:
        super().__init__(parent)
        self.model = model

        self.search_box = QLineEdit()
        self.search_box.setObjectName("recordsSearch")
        self.search_box.setPlaceholderText(
            'Search: words, "a phrase", /regex/, level:ERROR service:auth ip:10.0.0.1 type:… (Ctrl+F)')
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setToolTip(
            "Words and \"phrases\": any case, in message, service, IP or endpoint; /regex/: a "
            "regular expression there; field:value (level, service, ip, endpoint, type, pattern, "
            "file, message): that field exactly. All terms must match; Spark runs the search "
            "over all records.")
        self.count_label = plain_label("")
        self.count_label.setObjectName("recordsCount")
        self.search_error = ""

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)
        self.search_box.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_box.returnPressed.connect(self.apply_search)

        self.table = CopyTableView()
        self.table.setObjectName("recordsTable")
        self.table.setModel(model)
        header = self.table.horizontalHeader()
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # wide enough for what the columns hold ("UNKNOWN…" and "192.168.202.…" were cut)
        metrics = self.table.fontMetrics()
        pad = metrics.horizontalAdvance("MM")
        samples = {"ts": "2026-12-31 23:59:59.999", "level": "CRITICAL", "service": "payments-api",
                   "ip": "255.255.255.255", "endpoint": "/api/v1/orders/123",
                   "message": "M" * 26, "template": "M" * 16, "source_file": "service/app.log.1",
                   "line": "12345678"}
        for i, name in enumerate(RECORD_COLUMNS):
            self.table.setColumnWidth(i, metrics.horizontalAdvance(samples.get(name, "MMMMMMMM")) + pad)
        self.table.setToolTip("")
        self.highlighter = SearchHighlightDelegate(lambda: self.model.search, RECORD_COLUMNS, self.table)
        self.table.setItemDelegate(self.highlighter)

        self.detail = QPlainTextEdit()
        self.detail.setObjectName("recordDetail")
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText("Select a record to see it in full.")
        self.detail.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        model.modelReset.connect(self._reattach_selection)

        self.context_button = QPushButton("Show in context")
        self.context_button.setObjectName("showContext")
        self.context_button.setToolTip("The lines around the selected record in its file (Ctrl+Return)")
        self.context_button.setEnabled(False)
        self.context_button.clicked.connect(self.show_context)
        QShortcut(QKeySequence("Ctrl+Return"), self.table, self.show_context)
        self.table.doubleClicked.connect(lambda _index: self.show_context())
        self.context_dialog: ContextDialog | None = None
        model.engine.worker.context_located.connect(self._context_located)
        model.engine.worker.context_failed.connect(self._context_failed)

        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.context_button)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        model.count_changed.connect(self._show_count)
        model.load_failed.connect(lambda message: self.count_label.setText(f"Could not load records: {message}"))

    def apply_search(self) -> None:
        self._search_timer.stop()
        text = self.search_box.text()
        try:
            query.parse(text)
        except query.QueryError as exc:  # said here, not sent to Spark
            self.search_error = str(exc)
            self.count_label.setText(f"Search not understood: {exc}")
            return
        self.search_error = ""
        self.model.set_search(text)
        self.search_applied.emit(text)

    def show_search(self, text: str) -> None:
        """Put `text` in the search box and apply it now (click-through, Reset)."""
        self.search_box.blockSignals(True)
        self.search_box.setText(text)
        self.search_box.blockSignals(False)
        self.apply_search()

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def _show_count(self, count) -> None:
        if count is None:
            self.count_label.setText("Counting…")
        else:
            self.count_label.setText(f"{count:,} records" if count != 1 else "1 record")

    def _reattach_selection(self) -> None:
        self.detail.clear()

    def show_context(self) -> None:
        """Show the lines around the selected record: at once when its row has its file and
        line, else after asking the engine for them."""
        index = self.table.currentIndex()
        query_ = self.model.query_for_row(index.row()) if index.isValid() else None
        if query_ is None:
            return
        record = self.model.record(index.row())
        path, line = record[_FILE], record[_LINE]
        if path and isinstance(line, int):
            self._context_located((str(path), line))
            return
        self.context_button.setEnabled(False)
        self.model.engine.record_location(query_)

    def _context_failed(self, message: str) -> None:
        self.context_button.setEnabled(self.table.currentIndex().isValid())  # the user may retry
        self.count_label.setText(f"Could not find the record's line: {message}")

    def _context_located(self, where) -> None:
        self.context_button.setEnabled(self.table.currentIndex().isValid())
        if where is None:
            self.count_label.setText("This record has no line number to show it in context.")
            return
        path, line = where
        result = self.model.result
        encoding = next((f.encoding for f in result.ingest.files if f.path == path), "utf-8") \
            if result is not None else "utf-8"
        self.context_dialog = ContextDialog(path, line, encoding or "utf-8", self)
        self.context_dialog.show()

    def _show_detail(self, current, _previous) -> None:
        self.context_button.setEnabled(current.isValid())
        if not current.isValid():
            self.detail.clear()
            return
        row = current.row()
        lines = [f"{HEADERS[name]}: {self.model.text(row, i)}" for i, name in enumerate(RECORD_COLUMNS)]
        self.detail.setPlainText("\n".join(lines))
