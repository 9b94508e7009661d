"""A class-data sharing (CDS) archive for the driver JVM: the classes Spark loads at start,
mapped from one file instead of read, verified and linked from ~250 jars each time. Measured
here (JDK 17, 2 cores): session start 7.5–9.9 s without it, 4.0–5.5 s with it.

Making one is slow (a JVM run with -XX:ArchiveClassesAtExit starts slower and spends seconds
dumping at exit: the bundled sample's `logdesk process` took 72–95 s instead of ~47 s), so the
user's own session never makes it: when a session without an archive ends, stop_session starts
`python -m logdesk.engine.class_archive` in the background (detached, as `git gc --auto`
is), which starts Spark, runs the warm-up and stops; later sessions map the archive.

A JVM must never map a partly written archive (a truncated one crashes it), so the dumping JVM
writes a file of its own, and only after that JVM has exited cleanly is the file renamed to the
name later sessions look for. The archive only fits the Java runtime and the jars it was made
with: its name carries a hash of both. A failed attempt is not retried for a day.
"""

from __future__ import annotations

import functools
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from logdesk.engine.java import _major_version
from logdesk.paths import cache_dir

# "off": no archive is used or made (the test session sets it: a dumping JVM runs slower)
ENV_SWITCH = "LOGDESK_CLASS_ARCHIVE"
_STALE_SECONDS = 3600  # an unfinished dump older than this belongs to no running JVM
_DUMP_EXIT_SECONDS = 120  # how long the maker waits for its JVM to write the archive
_RETRY_SECONDS = 86400  # after a failed attempt
# The dump notes every class it leaves out (hundreds of lines, on stdout): keep them off the
# user's terminal, as an archive that does not fit is skipped quietly too.
_QUIET = "-Xlog:cds*=off"


def applies(java_home: str, version: str) -> bool:
    """Not for a Java older than 13, the packaged app (its trimmed runtime has no base archive
    to build on), a cache path with a space (Spark splits the option string on spaces), or
    when switched off."""
    if os.environ.get(ENV_SWITCH, "").lower() == "off" or getattr(sys, "frozen", False):
        return False
    major = _major_version(version.removeprefix("Java ").strip())  # engine/java.py's form
    return (major or 0) >= 13 and " " not in str(archive_path(java_home, version))


def archive_option(java_home: str, version: str, make: bool = False) -> tuple[str, Path | None]:
    """(JVM option, the file this JVM dumps into or None): map the archive when there is one;
    else, with `make`, dump one. ("", None) otherwise."""
    if not applies(java_home, version):
        return "", None
    final = archive_path(java_home, version)
    if final.is_file():
        return f"{_QUIET} -XX:SharedArchiveFile={final}", None
    if not make:
        return "", None
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        _forget_stale(final.parent, keep=final)
    except OSError:
        return "", None
    dump = final.with_name(f"{final.stem}.{os.getpid()}-{time.monotonic_ns()}.dumping")
    try:
        dump.touch()  # the JVM writes it only at exit; until then it says a maker is running
    except OSError:
        return "", None
    return f"{_QUIET} -XX:ArchiveClassesAtExit={dump}", dump


def archive_path(java_home: str, version: str) -> Path:
    return cache_dir() / "jvm" / f"spark-{_runtime_key(java_home, version)}.jsa"


@functools.lru_cache(maxsize=None)
def _runtime_key(java_home: str, version: str) -> str:
    """Hash of the Java runtime and Spark's jars (~250 of them, stat-ed once per process)."""
    import pyspark

    jars = Path(pyspark.__file__).parent / "jars"
    try:
        listing = sorted((p.name, st.st_size, st.st_mtime_ns) for p in jars.iterdir() for st in [p.stat()])
    except OSError:
        listing = []
    text = repr((os.path.realpath(java_home), version, pyspark.__version__, str(jars), listing))
    return hashlib.sha1(text.encode()).hexdigest()[:16]


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


def make_in_background(java_home: str, version: str) -> bool:
    """Start the background maker unless an archive is there, being made, or failed lately.
    True when it was started."""
    if not applies(java_home, version):
        return False
    final = archive_path(java_home, version)
    folder = final.parent
    now = time.time()
    try:
        if final.is_file():
            return False
        folder.mkdir(parents=True, exist_ok=True)
        for path in folder.glob(f"{final.stem}.*"):
            age = now - path.stat().st_mtime
            if (path.suffix == ".dumping" and age < _STALE_SECONDS) or (
                    path.suffix == ".failed" and age < _RETRY_SECONDS):
                return False
        (folder / f"{final.stem}.failed").unlink(missing_ok=True)
        subprocess.Popen(
            [sys.executable, "-m", "logdesk.engine.class_archive"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, close_fds=True,
        )
    except OSError:
        return False
    return True


def _make() -> int:
    """The background maker: a session that dumps, the app's warm-up, a clean stop."""
    from logdesk.engine.backend import _warm_up
    from logdesk.engine.java import find_java
    from logdesk.engine.session import create_session, stop_session
    from logdesk.settings import Settings

    settings = Settings()
    java = find_java()
    final = archive_path(java.java_home, java.version)
    try:
        spark = create_session(settings.spark, settings.time_zone, app_name="logdesk-class-archive",
                               make_class_archive=True)
        _warm_up(spark, settings)
        stop_session(spark)
    except Exception:  # noqa: BLE001 - a background job: remember the failure, retry tomorrow
        pass
    if final.is_file():
        return 0
    (final.parent / f"{final.stem}.failed").touch()
    return 1


def _forget_stale(folder: Path, keep: Path) -> None:
    """Archives of other runtimes or jars, and dumps no JVM is writing any more."""
    now = time.time()
    for path in folder.iterdir():
        if path == keep:
            continue
        stale = now - path.stat().st_mtime > _STALE_SECONDS
        if path.suffix == ".jsa" or (path.suffix == ".dumping" and stale):
            path.unlink(missing_ok=True)


__all__ = ["ENV_SWITCH", "applies", "archive_option", "archive_path", "finish_dump",
           "make_in_background"]


if __name__ == "__main__":
    sys.exit(_make())
