"""How a caller follows and stops an engine run, without the engine knowing about threads."""

from __future__ import annotations

import threading
from typing import Callable

# (stage name, overall fraction 0..1, detail: plain text such as "1,200 of 20,000 files
# described", or "" when the stage has nothing finer to say)
ProgressCallback = Callable[[str, float, str], None]


class Cancelled(Exception):
    """The run was cancelled by its caller."""


class RunControl:
    """Passed into a run: reports progress, and lets another thread cancel it.

    `cancel()` may be called from any thread; it sets the flag and calls the canceller the
    engine registered (which cancels the Spark jobs of this run).
    """

    def __init__(self, progress: ProgressCallback | None = None) -> None:
        self._progress = progress
        self._cancelled = threading.Event()
        self._lock = threading.Lock()
        self._canceller: Callable[[], None] | None = None

    def report(self, stage: str, fraction: float, detail: str = "", check: bool = True) -> None:
        """`check`: raise Cancelled once cancelled (off for reports from a helper thread,
        which must not end the run's own thread's work)."""
        if check:
            self.check()
        if self._progress is not None:
            self._progress(stage, max(0.0, min(1.0, fraction)), detail)

    @property
    def is_cancelled(self) -> bool:
        return self._cancelled.is_set()

    def check(self) -> None:
        if self._cancelled.is_set():
            raise Cancelled()

    def set_canceller(self, canceller: Callable[[], None] | None) -> None:
        with self._lock:
            self._canceller = canceller
        if canceller is not None and self._cancelled.is_set():
            canceller()

    def cancel(self) -> None:
        self._cancelled.set()
        with self._lock:
            canceller = self._canceller
        if canceller is not None:
            try:
                canceller()
            except Exception:  # noqa: BLE001 - cancelling must never raise into the caller
                pass
