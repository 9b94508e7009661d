"""How `logdesk process` starts Spark: on demand, or begun beside discovery when the run will
surely need it, with the JVM's console output going to a log file instead of the terminal.

Starting the JVM takes 4-5 s here and discovery (pure Python, one core) 3-6 s on a big folder;
on two or more cores the two overlap almost fully. Spark is begun early only when the cache
cannot answer the run: the cache is off, the folder was never read before, or a records
export needs Spark anyway. A re-run of a cached folder starts no JVM at all, as before.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from logdesk.cli_args import UserError, first_line
from logdesk.paths import cache_dir
from logdesk.settings import Settings


def console_log() -> Path:
    return cache_dir() / "logs" / "spark-console.log"


def start_spark(settings: Settings):
    """Start Spark (engine/session.py's factory) with the JVM's own console output going to
    the log file; a problem the user can fix is a UserError."""
    from logdesk.engine.java import JavaNotFound
    from logdesk.engine.session import SparkStartError, create_session

    log_file = console_log()
    try:
        with child_stderr_to(log_file):
            return create_session(settings.spark, settings.time_zone)
    except JavaNotFound as exc:
        raise UserError(first_line(exc)) from None
    except SparkStartError as exc:
        raise UserError(f"{first_line(exc)} (Spark's console output: {log_file})") from None


def spark_surely_needed(settings: Settings, folder: Path, records_export: bool) -> bool:
    """Whether this run must start Spark whatever discovery finds: the folder has files (the
    caller checked), and the cache cannot answer for it."""
    from logdesk.engine.run_setup import cache_off_reason, cache_store

    if records_export or not settings.cache.enabled or cache_off_reason(settings):
        return True
    try:
        return not cache_store(settings).folder_paths(str(folder.expanduser().resolve()))
    except OSError:
        return True


class SparkStarter:
    """Starts the session on a helper thread (`begin`) or on first use (`get`).

    While the helper thread starts the JVM, fd 2 points at Spark's console log
    (child_stderr_to is process-wide): the caller must `settle()` before it prints anything
    to stderr, which every path out of `logdesk process` does in its `finally`.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._thread: threading.Thread | None = None
        self._session = None
        self._error: BaseException | None = None
        self.seconds = 0.0  # how long the start took
        self.waited = 0.0  # how long `get` waited for a start begun early
        self.early = False

    def begin(self) -> None:
        """Start the session on a helper thread, now."""
        self.early = True
        self._thread = threading.Thread(target=self._start, name="logdesk-spark-start",
                                        daemon=True)
        self._thread.start()

    def _start(self) -> None:
        t = time.perf_counter()
        try:
            self._session = start_spark(self._settings)
        except BaseException as exc:  # noqa: BLE001 - handed to the thread that needs Spark
            self._error = exc
        self.seconds = time.perf_counter() - t

    def get(self):
        """The session: the one begun early (waiting for it), else one started now. Raises
        what starting it raised."""
        if self._thread is None and self._session is None and self._error is None:
            self._start()
        elif self._thread is not None:
            t = time.perf_counter()
            self._thread.join()
            self.waited = time.perf_counter() - t
            self._thread = None
        if self._error is not None:
            raise self._error
        return self._session

    def settle(self) -> object | None:
        """Wait for a start still under way; the session, if one started (for stopping)."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        return self._session


@contextlib.contextmanager
def child_stderr_to(log_file: Path) -> Iterator[None]:
    """Point this process's stderr (fd 2) at `log_file` while child processes start.

    The Spark JVM inherits fd 2 and keeps writing there for its whole life (e.g. the JVM's
    own "Using incubator modules" warning, which no logging setting reaches); our own stderr
    is restored on exit. Best effort: when fd 2 cannot be redirected, nothing changes.
    """
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        log_fd = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    except OSError:
        yield
        return
    sys.stderr.flush()
    saved = None
    try:
        saved = os.dup(2)
        os.dup2(log_fd, 2)
    except OSError:
        saved = None
    try:
        yield
    finally:
        sys.stderr.flush()
        if saved is not None:
            os.dup2(saved, 2)
            os.close(saved)
        os.close(log_fd)
