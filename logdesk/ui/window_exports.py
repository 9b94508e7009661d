"""The main window's exports: reports for the current filter (written here, at once), records
(written on the engine thread) and the alert history read back from the export folder.

WindowExports is a mixin of MainWindow (main_window.py)."""

from __future__ import annotations

import traceback
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

CSV_FILTER = "CSV files (*.csv)"
PARQUET_FILTER = "Parquet files (*.parquet)"


def records_target(path: str, chosen_filter: str) -> Path:
    """The file to write: the chosen filter's extension is added when the name has neither."""
    target = Path(path)
    if target.suffix.lower() not in (".csv", ".parquet"):
        target = target.with_name(target.name + (".parquet" if chosen_filter == PARQUET_FILTER else ".csv"))
    return target


class _DialogFolder:
    """The folder an export dialog opens in: the export folder, made for the dialog when it
    does not exist yet (so that Enter exports there instead of answering "Directory not
    found"), and removed again when the dialog is cancelled and it is still empty. If it
    cannot be made, the nearest folder that exists."""

    def __init__(self, folder: Path) -> None:
        self.made = False
        self.path = folder
        if folder.is_dir():
            return
        try:
            folder.mkdir(parents=True)
            self.made = True
        except OSError:
            self.path = next((p for p in folder.parents if p.is_dir()), Path.home())

    def cancelled(self) -> None:
        if self.made:
            try:
                self.path.rmdir()  # only if still empty
            except OSError:
                pass


class WindowExports:
    """Export reports and records; the alert history of the export folder."""

    @property
    def is_exporting_records(self) -> bool:
        return self._records_export is not None

    def default_export_dir(self) -> Path:
        return self.last_export_dir or Path(self.settings.paths.output_dir).expanduser().resolve()

    # -- reports ------------------------------------------------------------------------------
    def export_reports(self) -> None:
        if self.result is None or self.analytics is None:
            self.messenger.info("Nothing to export", "Open a folder first; reports describe a processed folder.")
            return
        start = _DialogFolder(self.default_export_dir())
        folder = QFileDialog.getExistingDirectory(self, "Export reports to", str(start.path))
        if folder:
            self.export_to(Path(folder))
        else:
            start.cancelled()

    def export_to(self, folder: Path) -> list[Path] | None:
        """Write the reports of the current filter into `folder`; None (after a message) on failure."""
        if self.result is None or self.analytics is None:
            return None
        try:
            written = self.services.write_reports(self.result, self.analytics, self.alerts, folder, self.settings)
        except self.services.report_error as exc:
            self.messenger.error("Export failed", str(exc))
            return None
        except Exception as exc:  # noqa: BLE001 - the window stays usable
            self.messenger.error("Export failed", f"Could not write reports to {folder}: {exc}", traceback.format_exc())
            return None
        self.last_export_dir = folder
        self.reload_alert_history()
        names = "\n".join(str(p) for p in written)
        self.statusBar().showMessage(f"Exported {len(written)} files to {folder}", 10_000)
        self.messenger.info(
            "Reports exported",
            f"Wrote {len(written)} files to {folder} for {self.analytics.filter.describe()}:\n\n{names}",
            folder=folder,
        )
        return list(written)

    # -- records ------------------------------------------------------------------------------
    def export_records(self) -> None:
        """Ask for a file, then write the records of the filter bar and the records search."""
        if self.result is None:
            self.messenger.info("Nothing to export", "Open a folder first; records come from a processed folder.")
            return
        start = _DialogFolder(self.default_export_dir())
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export records", str(start.path / "records.csv"), f"{CSV_FILTER};;{PARQUET_FILTER}")
        if path:
            self.export_records_to(records_target(path, chosen))
        else:
            start.cancelled()

    def export_records_to(self, path: Path) -> bool:
        """Start writing the current records to `path` on the engine thread (Parquet when it
        ends in .parquet, else CSV); records_export_completed tells the outcome."""
        if self.result is None or self.is_exporting_records or self.is_running:
            return False
        record_filter = self.dashboard.filter_bar.current
        self._records_export = self.engine.export_records(
            self.result, record_filter, self.records_model.search, Path(path))
        self.progress_bar.setRange(0, 0)  # busy: Spark gives no fraction for one write
        self.stage_label.setText("Exporting records…")
        self._set_running(self.is_running)
        self.statusBar().showMessage(f"Exporting records to {path}…")
        return True

    def _export_done(self) -> None:
        self._records_export = None
        self.progress_bar.setRange(0, 1000)
        self._set_running(self.is_running)

    def _records_exported(self, job, rows: int) -> None:
        self._export_done()
        what = job.record_filter.describe() + (f", search “{job.search}”" if job.search else "")
        self.statusBar().showMessage(f"Exported {rows:,} record{'s' if rows != 1 else ''} ({what}) to {job.path}", 15_000)
        self.records_export_completed.emit(True, str(job.path))

    def _records_export_failed(self, job, message: str, details: str) -> None:
        self._export_done()
        self.statusBar().showMessage(f"Records export failed: {message}", 15_000)
        if not self._closing:
            self.messenger.error("Export failed", f"Could not write records to {job.path}:\n{message}", details)
        self.records_export_completed.emit(False, message)

    # -- alert history ------------------------------------------------------------------------
    def alerts_log_path(self) -> Path:
        return self.default_export_dir() / "alerts.log"

    def reload_alert_history(self) -> None:
        path = self.alerts_log_path()
        panel = self.dashboard.alerts_panel
        if not path.exists():
            panel.set_history([], None)
            return
        try:
            entries = self.services.read_alert_history(path)
        except Exception as exc:  # noqa: BLE001 - an unreadable log must not break the window
            panel.set_history([], path, f"Could not read {path}: {exc}")
            return
        panel.set_history(entries, path)
