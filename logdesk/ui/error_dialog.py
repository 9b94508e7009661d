"""Message boxes with plain text (file names and log text may hold markup) and details."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget


class Messenger:
    """Shows messages to the user: boxes when interactive, stderr when running headless
    (--exit-when-done must never wait on a modal box)."""

    def __init__(self, parent: QWidget | None, interactive: bool = True) -> None:
        self.parent = parent
        self.interactive = interactive

    def error(self, title: str, message: str, details: str = "") -> None:
        self._show(QMessageBox.Icon.Critical, title, message, details)

    def warning(self, title: str, message: str, details: str = "") -> None:
        self._show(QMessageBox.Icon.Warning, title, message, details)

    def info(self, title: str, message: str, details: str = "", folder: Path | None = None) -> None:
        """With `folder`: an *Open folder* button shows it in the file manager."""
        self._show(QMessageBox.Icon.Information, title, message, details, folder)

    def _show(self, icon: QMessageBox.Icon, title: str, message: str, details: str,
              folder: Path | None = None) -> None:
        if not self.interactive:
            print(f"logdesk: {title}: {message}", file=sys.stderr)
            return
        box = QMessageBox(self.parent)
        box.setIcon(icon)
        box.setWindowTitle(title)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(message)
        if details:
            box.setDetailedText(details)  # always plain text in Qt
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        open_button = box.addButton("Open folder", QMessageBox.ButtonRole.ActionRole) if folder else None
        box.exec()
        if open_button is not None and box.clickedButton() is open_button:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
