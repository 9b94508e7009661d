"""A run's Spark jobs as one group (classic) or tag (Spark Connect): cancel, descriptions;
and the run's stages, timed and reported as progress."""

from __future__ import annotations

import threading
import time

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

    def cancel() -> None:
        # the group's running jobs, and any it would start later: a cancel that comes while
        # the driver builds the next job's plan must not let that job run
        try:
            sc._jsc.sc().cancelJobGroupAndFutureJobs(group)
        except Exception:  # noqa: BLE001 - a Spark without it: the running jobs at least
            sc.cancelJobGroup(group)

    control.set_canceller(cancel)


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


# Stage names, in order, with the share of a typical run's time each takes (for the bar).
STAGES: tuple[tuple[str, float], ...] = (
    ("discover", 0.05),
    ("read & normalize", 0.65),
    ("aggregate", 0.25),
    ("finish", 0.05),
)


class StageClock:
    """Seconds per stage of a run, and the progress reports: at each stage's start and end,
    and within a stage (`within`, possibly from a helper thread following Spark's tasks)."""

    def __init__(self, control: RunControl) -> None:
        self._control = control
        self._start = time.perf_counter()
        self._stage: str | None = None
        self._stage_start = self._start
        self._done_share = 0.0
        self._reported = 0.0  # the bar never moves back (a stage's task total may grow)
        self._lock = threading.Lock()
        self.seconds: dict[str, float] = {}

    def begin(self, stage: str) -> None:
        self.end()
        with self._lock:
            self._stage = stage
            self._stage_start = time.perf_counter()
        self._control.report(stage, self._done_share)

    def within(self, stage: str, inner: float, detail: str) -> None:
        """`inner` (0..1) of `stage` done, with a line saying what; ignored once `stage`
        has ended (a late report from a helper thread must not reopen it)."""
        with self._lock:
            if stage != self._stage:
                return
            share = dict(STAGES).get(stage, 0.0)
            fraction = self._done_share + share * max(0.0, min(1.0, inner))
            self._reported = max(self._reported, fraction)
            fraction = self._reported
        self._control.report(stage, fraction, detail, check=False)

    def end(self) -> None:
        with self._lock:
            if self._stage is None:
                return
            stage, now = self._stage, time.perf_counter()
            self.seconds[stage] = round(self.seconds.get(stage, 0.0) + now - self._stage_start, 3)
            self._done_share += dict(STAGES).get(stage, 0.0)
            self._reported = max(self._reported, min(1.0, self._done_share))
            self._stage = None
        self._control.report(stage, min(1.0, self._done_share))

    @property
    def total(self) -> float:
        return round(time.perf_counter() - self._start, 3)


__all__ = ["attach_cancel", "describe", "detach_cancel", "is_connect_session", "STAGES", "StageClock"]
