"""run_pipeline end to end on small folders: counts, malformed rows, filters, cancel."""

from __future__ import annotations

import csv
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from logdesk.control import Cancelled, RunControl
from logdesk.engine.pipeline import EmptyFolderError, run_pipeline
from logdesk.engine.discover import NO_KNOWN_FORMAT
from logdesk.results import MalformedSample
from logdesk.results import RecordFilter
from logdesk.settings import PathSettings, Settings


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(paths=PathSettings(work_dir=str(tmp_path / "work")))


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_counts_every_line_once_and_reports_malformed_rows(spark, settings, tmp_path):
    folder = tmp_path / "logs"
    _write(folder / "a.csv",
           "timestamp,level,service,message\n"
           "2024-03-01T10:00:00Z,ERROR,api,Timeout after 30 ms\n"
           "2024-03-01T10:05:00Z,INFO,api,ok\n"
           "N/A,INFO,api,bad time\n"
           "2024-03-01T11:00:00Z,CRITICAL,db,Disk full\n")
    _write(folder / "sub" / "b.csv",
           "level,time,msg\n"
           "warn,2024-03-01 12:00:00,slow\n"
           "error,2024-03-01 12:30:00,Timeout after 99 ms\n"
           "info,2024-03-01 12:31:00\n")
    _write(folder / "notes.log", "just some text\nnot csv at all\n")

    control_stages: list[str] = []
    run = run_pipeline(spark, folder, settings,
                       control=RunControl(progress=lambda s, f, d: control_stages.append(s)))

    by_name = {Path(f.path).name: f for f in run.ingest.files}
    assert (by_name["a.csv"].parsed_rows, by_name["a.csv"].malformed_rows) == (3, 1)
    assert (by_name["b.csv"].parsed_rows, by_name["b.csv"].malformed_rows) == (2, 1)
    # not a log (no timestamp in its head): listed, skipped, its lines are not malformed rows
    notes = by_name["notes.log"]
    assert (notes.fate, notes.note, notes.data_lines, notes.malformed_rows) == (
        "skipped", NO_KNOWN_FORMAT, 0, 0)
    assert run.ingest.fates_text() == "2 files read, 1 skipped"
    assert all(f.data_lines == f.parsed_rows + f.malformed_rows for f in run.ingest.files)
    assert (run.ingest.parsed_rows, run.ingest.malformed_rows) == (5, 2)
    assert control_stages[0] == "discover" and "aggregate" in control_stages

    with open(run.malformed_csv_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # ordered by file path, then line
    assert [(Path(r["file"]).name, r["line"]) for r in rows] == [
        ("a.csv", "4"), ("b.csv", "4"),
    ]
    reasons = {(Path(r["file"]).name, int(r["line"])): r["reason"] for r in rows}
    assert reasons[("a.csv", 4)] == "unparseable timestamp: N/A"
    assert reasons[("b.csv", 4)].startswith("wrong field count")
    # the first malformed lines of each file travel with the ingest report (Inputs view)
    assert by_name["notes.log"].malformed_samples == ()
    assert by_name["a.csv"].malformed_samples == (
        MalformedSample(4, "unparseable timestamp: N/A", "N/A,INFO,api,bad time"),
    )
    assert by_name["a.csv"].continuation_lines == 0

    levels = run.cube.levels
    assert int(levels.count.sum()) == 5
    assert Path(run.records_path).is_file()  # the run's list of record copies


def test_exact_filter_is_applied_before_aggregation(spark, settings, tmp_path):
    folder = tmp_path / "logs"
    _write(folder / "a.csv",
           "timestamp,level,message\n"
           "2024-03-01T10:00:00Z,ERROR,e1\n"
           "2024-03-01T10:59:59Z,INFO,i1\n"
           "2024-03-01T11:00:00Z,ERROR,e2\n"
           "2024-03-01T12:00:00Z,ERROR,e3\n")
    only = RecordFilter(start=datetime(2024, 3, 1, 10, 30, tzinfo=timezone.utc),
                        end=datetime(2024, 3, 1, 12, tzinfo=timezone.utc),
                        levels=frozenset({"ERROR"}))
    run = run_pipeline(spark, folder, settings, record_filter=only)
    assert int(run.cube.levels.count.sum()) == 1  # only e2: i1 is INFO, e1 before, e3 at the end
    assert run.applied_filter == only
    assert run.ingest.parsed_rows == 4  # the ingest report still counts every line


def test_an_empty_folder_is_an_error(spark, settings, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(EmptyFolderError):
        run_pipeline(spark, tmp_path / "empty", settings)


def test_a_folder_without_a_single_log_says_so_in_one_line(settings, tmp_path):
    folder = tmp_path / "notes"
    _write(folder / "a.txt", "shopping list\nmilk\n")
    _write(folder / "b.txt", "no dates here\n")
    (folder / "c.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))

    def no_spark():
        raise AssertionError("nothing to read: Spark must not start")

    with pytest.raises(EmptyFolderError) as caught:
        run_pipeline(no_spark, folder, settings)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"nothing to read in {folder.resolve()}: 3 files found, none of them a log")
    assert f"2 files: {NO_KNOWN_FORMAT.removeprefix('not a log: ')}" in message
    assert "1 file: binary content (PNG image)" in message


@pytest.mark.slow
def test_cancel_stops_spark_and_the_session_stays_usable(
    spark, settings, tmp_path
):
    folder = tmp_path / "big"
    folder.mkdir()
    line = "2024-03-01T10:{m:02d}:{s:02d}Z,ERROR,svc{n},10.0.0.{n},/api/{n},Timeout {i} after {n} ms\n"
    for part in range(4):
        with open(folder / f"part{part}.csv", "w", encoding="utf-8") as handle:
            handle.write("timestamp,level,service,ip,endpoint,message\n")
            handle.writelines(
                line.format(m=i % 60, s=i % 59, n=i % 7, i=i) for i in range(150_000)
            )
    control = RunControl()
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["result"] = run_pipeline(spark, folder, settings, control=control)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=work)
    thread.start()
    # wait until Spark is busy reading, then cancel from this (the "GUI") thread
    deadline = time.perf_counter() + 120
    while not spark.sparkContext.statusTracker().getActiveJobsIds():
        assert time.perf_counter() < deadline and thread.is_alive(), outcome
        time.sleep(0.05)
    control.cancel()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert isinstance(outcome.get("error"), Cancelled), outcome
    # how fast: build_scripts/benchmark.py measures it (shared machines make a timed test flaky)
    assert spark.range(3).count() == 3  # ready for the next run


def test_an_unwritable_work_folder_is_a_clear_error(spark, tmp_path):
    from logdesk.engine.pipeline import WorkDirError

    folder = tmp_path / "logs"
    _write(folder / "a.csv", "timestamp,level,message\n2024-03-01T10:00:00Z,ERROR,e1\n")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the work folder should be")
    with pytest.raises(WorkDirError, match="set paths.work_dir"):
        run_pipeline(spark, folder, Settings(paths=PathSettings(work_dir=str(blocker / "w"))))
