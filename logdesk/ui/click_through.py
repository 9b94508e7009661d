"""Click-through: from a number on the dashboard to exactly its records, in the Records tab.

A bar or row of an error type, pattern, IP, service or endpoint becomes a records search
(`type:"…"`, `ip:…`: logdesk/query.py), a time bucket the date filter, a level the level
filter. The filter bar's summary says what is in effect and Reset undoes all of it."""

from __future__ import annotations

from datetime import datetime

from logdesk.results import ERROR_LEVELS, RecordFilter


class ClickThrough:
    """Mixed into MainWindow (needs `dashboard`, `result`)."""

    def _connect_click_through(self) -> None:
        dash = self.dashboard
        dash.drill_query.connect(self.show_records_of)
        dash.drill_range.connect(self.show_records_between)
        dash.drill_level.connect(self.show_records_of_level)
        dash.alerts_panel.alert_activated.connect(self.show_records_of_alert)
        dash.records_view.search_applied.connect(dash.filter_bar.set_records_query)
        dash.filter_bar.records_query_reset.connect(lambda: dash.records_view.show_search(""))

    def _show_records_tab(self) -> None:
        self.dashboard.tabs.setCurrentIndex(self.dashboard.TAB_RECORDS)

    def _set_levels(self, levels: frozenset[str]) -> None:
        """The level filter, the dates kept."""
        bar = self.dashboard.filter_bar
        bar.set_filter(RecordFilter(bar.current.start, bar.current.end, frozenset(levels)))

    def show_records_of(self, query: str, errors_only: bool = False) -> None:
        """The records matching `query`, within the date and level filter on screen (and only
        ERROR and CRITICAL ones for `errors_only`: a bar of an errors chart)."""
        if self.result is None:
            return
        if errors_only:
            self._set_levels((self.dashboard.filter_bar.current.levels & ERROR_LEVELS) or ERROR_LEVELS)
        self.dashboard.records_view.show_search(query)
        self._show_records_tab()

    def show_records_between(self, start: datetime, end: datetime) -> None:
        if self.result is None:
            return
        self.dashboard.filter_bar.set_date_range(start, end)
        self._show_records_tab()

    def show_records_of_alert(self, alert) -> None:
        """An alert's evidence: its errors (its critical ones for the critical-errors rule)
        between its first and last record."""
        if self.result is None:
            return
        levels = frozenset({"CRITICAL"}) if alert.rule == "critical_errors" else ERROR_LEVELS
        bar = self.dashboard.filter_bar
        start = alert.evidence_start or bar.current.start
        end = alert.evidence_end or bar.current.end
        self._set_levels(levels)
        if start is not None and end is not None:
            bar.set_date_range(start, end)
        self._show_records_tab()

    def show_records_of_level(self, level: str) -> None:
        if self.result is None:
            return
        self._set_levels(frozenset({level}))
        self._show_records_tab()
