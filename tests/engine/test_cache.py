"""The per-folder cache: re-opening answers without Spark, a grown file is read from its old end
only, a changed one again, a deleted one drops out — and every report is byte for byte what a
fresh run without the cache writes for the same files."""

from __future__ import annotations

import csv
import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from logdesk.analysis.alerts import evaluate_alerts
from logdesk.analysis.summarize import summarize
from logdesk.engine.pipeline import run_pipeline
from logdesk.engine.records_export import export_records
from logdesk.reports.writer import write_reports
from logdesk.results import RecordFilter
from logdesk.settings import CacheSettings, PathSettings, Settings

CSV_HEAD = "timestamp,level,service,ip,message\n"
CSV_ROWS = [
    "2024-03-01T10:00:00Z,ERROR,api,10.0.0.1,Timeout after 30 ms calling db\n",
    "2024-03-01T10:05:00Z,INFO,api,10.0.0.2,ok\n",
    "N/A,INFO,api,10.0.0.3,bad time\n",
    "2024-03-01T11:00:00Z,CRITICAL,db,10.0.0.1,Disk /var/lib 97% full\n",
]
CSV_MORE = [
    "2024-03-01T12:00:00Z,ERROR,web,10.0.0.9,Timeout after 45 ms calling cache\n",
    "later,ERROR,web,10.0.0.9,no time here\n",
    "2024-03-01T12:10:00Z,ERROR,web,10.0.0.9,Connection refused by 10.1.1.1:5432\n",
]
LOG4J = [
    "2024-03-01 10:00:00,000 ERROR [main] com.acme.Api - Request 17 failed\n",
    "java.lang.IllegalStateException: boom\n",
    "\tat com.acme.Api.call(Api.java:10)\n",
    "2024-03-01 10:00:01,000 INFO [main] com.acme.Api - Request 18 ok\n",
]
LOG4J_MORE = [
    "2024-03-01 10:00:02,000 ERROR [main] com.acme.Api - Request 19 failed\n",
    "\tat com.acme.Api.call(Api.java:11)\n",
    "\n",
    "2024-03-01 10:00:03,000 WARN [main] com.acme.Api - Request 20 slow\n",
]


class NoSpark:
    """A Spark source that must not be used."""

    calls = 0

    def __call__(self):
        NoSpark.calls += 1
        raise AssertionError("a run answered from the cache asked for Spark")


def _settings(tmp_path: Path, name: str, enabled: bool = True) -> Settings:
    return Settings(
        paths=PathSettings(work_dir=str(tmp_path / f"work-{name}")),
        cache=CacheSettings(enabled=enabled, dir=str(tmp_path / f"cache-{name}")),
    )


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "logs"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.csv").write_text(CSV_HEAD + "".join(CSV_ROWS), encoding="utf-8")
    (folder / "sub" / "app.log").write_text("".join(LOG4J), encoding="utf-8")
    (folder / "events.jsonl").write_text(
        '{"time": "2024-03-01T09:00:00Z", "level": "error", "msg": "Payment 12 declined"}\n'
        "not json\n",
        encoding="utf-8",
    )
    return folder


def _append(path: Path, lines: list[str]) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("".join(lines))


def _reports(run, settings: Settings, out: Path) -> dict[str, bytes]:
    """Every report file's bytes, with the run's own clock readings taken out."""
    analytics = summarize(run.cube, RecordFilter(), settings.analytics)
    alerts = evaluate_alerts(analytics, settings.alerts, None)
    write_reports(run, analytics, alerts, out, settings)
    files = {}
    for path in sorted(out.rglob("*")):
        if not path.is_file() or path.name == "alerts.log":
            continue
        data = path.read_bytes()
        if path.name == "summary.json":
            doc = json.loads(data)
            for key in ("generated_at", "run"):
                doc.pop(key, None)
            data = json.dumps(doc, sort_keys=True).encode()
        files[path.relative_to(out).as_posix()] = data
    return files


