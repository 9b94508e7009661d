"""engine_died: how a dead JVM shows, told apart from Spark's ordinary errors, with the shared
session alive (a JVM really killed: tests/test_cli_faults.py and tests/ui/test_engine_death.py,
in processes of their own)."""

from __future__ import annotations

import pytest
from py4j.protocol import Py4JError, Py4JNetworkError

from logdesk.backend import SparkEngineDied
from logdesk.engine.io_errors import java_io_reason
from logdesk.engine.session import engine_died, jvm_exited


def _raised_from(cause: BaseException) -> RuntimeError:
    try:
        try:
            raise cause
        except BaseException as exc:
            raise RuntimeError("while building a plan") from exc
    except RuntimeError as outer:
        return outer


def test_the_shared_jvm_is_alive(spark):
    assert jvm_exited() is False


@pytest.mark.parametrize("exc", [
    SparkEngineDied(),
    Py4JNetworkError("Answer from Java side is empty"),
    Py4JError("An error occurred while calling o12.count", Py4JNetworkError("Error while sending or receiving")),
    Py4JError("Answer from Java side is empty"),
    ConnectionRefusedError(111, "Connection refused"),
    ConnectionResetError(104, "Connection reset by peer"),
    _raised_from(ConnectionRefusedError(111, "Connection refused")),
    _raised_from(Py4JNetworkError("Answer from Java side is empty")),
], ids=lambda e: f"{type(e).__name__}:{e}")
def test_a_lost_connection_is_a_dead_engine(spark, exc):
    assert engine_died(exc)


@pytest.mark.parametrize("exc", [
    ValueError("bad value"),
    FileNotFoundError(2, "No such file or directory", "/x"),
    Py4JError("Method foo([]) does not exist"),
    _raised_from(KeyError("ts")),
], ids=lambda e: f"{type(e).__name__}:{e}")
def test_other_errors_with_a_living_jvm_are_not(spark, exc):
    assert not engine_died(exc)


def test_a_spark_error_is_not_a_dead_engine_nor_a_file_error(spark):
    with pytest.raises(Exception) as failed:
        spark.sql("SELECT 1 / 0 AS x").collect()  # ANSI mode: DIVIDE_BY_ZERO
    assert not engine_died(failed.value)
    assert java_io_reason(failed.value) is None


def test_a_spark_write_into_a_file_gives_the_java_io_reason(spark, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the output folder should be")
    with pytest.raises(Exception) as failed:
        spark.range(3).write.mode("overwrite").parquet(str(blocker / "out"))
    assert not engine_died(failed.value)
    reason = java_io_reason(failed.value)
    assert reason is not None and "blocker" in reason, reason
