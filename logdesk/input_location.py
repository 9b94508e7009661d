"""Where a run's input folder is, as the executors will read it (plain Python).

With Spark on this machine (local[...], or a cluster on its loopback) a folder is a local
path. A cluster on other hosts reads the files on its own machines, which cannot see this
computer's disk: the folder must be on storage they all mount, and the user says so by giving
it as a file:// URL (file:///mnt/logs), which discovery reads through the same mount here. A
plain path with such a master is refused before any Spark job, with that explanation, unless
it lies in one of the folders the config names as mounted by every executor
(spark.shared_folders): that is how the app, which opens folders, not URLs, reads them.
A folder on a Hadoop file system (hdfs://, s3a://, viewfs://, ...) is shared by nature: its
URL is kept as it is (a Path would fold its "//"), and discovery lists it through Hadoop's
FileSystem API in the driver's JVM, which a Spark Connect client does not have.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

from logdesk.spark_urls import is_hadoop_url, runs_on_this_machine


# scheme:/path (two letters at least: C:/logs is a Windows path)
_FOLDED_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+:/(?!/)")


class InputNotReachable(ValueError):
    """The folder cannot be read by the Spark that would run; the message says why and what
    to do instead."""


def folder_of(given: str | Path, master: str,
              shared_folders: tuple[str, ...] = ()) -> tuple[Path | str, bool]:
    """(the folder as a path on this machine, or a Hadoop file system's URL as a str; whether
    it is on shared storage) for `given` (a path, a file:// URL or a Hadoop URL);
    InputNotReachable when `master` could not read it.
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
    if is_hadoop_url(text):
        scheme = text.split("://", 1)[0]
        if master.startswith("sc://"):
            raise InputNotReachable(
                f"{text}: with Spark Connect logdesk cannot list a {scheme}:// folder (that "
                "needs the driver's JVM, which a Connect client has not): mount it where the "
                "server and this machine both see it and give file:///mount/path")
        folder = text.rstrip("/")  # hdfs://nn/logs/ and hdfs://nn/logs are one folder
        return (folder if "://" in folder else text), True
    if _FOLDED_URL.match(text):  # a Path folded hdfs://nn/x into hdfs:/nn/x
        raise InputNotReachable(f"{text}: not a URL logdesk can read (a URL's \"//\" was "
                                "lost on the way: give it as text, hdfs://host/path)")
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


def folder_value(given: str | Path) -> Path | str:
    """A folder as the run takes it: a Hadoop URL as text (a Path would fold its "//"),
    anything else as a Path."""
    text = str(given)
    return text if is_hadoop_url(text) else Path(text)


def _inside(path: Path, folders: tuple[str, ...]) -> bool:
    real = path.expanduser().resolve()
    return any(real == Path(f).resolve() or Path(f).resolve() in real.parents for f in folders)


__all__ = ["InputNotReachable", "folder_of", "folder_value"]
