"""The `logdesk` command: the desktop app, or `logdesk process` for a headless run.

Spark, Qt and the engine are imported inside the functions that need them, so that
`logdesk --help` and every argument or config error answer at once.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from logdesk import __version__
from logdesk import startup_probe  # noqa: F401 - its import time is the fallback start time
from logdesk.config_loader import ConfigError, load_settings
from logdesk.control import Cancelled, RunControl
from logdesk.paths import cache_dir, sample_logs_dir
from logdesk.results import LEVELS, Alert, Analytics, RecordFilter, RunResult
from logdesk.settings import Settings
from logdesk.cli_output import StageLines, format_alert, print_summary  # noqa: F401 - re-exported

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
DEBUG_ENV = "LOGDESK_DEBUG"


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


# --------------------------------------------------------------------------- entry point


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    _tolerate_unencodable_output()
    _quiet_library_logging()
    try:
        if args and args[0] == "process":
            return _process(_process_parser().parse_args(args[1:]))
        return _open_app(_app_parser().parse_args(args))
    except SystemExit as exc:  # argparse after --help / --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except UserError as exc:
        _error(str(exc))
        return EXIT_USAGE
    except ConfigError as exc:
        _error(str(exc))
        return EXIT_USAGE
    except (KeyboardInterrupt, Cancelled):
        print("logdesk: interrupted", file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - last resort: one line, traceback on request
        if os.environ.get(DEBUG_ENV) == "1":
            traceback.print_exc()
        _error(
            f"unexpected {type(exc).__name__}: {_first_line(exc)} "
            f"(run with {DEBUG_ENV}=1 for details)"
        )
        return EXIT_UNEXPECTED


# --------------------------------------------------------------------------- arguments


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line instead of argparse's usage block.
        raise UserError(f"{message} (see {self.prog} --help)")


def _app_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="logdesk",
        usage="logdesk [options] [FOLDER]\n       logdesk process [FOLDER] [--out DIR] [options]",
        description="Desktop log analyzer: open a folder of log files and see error analytics, "
        "alerts and reports. Without a command, opens the desktop app.",
        epilog="commands:\n  process    analyze a folder without the window and write reports "
        "(see: logdesk process --help)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # Several paths are accepted because desktop launchers pass every dropped item (%F).
    parser.add_argument("folder", nargs="*", type=Path, metavar="FOLDER",
                        help="folder of log files to open at start (a log file stands for "
                        "its folder)")
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="settings file to use instead of your user config.yaml")
    parser.add_argument("--export", type=Path, metavar="DIR",
                        help="after analyzing FOLDER, write the reports to DIR")
    parser.add_argument("--screenshot", type=Path, metavar="PNG",
                        help="save a picture of the window to PNG once the analysis is shown")
    parser.add_argument("--exit-when-done", action="store_true",
                        help="close the app after the analysis (and export/screenshot) is done")
    parser.add_argument("--version", action="version", version=f"logdesk {__version__}")
    return parser


def _process_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="logdesk process",
        description="Analyze a folder of log files with Spark and write the reports "
        "(CSV and JSON). Without FOLDER, processes the sample logs shipped with logdesk.",
        epilog="exit codes: 0 done, 1 unexpected error, 2 bad input or setup, 130 interrupted",
    )
    parser.add_argument("folder", nargs="?", type=Path, metavar="FOLDER",
                        help="folder of log files (searched recursively)")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="folder for the reports (default: paths.output_dir of the settings)")
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="settings file to use instead of your user config.yaml")
    parser.add_argument("--master", metavar="URL",
                        help="Spark master: local[*], local[N], spark://host:port, sc://host:port")
    parser.add_argument("--driver-memory", metavar="SIZE", help="Spark driver memory, e.g. 4g")
    parser.add_argument("--from", dest="start", metavar="TIME",
                        help="only records at or after TIME (ISO date or date-time; "
                        "without an offset it is in the configured time zone)")
    parser.add_argument("--to", dest="end", metavar="TIME",
                        help="only records before TIME; a date alone includes that whole day")
    parser.add_argument("--levels", metavar="LIST",
                        help="only these levels, comma-separated: " + ",".join(LEVELS))
    parser.add_argument("--no-cache", action="store_true",
                        help="read every file again and keep nothing in the cache")
    parser.add_argument("--records", type=Path, metavar="FILE",
                        help="also write the normalized records of the filter to FILE: CSV, or "
                        "Parquet when FILE ends in .parquet")
    return parser


# --------------------------------------------------------------------------- desktop app


def _open_app(args: argparse.Namespace) -> int:
    """Check what can be checked here, then hand over to logdesk.ui.app.run_app(args).

    run_app gets the parsed namespace: folder, config, export, screenshot (Path or None),
    exit_when_done (bool), plus `settings`, the already loaded and validated Settings.
    """
    args.settings = load_settings(args.config)
    args.folder = _folder_to_open(args.folder)
    if args.folder is not None:
        args.folder = _existing_folder(args.folder)
    elif args.export is not None or args.exit_when_done:
        raise UserError("--export and --exit-when-done need a FOLDER to analyze")
    if args.export is not None:
        args.export = _writable_folder(args.export)
    if args.screenshot is not None:
        args.screenshot = args.screenshot.expanduser().resolve()
        _writable_folder(args.screenshot.parent)
    try:
        from logdesk.ui.app import run_app
    except ImportError as exc:
        if os.environ.get(DEBUG_ENV) == "1":
            traceback.print_exc()
        raise UserError(
            f"the desktop app cannot start ({_first_line(exc)}); "
            "`logdesk process FOLDER` works without it"
        ) from None
    return int(run_app(args) or 0)


# --------------------------------------------------------------------------- process


def _process(args: argparse.Namespace) -> int:
    out = sys.stdout
    overrides: dict = {}
    if args.master is not None:
        overrides.setdefault("spark", {})["master"] = args.master
    if args.driver_memory is not None:
        overrides.setdefault("spark", {})["driver_memory"] = args.driver_memory
    if args.no_cache:
        overrides.setdefault("cache", {})["enabled"] = False
    settings = load_settings(args.config, overrides)
    record_filter = parse_record_filter(args.start, args.end, args.levels, settings.time_zone)

    if args.folder is None:
        folder = sample_logs_dir()
        print(f"no folder given: processing the sample logs shipped with logdesk ({folder})",
              file=out)
    else:
        folder = args.folder
    folder = _existing_folder(folder)
    _require_files(folder)
    out_dir = _writable_folder(args.out or Path(settings.paths.output_dir))
    records_file = _writable_file(args.records) if args.records is not None else None
    if out_dir == folder or folder in out_dir.parents:
        print(f"note: the output folder {out_dir} is inside the input folder; "
              "its reports will be read as logs by the next run of this folder", file=sys.stderr)

    from logdesk.engine.session import create_session, stop_session

    lines = StageLines(out)
    ctrl_c = CtrlC()
    started: list = []  # the session, once some file must be read (none when all are cached)

    def spark():
        if not started:
            current = lines.current
            lines.begin(f"starting Spark ({settings.spark.master})")
            started.append(_start_spark(create_session, settings))
            lines.end()
            ctrl_c.install()  # replaces PySpark's handler, which calls py4j re-entrantly
            if current:
                lines.begin(current)
        return started[0]

    try:
        from logdesk.engine import pipeline

        stage_names = [s[0] if isinstance(s, tuple) else s for s in getattr(pipeline, "STAGES", ())]
        lines.numbered(stage_names)
        control = RunControl(progress=lines.on_progress)
        ctrl_c.control = control
        try:
            run = pipeline.run_pipeline(spark, folder, settings, record_filter, control)
        except (pipeline.EmptyFolderError, pipeline.WorkDirError) as exc:
            raise UserError(str(exc)) from None
        finally:
            ctrl_c.control = None
        lines.end()

        from logdesk.analysis.alerts import evaluate_alerts
        from logdesk.analysis.summarize import summarize
        from logdesk.reports.writer import write_reports

        lines.begin("writing reports")
        # The cube already holds only the records of the exact filter applied in Spark.
        analytics = summarize(run.cube, RecordFilter(), settings.analytics)
        alerts = evaluate_alerts(analytics, settings.alerts, run.previous_error_types)
        written = write_reports(run, analytics, alerts, out_dir, settings)
        lines.end()
        if records_file is not None:
            records_written = _export_records(lines, spark(), run, records_file, settings)
    except BaseException:
        lines.abort()
        raise
    finally:
        if started:
            stop_session(started[0])
        ctrl_c.uninstall()

    print_summary(out, run, analytics, alerts, written, settings)
    if records_file is not None:
        print(f"records  {records_written:,} rows written to {records_file}", file=out)
    return EXIT_OK


def _export_records(lines: StageLines, spark, run: RunResult, path: Path, settings: Settings) -> int:
    """Write the run's records (its --from/--to/--levels filter) to `path`; returns the rows."""
    from logdesk.engine.records_export import RecordsExportError, export_records

    lines.begin("writing records")
    try:
        count = export_records(spark, run, RecordFilter(), "", path, settings.time_zone)
    except RecordsExportError as exc:
        raise UserError(str(exc)) from None
    lines.end()
    return count


