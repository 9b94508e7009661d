"""The dashboard: filter bar, metric cards and the tabs of charts and tables.

It only shows what it is given; the window decides when to compute it."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QSplitter, QTabWidget, QVBoxLayout, QWidget

from logdesk.analysis.histogram import key_sparklines, level_histogram, wall_span
from logdesk.query import field_term
from logdesk.results import ERROR_LEVELS, FATE_READ, Alert, Analytics, RunResult
from logdesk.settings import Settings
from logdesk.ui import table_models as tm
from logdesk.ui.alerts_panel import AlertsPanel
from logdesk.ui.cards import SEVERITY_COLOURS, CardsRow
from logdesk.ui.charts import BarChart
from logdesk.ui.timeline import RecordsHistogram
from logdesk.ui.filter_bar import FilterBar
from logdesk.ui.inputs_view import InputsView, nothing_readable_text
from logdesk.ui.plain_text import plain_label
from logdesk.ui.records_model import RecordsModel
from logdesk.ui.records_view import RecordsView
from logdesk.ui.table_panel import TablePanel


class Dashboard(QWidget):
    TAB_OVERVIEW, TAB_ERRORS, TAB_PATTERNS, TAB_SOURCES, TAB_RECORDS, TAB_ALERTS, TAB_INPUTS = range(7)
    # click-through: the window shows the records of a search, a date range or a level
    drill_query = Signal(str, bool)  # the search, and whether only errors (an errors chart)
    drill_range = Signal(object, object)
    drill_level = Signal(str)
    TAB_FILES = TAB_INPUTS  # the tab's earlier name

    def __init__(self, records_model: RecordsModel, parent=None) -> None:
        super().__init__(parent)
        # (token, result, levels, wall range, bin seconds) -> None: asks the engine for the
        # histogram's bins finer than the cube's (set by the window; None: cube bins only)
        self.request_fine_bins: Callable[..., None] | None = None
        self.filter_bar = FilterBar()
        self.cards = CardsRow()

        self.time_chart = RecordsHistogram()
        self.types_chart = BarChart("Top error types", "errors")
        self.types_chart.setObjectName("chartErrorTypes")
        self.ip_chart = BarChart("Errors per IP", "errors")
        self.ip_chart.setObjectName("chartErrorsPerIp")
        self.service_chart = BarChart("Errors per service", "errors")
        self.service_chart.setObjectName("chartErrorsPerService")
        bars = QSplitter(Qt.Orientation.Horizontal)
        for chart in (self.types_chart, self.ip_chart, self.service_chart):
            bars.addWidget(chart)
        overview = QSplitter(Qt.Orientation.Vertical)
        overview.addWidget(self.time_chart)
        overview.addWidget(bars)
        overview.setStretchFactor(0, 1)
        overview.setStretchFactor(1, 1)

        self.top_errors = TablePanel("top_errors", "Error types", tm.top_errors_columns())
        self.trends = TablePanel("trends", "Error trend (per trend window)", tm.trend_columns())
        self.severity = TablePanel("severity", "Severity breakdown", tm.severity_columns())
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.trends)
        right.addWidget(self.severity)
        errors = QSplitter(Qt.Orientation.Horizontal)
        errors.addWidget(self.top_errors)
        errors.addWidget(right)
        errors.setStretchFactor(0, 3)
        errors.setStretchFactor(1, 2)

        self.patterns = TablePanel("patterns", "Patterns (message templates, every level)",
                                   tm.pattern_columns())
        self.per_ip = TablePanel("per_ip", "Per IP", tm.key_columns("IP"))
        self.per_service = TablePanel("per_service", "Per service", tm.key_columns("Service"))
        self.per_endpoint = TablePanel("per_endpoint", "Per endpoint", tm.key_columns("Endpoint"))
        sources = QSplitter(Qt.Orientation.Horizontal)
        for panel in (self.per_ip, self.per_service, self.per_endpoint):
            sources.addWidget(panel)

        self.records_view = RecordsView(records_model)
        self.alerts_panel = AlertsPanel()
        self.inputs = InputsView()
        self.files = self.inputs.files  # the per-file table
        self._build_banner()

        self.tabs = QTabWidget()
        self.tabs.setObjectName("dashboardTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(overview, "Overview")
        self.tabs.addTab(errors, "Errors")
        self.tabs.addTab(self.patterns, "Patterns")
        self.tabs.addTab(sources, "Sources")
        self.tabs.addTab(self.records_view, "Records")
        self.tabs.addTab(self.alerts_panel, "Alerts")
        self.tabs.addTab(self.inputs, "Inputs")
        for i, tip in enumerate((
            "Records over time by level, and errors by type, IP and service",
            "Every error type, the error trend and the severity breakdown",
            "Every mined message template with its counts per level",
            "Records and errors per IP, service and endpoint",
            "Every record: search, sort, copy",
            "Alerts for the current filter and the alert history",
            "What was read from each input file: format, encoding, records, malformed lines",
        )):
            self.tabs.setTabToolTip(i, tip)

        self._trend_window = timedelta(hours=1)
        self._connect_drills()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.cards)
        layout.addWidget(self.tabs, 1)

    def _build_banner(self) -> None:
        """A plain statement, above everything, for a folder of which nothing could be read."""
        self.banner = QFrame()
        self.banner.setObjectName("nothingReadableBanner")
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner.setStyleSheet("#nothingReadableBanner { background: #fff4ce; border: 1px solid #d9a400; }")
        self.banner_label = plain_label("")
        self.banner_label.setObjectName("nothingReadableText")
        self.banner_label.setWordWrap(True)
        self.banner_label.setStyleSheet("color: #3b2f00;")
        self.banner_button = QPushButton("Show inputs")
        self.banner_button.clicked.connect(lambda: self.tabs.setCurrentIndex(Dashboard.TAB_INPUTS))
        row = QHBoxLayout(self.banner)
        row.addWidget(self.banner_label, 1)
        row.addWidget(self.banner_button)
        self.banner.hide()

    def show_result_files(self, result: RunResult, tz: tzinfo) -> None:
        """The Inputs tab, and the banner when not one record could be read."""
        self.inputs.set_ingest(result.ingest, tz)
        text = nothing_readable_text(result.ingest)
        self.banner_label.setText(text)
        self.banner.setVisible(bool(text))
        if text:
            self.tabs.setCurrentIndex(Dashboard.TAB_INPUTS)

    def show_analytics(
        self, result: RunResult, analytics: Analytics, alerts: Sequence[Alert],
        settings: Settings, tz: tzinfo,
        selection: tuple[datetime, datetime] | None,
    ) -> None:
        """Update every card, chart and table for one filter, together."""
        self._show_cards(result, analytics, alerts, settings)
        self._trend_window = timedelta(seconds=analytics.trend_window_seconds)
        dated = analytics.filter.start is not None or analytics.filter.end is not None
        self._show_histogram(result, analytics.filter.levels, tz, selection if dated else None)
        empty = "No errors for this filter"
        self.types_chart.set_data([(s.error_type, s.count) for s in analytics.top_errors], empty)
        top_n = max(1, settings.analytics.top_n)
        self.ip_chart.set_data([(k.key, k.errors) for k in analytics.per_ip if k.errors][:top_n], empty)
        self.service_chart.set_data([(k.key, k.errors) for k in analytics.per_service if k.errors][:top_n], empty)
        levels = analytics.filter.levels
        error_levels = (levels & ERROR_LEVELS) if levels else ERROR_LEVELS
        error_trends = key_sparklines(result.cube, "pattern", error_levels) if error_levels else {}
        self.top_errors.set_rows(
            tm.error_type_rows(analytics.errors_by_type, result.error_types, error_trends), tz)
        self.patterns.set_rows(
            tm.pattern_rows(analytics.patterns, key_sparklines(result.cube, "pattern", levels)), tz)
        self.trends.set_rows(list(analytics.error_trend), tz)
        self.severity.set_rows(list(analytics.errors_by_severity), tz)
        self.per_ip.set_rows(list(analytics.per_ip), tz)
        self.per_service.set_rows(list(analytics.per_service), tz)
        self.per_endpoint.set_rows(list(analytics.per_endpoint), tz)
        self.alerts_panel.set_alerts(list(alerts), tz)

    def _connect_drills(self) -> None:
        """Every number leads to its records: a bar or a row of an error type, pattern, IP,
        service or endpoint becomes a records search, a time bucket a date range, a level a
        level filter (the window applies them and shows the Records tab)."""
        def query(name, value, errors=False):
            self.drill_query.emit(field_term(name, value), errors)

        # the bar charts count errors: their bars lead to the errors (type: is errors only)
        self.types_chart.bar_clicked.connect(lambda label: query("type", label))
        self.ip_chart.bar_clicked.connect(lambda label: query("ip", label, True))
        self.service_chart.bar_clicked.connect(lambda label: query("service", label, True))
        self.top_errors.row_activated.connect(lambda row: query("type", row.stat.error_type))
        self.patterns.row_activated.connect(lambda row: query("pattern", row.stat.template))
        self.per_ip.row_activated.connect(lambda row: query("ip", row.key))
        self.per_service.row_activated.connect(lambda row: query("service", row.key))
        self.per_endpoint.row_activated.connect(lambda row: query("endpoint", row.key))
        self.severity.row_activated.connect(lambda row: self.drill_level.emit(row.level))
        self.trends.row_activated.connect(
            lambda row: self.drill_range.emit(row.start, row.start + self._trend_window))
        self.time_chart.bin_clicked.connect(self.drill_range.emit)
        tip = "Double-click a row (or press Enter) to see its records"
        for panel in (self.top_errors, self.patterns, self.per_ip, self.per_service,
                      self.per_endpoint, self.severity, self.trends):
            panel.set_drill_tip(tip)

    def _show_histogram(self, result: RunResult, levels: frozenset[str], tz: tzinfo,
                        selection: tuple[datetime, datetime] | None) -> None:
        """All records of the level filter over the whole data (the date filter is the
        shaded selection), binned for the visible range by the analysis layer."""
        cube = result.cube
        span = wall_span(cube)

        def source(wall_range, max_bins):
            return level_histogram(cube, levels, wall_range, max_bins)

        fine = None
        request = self.request_fine_bins
        if request is not None and result.records_path:
            def fine(token, wall_range, bin_seconds):
                request(token, result, levels, wall_range, bin_seconds)

        self.time_chart.set_source(source if span else None, span, tz, selection, fine)

    def _show_cards(self, result: RunResult, analytics: Analytics, alerts: Sequence[Alert], settings: Settings) -> None:
        cards = self.cards
        filtered = not analytics.filter.is_empty
        parsed = result.ingest.parsed_rows
        files = result.ingest.count(FATE_READ)  # not the skipped ones (a README, an image)
        cards.card("total").set_value(
            f"{analytics.total:,}",
            f"of {parsed:,} parsed records" if filtered else f"from {files:,} file{'s' if files != 1 else ''}",
        )
        cards.card("errors").set_value(f"{analytics.errors:,}", "ERROR + CRITICAL")
        threshold = settings.alerts.error_rate_threshold
        over = analytics.total > 0 and analytics.error_rate > threshold
        cards.card("error_rate").set_value(
            f"{analytics.error_rate * 100:.1f}%", f"alert above {threshold * 100:.1f}%",
            SEVERITY_COLOURS["warning"] if over else None,
        )
        critical = sum(1 for a in alerts if a.severity == "critical")
        colour = SEVERITY_COLOURS["critical"] if critical else (SEVERITY_COLOURS["warning"] if alerts else None)
        note = f"{critical} critical" if critical else ("warnings only" if alerts else "none firing")
        cards.card("alerts").set_value(f"{len(alerts):,}", note, colour)
        malformed = result.ingest.malformed_rows
        cards.card("malformed").set_value(
            f"{malformed:,}", f"of {result.ingest.data_lines:,} lines — click to see" if malformed else "all lines parsed",
            SEVERITY_COLOURS["warning"] if malformed else None,
        )
