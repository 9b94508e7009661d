"""The one SparkSession factory, and what happens when its JVM dies under it."""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading

from py4j.protocol import Py4JError, Py4JJavaError, Py4JNetworkError
from pyspark import SparkContext
from pyspark.sql import SparkSession

from logdesk.engine.class_archive import applies, archive_option, finish_dump, make_in_background
from logdesk.backend import SparkEngineDied
from logdesk.engine.driver_address import driver_address
from logdesk.engine.java import JavaNotFound, find_java
from logdesk.engine.run_control import is_connect_session
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
        address = driver_address(settings)
        # The JVM's own idea of this host's address: loopback for a cluster on this machine
        # (unless the user set another), else the advertised one, also in the packaged app
        # (which sets 127.0.0.1), so that nothing names loopback to a remote executor.
        if address.is_loopback:
            os.environ.setdefault("SPARK_LOCAL_IP", address.host)
        else:
            os.environ["SPARK_LOCAL_IP"] = address.host
        builder = (
            SparkSession.builder.master(settings.master)
            .appName(app_name)
            .config("spark.driver.memory", settings.driver_memory)
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
        for key, value in (*settings.conf, *address.spark_options().items()):
            builder = builder.config(key, value)
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
        except Exception as exc:  # noqa: BLE001 - stopping a broken session must not fail shutdown
            if not is_connect_session(spark) and engine_died(exc):
                _discard_locked()  # else the next create_session would get the dead one
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


# py4j's words for a connection that broke in the middle of a call
_LOST_CONNECTION = ("Answer from Java side is empty", "Error while sending or receiving",
                    "Error while receiving", "Error while sending")


def jvm_exited(wait: float = 0.0) -> bool | None:
    """Whether the JVM this process launched for Spark has ended, waiting up to `wait` seconds
    for it to (None: no such process is known, e.g. none was started, or the gateway was given
    through PYSPARK_GATEWAY_PORT)."""
    process = getattr(SparkContext._gateway, "proc", None)
    if process is None:
        return None
    try:
        if wait > 0:
            process.wait(timeout=wait)
            return True
        return process.poll() is not None
    except subprocess.TimeoutExpired:
        return False
    except OSError:
        return None


# How long a py4j-level error waits for the JVM to show as ended: a killed JVM's sockets close
# a moment before it can be reaped, and py4j may report the broken call as a plain Py4JError
# ("org.apache.spark.sql.functions.col does not exist in the JVM").
_EXIT_GRACE_SECONDS = 3.0


def engine_died(exc: BaseException) -> bool:
    """Whether `exc` (with its causes) means Spark's JVM is gone. A dead JVM shows as a
    ConnectionRefusedError or ConnectionResetError (py4j reconnecting, or PySpark reporting
    the error through the dead gateway), a Py4JNetworkError, or a Py4JError "Answer from Java
    side is empty"; whatever else a call raised, a JVM process that has exited died (after a
    py4j-level error, i.e. not one the JVM sent, the process gets a moment to show it)."""
    if isinstance(exc, SparkEngineDied):
        return True
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    py4j_level = False
    while pending:
        e = pending.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, SparkEngineDied | Py4JNetworkError):
            return True
        if isinstance(e, Py4JError) and not isinstance(e, Py4JJavaError):
            if any(text in str(e) for text in _LOST_CONNECTION):
                return True
            py4j_level = True
        if isinstance(e, ConnectionError) and SparkContext._gateway is not None:
            # no other sockets in a Spark call: the gateway's connection broke (the process may
            # not show as ended yet: its sockets close before it can be reaped)
            return True
        cause = getattr(e, "cause", None)  # py4j keeps the network error it wraps there
        pending += [e.__cause__, e.__context__, cause if isinstance(cause, BaseException) else None]
    if SparkContext._gateway is None:
        return False
    return jvm_exited(_EXIT_GRACE_SECONDS if py4j_level else 0.0) is True


def discard_dead_session() -> None:
    """Forget the session and gateway of a JVM that died, so that the next create_session
    launches a new JVM (SparkSession.builder.getOrCreate would hand back the dead session, and
    SparkContext would reuse the dead gateway). Never raises; stopping cleanly is impossible
    (SparkContext.stop asks the dead JVM first, fails, and leaves itself registered)."""
    with _lock:
        _discard_locked()


def _discard_locked() -> None:
    global _dumping, _without_archive
    from pyspark.sql.context import SQLContext

    gateway = SparkContext._gateway
    with SparkContext._lock:
        context = SparkContext._active_spark_context
        SparkContext._active_spark_context = None
        SparkContext._gateway = None
        SparkContext._jvm = None
    if context is not None:
        context._jsc = None
        server = getattr(context, "_accumulatorServer", None)
        context._accumulatorServer = None
        if server is not None:
            with contextlib.suppress(Exception):
                server.shutdown()  # a Python thread of ours (serve_forever ends)
    SparkSession._instantiatedSession = None
    SparkSession._activeSession = None
    SQLContext._instantiatedContext = None
    _dumping = None  # its archive is not written: the maker retries another day
    _without_archive = None
    if gateway is None:
        return
    with contextlib.suppress(Exception):
        gateway.shutdown()  # closes the callback server and the sockets, quietly
    process = getattr(gateway, "proc", None)
    if process is not None:
        with contextlib.suppress(Exception):
            if process.poll() is None:  # a JVM that hangs without answering: end it
                process.kill()
            process.wait(timeout=30)
        with contextlib.suppress(Exception):
            if process.stdin is not None:
                process.stdin.close()


def translate_engine_death(exc: BaseException) -> None:
    """Raise SparkEngineDied (the dead session discarded) when `exc` means the JVM died."""
    if not isinstance(exc, SparkEngineDied) and engine_died(exc):
        discard_dead_session()
        raise SparkEngineDied() from exc


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
    "SparkEngineDied",
    "SparkStartError",
    "create_session",
    "default_shuffle_partitions",
    "discard_dead_session",
    "engine_died",
    "is_connect",
    "jvm_exited",
    "stop_session",
    "translate_engine_death",
    "validate_master",
]
