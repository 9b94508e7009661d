"""The `logdesk` command: the desktop app, or `logdesk process` for a headless run.

Spark, Qt and the engine are imported inside the functions that need them, so that
`logdesk --help` and every argument or config error answer at once.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
import traceback
from collections.abc import Sequence
from pathlib import Path

from logdesk import startup_probe  # noqa: F401 - its import time is the fallback start time
from logdesk.cli_args import (  # noqa: F401 - parse_* and folder_to_open are re-exported
    UserError,
    app_parser,
    existing_folder,
    first_line,
    folder_to_open,
    parse_levels,
    parse_record_filter,
    parse_time_bound,
    process_parser,
    require_files,
    writable_file,
    writable_folder,
)
from logdesk.cli_output import StageLines, format_alert, print_summary  # noqa: F401 - re-exported
from logdesk.cli_spark import SparkStarter, child_stderr_to, spark_surely_needed  # noqa: F401
from logdesk.config_loader import ConfigError, load_settings
from logdesk.input_location import InputNotReachable, folder_of
from logdesk.control import Cancelled, RunControl
from logdesk.paths import cache_dir, sample_logs_dir
from logdesk.results import RecordFilter, RunResult
from logdesk.settings import Settings

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
DEBUG_ENV = "LOGDESK_DEBUG"

_folder_to_open = folder_to_open  # the name tests and older callers use


class EngineStopped(Exception):
    """Spark's JVM died during `logdesk process`; the message says what was written. Exit 1."""


