"""Where a run's input folder is, as the executors will read it (plain Python).

With Spark on this machine (local[...], or a cluster on its loopback) a folder is a local
path. A cluster on other hosts reads the files on its own machines, which cannot see this
computer's disk: the folder must be on storage they all mount, and the user says so by giving
it as a file:// URL (file:///mnt/logs), which discovery reads through the same mount here. A
plain path with such a master is refused before any Spark job, with that explanation, unless
it lies in one of the folders the config names as mounted by every executor
(spark.shared_folders): that is how the app, which opens folders, not URLs, reads them.
Folders on hdfs:// or s3a:// are not read yet (discovery reads file heads from this machine).
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path

from logdesk.spark_urls import runs_on_this_machine


class InputNotReachable(ValueError):
    """The folder cannot be read by the Spark that would run; the message says why and what
    to do instead."""


def folder_of(given: str | Path, master: str,
              shared_folders: tuple[str, ...] = ()) -> tuple[Path, bool]:
    """(the folder as a path on this machine, whether it is on shared storage) for `given`
    (a path, or a file:// URL); InputNotReachable when `master` could not read it.
    `shared_folders` (config spark.shared_folders): folders every executor mounts at the same
    path, whose subfolders are shared as they are."""
    text = str(given)
    # argparse's Path turns file:///x into file:/x
    if text.startswith("file:"):
        parts = urllib.parse.urlsplit(text)
        if parts.netloc not in ("", "localhost"):
            raise InputNotReachable(
                f"{text}: a file:// URL names a path on a mount every machine shares "
                f"(file:///mnt/logs), not a host ({parts.netloc})")
        return Path(urllib.parse.unquote(parts.path)), True
    scheme = text.split("://", 1)[0] if "://" in text else ""
    if scheme:
        raise InputNotReachable(
            f"{text}: logdesk reads folders on this machine's file system or a mount "
            f"(file:///path); {scheme}:// is not supported yet: mount it and give file:///mount/path")
    path = Path(text)
    if shared_folders and _inside(path, shared_folders):
        return path, True
    if not runs_on_this_machine(master):
        raise InputNotReachable(
            f"the Spark cluster at {master} reads the files on its own machines, which cannot "
            f"see {path} on this computer: put the logs on storage every executor mounts and "
            f"give the folder as file://{path.expanduser().resolve().as_posix()} (its path on "
            "that mount; or list the mount in spark.shared_folders)")
    return path, False


def _inside(path: Path, folders: tuple[str, ...]) -> bool:
    real = path.expanduser().resolve()
    return any(real == Path(f).resolve() or Path(f).resolve() in real.parents for f in folders)


__all__ = ["InputNotReachable", "folder_of"]
