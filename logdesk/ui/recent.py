"""Recently opened folders, kept in QSettings."""

from __future__ import annotations

from pathlib import Path

from logdesk.spark_urls import is_hadoop_url

from PySide6.QtCore import QSettings

KEY = "recent/folders"
MAX_RECENT = 10


class RecentFolders:
    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    def folders(self) -> list[str]:
        value = self._settings.value(KEY, [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or []) if str(v)]

    def add(self, folder: Path | str) -> None:
        text = folder if is_hadoop_url(str(folder)) else str(Path(folder).resolve())
        items = [text] + [f for f in self.folders() if f != text]
        self._settings.setValue(KEY, items[:MAX_RECENT])
        self._settings.sync()

    def clear(self) -> None:
        self._settings.setValue(KEY, [])
        self._settings.sync()
