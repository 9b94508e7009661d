"""Current alerts (for the filter on screen) and the history kept in alerts.log."""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import Any, Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSplitter, QVBoxLayout, QWidget

from logdesk.results import Alert
from logdesk.ui.cards import SEVERITY_COLOURS
from logdesk.ui.plain_text import plain_label
from logdesk.ui.table_models import Column, RowsTableModel, make_proxy
from logdesk.ui.table_view import CopyTableView

RULE_NAMES = {
    "high_error_rate": "High error rate",
    "high_error_count": "High error count",
    "critical_errors": "Critical errors",
    "new_error_type": "New error type",
}


def format_measure(rule: str, value: float) -> str:
    if "rate" in rule:
        return f"{value * 100:.1f}%"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def alert_columns() -> list[Column]:
    def colour(alert: Alert) -> QColor | None:
        return SEVERITY_COLOURS.get(alert.severity)

    return [
        Column("Severity", lambda a: a.severity.upper(), colour=colour),
        Column("Rule", lambda a: RULE_NAMES.get(a.rule, a.rule)),
        Column("Value", lambda a: format_measure(a.rule, a.value), tip="measured for the current filter"),
        Column("Threshold", lambda a: format_measure(a.rule, a.threshold)),
        Column("Evidence from", lambda a: a.evidence_start, "time"),
        Column("Evidence to", lambda a: a.evidence_end, "time"),
        Column("Message", lambda a: a.message),
    ]


HISTORY_ORDER = ("run_time", "severity", "rule", "value", "threshold", "evidence_start",
                 "evidence_end", "message", "input_folder")
HISTORY_HIDDEN = frozenset({"fingerprint"})  # machine bookkeeping, meaningless to a reader


def history_columns(entries: Sequence[Mapping[str, Any]]) -> list[Column]:
    """Known alerts.log fields first, formatted like the current alerts; then any other key."""
    keys: list[str] = [k for k in HISTORY_ORDER if any(k in e for e in entries)]
    for entry in entries:
        for key in entry:
            if key not in keys and key not in HISTORY_HIDDEN:
                keys.append(key)

    def colour(entry: Mapping[str, Any]) -> QColor | None:
        return SEVERITY_COLOURS.get(str(entry.get("severity", "")).lower())

    times = {k for k in keys if any(_as_time(e.get(k)) is not None for e in entries)}

    def getter(key: str):
        if key in times:  # ISO text in the file, shown like every other time in the app
            return lambda e: _as_time(e.get(key)) or _history_value(e.get(key))
        if key == "rule":
            return lambda e: RULE_NAMES.get(str(e.get("rule")), e.get("rule"))
        if key == "severity":
            return lambda e: str(e.get("severity", "")).upper()
        if key in ("value", "threshold"):
            def measure(e: Mapping[str, Any]) -> Any:
                value = e.get(key)
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    return format_measure(str(e.get("rule", "")), float(value))
                return _history_value(value)
            return measure
        return lambda e: _history_value(e.get(key))

    return [
        Column(key.replace("_", " ").capitalize(), getter(key), "time" if key in times else "text",
               colour=colour if key == "severity" else None)
        for key in keys
    ]


def _as_time(value: Any) -> datetime | None:
    """An aware datetime from ISO 8601 text such as 2024-03-01T10:00:00+00:00 (else None)."""
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _history_value(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return value


class AlertsPanel(QWidget):
    alert_activated = Signal(object)  # an Alert double-clicked (or Enter): show its evidence

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.current_model = RowsTableModel(alert_columns())
        self.current_proxy = make_proxy(self.current_model, self)
        self.current_view = CopyTableView()
        self.current_view.setObjectName("alertsTable")
        self.current_view.setModel(self.current_proxy)
        self.current_view.setSortingEnabled(True)
        self.current_view.setToolTip("Double-click an alert (or press Enter) to see the records behind it")
        self.current_view.activated.connect(self._activated)
        self.current_label = plain_label("No results yet.")
        self.current_label.setObjectName("alertsSummary")

        self.history_model = RowsTableModel([])
        self.history_proxy = make_proxy(self.history_model, self)
        self.history_view = CopyTableView()
        self.history_view.setObjectName("alertHistoryTable")
        self.history_view.setModel(self.history_proxy)
        self.history_view.setSortingEnabled(True)
        self.history_label = plain_label("")
        self.history_label.setObjectName("alertHistoryLabel")
        self.history_label.setWordWrap(True)
        self.reload_button = QPushButton("Reload history")
        self.reload_button.setToolTip("Read alerts.log again")

        current_box = QWidget()
        current_layout = QVBoxLayout(current_box)
        current_layout.setContentsMargins(0, 0, 0, 0)
        title = plain_label("Current alerts (for the filter on screen)")
        _bold(title)
        current_layout.addWidget(title)
        current_layout.addWidget(self.current_label)
        current_layout.addWidget(self.current_view, 1)

        history_box = QWidget()
        history_layout = QVBoxLayout(history_box)
        history_layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        history_title = plain_label("Alert history (alerts.log)")
        _bold(history_title)
        head.addWidget(history_title)
        head.addStretch(1)
        head.addWidget(self.reload_button)
        history_layout.addLayout(head)
        history_layout.addWidget(self.history_label)
        history_layout.addWidget(self.history_view, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(current_box)
        splitter.addWidget(history_box)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def _activated(self, index) -> None:
        source = self.current_proxy.mapToSource(index)
        if source.isValid():
            self.alert_activated.emit(self.current_model.row_object(source.row()))

    def set_alerts(self, alerts: Sequence[Alert], tz: tzinfo = timezone.utc) -> None:
        self._tz = tz
        self.current_model.set_rows(list(alerts), tz)
        if not alerts:
            self.current_label.setText("No alert rule fires for the current filter.")
        else:
            critical = sum(1 for a in alerts if a.severity == "critical")
            self.current_label.setText(f"{len(alerts)} active ({critical} critical)")
        self.current_view.resizeColumnsToContents()

    def set_history(self, entries: Sequence[Mapping[str, Any]], source: Path | None, problem: str = "") -> None:
        rows = list(reversed(list(entries)))  # newest first
        new_model = RowsTableModel(history_columns(rows))
        new_model.set_rows(rows, getattr(self, "_tz", timezone.utc))
        self.history_model = new_model
        self.history_proxy.setSourceModel(new_model)
        if problem:
            self.history_label.setText(problem)
        elif source is None:
            self.history_label.setText("No alerts.log yet: exported reports keep a history of alerts.")
        else:
            self.history_label.setText(f"{len(rows)} entries in {source}")
        self.history_view.resizeColumnsToContents()


def _bold(label) -> None:
    font = label.font()
    font.setBold(True)
    label.setFont(font)
