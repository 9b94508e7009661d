"""Auto-refresh: notice new or changed files in the open folder, at most once per interval.

QFileSystemWatcher reports changes to the folder itself at once; a periodic scan of file sizes
and modification times catches changes deep in nested folders (the watcher does not recurse).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

SCAN_MS = 5_000


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """path -> (size, mtime_ns) of every file under `folder` (hidden files skipped)."""
    found: dict[str, tuple[int, int]] = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith("."):
                continue
            path = os.path.join(root, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            found[path] = (st.st_size, st.st_mtime_ns)
    return found


class FolderWatcher(QObject):
    """Emits `changed` when files under the folder change, no more often than `min_interval_s`."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None, scan_ms: int = SCAN_MS) -> None:
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._poke)
        self._watcher.fileChanged.connect(self._poke)
        self._scan = QTimer(self)
        self._scan.setInterval(scan_ms)
        self._scan.timeout.connect(self.check_now)
        self._due = QTimer(self)
        self._due.setSingleShot(True)
        self._due.timeout.connect(self._emit)
        self._folder: Path | None = None
        self._snapshot: dict[str, tuple[int, int]] = {}
        self._min_interval_s = 60.0
        self._last_emit = 0.0
        self._dirty = False

    @property
    def folder(self) -> Path | None:
        return self._folder

    def watch(self, folder: Path | None, min_interval_s: float) -> None:
        self.stop()
        self._min_interval_s = max(0.0, float(min_interval_s))
        self._folder = folder
        if folder is None:
            return
        self._snapshot = snapshot(folder)
        self._watcher.addPath(str(folder))
        self._last_emit = time.monotonic()
        self._scan.start()

    def stop(self) -> None:
        self._scan.stop()
        self._due.stop()
        paths = self._watcher.directories() + self._watcher.files()
        if paths:
            self._watcher.removePaths(paths)
        self._folder = None
        self._dirty = False

    def accept_current_state(self) -> None:
        """The folder was just processed: what is there now is not a change."""
        if self._folder is not None:
            self._snapshot = snapshot(self._folder)
            self._dirty = False
            self._last_emit = time.monotonic()

    def _poke(self, _path: str) -> None:
        self.check_now()

    def check_now(self) -> None:
        if self._folder is None:
            return
        current = snapshot(self._folder)
        if current != self._snapshot:
            self._snapshot = current
            self._dirty = True
        if self._dirty and not self._due.isActive():
            wait_s = self._min_interval_s - (time.monotonic() - self._last_emit)
            self._due.start(max(0, int(wait_s * 1000)))

    def _emit(self) -> None:
        if self._folder is None or not self._dirty:
            return
        self._dirty = False
        self._last_emit = time.monotonic()
        self.changed.emit()
