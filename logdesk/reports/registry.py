"""Where logdesk has written reports on this machine, so that it never reads them as logs.

A reports folder inside a folder of logs (`--out logs/reports`, the app's export folder put
there) would otherwise be read by the next run of that folder: alerts.log is JSON lines, the
CSV tables have a time column. The report writer remembers every folder it writes to, with
the files it wrote, in logdesk's folder of the user's cache directory; discovery lists those
files as logdesk's own output (engine/own_output.py). The most recent MAX_FOLDERS are kept;
losing the file only means such reports are read as logs again.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Sequence
from pathlib import Path

from logdesk.paths import cache_dir

REGISTRY_NAME = "report-folders.json"
MAX_FOLDERS = 200


def registry_file() -> Path:
    return cache_dir() / REGISTRY_NAME


def report_folders() -> list[tuple[str, tuple[str, ...]]]:
    """(folder, the files written there, relative) for every remembered reports folder."""
    try:
        doc = json.loads(registry_file().read_text(encoding="utf-8"))
        return [(str(f["path"]), tuple(str(n) for n in f["files"])) for f in doc["folders"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def remember_reports_folder(folder: Path, files: Sequence[str]) -> None:
    """Note that `files` (relative to `folder`) were written; best effort, never raises."""
    path = os.path.realpath(os.path.expanduser(str(folder)))
    known = [(p, f) for p, f in report_folders() if p != path]
    if len(known) >= MAX_FOLDERS:
        known = known[len(known) - MAX_FOLDERS + 1:]
    known.append((path, tuple(files)))
    target = registry_file()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{REGISTRY_NAME}.{uuid.uuid4().hex[:8]}")
        doc = {"folders": [{"path": p, "files": list(f)} for p, f in known]}
        tmp.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        pass


__all__ = ["MAX_FOLDERS", "REGISTRY_NAME", "registry_file", "remember_reports_folder",
           "report_folders"]
