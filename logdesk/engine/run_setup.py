"""What a run needs before it reads: its cache, why the cache may be off for it, what of
logdesk's own output it must not read, and the message for a folder with nothing to read."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from logdesk.engine.cache.store import CacheStore
from logdesk.engine.discover import InputFile
from logdesk.engine.own_output import OwnOutput, own_outputs
from logdesk.paths import cache_dir
from logdesk.settings import Settings
from logdesk.spark_urls import runs_on_this_machine


class EmptyFolderError(ValueError):
    """The folder has no files logdesk could look at."""


def nothing_readable_message(folder: Path, inputs: Sequence[InputFile]) -> str:
    """One line for a folder none of whose files is a log: how many were found, and the most
    common reasons (the ingest report is not written; nothing was read)."""
    reasons: dict[str, int] = {}
    for f in inputs:
        why = f.note.removeprefix("not a log: ") or f.format
        reasons[why] = reasons.get(why, 0) + 1
    top = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    said = "; ".join(f"{n} {'file' if n == 1 else 'files'}: {why}" for why, n in top)
    more = "; ..." if len(reasons) > 3 else ""
    return (f"nothing to read in {folder}: {len(inputs):,} "
            f"{'file' if len(inputs) == 1 else 'files'} found, none of them a log ({said}{more})")


def cache_store(settings: Settings) -> CacheStore:
    """The user's cache (settings.cache), whether or not it is enabled."""
    if settings.cache.dir:
        root = Path(settings.cache.dir.removeprefix("file://")).expanduser()
    elif settings.paths.work_dir:
        root = Path(settings.paths.work_dir).expanduser() / "files"
    else:
        root = cache_dir() / "files"
    return CacheStore(root, settings.cache.max_size_mb * 1024 * 1024)


def cache_off_reason(settings: Settings) -> str:
    """Why this run cannot use the cache although it is enabled ("" when it can). The Spark
    job writes each file's copy into the cache folder: on a cluster, every executor must be
    able to write there, which a folder on this machine's own disk is not, unless the cluster
    runs on this machine."""
    where = settings.cache.dir
    if "://" in where and not where.startswith("file://"):
        return f"cache off for this run: cache.dir {where!r} must be a folder path (file:// or a mount)"
    # a cluster (or Spark Connect server) on this machine's loopback writes to its disk too
    if not runs_on_this_machine(settings.spark.master) and not where:
        return ("cache off for this run: with a cluster master, set cache.dir to a shared folder "
                "that every executor can write")
    return ""


def own_output_of(settings: Settings, folder: Path, outputs: Sequence[Path | str]) -> OwnOutput:
    """What of logdesk's own output a run of `folder` knows (engine/own_output.py). A folder
    inside logdesk's cache or work folders is not read at all: EmptyFolderError says why."""
    work_dir = settings.paths.work_dir
    runs = Path(work_dir).expanduser() if work_dir else cache_dir() / "runs"
    own = own_outputs(cache_store(settings).root, runs, cache_dir(), settings.paths.output_dir,
                      outputs)
    enclosing = own.enclosing(folder)
    if enclosing is not None:
        where, what = enclosing
        inside = "" if where == str(folder) else f"inside {where}, "
        raise EmptyFolderError(
            f"not read: {folder} is {inside}{what}, which holds logdesk's own copies and "
            "results, not logs; open the folder of the logs themselves")
    return own


__all__ = ["EmptyFolderError", "cache_off_reason", "cache_store", "nothing_readable_message",
           "own_output_of"]
