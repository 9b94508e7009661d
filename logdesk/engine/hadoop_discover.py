"""Discovery of a folder on a Hadoop file system (hdfs://, s3a://, viewfs://, ...).

The same fates as discover.py's walk of a local folder, listed through Hadoop's FileSystem API
in the Spark session's JVM: every file under the folder (hidden names, starting with ".", are
not looked at), described from its head, read through the same API (engine/input_io.py). A
subfolder that cannot be listed is reported as unreadable. Hadoop has no inodes and no FIFOs,
so the local walk's checks for links and special files have nothing to do here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from logdesk.engine.discover import (FORMAT_CSV, FORMAT_SKIPPED, FORMAT_UNREADABLE, InputFile,
                                     describe_file)
from logdesk.engine.file_head import os_error_text
from logdesk.engine.input_io import hadoop_file_system, java_errors
from logdesk.engine.own_output import EXPORT_HEADER, own_note
from logdesk.engine.text_formats import TextFormat
from logdesk.engine.timestamps.samples import forced_pattern
from logdesk.settings import TimestampLayoutSettings

_PROGRESS_SECONDS = 0.25


def qualified_folder(url: str) -> str:
    """The folder's URL as Hadoop spells the paths under it (hdfs:///logs ->
    hdfs://namenode:8020/logs, no trailing "/"): the run's name for the folder."""
    with java_errors(url):
        fs, path = hadoop_file_system(url)
        return str(fs.makeQualified(path).toString()).rstrip("/")


def discover_hadoop_inputs(url: str, text_formats: Sequence[TextFormat] = (),
                           timestamp_layouts: Sequence[TimestampLayoutSettings] = (),
                           check: Callable[[], None] = lambda: None,
                           progress: Callable[[int, int], None] = lambda done, total: None,
                           ) -> list[InputFile]:
    """Every file under the folder `url` (qualified_folder's spelling) with its fate, sorted
    by path; `url` may also be one file. As discover.discover_inputs, with the same
    `timestamp_layouts`, `check` and `progress`."""
    with java_errors(url):
        fs, root = hadoop_file_system(url)
        is_file = bool(fs.getFileStatus(root).isFile())  # FileNotFoundError when missing
    if is_file:
        name = url.rsplit("/", 1)[-1]
        return [describe_file(url, text_formats, forced_pattern(name, timestamp_layouts))]
    found: list[InputFile] = []
    files: list[tuple[str, str]] = []  # (URL, path relative to the folder)
    pending = [(root, "")]
    while pending:
        check()
        folder, relative = pending.pop()
        try:
            with java_errors(str(folder.toString())):
                entries = []
                for st in fs.listStatus(folder):
                    jpath = st.getPath()
                    entries.append((str(jpath.getName()), str(jpath.toString()),
                                    bool(st.isDirectory()), jpath))
        except OSError as exc:
            found.append(InputFile(str(folder.toString()), FORMAT_UNREADABLE, 0, 0.0, None, "",
                                   f"cannot list folder: {os_error_text(exc)}"))
            continue
        for name, path, is_dir, jpath in sorted(entries, key=lambda e: e[0]):
            if name.startswith("."):
                continue
            inner = f"{relative}/{name}" if relative else name
            if is_dir:
                pending.append((jpath, inner))
            else:
                files.append((path, inner))
    last = time.monotonic()
    for done, (path, relative) in enumerate(files):
        check()
        if time.monotonic() - last >= _PROGRESS_SECONDS:
            progress(done, len(files))
            last = time.monotonic()
        forced = forced_pattern(relative, timestamp_layouts) if timestamp_layouts else None
        described = describe_file(path, text_formats, forced)
        if described.format == FORMAT_CSV and described.header == EXPORT_HEADER:
            described = InputFile(path, FORMAT_SKIPPED, described.size, described.mtime, None, "",
                                  own_note("a records export written by logdesk"))
        found.append(described)
    if files:
        progress(len(files), len(files))
    return sorted(found, key=lambda f: f.path)


__all__ = ["discover_hadoop_inputs", "qualified_folder"]
