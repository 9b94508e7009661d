"""The records table: pages fetched lazily from the backend on the engine thread.

The model never blocks: `fetchMore` asks for the next page and returns; rows are appended when
the page arrives. Sorting and searching happen in the backend (server side), so the model only
ever holds the pages the user scrolled through. Every reset starts a new generation; answers
for an older generation are dropped.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone, tzinfo
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from logdesk.backend import RECORD_COLUMNS, RecordPage
from logdesk.results import RecordFilter, RunResult
from logdesk.ui.plain_text import one_line, tooltip
from logdesk.ui.timefmt import format_time
from logdesk.ui.worker import EngineClient, RecordsQuery

PAGE_SIZE = 500
HEADERS: dict[str, str] = {
    "ts": "Timestamp", "level": "Level", "service": "Service", "ip": "IP",
    "endpoint": "Endpoint", "message": "Message", "template": "Template", "source_file": "File",
    "line": "Line",
}
# rows tinted by level: a translucent colour over the palette's base, so light and dark alike
LEVEL_TINTS: dict[str, tuple[int, int, int, int]] = {
    "CRITICAL": (211, 47, 47, 90), "ERROR": (211, 47, 47, 45), "WARN": (245, 158, 11, 45),
}
_FILE = RECORD_COLUMNS.index("source_file")
_LEVEL = RECORD_COLUMNS.index("level")
_LINE_COLUMN = RECORD_COLUMNS.index("line")

_Index = QModelIndex | QPersistentModelIndex


def _from_folder(path: str, folder: str) -> str:
    """A record's file named from the opened folder (the full path is in the tooltip)."""
    try:
        relative = os.path.relpath(path, folder)
    except ValueError:  # another drive
        return path
    return path if relative.startswith("..") else relative


class RecordsModel(QAbstractTableModel):
    count_changed = Signal(object)  # int, or None while counting
    load_failed = Signal(str)
    loading_changed = Signal(bool)

    def __init__(self, engine: EngineClient, page_size: int = PAGE_SIZE, parent=None) -> None:
        super().__init__(parent)
        self._engine = engine
        self._page_size = page_size
        self._result: RunResult | None = None
        self._filter = RecordFilter()
        self._search = ""
        self._sort_column = "ts"
        self._descending = False
        self._rows: list[tuple] = []
        self._total: int | None = None
        self._generation = 0
        self._pending_offset: int | None = None
        self._failed = False
        self._tz: tzinfo = timezone.utc
        engine.worker.records_counted.connect(self._on_counted)
        engine.worker.records_page.connect(self._on_page)
        engine.worker.records_failed.connect(self._on_failed)

    # -- state ----------------------------------------------------------------------------
    @property
    def total(self) -> int | None:
        return self._total

    @property
    def is_loading(self) -> bool:
        return self._pending_offset is not None

    @property
    def search(self) -> str:
        """The search the rows are filtered by (what the backend was asked for)."""
        return self._search

    @property
    def sort_state(self) -> tuple[str, bool]:
        return self._sort_column, self._descending

    def set_source(self, result: RunResult | None, record_filter: RecordFilter, tz: tzinfo) -> None:
        self._result = result
        self._filter = record_filter
        self._tz = tz
        self.reload()

    def set_filter(self, record_filter: RecordFilter) -> None:
        if record_filter != self._filter:
            self._filter = record_filter
            self.reload()

    def set_search(self, text: str) -> None:
        text = text.strip()
        if text != self._search:
            self._search = text
            self.reload()

    def clear(self) -> None:
        self.set_source(None, RecordFilter(), self._tz)

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = []
        self._total = None
        self._pending_offset = None
        self._failed = False
        self._generation = self._engine.new_records_generation()
        self.endResetModel()
        if self._result is None:
            self._total = 0
            self.count_changed.emit(0)
            self.loading_changed.emit(False)
            return
        self.count_changed.emit(None)
        self._request(0)  # the first page first: it is what the user is waiting to see
        self._engine.count_records(self._query(0, 0))

    def _query(self, offset: int, limit: int) -> RecordsQuery:
        assert self._result is not None
        return RecordsQuery(
            self._generation, self._result, self._filter, self._search,
            self._sort_column, self._descending, offset, limit,
        )

    def query_for_row(self, row: int) -> RecordsQuery | None:
        """The query that selects exactly the record shown at `row` (for Show in context)."""
        if self._result is None or not (0 <= row < len(self._rows)):
            return None
        return self._query(row, 1)

    @property
    def result(self) -> RunResult | None:
        return self._result

    @property
    def engine(self) -> EngineClient:
        return self._engine

    def _request(self, offset: int) -> None:
        if self._pending_offset is not None:
            return  # one page in flight at a time; the next is asked for when it arrives
        self._pending_offset = offset
        self.loading_changed.emit(True)
        self._engine.fetch_records(self._query(offset, self._page_size))

    # -- answers from the engine thread ---------------------------------------------------
    def _on_counted(self, generation: int, count: int) -> None:
        if generation != self._generation or self._failed:
            return
        self._total = count
        self.count_changed.emit(count)

    def _on_page(self, generation: int, page: RecordPage) -> None:
        if generation != self._generation or page.offset != self._pending_offset:
            return
        if page.offset != len(self._rows):
            return  # not the continuation of what we hold (never appended twice)
        self._pending_offset = None
        self.loading_changed.emit(False)
        rows = list(page.rows)
        if len(rows) < self._page_size and self._total is None:
            # a short page is the last one: the count is known before the count query answers
            self._total = len(self._rows) + len(rows)
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        if not rows and self._total is None:
            self._total = len(self._rows)

    def _on_failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._pending_offset = None
        self._failed = True
        self.loading_changed.emit(False)
        self._total = len(self._rows)  # stop asking for more until the next reload
        self.load_failed.emit(message)

    # -- Qt model API -----------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(RECORD_COLUMNS)

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:
        if parent.isValid() or self._result is None or self._pending_offset is not None:
            return False
        return self._total is None or len(self._rows) < self._total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:
        if self.canFetchMore(parent):
            self._request(len(self._rows))

    def record(self, row: int) -> tuple:
        return self._rows[row]

    def text(self, row: int, column: int) -> str:
        value = self._rows[row][column]
        if value is None:
            return ""
        if isinstance(value, datetime):
            return format_time(value, self._tz)
        if column == _FILE and self._result is not None:
            return _from_folder(str(value), self._result.input_folder)
        return str(value)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if not (0 <= index.column() < len(RECORD_COLUMNS)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return one_line(self.text(index.row(), index.column()))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == _LINE_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            tint = LEVEL_TINTS.get(str(self._rows[index.row()][_LEVEL] or ""))
            return QColor(*tint) if tint else None
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == _FILE:
            value = self._rows[index.row()][_FILE]
            return tooltip(str(value)) if value else None
        if role == Qt.ItemDataRole.ToolTipRole and RECORD_COLUMNS[index.column()] != "ts":
            text = self.text(index.row(), index.column())
            return tooltip(text) if text else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(RECORD_COLUMNS):
            return HEADERS[RECORD_COLUMNS[section]]
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(RECORD_COLUMNS)):
            return
        name = RECORD_COLUMNS[column]
        descending = order == Qt.SortOrder.DescendingOrder
        if (name, descending) != (self._sort_column, self._descending):
            self._sort_column, self._descending = name, descending
            self.reload()
