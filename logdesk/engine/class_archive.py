"""A class-data sharing (CDS) archive for the driver JVM: the classes Spark loads at start,
mapped from one file instead of read, verified and linked from ~250 jars each time. Measured
here (JDK 17, 2 cores): session start 7.5–9.9 s without it, 4.0–5.5 s with it.

The first session without an archive runs with -XX:ArchiveClassesAtExit, which costs it a
few seconds at start and at exit. A JVM must never map a partly written archive (a truncated
one crashes it), so that JVM dumps into a file of its own, and only stop_session, after the JVM
has exited cleanly, renames the file to the name later sessions look for. The archive only
fits the Java runtime and the jars it was made with: its name carries a hash of both.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from logdesk.paths import cache_dir

# "off": no archive is used or made (the test session sets it: a dumping JVM runs slower)
ENV_SWITCH = "LOGDESK_CLASS_ARCHIVE"
_STALE_SECONDS = 3600  # an unfinished dump older than this belongs to no running JVM
_DUMP_EXIT_SECONDS = 120  # how long stop_session waits for the JVM to write its archive
# The dump notes every class it leaves out (hundreds of lines, on stdout): keep them off the
# user's terminal, as an archive that does not fit is skipped quietly too.
_QUIET = "-Xlog:cds*=off"


def archive_option(java_home: str, version: str) -> tuple[str, Path | None]:
    """(JVM option, the file this JVM dumps into or None). ("", None) when not applicable: a
    Java older than 13, the packaged app (its trimmed runtime has no base archive to build on),
    a cache path with a space (Spark splits the option string on spaces), or switched off."""
    if os.environ.get(ENV_SWITCH, "").lower() == "off" or getattr(sys, "frozen", False):
        return "", None
    if _major(version) < 13:
        return "", None
    final = archive_path(java_home, version)
    if " " in str(final):
        return "", None
    if final.is_file():
        return f"{_QUIET} -XX:SharedArchiveFile={final}", None
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        _forget_stale(final.parent, keep=final)
    except OSError:
        return "", None
    dump = final.with_name(f"{final.stem}.{os.getpid()}-{time.monotonic_ns()}.dumping")
    return f"{_QUIET} -XX:ArchiveClassesAtExit={dump}", dump


def archive_path(java_home: str, version: str) -> Path:
    import pyspark

    jars = Path(pyspark.__file__).parent / "jars"
    try:
        listing = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in jars.iterdir())
    except OSError:
        listing = []
    text = repr((os.path.realpath(java_home), version, pyspark.__version__, str(jars), listing))
    return cache_dir() / "jvm" / f"spark-{hashlib.sha1(text.encode()).hexdigest()[:16]}.jsa"


def finish_dump(dump: Path, process: subprocess.Popen | None) -> bool:
    """After the JVM that dumps into `dump` was asked to exit: wait for it, then publish the
    archive when it exited cleanly. True when the archive is now there."""
    if process is None:
        return False
    try:
        code = process.wait(timeout=_DUMP_EXIT_SECONDS)
    except subprocess.TimeoutExpired:
        return False
    final = dump.with_name(dump.name.split(".", 1)[0] + ".jsa")
    try:
        if code == 0 and dump.is_file() and dump.stat().st_size > 0:
            os.replace(dump, final)
            return True
        dump.unlink(missing_ok=True)
    except OSError:
        pass
    return False


def _forget_stale(folder: Path, keep: Path) -> None:
    """Archives of other runtimes or jars, and dumps no JVM is writing any more."""
    now = time.time()
    for path in folder.iterdir():
        if path == keep:
            continue
        if path.suffix == ".jsa" or (path.suffix == ".dumping" and now - path.stat().st_mtime > _STALE_SECONDS):
            path.unlink(missing_ok=True)


def _major(version: str) -> int:
    """17 from "Java 17.0.15" (engine/java.py's form) or "17.0.15"; 8 from "1.8.0_392"."""
    head = version.split()[-1].split(".")[0].split("-")[0].split("+")[0] if version.split() else ""
    if version.split() and version.split()[-1].startswith("1."):
        return 8
    try:
        return int(head)
    except ValueError:
        return 0


__all__ = ["ENV_SWITCH", "archive_option", "archive_path", "finish_dump"]