def _start_spark(create_session, settings: Settings):
    """Start Spark with the JVM's own console output going to a log file, not the terminal."""
    from logdesk.engine.java import JavaNotFound
    from logdesk.engine.session import SparkStartError

    log_file = cache_dir() / "logs" / "spark-console.log"
    try:
        with child_stderr_to(log_file):
            return create_session(settings.spark, settings.time_zone)
    except JavaNotFound as exc:
        raise UserError(_first_line(exc)) from None
    except SparkStartError as exc:
        raise UserError(f"{_first_line(exc)} (Spark's console output: {log_file})") from None


class CtrlC:
    """SIGINT handler: during a Spark run, the first Ctrl+C cancels the run's jobs; otherwise,
    or the second time, it interrupts at once.

    The cancel runs on a helper thread because py4j cannot take a call from a signal handler
    while the main thread waits on a Spark job; the run then ends with Cancelled.
    """

    def __init__(self) -> None:
        self.control: RunControl | None = None
        self._installed = False

    def __call__(self, signum, frame) -> None:
        control = self.control
        if control is None or control.is_cancelled:
            raise KeyboardInterrupt
        print("\nlogdesk: stopping (Ctrl+C again to quit at once) …", file=sys.stderr, flush=True)
        threading.Thread(target=control.cancel, name="logdesk-cancel", daemon=True).start()

    def install(self) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, self)
            self._installed = True

    def uninstall(self) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            self._installed = False


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


