"""The one SparkSession factory."""

from __future__ import annotations

import os
import threading

from pyspark import SparkContext
from pyspark.sql import SparkSession

from logdesk.engine.class_archive import applies, archive_option, finish_dump, make_in_background
from logdesk.engine.java import JavaNotFound, find_java
from logdesk.paths import resources_dir
from logdesk.settings import SparkSettings
from logdesk.spark_urls import LOCAL_MASTER as _LOCAL
from logdesk.spark_urls import validate_master

_lock = threading.Lock()


class SparkStartError(RuntimeError):
    """Spark could not start; the message is meant for the user."""


def default_shuffle_partitions(master: str) -> int:
    m = _LOCAL.match(master)
    if m:
        n = m.group(2)
        cores = (os.cpu_count() or 2) if n in (None, "*") else int(n)
        return max(2, cores * 2)
    return 64  # a cluster: Spark's 200 is too many for aggregated log data, 64 is a fair middle


def is_connect(master: str) -> bool:
    return master.startswith("sc://")


def create_session(settings: SparkSettings, time_zone: str, app_name: str = "logdesk",
                   make_class_archive: bool = False) -> SparkSession:
    """Start (or reuse) the SparkSession for these settings. make_class_archive: this JVM
    dumps the class archive (engine/class_archive.py's background maker only)."""
    problem = validate_master(settings.master)
    if problem:
        raise SparkStartError(f"spark.master {settings.master!r}: {problem}")
    partitions = settings.shuffle_partitions or default_shuffle_partitions(settings.master)
    with _lock:
        if is_connect(settings.master):
            try:
                builder = SparkSession.builder.remote(settings.master)
                spark = builder.appName(app_name).getOrCreate()
            except Exception as exc:  # pyspark raises many kinds here
                if "PACKAGE_NOT_INSTALLED" in str(exc) or isinstance(exc, ImportError):
                    raise SparkStartError(
                        f"Spark Connect ({settings.master}) needs the Spark Connect client: "
                        f'pip install "pyspark[connect]" ({_first_line(exc)})'
                    ) from exc
                raise SparkStartError(
                    f"Could not reach Spark Connect at {settings.master}: {_first_line(exc)}"
                ) from exc
            spark.conf.set("spark.sql.session.timeZone", time_zone)
            spark.conf.set("spark.sql.shuffle.partitions", str(partitions))
            return spark

        java = find_java()  # raises JavaNotFound with an install hint
        os.environ["JAVA_HOME"] = java.java_home
        archive, dump = archive_option(java.java_home, java.version, make=make_class_archive)
        launches = SparkContext._gateway is None  # else the JVM is up and keeps its options
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = (
            SparkSession.builder.master(settings.master)
            .appName(app_name)
            .config("spark.driver.memory", settings.driver_memory)
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", str(settings.ui_enabled).lower())
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", time_zone)
            .config("spark.sql.shuffle.partitions", str(partitions))
            .config("spark.sql.adaptive.enabled", "true")
            .config("spark.sql.sources.ignoreCorruptFiles", "false")
            # Otherwise every Column function call makes ~6 extra py4j round trips to record
            # its Python call site for error messages: 40% of the time spent building a run's
            # plans (seconds on a small folder), for a context our messages do not show.
            .config("spark.python.sql.dataFrameDebugging.enabled", "false")
            # A run compiles ~110 generated classes (its expressions are big) and Spark keeps
            # only 100: each run evicted the last one's and compiled them all again (4-7 s a run).
            .config("spark.sql.codegen.cache.maxEntries", "2000")
            # The run's copy is written partitioned by file and part (records/malformed/blank):
            # by default Spark sorts all rows by those columns first, a third of the write
            # (1M CSV rows: 8.7 s -> 5.7 s). A writer per partition value open at once needs no
            # sort; a task reads one file or a few small ones, so it holds only a few.
            .config("spark.sql.maxConcurrentOutputFileWriters", "64")
            .config("spark.sql.optimizer.plannedWrite.enabled", "false")
            # ISO dates in reports regardless of the user's JVM locale
            .config("spark.driver.extraJavaOptions", _driver_java_options(archive))
            .config("spark.executor.extraJavaOptions", f"{_LOCALE} {_JIT}")
        )
        try:
            spark = builder.getOrCreate()
        except Exception as exc:
            raise SparkStartError(
                f"Spark did not start with Java at {java.java_home} ({java.version}): "
                f"{_first_line(exc)}"
            ) from exc
        global _dumping, _without_archive
        if launches and dump is not None:
            _dumping = (dump, getattr(SparkContext._gateway, "proc", None))
        elif launches and not archive and applies(java.java_home, java.version):
            _without_archive = (java.java_home, java.version)
        spark.sparkContext.setLogLevel(settings.log_level)
        # getOrCreate may hand back a session started with another zone or partition count
        spark.conf.set("spark.sql.session.timeZone", time_zone)
        spark.conf.set("spark.sql.shuffle.partitions", str(partitions))
        return spark


def stop_session(spark: SparkSession | None) -> None:
    """Stop the session; when its JVM is the one making the class archive (class_archive.py),
    stop that JVM too and wait for it to write the archive; when it ran without one, start
    the background maker."""
    global _dumping, _without_archive
    if spark is None:
        return
    with _lock:
        try:
            spark.stop()
        except Exception:  # noqa: BLE001 - stopping a broken session must not fail shutdown
            pass
        if _dumping is not None:
            dump, process = _dumping
            _dumping = None
            _stop_jvm(process)
            finish_dump(dump, process)
        if _without_archive is not None:
            make_in_background(*_without_archive)
            _without_archive = None


def _stop_jvm(process) -> None:
    """End PySpark's gateway JVM, which exits (status 0) when its stdin closes; the next
    create_session starts a new one."""
    gateway = SparkContext._gateway
    SparkContext._gateway = None
    SparkContext._jvm = None
    try:
        if gateway is not None:
            gateway.shutdown()
    except Exception:  # noqa: BLE001 - a gateway that is already gone
        pass
    try:
        if process is not None and process.stdin is not None:
            process.stdin.close()
    except OSError:
        pass


# (the file the running JVM dumps its class archive into, its process) while there is one
_dumping: tuple | None = None
# (java home, version) of a running JVM that started without an archive it could have had
_without_archive: tuple | None = None


_LOCALE = "-Duser.language=en -Duser.country=US"
# Spark generates one Java method per stage; the normalize stage's method is larger than the
# 8000 bytes HotSpot is willing to JIT-compile, so by default it runs interpreted. Compiling it
# anyway made read & normalize ~35% faster here (benchmark.py, 1M rows: 8.5 s -> 5.7 s).
_JIT = "-XX:-DontCompileHugeMethods"


def _driver_java_options(archive: str = "") -> str:
    options = f"{_LOCALE} {_JIT} {archive}".rstrip()
    # Our log4j2 profile keeps Spark's startup chatter (default-profile notice, native-hadoop
    # warning, "Setting default log level") off the user's terminal.
    log_config = resources_dir() / "log4j2.properties"
    if log_config.is_file():
        options += f" -Dlog4j2.configurationFile={log_config.as_uri()}"  # a URI has no spaces
    return options


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


__all__ = [
    "JavaNotFound",
    "SparkStartError",
    "create_session",
    "default_shuffle_partitions",
    "is_connect",
    "stop_session",
    "validate_master",
]
