"""A file error inside Spark (disk full, read-only, permission denied while a job writes) as
one line: it reaches Python as a Py4JJavaError whose Java causes end in a java.io.IOException,
far below Spark's own "Task failed while writing rows" wrapper."""

from __future__ import annotations

from py4j.java_gateway import is_instance_of
from pyspark import SparkContext

_MAX_DEPTH = 30  # causes followed at most (a cycle cannot keep us here)


def java_io_reason(exc: BaseException) -> str | None:
    """The message of the innermost java.io.IOException behind `exc` ("No space left on
    device"), or None when `exc` is no Java file error. Asks the (living) JVM."""
    java = getattr(exc, "java_exception", None) or getattr(exc, "_origin", None)
    gateway = SparkContext._gateway
    if java is None or gateway is None:
        return None
    reason = None
    try:
        for _ in range(_MAX_DEPTH):
            if java is None:
                break
            if is_instance_of(gateway, java, "java.io.IOException"):
                reason = java.getMessage() or java.getClass().getSimpleName()
            java = java.getCause()
    except Exception:  # noqa: BLE001 - a JVM that cannot answer: no reason to give
        return reason
    return str(reason).splitlines()[0][:300] if reason else None


__all__ = ["java_io_reason"]
