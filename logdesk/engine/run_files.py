"""Where one run keeps its normalized copy and malformed rows, and how it publishes a CSV."""

from __future__ import annotations

import hashlib
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from logdesk.paths import cache_dir


TEMPLATES_DIR_NAME = "templates"


def templates_dir_of(records_path: str) -> Path:
    """The run's template mapping folder, from its records folder (<run>/staged/part=records)."""
    return Path(records_path).parent.parent / TEMPLATES_DIR_NAME


@dataclass(frozen=True)
class RunFiles:
    folder_dir: Path  # all runs of one input folder
    run_dir: Path  # this run

    @property
    def templates_dir(self) -> Path:
        """The mined template mapping (masked message -> template) of this run."""
        return self.run_dir / TEMPLATES_DIR_NAME

    @property
    def malformed_csv(self) -> Path:
        return self.run_dir / "malformed_rows.csv"

    def commit(self) -> None:
        """Keep this run, drop the older runs of the same folder (their copies are stale)."""
        for other in self.folder_dir.iterdir():
            if other != self.run_dir and other.is_dir():
                shutil.rmtree(other, ignore_errors=True)


class WorkDirError(OSError):
    """The folder for normalized copies cannot be written; the message says what to do."""


def prepare_run_files(folder: Path, work_dir: str) -> RunFiles:
    base = Path(work_dir).expanduser() if work_dir else cache_dir() / "runs"
    key = hashlib.sha1(str(folder).encode("utf-8")).hexdigest()[:16]
    folder_dir = base / key
    run_dir = folder_dir / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
    try:
        run_dir.mkdir(parents=True, exist_ok=False)
        (folder_dir / "FOLDER.txt").write_text(str(folder) + "\n", encoding="utf-8")
    except OSError as exc:
        raise WorkDirError(
            f"cannot write logdesk's work folder {base} ({exc.strerror or exc}); "
            "set paths.work_dir in your config to a writable folder"
        ) from exc
    return RunFiles(folder_dir=folder_dir, run_dir=run_dir)
