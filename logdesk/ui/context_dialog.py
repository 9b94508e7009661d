"""Show in context: the lines around a record, read lazily from its source file, as lnav and
klogg show them. Plain text only; the record's line is marked and centred."""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
from collections import deque
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontDatabase, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
)

from logdesk.ui.plain_text import plain_label

CONTEXT_LINES = 20
MARK = QColor(255, 214, 0, 90)


def _open_text(path: Path, encoding: str) -> io.TextIOBase:
    opener = {".gz": gzip.open, ".bz2": bz2.open}.get(path.suffix.lower(), open)
    raw = opener(path, "rb")
    # universal newlines: LF, CRLF and a lone CR each end a line, as logdesk counts them
    return io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline=None)


def read_context(path: str | Path, line: int, before: int = CONTEXT_LINES,
                 after: int = CONTEXT_LINES, encoding: str = "utf-8") -> tuple[int, list[str]]:
    """(number of the first line returned, the lines) around 1-based `line`: up to `before`
    lines before it and `after` after. Reads the file from its start up to there only."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "utf-8"
    kept: deque[str] = deque(maxlen=before + 1 + after)
    first = 1
    with _open_text(Path(path), encoding) as handle:
        for number, text in enumerate(handle, start=1):
            if number < line - before:
                continue
            if not kept:
                first = number
            kept.append(text.rstrip("\n").lstrip("\ufeff") if number == 1 else text.rstrip("\n"))
            if number >= line + after:
                break
    return first, list(kept)


class ContextDialog(QDialog):
    def __init__(self, path: str, line: int, encoding: str = "utf-8", parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("contextDialog")
        self.setWindowTitle(f"{Path(path).name} — line {line:,}")
        self.path, self.line, self.encoding = path, line, encoding
        self.radius = CONTEXT_LINES
        self.heading = plain_label(f"{path}, line {line:,}")
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = QPlainTextEdit()
        self.text.setObjectName("contextText")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.more_button = QPushButton("Show more lines")
        self.more_button.setObjectName("contextMore")
        self.more_button.clicked.connect(self.show_more)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.more_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        em = self.fontMetrics().horizontalAdvance("M")
        self.resize(em * 80, self.fontMetrics().height() * 34)
        self.first = 1
        self.lines: list[str] = []
        self.load()

    def load(self) -> None:
        try:
            self.first, self.lines = read_context(self.path, self.line, self.radius, self.radius,
                                                  self.encoding)
        except OSError as exc:
            self.text.setPlainText(f"Cannot read {self.path}: {exc.strerror or exc}")
            self.more_button.setEnabled(False)
            return
        width = len(str(self.first + len(self.lines)))
        self.text.setPlainText("\n".join(f"{n:>{width}} │ {text}"
                                         for n, text in enumerate(self.lines, start=self.first)))
        self._mark()

    @property
    def marked_index(self) -> int:
        """The record's line among the shown ones (0-based)."""
        return self.line - self.first

    def _mark(self) -> None:
        block = self.text.document().findBlockByNumber(self.marked_index)
        if not block.isValid():
            return
        selection = QTextEdit.ExtraSelection()
        selection.format.setBackground(MARK)
        selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        cursor = QTextCursor(block)
        selection.cursor = cursor
        self.text.setExtraSelections([selection])
        self.text.setTextCursor(cursor)
        self.text.centerCursor()

    def show_more(self) -> None:
        self.radius *= 3
        self.load()
