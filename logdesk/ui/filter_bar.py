"""Date range and level filter, with presets and an always-visible summary of the filter."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo

from PySide6.QtCore import QDate, QDateTime, QTime, QTimer, QTimeZone, Signal
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from logdesk.results import LEVELS, RecordFilter
from logdesk.ui.plain_text import plain_label
from logdesk.ui.timefmt import format_time, in_zone, snap_to_bucket

DATE_DELAY_MS = 250
PRESETS: tuple[tuple[str, str, timedelta | None], ...] = (
    ("hour", "Last hour", timedelta(hours=1)),
    ("day", "Last day", timedelta(days=1)),
    ("week", "Last week", timedelta(days=7)),
    ("all", "All", None),
)


def _qdatetime(moment: datetime, tz: tzinfo) -> QDateTime:
    wall = in_zone(moment, tz)
    return QDateTime(QDate(wall.year, wall.month, wall.day),
                     QTime(wall.hour, wall.minute, wall.second), QTimeZone.utc())


def _from_qdatetime(value: QDateTime, tz: tzinfo) -> datetime:
    d, t = value.date(), value.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), t.second(), tzinfo=tz)


def describe_filter(record_filter: RecordFilter, tz: tzinfo) -> str:
    parts = []
    if record_filter.start is not None or record_filter.end is not None:
        a = format_time(record_filter.start, tz, seconds=False) if record_filter.start else "start"
        b = format_time(record_filter.end, tz, seconds=False) if record_filter.end else "end"
        parts.append(f"{a} → {b}")
    if record_filter.levels:
        parts.append(", ".join(lv for lv in LEVELS if lv in record_filter.levels))
    return "Filter: " + ("; ".join(parts) if parts else "all records")


class FilterBar(QWidget):
    """Emits `filter_changed(RecordFilter)` whenever the user changes dates or levels.

    Datetimes in the filter are aware, in the run's time zone. Presets are relative to the
    end of the data, not to now, so old logs stay easy to explore."""

    filter_changed = Signal(object)
    # Reset also clears the records search (a click-through's included): the window listens
    records_query_reset = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._tz: tzinfo = timezone.utc
        self._span: tuple[datetime, datetime] | None = None
        self._bucket_seconds = 60
        self._filter = RecordFilter()
        self._records_query = ""

        self.from_edit = self._make_edit("From (inclusive), wall-clock time in the data's time zone")
        self.from_edit.setObjectName("filterFrom")
        self.to_edit = self._make_edit("To (exclusive), wall-clock time in the data's time zone")
        self.to_edit.setObjectName("filterTo")
        self.zone_label = plain_label("UTC")
        self._date_timer = QTimer(self)
        self._date_timer.setSingleShot(True)
        self._date_timer.setInterval(DATE_DELAY_MS)
        self._date_timer.timeout.connect(self._dates_edited)
        self.from_edit.dateTimeChanged.connect(lambda _v: self._date_timer.start())
        self.to_edit.dateTimeChanged.connect(lambda _v: self._date_timer.start())
        self.from_edit.editingFinished.connect(self._flush_dates)
        self.to_edit.editingFinished.connect(self._flush_dates)

        self.preset_buttons: dict[str, QPushButton] = {}
        for key, text, period in PRESETS:
            button = QPushButton(text)
            button.setObjectName(f"preset_{key}")
            button.setToolTip("Whole data range" if period is None else f"{text} of the data, up to its last record")
            button.clicked.connect(lambda _checked=False, p=period, k=key: self.apply_preset(k))
            self.preset_buttons[key] = button

        # Kibana's and Grafana's rule: no level pressed shows every level; pressing levels
        # shows only those (pressing ERROR shows errors, never "everything but errors").
        self.level_buttons: dict[str, QPushButton] = {}
        for level in LEVELS:
            button = QPushButton(level)
            button.setObjectName(f"level_{level}")
            button.setProperty("levelButton", True)
            button.setCheckable(True)
            button.setChecked(False)
            button.setToolTip(f"Show only {level} records (with any other level pressed); "
                              "click again to remove it. None pressed: every level.")
            button.toggled.connect(self._levels_toggled)
            self.level_buttons[level] = button
        # Pressed must read as pressed in light and dark palettes alike: the selection colours.
        self.setStyleSheet(
            "QPushButton[levelButton=\"true\"] { padding: 3px 10px; border-radius: 3px;"
            " border: 1px solid palette(mid); background: palette(button); }"
            " QPushButton[levelButton=\"true\"]:checked { background: palette(highlight);"
            " color: palette(highlighted-text); border: 1px solid palette(highlight);"
            " font-weight: bold; }"
            " QPushButton[levelButton=\"true\"]:disabled { color: palette(mid); }")

        self.summary = plain_label(describe_filter(self._filter, self._tz))
        self.summary.setObjectName("filterSummary")
        self.summary.setFrameShape(QFrame.Shape.StyledPanel)
        self.summary.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.reset_button = QPushButton("Reset")
        self.reset_button.setObjectName("filterReset")
        self.reset_button.setToolTip("Show all records (Ctrl+R)")
        self.reset_button.clicked.connect(self.reset)

        row1 = QHBoxLayout()
        row1.addWidget(plain_label("From"))
        row1.addWidget(self.from_edit)
        row1.addWidget(plain_label("To"))
        row1.addWidget(self.to_edit)
        row1.addWidget(self.zone_label)
        row1.addSpacing(self.fontMetrics().horizontalAdvance("M"))
        for button in self.preset_buttons.values():
            row1.addWidget(button)
        row1.addStretch(1)
        row2 = QHBoxLayout()
        row2.addWidget(plain_label("Levels"))
        for button in self.level_buttons.values():
            row2.addWidget(button)
        row2.addSpacing(self.fontMetrics().horizontalAdvance("M"))
        row2.addWidget(self.summary, 1)
        row2.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row1)
        layout.addLayout(row2)
        self._sync_widgets()
        self.setEnabled(False)

    @staticmethod
    def _make_edit(tip: str) -> QDateTimeEdit:
        edit = QDateTimeEdit()
        edit.setTimeZone(QTimeZone.utc())
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        edit.setCalendarPopup(True)
        edit.setToolTip(tip)
        edit.setProperty("baseTip", tip)
        return edit

    # -- state ----------------------------------------------------------------------------
    @property
    def current(self) -> RecordFilter:
        return self._filter

    def set_data_span(self, span: tuple[datetime, datetime] | None, tz: tzinfo, bucket_seconds: int) -> None:
        """A new result: where its data starts and ends (bucket edges; presets count back from
        the end) and the bucket length that date bounds snap to."""
        self._tz = tz
        self._span = span
        self._bucket_seconds = max(1, int(bucket_seconds))
        minutes = self._bucket_seconds // 60
        unit = f"{minutes}-minute" if minutes != 60 else "hour"
        for edit in (self.from_edit, self.to_edit):
            edit.setToolTip(f"{edit.property('baseTip')}; snaps to the data's {unit} buckets")
        self.zone_label.setText(getattr(tz, "key", None) or str(tz))
        self.setEnabled(span is not None)
        self._sync_widgets()

    def set_filter(self, record_filter: RecordFilter, emit: bool = True) -> None:
        if record_filter.levels and set(record_filter.levels) >= set(LEVELS):
            record_filter = RecordFilter(record_filter.start, record_filter.end, frozenset())
        changed = record_filter != self._filter
        self._filter = record_filter
        self._sync_widgets()
        if changed and emit:
            self.filter_changed.emit(record_filter)

    def reset(self) -> None:
        if self._records_query:
            self._records_query = ""
            self.records_query_reset.emit()
        self.set_filter(RecordFilter())  # shows the summary again, query gone, either way

    def set_records_query(self, text: str) -> None:
        """The records search in effect (typed, or set by a click-through): said in the summary."""
        self._records_query = text.strip()
        self._sync_widgets()

    def set_date_range(self, start: datetime | None, end: datetime | None) -> None:
        """Set the dates, snapped outwards to bucket edges (the resolution of the cube)."""
        if start is not None:
            start = snap_to_bucket(start, self._bucket_seconds, self._tz, up=False)
        if end is not None:
            end = snap_to_bucket(end, self._bucket_seconds, self._tz, up=True)
        self.set_filter(RecordFilter(start, end, self._filter.levels))

    def apply_preset(self, key: str) -> None:
        period = dict((k, p) for k, _t, p in PRESETS)[key]
        if period is None or self._span is None:
            self.set_date_range(None, None)
            return
        self.set_date_range(self._span[1] - period, None)

    # -- widgets ----------------------------------------------------------------------------
    def _sync_widgets(self) -> None:
        for edit in (self.from_edit, self.to_edit):
            edit.blockSignals(True)
        try:
            start, end = self._shown_range()
            if start is not None:
                self.from_edit.setDateTime(_qdatetime(start, self._tz))
            if end is not None:
                self.to_edit.setDateTime(_qdatetime(end, self._tz))
        finally:
            for edit in (self.from_edit, self.to_edit):
                edit.blockSignals(False)
        levels = self._filter.levels
        for level, button in self.level_buttons.items():
            button.blockSignals(True)
            button.setChecked(level in levels)
            button.blockSignals(False)
        text = describe_filter(self._filter, self._tz)
        if self._records_query:
            text += f" — records view: {self._records_query}"
        self.summary.setText(text)
        self.reset_button.setEnabled(not self._filter.is_empty or bool(self._records_query))

    def _shown_range(self) -> tuple[datetime | None, datetime | None]:
        """What the date edits show: the filter's bounds, else the data's."""
        start, end = self._filter.start, self._filter.end
        if self._span is not None:
            start = start if start is not None else in_zone(self._span[0], self._tz)
            end = end if end is not None else in_zone(self._span[1], self._tz)
        return start, end

    def _flush_dates(self) -> None:
        if self._date_timer.isActive():
            self._date_timer.stop()
            self._dates_edited()

    def _dates_edited(self) -> None:
        start = _from_qdatetime(self.from_edit.dateTime(), self._tz)
        end = _from_qdatetime(self.to_edit.dateTime(), self._tz)
        shown_start, shown_end = self._shown_range()
        # an edit left at the data's own bound stays open-ended
        new_start = None if self._filter.start is None and shown_start == start else start
        new_end = None if self._filter.end is None and shown_end == end else end
        self.set_date_range(new_start, new_end)

    def _levels_toggled(self, _checked: bool) -> None:
        pressed = frozenset(level for level, button in self.level_buttons.items()
                            if button.isChecked())
        # none pressed, or all of them: every level (set_filter shows it as none pressed)
        self.set_filter(RecordFilter(self._filter.start, self._filter.end, pressed))