def _records_csv(spark, run, target: Path) -> list[list[str]]:
    export_records(spark, run, RecordFilter(), "", target, "UTC")
    with open(target, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _fresh(spark, folder: Path, tmp_path: Path, name: str):
    settings = _settings(tmp_path, name, enabled=False)
    return run_pipeline(spark, folder, settings), settings


def _assert_reports_as_fresh(spark, run, settings: Settings, folder: Path, tmp_path: Path):
    """`run`'s reports are byte for byte those of a run without the cache on the same files."""
    fresh, fresh_settings = _fresh(spark, folder, tmp_path, "f")
    assert _reports(run, settings, tmp_path / "r1") == _reports(fresh, fresh_settings, tmp_path / "r2")
    return fresh


def test_reopening_an_unchanged_folder_starts_no_spark_job(spark, tmp_path):
    folder = _folder(tmp_path)
    settings = _settings(tmp_path, "c")
    first = run_pipeline(spark, folder, settings)
    assert (first.cache.read, first.cache.reused) == (3, 0)
    assert first.spark_jobs > 0
    # a run's own files go when the next run of the folder ends: take what we compare first
    first_reports = _reports(first, settings, tmp_path / "r1")
    first_records = _records_csv(spark, first, tmp_path / "b.csv")
    again = run_pipeline(NoSpark(), folder, settings)
    assert (again.cache.reused, again.cache.read, again.cache.appended) == (3, 0, 0)
    assert again.spark_jobs == 0
    # hand count: a.csv 3 records + 1 malformed; app.log 2 records, 2 continuation lines;
    # events.jsonl 1 record + 1 malformed
    assert (again.ingest.parsed_rows, again.ingest.malformed_rows) == (6, 2)
    assert again.ingest.continuation_lines == 2
    assert _reports(again, settings, tmp_path / "r2") == first_reports
    assert _records_csv(spark, again, tmp_path / "a.csv") == first_records


def test_grown_files_are_read_from_their_old_end_and_match_a_fresh_run(spark, tmp_path):
    folder = _folder(tmp_path)
    settings = _settings(tmp_path, "c")
    run_pipeline(spark, folder, settings)
    _append(folder / "a.csv", CSV_MORE)
    _append(folder / "sub" / "app.log", LOG4J_MORE)
    refreshed = run_pipeline(spark, folder, settings)
    assert (refreshed.cache.appended, refreshed.cache.reused, refreshed.cache.read) == (2, 1, 0)
    fresh, fresh_settings = _fresh(spark, folder, tmp_path, "f")
    assert fresh.cache == replace(fresh.cache, enabled=False, read=3)
    # hand count: a.csv 5 records + 2 malformed (lines 4 and 7); app.log 4 records, 3
    # continuation lines (the blank line 7 is neither)
    by_name = {Path(f.path).name: f for f in refreshed.ingest.files}
    assert (by_name["a.csv"].parsed_rows, by_name["a.csv"].malformed_rows) == (5, 2)
    assert [s.line for s in by_name["a.csv"].malformed_samples] == [4, 7]
    assert (by_name["app.log"].parsed_rows, by_name["app.log"].continuation_lines) == (4, 3)
    assert _reports(refreshed, settings, tmp_path / "r1") == _reports(fresh, fresh_settings, tmp_path / "r2")
    rows = _records_csv(spark, refreshed, tmp_path / "x.csv")
    assert rows == _records_csv(spark, fresh, tmp_path / "y.csv")
    lines = sorted((r[8].rsplit("/", 1)[-1], int(r[9])) for r in rows[1:])
    assert lines == [("a.csv", 2), ("a.csv", 3), ("a.csv", 5), ("a.csv", 6), ("a.csv", 8),
                     ("app.log", 1), ("app.log", 4), ("app.log", 5), ("app.log", 8),
                     ("events.jsonl", 1)]


def test_a_second_append_adds_a_second_segment(spark, tmp_path):
    folder = _folder(tmp_path)
    settings = _settings(tmp_path, "c")
    run_pipeline(spark, folder, settings)
    _append(folder / "a.csv", CSV_MORE[:1])
    run_pipeline(spark, folder, settings)
    _append(folder / "a.csv", CSV_MORE[1:])
    twice = run_pipeline(spark, folder, settings)
    assert twice.cache.appended == 1
    _assert_reports_as_fresh(spark, twice, settings, folder, tmp_path)


def test_an_append_that_continues_a_record_reads_the_file_again(spark, tmp_path):
    folder = _folder(tmp_path)
    settings = _settings(tmp_path, "c")
    run_pipeline(spark, folder, settings)
    # a stack trace line first: it belongs to the last record, so the old rows are stale
    _append(folder / "sub" / "app.log", ["\tat com.acme.Api.more(Api.java:12)\n"])
    refreshed = run_pipeline(spark, folder, settings)
    assert (refreshed.cache.read, refreshed.cache.reused) == (1, 2)
    by_name = {Path(f.path).name: f for f in refreshed.ingest.files}
    assert (by_name["app.log"].parsed_rows, by_name["app.log"].continuation_lines) == (2, 3)
    _assert_reports_as_fresh(spark, refreshed, settings, folder, tmp_path)


CRI_LINES = [
    "2024-03-01T09:00:00.000000001Z stdout F ERROR first record done\n",
    "2024-03-01T09:00:01.000000001Z stdout P WARN second record, piece one;",
]


@pytest.mark.parametrize("last_piece", ["partial", "full"])
def test_a_cri_file_that_ends_inside_a_split_line_is_read_again(spark, tmp_path, last_piece):
    folder = tmp_path / "kube"
    folder.mkdir()
    log = folder / "pod_web-1.log"
    first = CRI_LINES if last_piece == "partial" else [CRI_LINES[0]]
    log.write_text("".join(first[:1]) + (first[1] + " \n" if len(first) > 1 else ""), encoding="utf-8")
    settings = _settings(tmp_path, last_piece)
    run_pipeline(spark, folder, settings)
    _append(log, ["2024-03-01T09:00:02.000000001Z stdout F piece two\n"])
    refreshed = run_pipeline(spark, folder, settings)
    # by hand: ending on a "P" piece, the appended "F" piece continues that record (2 records,
    # 1 continuation line), so the file is read whole; ending on an "F" line, it is a record
    # of its own and only the appended end is read
    if last_piece == "partial":
        assert (refreshed.cache.read, refreshed.cache.appended) == (1, 0)
        expected = (2, 1)
    else:
        assert (refreshed.cache.read, refreshed.cache.appended) == (0, 1)
        expected = (2, 0)
    (only,) = refreshed.ingest.files
    assert (only.parsed_rows, only.continuation_lines) == expected
    _assert_reports_as_fresh(spark, refreshed, settings, folder, tmp_path)


def test_changed_and_deleted_files(spark, tmp_path):
    folder = _folder(tmp_path)
    settings = _settings(tmp_path, "c")
    run_pipeline(spark, folder, settings)
    # same size, other bytes, mtime kept: the hash of the head tells
    target = folder / "a.csv"
    stat = target.stat()
    text = target.read_text(encoding="utf-8").replace("Timeout after 30", "Timeout after 31")
    target.write_text(text, encoding="utf-8")
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    (folder / "events.jsonl").unlink()
    refreshed = run_pipeline(spark, folder, settings)
    assert (refreshed.cache.read, refreshed.cache.reused, refreshed.cache.dropped) == (1, 1, 1)
    assert sorted(Path(f.path).name for f in refreshed.ingest.files) == ["a.csv", "app.log"]
    _assert_reports_as_fresh(spark, refreshed, settings, folder, tmp_path)


def test_other_settings_do_not_reuse_entries(spark, tmp_path):
    folder = _folder(tmp_path)
    settings = _settings(tmp_path, "c")
    run_pipeline(spark, folder, settings)
    other = replace(settings, time_zone="Europe/Paris")
    again = run_pipeline(spark, folder, other)
    assert (again.cache.read, again.cache.reused) == (3, 0)


def test_a_record_filter_is_applied_to_the_cached_copies(spark, tmp_path):
    folder = _folder(tmp_path)
    settings = _settings(tmp_path, "c")
    run_pipeline(spark, folder, settings)
    errors = RecordFilter(levels=frozenset({"ERROR", "CRITICAL"}))
    filtered = run_pipeline(spark, folder, settings, errors)
    assert filtered.cache.reused == 3
    # hand count: a.csv ERROR + CRITICAL, app.log one ERROR, events.jsonl one error
    assert int(filtered.cube.levels.count.sum()) == 4
    fresh = run_pipeline(spark, folder, _settings(tmp_path, "f", enabled=False), errors)
    assert int(fresh.cube.levels.count.sum()) == 4
    assert [t.template for t in filtered.error_types] == [t.template for t in fresh.error_types]
    # the folder's known types come from all its records, not from the filter's: after a run
    # that sees only the CRITICAL record, the next run without a filter finds no new type
    critical = run_pipeline(spark, folder, settings, RecordFilter(levels=frozenset({"CRITICAL"})))
    assert [t.count for t in critical.error_types] == [1]
    whole = run_pipeline(NoSpark(), folder, settings)
    assert whole.previous_error_types == {t.template for t in whole.error_types}
    assert len(whole.error_types) == 4  # hand count: timeout, disk full, request, payment


def test_the_cache_size_limit_evicts_the_least_recently_used(spark, tmp_path):
    from logdesk.engine.pipeline import cache_store

    folder = _folder(tmp_path)
    settings = replace(_settings(tmp_path, "c"), cache=CacheSettings(dir=str(tmp_path / "tiny"), max_size_mb=16))
    run_pipeline(spark, folder, settings)
    store = cache_store(settings)
    entries = list((store.root / "entries").iterdir())
    assert len(entries) == 3
    count, size = store.clear()
    assert count == 3 and size > 0
    assert not (store.root / "entries").exists()


def test_a_cluster_master_needs_a_shared_cache_folder():
    from logdesk.engine.pipeline import cache_off_reason
    from logdesk.settings import SparkSettings

    local = Settings()
    cluster = Settings(spark=SparkSettings(master="spark://10.1.2.3:7077"))
    assert cache_off_reason(local) == ""
    assert "shared folder" in cache_off_reason(cluster)
    shared = replace(cluster, cache=CacheSettings(dir="/mnt/shared/logdesk-cache"))
    assert cache_off_reason(shared) == ""
    # a cluster or a Spark Connect server on loopback writes this machine's disk
    for master in ("spark://127.0.0.1:7077", "sc://localhost:15002"):
        assert cache_off_reason(Settings(spark=SparkSettings(master=master))) == ""
    assert "shared folder" in cache_off_reason(Settings(spark=SparkSettings(master="yarn")))
    remote = replace(local, cache=CacheSettings(dir="hdfs://nn:8020/cache"))
    assert "must be a folder path" in cache_off_reason(remote)
    assert cache_off_reason(replace(local, cache=CacheSettings(dir="file:///mnt/c"))) == ""
