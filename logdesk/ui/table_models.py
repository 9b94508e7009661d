"""Read-only table models for the analytics tables (rows are result objects or tuples).

Each column says how to get a value and how to show it; sorting goes through
QSortFilterProxyModel on SORT_ROLE, which holds the raw value (numbers sort as numbers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo, timezone
from typing import Any, Callable, Mapping, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from logdesk.results import ERROR_LEVELS, ErrorTypeInfo, ErrorTypeStat, PatternStat
from logdesk.ui.plain_text import one_line, tooltip
from logdesk.ui.sparkline import SPARK_ROLE
from logdesk.ui.timefmt import format_time

SORT_ROLE = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    kind: str = "text"  # text | int | float | percent | time | spark (counts, drawn)
    tip: str = ""
    colour: Callable[[Any], QColor | None] | None = None  # decoration, e.g. severity


def _sort_key(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.timestamp() if value.tzinfo else value.replace(tzinfo=timezone.utc).timestamp()
    return value


class RowsTableModel(QAbstractTableModel):
    """A list of rows shown through a fixed list of columns."""

    def __init__(self, columns: Sequence[Column], tz: tzinfo = timezone.utc, parent=None) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._rows: list[Any] = []
        self._tz = tz

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    def set_rows(self, rows: Sequence[Any], tz: tzinfo | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if tz is not None:
            self._tz = tz
        self.endResetModel()

    def row_object(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def display_text(self, row: int, column: int) -> str:
        col = self._columns[column]
        return self._format(col, col.value(self._rows[row]))

    def _format(self, col: Column, value: Any) -> str:
        if value is None:
            return ""
        if col.kind == "int":
            return f"{int(value):,}" if isinstance(value, (int, float)) else one_line(str(value))
        if col.kind == "float":
            return f"{float(value):,.2f}"
        if col.kind == "percent":
            return f"{float(value) * 100:.1f}%"
        if col.kind == "time":
            return format_time(value, self._tz) if isinstance(value, datetime) else str(value)
        return one_line(str(value))

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if not (0 <= index.column() < len(self._columns)):
            return None
        col = self._columns[index.column()]
        row = self._rows[index.row()]
        if col.kind == "spark":
            if role == SPARK_ROLE:
                return col.value(row)
            if role == SORT_ROLE:  # by the share in the last quarter of the span: what is rising
                values = col.value(row) or ()
                return sum(values[len(values) * 3 // 4:]) / (sum(values) or 1)
            if role == Qt.ItemDataRole.ToolTipRole:
                return col.tip or None
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._format(col, col.value(row))
        if role == SORT_ROLE:
            return _sort_key(col.value(row))
        if role == Qt.ItemDataRole.ToolTipRole:
            value = col.value(row)
            if col.kind == "text" and value is not None:
                return tooltip(str(value))
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col.kind in ("int", "float", "percent"):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.DecorationRole and col.colour is not None:
            return col.colour(row)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self._columns[section].header
            if role == Qt.ItemDataRole.ToolTipRole and self._columns[section].tip:
                return tooltip(self._columns[section].tip)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def make_proxy(model: RowsTableModel, parent=None) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return proxy


# -- the analytics tables -----------------------------------------------------------------

@dataclass(frozen=True)
class ErrorTypeRow:
    """A row of the error-types table: the filter's statistics plus the run's details."""

    stat: ErrorTypeStat
    services: str = ""
    trend: tuple[int, ...] = ()  # its errors over the data's span (a sparkline)


def error_type_rows(stats: Sequence[ErrorTypeStat], infos: Sequence[ErrorTypeInfo],
                    trends: Mapping[str, tuple[int, ...]] | None = None) -> list[ErrorTypeRow]:
    services = {i.template: i.services_label for i in infos}
    trends = trends or {}
    return [ErrorTypeRow(s, services.get(s.error_type, ""), trends.get(s.error_type, ())) for s in stats]


@dataclass(frozen=True)
class PatternRow:
    stat: PatternStat
    trend: tuple[int, ...] = ()


def pattern_rows(stats: Sequence[PatternStat], trends: Mapping[str, tuple[int, ...]]) -> list[PatternRow]:
    return [PatternRow(s, trends.get(s.template, ())) for s in stats]


SPARK_TIP = "records over the whole data span, left to right"


def top_errors_columns() -> list[Column]:
    return [
        Column("Error type", lambda r: r.stat.error_type),
        Column("Count", lambda r: r.stat.count, "int"),
        Column("Trend", lambda r: r.trend, "spark", tip=SPARK_TIP),
        Column("First seen", lambda r: r.stat.first_seen, "time"),
        Column("Last seen", lambda r: r.stat.last_seen, "time"),
        Column("Services", lambda r: r.services, tip="services of the run's records of this type"),
        Column("Example message", lambda r: r.stat.sample),
    ]


def trend_columns() -> list[Column]:
    return [
        Column("Window start", lambda t: t.start, "time"),
        Column("Records", lambda t: t.total, "int"),
        Column("Errors", lambda t: t.errors, "int"),
        Column("Error rate", lambda t: t.errors / t.total if t.total else 0.0, "percent"),
    ]


def severity_columns() -> list[Column]:
    return [
        Column("Level", lambda s: s.level),
        Column("Count", lambda s: s.count, "int"),
        Column("Share", lambda s: s.share, "percent"),
    ]


def pattern_columns() -> list[Column]:
    return [
        Column("Pattern", lambda p: p.stat.template),
        Column("Records", lambda p: p.stat.count, "int"),
        Column("Trend", lambda p: p.trend, "spark", tip=SPARK_TIP),
        Column("Errors", lambda p: sum(n for lv, n in p.stat.by_level.items() if lv in ERROR_LEVELS), "int"),
        Column("Levels", lambda p: ", ".join(f"{lv} {n:,}" for lv, n in p.stat.by_level.items())),
        Column("First seen", lambda p: p.stat.first_seen, "time"),
        Column("Last seen", lambda p: p.stat.last_seen, "time"),
        Column("Example message", lambda p: p.stat.sample),
    ]


def key_columns(key_header: str) -> list[Column]:
    return [
        Column(key_header, lambda k: k.key),
        Column("Records", lambda k: k.total, "int"),
        Column("Errors", lambda k: k.errors, "int"),
        Column("Error rate", lambda k: k.error_rate, "percent", tip="errors / records"),
    ]


def malformed_columns() -> list[Column]:
    return [
        Column("File", lambda r: r[0]),
        Column("Line", lambda r: r[1], "int"),
        Column("Reason", lambda r: r[2]),
        Column("Raw text", lambda r: r[3]),
    ]
