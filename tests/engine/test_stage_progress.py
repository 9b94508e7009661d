"""Progress inside a run's stages: files described during discovery, Spark tasks done while
the read and the aggregate run; the bar never goes back, and a late report does not reopen a
stage that has ended."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

from logdesk.control import RunControl
from logdesk.engine import discover as discover_module
from logdesk.engine import task_progress
from logdesk.engine.discover import discover_inputs
from logdesk.engine.pipeline import run_pipeline
from logdesk.engine.run_control import STAGES, StageClock
from logdesk.settings import CacheSettings, PathSettings, Settings

LINE = "2024-03-01 10:00:{:02d},000 INFO  [main] org.example.App: request {} served\n"


def _folder(root: Path, files: int) -> Path:
    for i in range(files):
        path = root / f"svc-{i % 3}" / f"app-{i}.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(LINE.format(s, i) for s in range(3)), encoding="utf-8")
    (root / ".hidden.log").write_text(LINE.format(0, 0), encoding="utf-8")  # never looked at
    return root


def test_discovery_reports_files_described_of_files_found(tmp_path, monkeypatch):
    monkeypatch.setattr(discover_module, "_PROGRESS_SECONDS", 0.0)  # a report per file
    folder = _folder(tmp_path / "logs", 7)
    seen: list[tuple[int, int]] = []
    found = discover_inputs(folder, progress=lambda done, total: seen.append((done, total)))
    assert len(found) == 7
    # before each of the 7 heads, and once all are described; the total known from the start
    assert seen == [(i, 7) for i in range(7)] + [(7, 7)]


def test_an_empty_folder_reports_no_discovery_progress(tmp_path):
    seen: list[tuple[int, int]] = []
    (tmp_path / "empty").mkdir()
    assert discover_inputs(tmp_path / "empty", progress=lambda *a: seen.append(a)) == []
    assert seen == []


def test_tasks_done_counts_the_tasks_of_the_groups_new_jobs(spark, tmp_path):
    group = "logdesk-test-tasks"
    sc = spark.sparkContext
    sc.setJobGroup(group, "test")
    try:
        spark.range(0, 100, 1, 3).write.mode("overwrite").parquet(str(tmp_path / "first"))
        before = set(sc.statusTracker().getJobIdsForGroup(group))
        assert before
        spark.range(0, 100, 1, 5).write.mode("overwrite").parquet(str(tmp_path / "second"))
        # only the second write's job counts: its one stage of 5 tasks, all done
        assert task_progress.tasks_done(spark, group, before) == (5, 5)
        assert task_progress.tasks_done(spark, group, set()) == (8, 8)
    finally:
        sc.setLocalProperty("spark.jobGroup.id", None)


def test_a_run_reports_files_described_and_spark_tasks_inside_its_stages(spark, tmp_path,
                                                                         monkeypatch):
    monkeypatch.setattr(task_progress, "POLL_SECONDS", 0.01)
    monkeypatch.setattr(discover_module, "_PROGRESS_SECONDS", 0.0)
    folder = _folder(tmp_path / "logs", 12)
    settings = Settings(paths=PathSettings(work_dir=str(tmp_path / "work")),
                        cache=CacheSettings(enabled=False))
    reports: list[tuple[str, float, str]] = []
    run = run_pipeline(spark, folder, settings,
                       control=RunControl(progress=lambda *r: reports.append(r)))
    assert run.ingest.parsed_rows == 36

    details = [(s, d) for s, _f, d in reports if d]
    described = [d for s, d in details if s == "discover"]
    assert described[0] == "0 of 12 files described" and described[-1] == "12 of 12 files described"
    tasks = [d for s, d in details if s == "read & normalize"]
    assert tasks, reports  # polled every 10 ms: the read job is seen at least once
    for text in tasks:
        m = re.fullmatch(r"12 files: (\d+) of (\d+) Spark tasks done", text)
        assert m and 0 <= int(m.group(1)) <= int(m.group(2)), text
    assert {s for s, _d in details} <= {"discover", "read & normalize", "aggregate"}

    fractions = [f for _s, f, _d in reports]
    assert fractions == sorted(fractions), fractions  # the bar never goes back
    shares = dict(STAGES)
    start_of_read = shares["discover"]
    for stage, fraction, detail in reports:
        if stage == "read & normalize" and detail:  # within the read's share of the bar
            assert start_of_read <= fraction <= start_of_read + shares["read & normalize"] + 1e-9


def test_a_late_report_does_not_reopen_a_stage_that_ended():
    reports: list[tuple[str, float, str]] = []
    clock = StageClock(RunControl(progress=lambda *r: reports.append(r)))
    clock.begin("discover")
    clock.within("discover", 0.5, "1 of 2 files described")
    clock.begin("read & normalize")
    clock.within("discover", 1.0, "2 of 2 files described")  # from a thread that was late
    clock.within("read & normalize", 0.5, "3 of 6 Spark tasks done")
    share = dict(STAGES)
    assert reports == [
        ("discover", 0.0, ""),
        ("discover", share["discover"] * 0.5, "1 of 2 files described"),
        ("discover", share["discover"], ""),
        ("read & normalize", share["discover"], ""),
        ("read & normalize", share["discover"] + share["read & normalize"] * 0.5,
         "3 of 6 Spark tasks done"),
    ]


def test_following_tasks_stops_its_thread_when_the_body_ends(spark, tmp_path, monkeypatch):
    monkeypatch.setattr(task_progress, "POLL_SECONDS", 0.01)
    sc = spark.sparkContext
    sc.setJobGroup("logdesk-test-follow", "test")
    seen: list[tuple[int, int]] = []
    try:
        with task_progress.following_tasks(spark, "logdesk-test-follow",
                                           lambda d, t: seen.append((d, t))):
            spark.range(0, 1000, 1, 4).write.mode("overwrite").parquet(str(tmp_path / "out"))
            time.sleep(0.2)  # the job has ended: its 4 tasks are reported done
    finally:
        sc.setLocalProperty("spark.jobGroup.id", None)
    assert seen and seen[-1] == (4, 4), seen
    assert not [t for t in threading.enumerate() if t.name == "logdesk-task-progress"]
