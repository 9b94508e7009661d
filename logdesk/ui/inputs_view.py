"""The Inputs tab: what ingest made of each file, and sample malformed lines of the selected one.

Everything here is log text or file names, so it is shown through item views (always plain
text) and plain labels, never as rich text.
"""

from __future__ import annotations

import dataclasses
from datetime import tzinfo
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from logdesk.results import FileIngest, IngestReport
from logdesk.spark_urls import is_hadoop_url
from logdesk.ui import table_models as tm
from logdesk.ui.table_panel import TablePanel


def relative_path(path: str, folder: str) -> str:
    if is_hadoop_url(folder):  # a URL: Path would fold its "//"
        return path[len(folder) + 1:] if path.startswith(folder + "/") else path
    try:
        return Path(path).relative_to(folder).as_posix()
    except ValueError:
        return path


def inputs_columns() -> list[tm.Column]:
    return [
        tm.Column("File", lambda f: f.path, tip="path below the opened folder"),
        tm.Column("Fate", lambda f: f.fate, tip="read, skipped as not a log, or unreadable: "
                  "the note says why"),
        tm.Column("Format", lambda f: f.format, tip="detected from the file's first lines"),
        tm.Column("Timestamps", lambda f: f.timestamp_layout,
                  tip="the timestamp layout inferred from the file's first lines"),
        tm.Column("Encoding", lambda f: f.encoding),
        tm.Column("Records", lambda f: f.parsed_rows, "int", tip="records read (one per record, "
                  "however many lines it spans)"),
        tm.Column("Continuation lines", lambda f: f.continuation_lines, "int",
                  tip="lines folded into the record before them (stack traces, wrapped messages)"),
        tm.Column("Malformed lines", lambda f: f.malformed_rows, "int",
                  tip="lines that could not be read; see the samples below"),
        tm.Column("Note", lambda f: f.note),
    ]


def sample_columns() -> list[tm.Column]:
    return [
        tm.Column("Line", lambda s: s.line, "int"),
        tm.Column("Reason", lambda s: s.reason),
        tm.Column("Raw text", lambda s: s.raw),
    ]


def nothing_readable_text(ingest: IngestReport) -> str:
    """The plain sentence for a folder of which not one record could be read ("" otherwise)."""
    if ingest.parsed_rows > 0:
        return ""
    lines = ingest.data_lines
    what = ingest.fates_text()
    if lines == 0:
        return f"Nothing in this folder could be read ({what}): no data line — see Inputs."
    return (
        f"Nothing in this folder could be read ({what}): {lines:,} "
        f"line{'s' if lines != 1 else ''}, all malformed — see Inputs."
    )


class InputsView(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("inputsView")
        self.files = TablePanel(
            "files", "Input files (every data line is a record, a continuation line or malformed)",
            inputs_columns(),
        )
        self.samples = TablePanel("malformed_samples", "Malformed lines of the selected file",
                                  sample_columns())
        self.samples.view.setSortingEnabled(False)  # by line, as given
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.files)
        split.addWidget(self.samples)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.files.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self._tz: tzinfo | None = None

    def set_ingest(self, ingest: IngestReport, tz: tzinfo | None = None) -> None:
        """Show `ingest`, paths relative to its folder; the first file is selected."""
        self._tz = tz
        rows = [dataclasses.replace(f, path=relative_path(f.path, ingest.folder)) for f in ingest.files]
        self.files.set_rows(rows, tz)
        self._show_samples(None)
        if rows:
            self.files.view.setCurrentIndex(self.files.proxy.index(0, 0))

    def selected_file(self) -> FileIngest | None:
        index = self.files.view.currentIndex()
        if not index.isValid():
            return None
        return self.files.model.row_object(self.files.proxy.mapToSource(index).row())

    def select_file(self, relative: str) -> bool:
        """Select the file shown as `relative`; False when there is none."""
        model = self.files.model
        for row in range(model.rowCount()):
            if model.row_object(row).path == relative:
                self.files.view.setCurrentIndex(self.files.proxy.mapFromSource(model.index(row, 0)))
                return True
        return False

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_samples(self.selected_file() if current.isValid() else None)

    def _show_samples(self, file: FileIngest | None) -> None:
        panel = self.samples
        if file is None:
            panel.title_label.setText("Malformed lines of the selected file")
            panel.set_rows([], self._tz)
            return
        samples = list(file.malformed_samples)
        if not file.malformed_rows:
            title = f"{file.path}: no malformed lines"
        elif not samples:
            title = (f"{file.path}: {file.malformed_rows:,} malformed lines, no samples kept "
                     "(the Malformed card lists them all)")
        elif len(samples) < file.malformed_rows:
            title = f"Malformed lines of {file.path}: the first {len(samples):,} of {file.malformed_rows:,}"
        else:
            title = f"Malformed lines of {file.path}"
        panel.title_label.setText(title)
        panel.set_rows(samples, self._tz)
