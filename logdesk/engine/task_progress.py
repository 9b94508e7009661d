"""Progress inside a Spark stage of a run: a helper thread reads Spark's status tracker for the
run's job group twice a second and reports the tasks done of the jobs started since it began.

One read job does most of a run's work in a few dozen to a few thousand tasks, so its tasks
are the finest honest measure there is; a file-by-file count would need a Spark job per file.
Spark Connect has no status tracker: there the stage reports only its start and end.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

from pyspark.sql import SparkSession

from logdesk.engine.run_control import is_connect_session

POLL_SECONDS = 0.5


def tasks_done(spark: SparkSession, group: str, since: set[int]) -> tuple[int, int]:
    """(tasks done, tasks in all) over the group's jobs not in `since` (the jobs of earlier
    stages); a finished job's stages count whole."""
    tracker = spark.sparkContext.statusTracker()
    done = total = 0
    for job_id in tracker.getJobIdsForGroup(group):
        if job_id in since:
            continue
        job = tracker.getJobInfo(job_id)
        if job is None:
            continue
        for stage_id in job.stageIds:
            stage = tracker.getStageInfo(stage_id)
            if stage is None:  # skipped (its output reused) or not yet known
                continue
            done += stage.numCompletedTasks
            total += stage.numTasks
    return done, total


@contextlib.contextmanager
def following_tasks(spark: SparkSession, group: str,
                    report: Callable[[int, int], None]) -> Iterator[None]:
    """While the body runs, call `report(done, total)` with the tasks of the group's new jobs
    whenever they change. Best effort: a status it cannot read is not reported."""
    if is_connect_session(spark):
        yield
        return
    try:
        since = set(spark.sparkContext.statusTracker().getJobIdsForGroup(group))
    except Exception:  # noqa: BLE001 - progress is never worth failing a run for
        yield
        return
    stop = threading.Event()

    def poll() -> None:
        last = (-1, -1)
        while not stop.wait(POLL_SECONDS):
            try:
                now = tasks_done(spark, group, since)
            except Exception:  # noqa: BLE001 - a session stopping under us, a cancel
                return
            if now != last and now[1] > 0:
                last = now
                report(*now)

    thread = threading.Thread(target=poll, name="logdesk-task-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
