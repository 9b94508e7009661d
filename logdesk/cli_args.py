"""The `logdesk` command's arguments: the two parsers, and the checks of folders, files and
filter options that answer before Spark starts. Every problem is a UserError: one line, exit 2.
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from logdesk import __version__
from logdesk.results import LEVELS, RecordFilter
from logdesk.input_location import folder_value


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line instead of argparse's usage block.
        raise UserError(f"{message} (see {self.prog} --help)")


def app_parser() -> argparse.ArgumentParser:
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


def process_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="logdesk process",
        description="Analyze a folder of log files with Spark and write the reports "
        "(CSV and JSON). Without FOLDER, processes the sample logs shipped with logdesk.",
        epilog="exit codes: 0 done; 2 bad input or setup, or the reports or records cannot be "
        "written (disk full, read-only, permission denied); 1 unexpected error, or the Spark "
        "engine stopped; 130 interrupted",
    )
    parser.add_argument("folder", nargs="?", type=folder_value, metavar="FOLDER",
                        help="folder of log files (searched recursively); with a cluster on "
                        "other hosts, a file:///path on storage every executor mounts, or a "
                        "folder on a Hadoop file system (hdfs://namenode/logs, s3a://bucket/logs)")
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


# --------------------------------------------------------------------------- folders and files


def folder_to_open(paths: list[Path]) -> Path | None:
    """The first folder among `paths`, else the folder of the first file; None for none."""
    for path in paths:
        if path.expanduser().is_dir():
            return path
    for path in paths:
        if path.expanduser().is_file():
            return path.expanduser().parent
    return paths[0] if paths else None  # missing: existing_folder says so


def existing_folder(folder: Path) -> Path:
    folder = folder.expanduser()
    if not folder.exists():
        raise UserError(f"folder not found: {folder}")
    if not folder.is_dir():
        raise UserError(f"not a folder: {folder} (give the folder that holds the log files)")
    return folder.resolve()


def require_files(folder: Path) -> None:
    for _root, _dirs, files in os.walk(folder):
        if files:
            return
    raise UserError(f"folder is empty: {folder} (no files in it or its subfolders)")


def _probe(folder: Path) -> None:
    fd, probe = tempfile.mkstemp(prefix=".logdesk-write-test-", dir=folder)
    os.close(fd)
    os.unlink(probe)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def writable_folder(folder: Path, reports: bool = True) -> Path:
    """Create `folder` if needed and prove a file can be written there before Spark starts;
    for `reports`, also in its csv/ and json/ folders, and no earlier report in it is one this
    user may not replace. (A full disk shows only when the reports are written: they are
    written all or nothing, and the run then exits 2.)"""
    from logdesk.reports.writer import REPORT_FILES

    folder = folder.expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        raise UserError(f"output folder is a file: {folder}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _probe(folder)
    except OSError as exc:
        raise UserError(f"cannot write to output folder {folder}: {_reason(exc)}") from None
    if not reports:
        return folder
    for sub in sorted({Path(name).parent for name in REPORT_FILES} - {Path(".")}):
        if (folder / sub).is_dir():
            try:
                _probe(folder / sub)
            except OSError as exc:
                raise UserError(
                    f"cannot write to output folder {folder}: {_reason(exc)} ({folder / sub})"
                ) from None
    for name in REPORT_FILES:
        report = folder / name
        if report.exists() and not os.access(report, os.W_OK):
            raise UserError(
                f"cannot write to output folder {folder}: Permission denied ({report})"
            )
    return folder


def writable_file(path: Path) -> Path:
    """Prove `path` can be written (its folder exists and takes a file, and an existing file
    there may be replaced by this user) before Spark starts."""
    path = path.expanduser().resolve()
    if path.is_dir():
        raise UserError(f"cannot write records to {path}: it is a folder")
    if not path.parent.is_dir():
        raise UserError(f"cannot write records to {path}: folder {path.parent} does not exist")
    try:
        _probe(path.parent)
    except OSError as exc:
        raise UserError(f"cannot write records to {path}: {_reason(exc)}") from None
    if path.exists() and not os.access(path, os.W_OK):
        raise UserError(f"cannot write records to {path}: Permission denied")
    return path


# --------------------------------------------------------------------------- filter options


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


def first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:500]


__all__ = [
    "UserError",
    "app_parser",
    "existing_folder",
    "first_line",
    "folder_to_open",
    "parse_levels",
    "parse_record_filter",
    "parse_time_bound",
    "process_parser",
    "require_files",
    "writable_file",
    "writable_folder",
]
