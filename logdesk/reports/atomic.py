"""Write a set of files so that readers see all the new versions or none of them.

Every file is first written in full to a temporary file next to its target and flushed to
disk; only then are the temporaries renamed over the targets. If anything fails, the
temporaries are deleted, targets already renamed are put back as they were (or removed when
they are new), and ReportWriteError says which folder and why.

New files get the mode an ordinary `open()` would give them: 0o666 minus the process umask
(mkstemp alone makes them 0600). An existing target this process may not write is not
replaced (a rename would: it needs only the folder), so a report the user made read-only, or
one owned by another user, stays as it is and the error names it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO


def _proc_umask() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return None


def _umask_round_trip() -> int:
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


# Where /proc does not show it (macOS, Windows, old kernels), the umask is read once here by
# setting and restoring it (os.umask has no read-only form); on Linux it is never touched.
_UMASK_AT_IMPORT = _umask_round_trip() if _proc_umask() is None else None


def current_umask() -> int:
    """The process umask, without changing it."""
    mask = _proc_umask()
    if mask is None:
        mask = _UMASK_AT_IMPORT if _UMASK_AT_IMPORT is not None else _umask_round_trip()
    return mask


def new_file_mode() -> int:
    """The mode of a new regular file under the current umask (0o644 under 022)."""
    return 0o666 & ~current_umask()


def apply_umask(path: Path | str) -> None:
    """Give `path` (a file made by mkstemp or by Spark) the mode of a new file."""
    os.chmod(path, new_file_mode())


class ReportWriteError(RuntimeError):
    """Reports could not be written; the message is one line meant for the user."""


@dataclass(frozen=True)
class PendingFile:
    """One file to write: `content` bytes, or `write` filling an open binary file (used to
    copy large files without reading them into memory)."""

    target: Path
    content: bytes | None = None
    write: Callable[[BinaryIO], None] | None = None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc) or type(exc).__name__
        where = exc.filename
        return f"{reason} ({where})" if where else reason
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def write_error(folder: Path, exc: BaseException) -> ReportWriteError:
    """The one-line error for a failure while writing into `folder`."""
    return ReportWriteError(f"Could not write reports to {folder}: {_describe(exc)}")


def _make_dirs(path: Path, created: list[Path]) -> None:
    missing = []
    for parent in [path, *path.parents]:
        if parent.exists():
            break
        missing.append(parent)
    for folder in reversed(missing):
        folder.mkdir(exist_ok=True)
        created.append(folder)


def _write_temp(pending: PendingFile) -> Path:
    try:
        fd, name = tempfile.mkstemp(
            dir=pending.target.parent, prefix=f".{pending.target.name}.", suffix=".tmp"
        )
    except OSError as exc:  # it names the temporary: name the folder the user knows
        if exc.errno is None:
            raise
        raise OSError(exc.errno, exc.strerror, str(pending.target.parent)) from exc
    temp = Path(name)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, new_file_mode())
        with os.fdopen(fd, "wb") as fh:
            if pending.write is not None:
                pending.write(fh)
            elif pending.content is not None:
                fh.write(pending.content)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        temp.unlink(missing_ok=True)
        if exc.filename is None and exc.errno is not None:
            # a failed write() names no file: name the report, not its temporary
            raise OSError(exc.errno, exc.strerror, str(pending.target)) from exc
        raise
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _check_writable(target: Path) -> None:
    """OSError (naming `target`) when this process may not write the existing `target`: its
    mode, its owner, a read-only file system. Opened for writing, changed in no way."""
    fd = os.open(target, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0))
    os.close(fd)


def _backup(target: Path) -> Path:
    """A copy of an existing target to restore on failure (a hard link when possible)."""
    backup = target.with_name(f".{target.name}.{os.getpid()}.bak")
    backup.unlink(missing_ok=True)
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)
    return backup


def _quietly(action: Callable[[], object]) -> None:
    try:
        action()
    except OSError:
        pass  # best effort while already handling a failure


def _sync_dirs(folders: set[Path]) -> None:
    if os.name == "nt":
        return
    for folder in folders:
        try:
            fd = os.open(folder, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)


def commit_files(files: Sequence[PendingFile], folder: Path) -> list[Path]:
    """Write all `files` or none; `folder` names the place in error messages."""
    created_dirs: list[Path] = []
    temps: dict[Path, Path] = {}
    backups: dict[Path, Path] = {}
    replaced: list[Path] = []
    try:
        for pending in files:
            _make_dirs(pending.target.parent, created_dirs)
            if pending.target.is_dir():
                raise IsADirectoryError(21, "Is a directory", str(pending.target))
            if pending.target.exists():
                _check_writable(pending.target)
            temps[pending.target] = _write_temp(pending)
        for target, temp in temps.items():
            if target.exists():
                backups[target] = _backup(target)
            os.replace(temp, target)
            replaced.append(target)
    except (OSError, ValueError) as exc:
        for target in reversed(replaced):
            if target in backups:
                _quietly(lambda t=target: os.replace(backups.pop(t), t))
            else:
                _quietly(lambda t=target: t.unlink(missing_ok=True))
        for path in [*temps.values(), *backups.values()]:
            _quietly(lambda p=path: p.unlink(missing_ok=True))
        for created in reversed(created_dirs):
            _quietly(created.rmdir)  # only succeeds when empty
        raise write_error(folder, exc) from exc
    for backup in backups.values():
        _quietly(backup.unlink)
    _sync_dirs({t.parent for t in replaced})
    return [pending.target for pending in files]