# --------------------------------------------------------------------------- checks


def _folder_to_open(paths: list[Path]) -> Path | None:
    """The first folder among `paths`, else the folder of the first file; None for none."""
    for path in paths:
        if path.expanduser().is_dir():
            return path
    for path in paths:
        if path.expanduser().is_file():
            return path.expanduser().parent
    return paths[0] if paths else None  # missing: _existing_folder says so


def _existing_folder(folder: Path) -> Path:
    folder = folder.expanduser()
    if not folder.exists():
        raise UserError(f"folder not found: {folder}")
    if not folder.is_dir():
        raise UserError(f"not a folder: {folder} (give the folder that holds the log files)")
    return folder.resolve()


def _require_files(folder: Path) -> None:
    for _root, _dirs, files in os.walk(folder):
        if files:
            return
    raise UserError(f"folder is empty: {folder} (no files in it or its subfolders)")


def _writable_folder(folder: Path) -> Path:
    """Create `folder` if needed and prove a file can be written there (before Spark starts)."""
    folder = folder.expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        raise UserError(f"output folder is a file: {folder}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".logdesk-write-test-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise UserError(f"cannot write to output folder {folder}: {exc.strerror or exc}") from None
    return folder


def _writable_file(path: Path) -> Path:
    """Prove `path` can be written (its folder exists and takes a file) before Spark starts."""
    path = path.expanduser().resolve()
    if path.is_dir():
        raise UserError(f"cannot write records to {path}: it is a folder")
    if not path.parent.is_dir():
        raise UserError(f"cannot write records to {path}: folder {path.parent} does not exist")
    try:
        fd, probe = tempfile.mkstemp(prefix=".logdesk-write-test-", dir=path.parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise UserError(f"cannot write records to {path}: {exc.strerror or exc}") from None
    return path


_DATE_ONLY = re.compile(r"^\d{4}-?\d{2}-?\d{2}$")
_TIME_FORMS = (
    "an ISO date or date-time such as 2024-05-01, 2024-05-01T13:30 or 2024-05-01 13:30:00+02:00"
)


def parse_time_bound(text: str, option: str, time_zone: str, is_end: bool) -> datetime:
    """--from/--to value -> aware datetime. Naive values are in `time_zone`.

    A date alone means its midnight; for --to it means the end of that day (the next midnight,
    exclusive), so `--from 2024-05-01 --to 2024-05-01` is that whole day.
    """
    value = text.strip()
    zone = ZoneInfo(time_zone)
    try:
        if _DATE_ONLY.match(value):
            day = date.fromisoformat(value)
            if is_end:
                day += timedelta(days=1)
            return datetime(day.year, day.month, day.day, tzinfo=zone)
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(f"bad {option} {text!r}: expected {_TIME_FORMS}") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def parse_levels(text: str) -> frozenset[str]:
    names = [part.strip().upper() for part in text.split(",") if part.strip()]
    if not names:
        raise UserError(
            f"bad --levels {text!r}: expected a comma-separated list of {', '.join(LEVELS)}"
        )
    wrong = [n for n in names if n not in LEVELS]
    if wrong:
        raise UserError(
            f"bad --levels {text!r}: {', '.join(wrong)} is not a level "
            f"(allowed: {', '.join(LEVELS)})"
        )
    return frozenset(names)


def parse_record_filter(
    start: str | None, end: str | None, levels: str | None, time_zone: str
) -> RecordFilter:
    lo = parse_time_bound(start, "--from", time_zone, is_end=False) if start else None
    hi = parse_time_bound(end, "--to", time_zone, is_end=True) if end else None
    if lo is not None and hi is not None and lo >= hi:
        raise UserError(f"--from {start} is not before --to {end}")
    return RecordFilter(start=lo, end=hi, levels=parse_levels(levels) if levels else frozenset())


# --------------------------------------------------------------------------- output


def _error(message: str) -> None:
    print(f"logdesk: error: {message}", file=sys.stderr, flush=True)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:500]


def _quiet_library_logging() -> None:
    # py4j reports an interrupted call with logging.exception() on the root logger, which
    # would print tracebacks after Ctrl+C; the CLI reports problems itself.
    root = logging.getLogger()
    if not root.handlers:
        if os.environ.get(DEBUG_ENV) == "1":
            logging.basicConfig(level=logging.INFO)
        else:
            root.addHandler(logging.NullHandler())


def _tolerate_unencodable_output() -> None:
    # A Windows console or a pipe in a legacy code page cannot print "…"; show "?" instead of
    # failing the whole run.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(Exception):
                reconfigure(errors="replace")


__all__ = [
    "CtrlC",
    "StageLines",
    "UserError",
    "child_stderr_to",
    "format_alert",
    "main",
    "parse_levels",
    "parse_record_filter",
    "parse_time_bound",
    "print_summary",
]
