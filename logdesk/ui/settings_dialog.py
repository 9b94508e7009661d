"""Edit → Settings: alert thresholds, analytics, time zone, Spark, auto-refresh, the file cache."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
)

from logdesk.settings import Settings, parse_duration
from logdesk.spark_urls import validate_master
from logdesk.ui.plain_text import plain_label

_MEMORY = re.compile(r"^\d+[kmgtKMGT]?$")
TREND_WINDOWS = ("5m", "15m", "30m", "1h", "6h", "12h", "1d")
CACHE_MIN_MB, CACHE_MAX_MB = 16, 10_000_000  # cache.max_size_mb's range in config_loader


def _zone_names() -> list[str]:
    from zoneinfo import available_timezones

    names = sorted(available_timezones())
    return ["UTC"] + [n for n in names if n != "UTC"]


def _valid_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self._settings = settings

        self.error_rate = QDoubleSpinBox()
        self.error_rate.setRange(0.0, 100.0)
        self.error_rate.setDecimals(1)
        self.error_rate.setSingleStep(0.5)
        self.error_rate.setSuffix(" %")
        self.error_rate.setValue(settings.alerts.error_rate_threshold * 100)
        self.error_count = QSpinBox()
        self.error_count.setRange(0, 1_000_000_000)
        self.error_count.setValue(settings.alerts.error_count_threshold)
        self.critical_count = QSpinBox()
        self.critical_count.setRange(0, 1_000_000_000)
        self.critical_count.setValue(settings.alerts.critical_error_count)

        self.top_n = QSpinBox()
        self.top_n.setRange(1, 1000)
        self.top_n.setValue(settings.analytics.top_n)
        self.trend_window = QComboBox()
        self.trend_window.setEditable(True)
        self.trend_window.addItems(list(TREND_WINDOWS))
        self.trend_window.setCurrentText(settings.analytics.trend_window)
        self.trend_window.setToolTip("A duration like 30s, 15m, 1h or 1d")
        self.time_zone = QComboBox()
        self.time_zone.setEditable(True)
        self.time_zone.addItems(_zone_names())
        self.time_zone.setCurrentText(settings.time_zone)
        self.time_zone.setToolTip("Zone for timestamps without one, and for hour/day buckets")

        self.master = QLineEdit(settings.spark.master)
        self.master.setToolTip("local[*], local[N], spark://host:port or sc://host:port")
        self.driver_memory = QLineEdit(settings.spark.driver_memory)
        self.driver_memory.setToolTip("JVM memory for the Spark driver, e.g. 2g")

        self.auto_refresh = QCheckBox("Re-run when files in the folder change")
        self.auto_refresh.setChecked(settings.dashboard.auto_refresh)
        self.refresh_seconds = QSpinBox()
        self.refresh_seconds.setRange(5, 86_400)
        self.refresh_seconds.setSuffix(" s")
        self.refresh_seconds.setValue(settings.dashboard.auto_refresh_seconds)
        self.refresh_seconds.setToolTip("At most one refresh per this many seconds")

        self.cache_enabled = QCheckBox("Keep a cache of read files (re-opening a folder reads only what changed)")
        self.cache_enabled.setChecked(settings.cache.enabled)
        self.cache_max_size = QSpinBox()
        self.cache_max_size.setRange(CACHE_MIN_MB, CACHE_MAX_MB)
        self.cache_max_size.setSuffix(" MB")
        self.cache_max_size.setGroupSeparatorShown(True)
        self.cache_max_size.setSingleStep(256)
        self.cache_max_size.setValue(settings.cache.max_size_mb)
        self.cache_max_size.setToolTip("The least recently used files' copies are dropped beyond this size")
        self.cache_max_size.setEnabled(self.cache_enabled.isChecked())
        self.cache_enabled.toggled.connect(self.cache_max_size.setEnabled)

        alerts = QGroupBox("Alerts — applied at once")
        form = QFormLayout(alerts)
        form.addRow("Error rate threshold", self.error_rate)
        form.addRow("Error count threshold", self.error_count)
        form.addRow("Critical errors threshold", self.critical_count)
        analytics = QGroupBox("Analytics")
        form = QFormLayout(analytics)
        form.addRow("Top N (applied at once)", self.top_n)
        form.addRow("Trend window (next run)", self.trend_window)
        form.addRow("Time zone (next run)", self.time_zone)
        spark = QGroupBox("Spark — Spark restarts, then the next run uses it")
        form = QFormLayout(spark)
        form.addRow("Master", self.master)
        form.addRow("Driver memory", self.driver_memory)
        refresh = QGroupBox("Auto-refresh")
        form = QFormLayout(refresh)
        form.addRow(self.auto_refresh)
        form.addRow("Minimum interval", self.refresh_seconds)
        cache = QGroupBox("Cache — next run")
        form = QFormLayout(cache)
        form.addRow(self.cache_enabled)
        form.addRow("Maximum size", self.cache_max_size)

        note = plain_label(
            "Thresholds and top N apply immediately. Trend window and time zone change how "
            "records are bucketed, so they take effect when the folder is processed again "
            "(Refresh, F5). A new Spark master or driver memory restarts Spark. Cache settings apply "
            "to the next run; File → Clear cache empties the cache."
        )
        note.setWordWrap(True)
        self.problem = plain_label("")
        self.problem.setObjectName("settingsProblem")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        for box in (alerts, analytics, spark, refresh, cache):
            layout.addWidget(box)
        layout.addWidget(note)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def validation_problem(self) -> str:
        try:
            parse_duration(self.trend_window.currentText())
        except ValueError as exc:
            return f"Trend window: {exc}"
        if not _valid_zone(self.time_zone.currentText().strip()):
            return f"Time zone: unknown zone {self.time_zone.currentText()!r} (e.g. UTC, Europe/Berlin)"
        master_problem = validate_master(self.master.text().strip())
        if master_problem:
            return f"Spark master: {master_problem}"
        if not _MEMORY.match(self.driver_memory.text().strip()):
            return "Driver memory: a size like 2g or 512m"
        return ""

    def accept(self) -> None:
        problem = self.validation_problem()
        self.problem.setText(problem)
        if problem:
            return
        super().accept()

    def new_settings(self) -> Settings:
        s = self._settings
        return replace(
            s,
            alerts=replace(
                s.alerts,
                error_rate_threshold=round(self.error_rate.value() / 100.0, 6),
                error_count_threshold=self.error_count.value(),
                critical_error_count=self.critical_count.value(),
            ),
            analytics=replace(s.analytics, top_n=self.top_n.value(),
                              trend_window=self.trend_window.currentText().strip()),
            spark=replace(s.spark, master=self.master.text().strip(),
                          driver_memory=self.driver_memory.text().strip()),
            dashboard=replace(s.dashboard, auto_refresh=self.auto_refresh.isChecked(),
                              auto_refresh_seconds=self.refresh_seconds.value()),
            cache=replace(s.cache, enabled=self.cache_enabled.isChecked(),
                          max_size_mb=self.cache_max_size.value()),
            time_zone=self.time_zone.currentText().strip(),
        )

    def changes(self) -> dict[str, Any]:
        """What differs from the settings the dialog opened with, as nested sections."""
        return settings_changes(self._settings, self.new_settings())


def settings_changes(old: Settings, new: Settings) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for section in ("alerts", "analytics", "spark", "dashboard", "cache"):
        a, b = getattr(old, section), getattr(new, section)
        diff = {k: v for k, v in vars(b).items() if vars(a).get(k) != v}
        if diff:
            changes[section] = diff
    if old.time_zone != new.time_zone:
        changes["time_zone"] = new.time_zone
    return changes
