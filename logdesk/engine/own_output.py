"""logdesk's own files are never read as logs, wherever they are (pure Python).

Reports written into (or under) the folder being read would otherwise be read by the next run
as logs: alerts.log is JSON lines, the CSV tables have a time column. So discovery lists them,
like every file it finds, but with the fate "skipped: logdesk's own output" and a note saying
which output they are:

* the report files of a reports folder: the one the run was told about (`--out`, the
  settings' paths.output_dir), and every folder logdesk has written reports to on this
  machine (reports/registry.py remembers them, with the files written). Only the report
  files: other files in that folder (`--out` pointed at the log folder itself) are read;
* the records export: the file the run was told about (`--records`), and any CSV whose header
  is exactly the export's (EXPORT_HEADER), unless that file is what the run was pointed at;
* logdesk's cache and work folders, whole: the cache (cache.dir, or files/ beside the runs),
  the runs' folders, and logdesk's folder in the user's cache directory.

A folder that lies inside the cache or work folders is not read at all: the run ends with a
message saying whose folder it is (enclosing()).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from logdesk.reports.registry import report_folders
from logdesk.reports.writer import REPORT_FILES

# The records export's CSV header (records_export.EXPORT_COLUMNS)
EXPORT_HEADER: tuple[str, ...] = (
    "timestamp", "level", "service", "ip", "endpoint", "message", "template", "error_type",
    "source_file", "line",
)
OWN_NOTE = "logdesk's own output"  # every such note starts so
_RUN_FOLDER = re.compile(r"[0-9a-f]{16}")  # run_files.prepare_run_files: <base>/<key>/


def _real(path: Path | str) -> str:
    return os.path.realpath(os.path.expanduser(str(path)))


@dataclass
class OwnOutput:
    """What the run knows of logdesk's own files: folders that are wholly logdesk's, single
    files, and the base of the runs' folders. Paths are real paths."""

    folders: dict[str, str] = field(default_factory=dict)  # folder -> what it is
    files: dict[str, str] = field(default_factory=dict)  # file -> what it is
    run_base: str = ""

    def add_folder(self, path: Path | str, what: str) -> None:
        self.folders.setdefault(_real(path), what)

    def add_reports(self, folder: Path | str, what: str,
                    files: Sequence[str] = REPORT_FILES) -> None:
        """The report files of a reports folder (relative names)."""
        root = _real(folder)
        for name in files:
            self.files.setdefault(os.path.join(root, *name.split("/")), what)

    def add_file(self, path: Path | str, what: str) -> None:
        self.files.setdefault(_real(path), what)

    def folder(self, path: str) -> str | None:
        """What a folder of the walk is when it is wholly logdesk's (None: it is not)."""
        what = self.folders.get(path)
        if what is None and self.run_base and os.path.dirname(path) == self.run_base:
            if _RUN_FOLDER.fullmatch(os.path.basename(path)):
                return "logdesk's work folder (paths.work_dir)"
        return what

    def enclosing(self, folder: Path | str) -> tuple[str, str] | None:
        """(the folder, what it is) when `folder` is one of the wholly-logdesk folders or
        inside one."""
        path = _real(folder)
        while True:
            what = self.folder(path)
            if what is not None:
                return path, what
            parent = os.path.dirname(path)
            if parent == path:
                return None
            path = parent


def own_note(what: str) -> str:
    return f"{OWN_NOTE}: {what}, not read as a log"


def own_outputs(cache_root: Path, run_base: Path, user_cache: Path, output_dir: str,
                given: Iterable[Path | str] = ()) -> OwnOutput:
    """The run's own output: its cache root and runs' base (engine/pipeline.py knows them),
    logdesk's folder in the user's cache directory, the settings' reports folder, and the
    outputs the caller names (`given`: a folder is a reports folder, anything else a file,
    such as the records export)."""
    own = OwnOutput(run_base=_real(run_base))
    own.add_folder(cache_root, "logdesk's cache (cache.dir)")
    own.add_folder(user_cache, "logdesk's cache folder")
    for path in given:
        if os.path.isdir(path):
            own.add_reports(path, "a report of this run's output folder")
        else:
            own.add_file(path, "this run's records export")
    if output_dir:
        own.add_reports(Path(output_dir).expanduser().resolve(),
                        "a report in the reports folder (paths.output_dir)")
    for folder, files in report_folders():
        own.add_reports(folder, "a report logdesk wrote", files)
    return own


__all__ = ["EXPORT_HEADER", "OWN_NOTE", "OwnOutput", "own_note", "own_outputs"]
