"""A run's Spark jobs as one group (classic) or tag (Spark Connect): cancel, descriptions."""

from __future__ import annotations

from pyspark.sql import SparkSession

from logdesk.control import RunControl


def is_connect_session(spark: SparkSession) -> bool:
    return type(spark).__module__.startswith("pyspark.sql.connect")


def attach_cancel(spark: SparkSession, control: RunControl, group: str) -> None:
    if is_connect_session(spark):
        spark.addTag(group)
        control.set_canceller(lambda: spark.interruptTag(group))
        return
    sc = spark.sparkContext
    sc.setJobGroup(group, "logdesk run", interruptOnCancel=True)
    control.set_canceller(lambda: sc.cancelJobGroup(group))


def detach_cancel(spark: SparkSession, group: str) -> None:
    """Later jobs on this thread (records queries) must not run in the finished run's group."""
    try:
        if is_connect_session(spark):
            spark.removeTag(group)
            return
        sc = spark.sparkContext
        for key in ("spark.jobGroup.id", "spark.job.description", "spark.job.interruptOnCancel"):
            sc.setLocalProperty(key, None)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - a stopped session has nothing left to clear
        pass


def describe(spark: SparkSession, text: str) -> None:
    if not is_connect_session(spark):
        spark.sparkContext.setLocalProperty("spark.job.description", text)


__all__ = ["attach_cancel", "describe", "detach_cancel", "is_connect_session"]