# --------------------------------------------------------------------------- entry point


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    _tolerate_unencodable_output()
    _quiet_library_logging()
    try:
        if args and args[0] == "process":
            return _process(process_parser().parse_args(args[1:]))
        return _open_app(app_parser().parse_args(args))
    except SystemExit as exc:  # argparse after --help / --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except UserError as exc:
        _error(str(exc))
        return EXIT_USAGE
    except ConfigError as exc:
        _error(str(exc))
        return EXIT_USAGE
    except _report_write_error() as exc:  # disk full, read-only, permission denied
        _error(first_line(exc))
        return EXIT_USAGE
    except EngineStopped as exc:
        if os.environ.get(DEBUG_ENV) == "1":
            traceback.print_exc()
        _error(str(exc))
        return EXIT_UNEXPECTED
    except (KeyboardInterrupt, Cancelled):
        print("logdesk: interrupted", file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - last resort: one line, traceback on request
        if os.environ.get(DEBUG_ENV) == "1":
            traceback.print_exc()
        _error(
            f"unexpected {type(exc).__name__}: {first_line(exc)} "
            f"(run with {DEBUG_ENV}=1 for details)"
        )
        return EXIT_UNEXPECTED


def _report_write_error() -> type[BaseException]:
    # imported when an error is being handled: the writer module is plain Python, but
    # `logdesk --help` should not load it
    from logdesk.reports.atomic import ReportWriteError

    return ReportWriteError


# --------------------------------------------------------------------------- desktop app


def _open_app(args: argparse.Namespace) -> int:
    """Check what can be checked here, then hand over to logdesk.ui.app.run_app(args).

    run_app gets the parsed namespace: folder, config, export, screenshot (Path or None),
    exit_when_done (bool), plus `settings`, the already loaded and validated Settings.
    """
    args.settings = load_settings(args.config)
    args.folder = folder_to_open(args.folder)
    if args.folder is not None:
        args.folder = existing_folder(args.folder)
    elif args.export is not None or args.exit_when_done:
        raise UserError("--export and --exit-when-done need a FOLDER to analyze")
    if args.export is not None:
        args.export = writable_folder(args.export)
    if args.screenshot is not None:
        args.screenshot = args.screenshot.expanduser().resolve()
        writable_folder(args.screenshot.parent, reports=False)
    try:
        from logdesk.ui.app import run_app
    except ImportError as exc:
        if os.environ.get(DEBUG_ENV) == "1":
            traceback.print_exc()
        raise UserError(
            f"the desktop app cannot start ({first_line(exc)}); "
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
    try:
        local, shared = folder_of(folder, settings.spark.master, settings.spark.shared_folders)
    except InputNotReachable as exc:
        raise UserError(str(exc)) from None
    if isinstance(local, str):  # a Hadoop URL: listed in Spark's JVM, so Spark starts first
        folder = run_folder = local
    else:
        folder = existing_folder(local)
        run_folder = folder.as_uri() if shared else folder  # the engine checks it again
        require_files(folder)
    out_dir = writable_folder(args.out or Path(settings.paths.output_dir))
    records_file = writable_file(args.records) if args.records is not None else None

    from logdesk.engine.session import stop_session

    lines = StageLines(out)
    ctrl_c = CtrlC()
    starter = SparkStarter(settings)
    if isinstance(folder, str) or spark_surely_needed(settings, folder,
                                                      records_export=records_file is not None):
        starter.begin()  # beside discovery: the JVM's start overlaps it
    handed: list = []  # the session, once some file must be read (none when all are cached)

    def spark():
        if not handed:
            current = lines.current
            lines.begin(f"starting Spark ({settings.spark.master})")
            session = starter.get()
            if starter.early:
                lines.end(f"{starter.seconds:.1f} s (begun beside discovery, "
                          f"{starter.waited:.1f} s waited)")
            else:
                lines.end()
            handed.append(session)
            ctrl_c.install()  # replaces PySpark's handler, which calls py4j re-entrantly
            if current:
                lines.begin(current)
        return handed[0]

    try:
        from logdesk.engine import pipeline

        stage_names = [s[0] if isinstance(s, tuple) else s for s in getattr(pipeline, "STAGES", ())]
        lines.numbered(stage_names)
        control = RunControl(progress=lines.on_progress)
        ctrl_c.control = control
        try:
            outputs = [out_dir, *([records_file] if records_file is not None else [])]
            run = pipeline.run_pipeline(spark, run_folder, settings, record_filter, control,
                                        outputs=outputs)  # never read as logs
        except (pipeline.EmptyFolderError, pipeline.WorkDirError) as exc:
            raise UserError(str(exc)) from None
        except Exception as exc:
            _raise_if_engine_died(exc, f"no reports were written to {out_dir}")
            _raise_if_work_files_failed(exc, settings)
            raise
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
        session = starter.settle()  # stderr is ours again once a start under way is done
        if session is not None:
            stop_session(session)
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
    except Exception as exc:
        _raise_if_engine_died(exc, f"the records were not written to {path} (the reports were)")
        raise
    lines.end()
    return count


def _raise_if_engine_died(exc: Exception, written: str) -> None:
    """EngineStopped, with what was and was not written, when `exc` means Spark's JVM died."""
    from logdesk.backend import ENGINE_DIED_MESSAGE
    from logdesk.engine.session import discard_dead_session, engine_died

    if engine_died(exc):
        discard_dead_session()  # stop_session must not wait on the dead JVM
        raise EngineStopped(f"{ENGINE_DIED_MESSAGE}; {written}; run the command again") from exc


def _raise_if_work_files_failed(exc: Exception, settings: Settings) -> None:
    """UserError when Spark could not write the run's copies (a full disk, ...)."""
    from logdesk.engine.io_errors import java_io_reason
    from logdesk.engine.pipeline import cache_store

    reason = java_io_reason(exc)
    if reason is not None:
        work = Path(settings.paths.work_dir).expanduser() if settings.paths.work_dir else (
            cache_dir() / "runs")
        raise UserError(
            f"Spark could not write this run's work files: {reason} (cache folder "
            f"{cache_store(settings).root}, work folder {work}); no reports were written"
        ) from None


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


# --------------------------------------------------------------------------- output


def _error(message: str) -> None:
    print(f"logdesk: error: {message}", file=sys.stderr, flush=True)


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
