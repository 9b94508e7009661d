"""logdesk's own output is never read as input: reports written into the folder being read,
the records export, and logdesk's cache and work folders inside it are listed as skipped
("logdesk's own output: ..."), and a second run counts exactly what the first counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from logdesk.analysis.alerts import evaluate_alerts
from logdesk.analysis.summarize import summarize
from logdesk.engine import own_output
from logdesk.engine.discover import FORMAT_SKIPPED, discover_inputs
from logdesk.engine.pipeline import EmptyFolderError, run_pipeline
from logdesk.engine.records_export import EXPORT_COLUMNS, export_records
from logdesk.reports import registry
from logdesk.reports.writer import REPORT_FILES, write_reports
from logdesk.results import RecordFilter
from logdesk.settings import CacheSettings, PathSettings, Settings

LOG4J = (
    "2024-03-01 10:00:00,000 ERROR [main] com.acme.Api - Request 17 failed\n"
    "\tat com.acme.Api.call(Api.java:10)\n"
    "2024-03-01 10:00:01,000 INFO [main] com.acme.Api - Request 18 ok\n"
    "2024-03-01 10:00:02,000 WARN [main] com.acme.Api - Request 19 slow\n"
)
CSV = (
    "timestamp,level,service,message\n"
    "2024-03-01T10:00:00Z,ERROR,api,Timeout after 30 ms\n"
    "2024-03-01T10:05:00Z,INFO,api,ok\n"
)
OWN = "logdesk's own output"


def _settings(logs: Path, work: Path) -> Settings:
    # the cache inside the folder read, the runs' folders beside it
    return Settings(paths=PathSettings(work_dir=str(work)),
                    cache=CacheSettings(enabled=True, dir=str(logs / "cache")))


def _logs(tmp_path: Path) -> Path:
    logs = tmp_path / "logs"
    (logs / "app").mkdir(parents=True)
    (logs / "app" / "server.log").write_text(LOG4J, encoding="utf-8")
    (logs / "api.csv").write_text(CSV, encoding="utf-8")
    return logs


def _report(spark, run, out: Path, settings: Settings) -> None:
    analytics = summarize(run.cube, RecordFilter(), settings.analytics)
    write_reports(run, analytics, evaluate_alerts(analytics, settings.alerts, ()), out, settings)


def _by_path(run) -> dict[str, object]:
    return {f.path: f for f in run.ingest.files}


def test_reports_export_and_cache_inside_the_folder_are_not_read_again(spark, tmp_path):
    logs = _logs(tmp_path)
    settings = _settings(logs, tmp_path / "work")
    out, export = logs / "reports", logs / "records.csv"
    first = run_pipeline(spark, logs, settings, outputs=[out, export])
    # 3 log4j records (one continuation line) + 2 CSV rows
    assert (first.ingest.parsed_rows, first.ingest.malformed_rows) == (5, 0)
    assert len(first.ingest.files) == 2
    _report(spark, first, out, settings)
    assert export_records(spark, first, RecordFilter(), "", export, "UTC") == 5
    assert any((logs / "cache").rglob("*.parquet"))  # the cache entries are in the folder

    second = run_pipeline(spark, logs, settings, outputs=[out, export])
    assert (second.ingest.parsed_rows, second.ingest.malformed_rows) == (5, 0)
    assert second.ingest.continuation_lines == first.ingest.continuation_lines == 1
    files = _by_path(second)
    read = sorted(p for p, f in files.items() if f.fate == "read")
    assert read == [str(logs / "api.csv"), str(logs / "app" / "server.log")]
    for name in REPORT_FILES:  # every report is listed, with the reason
        f = files[str(out / name)]
        assert f.fate == FORMAT_SKIPPED and f.note.startswith(OWN), (name, f.note)
        assert "report" in f.note
    assert "records export" in files[str(export)].note and files[str(export)].fate == "skipped"
    cached = [p for p in files if p.startswith(str(logs / "cache") + "/")]
    assert cached and all(files[p].note == f"{OWN}: logdesk's cache (cache.dir), not read as a log"
                          for p in cached)
    assert len(files) == 2 + len(REPORT_FILES) + 1 + len(cached)

    # the app's way: no outputs named, the reports folder is remembered where they were written;
    # the export is known by its header
    third = run_pipeline(spark, logs, settings)
    assert (third.ingest.parsed_rows, third.ingest.malformed_rows) == (5, 0)
    assert {p for p, f in _by_path(third).items() if f.fate == "read"} == set(read)


def test_reports_written_into_the_log_folder_itself_leave_its_logs_read(spark, tmp_path):
    logs = _logs(tmp_path)
    settings = _settings(tmp_path / "elsewhere", tmp_path / "work")
    first = run_pipeline(spark, logs, settings, outputs=[logs])
    _report(spark, first, logs, settings)
    second = run_pipeline(spark, logs, settings, outputs=[logs])
    assert (second.ingest.parsed_rows, second.ingest.malformed_rows) == (5, 0)
    skipped = {p for p, f in _by_path(second).items() if f.fate == "skipped"}
    assert skipped == {str(logs / name) for name in REPORT_FILES}


def test_a_folder_inside_logdesks_cache_is_not_read(spark, tmp_path):
    logs = _logs(tmp_path)
    settings = _settings(logs, tmp_path / "work")
    run_pipeline(spark, logs, settings)
    entries = logs / "cache" / "entries"
    with pytest.raises(EmptyFolderError, match=r"inside .*cache.*logdesk's cache \(cache\.dir\)"):
        run_pipeline(spark, entries, settings)
    run_folder = next(p for p in (tmp_path / "work").iterdir() if p.is_dir())
    with pytest.raises(EmptyFolderError, match="logdesk's work folder"):
        run_pipeline(spark, run_folder, settings)


def test_a_csv_with_the_export_header_is_own_output_unless_given_itself(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    export = folder / "mine.csv"
    export.write_text(",".join(EXPORT_COLUMNS) + "\n2024-03-01T10:00:00.000+00:00,INFO,api,,,"
                      "ok,ok,,/x/app.log,1\n", encoding="utf-8")
    (found,) = discover_inputs(folder)
    assert found.format == FORMAT_SKIPPED
    assert found.note == f"{OWN}: a records export written by logdesk, not read as a log"
    (given,) = discover_inputs(export)  # pointed at on purpose: read
    assert given.format == "csv"


def test_the_lists_match_what_logdesk_writes(tmp_path, monkeypatch):
    assert own_output.EXPORT_HEADER == EXPORT_COLUMNS
    monkeypatch.setenv("LOGDESK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(registry, "MAX_FOLDERS", 3)
    for i in range(5):
        registry.remember_reports_folder(tmp_path / f"r{i}", ("alerts.log",))
    registry.remember_reports_folder(tmp_path / "r2", ("alerts.log", "x.csv"))
    assert registry.report_folders() == [
        (str(tmp_path / "r3"), ("alerts.log",)), (str(tmp_path / "r4"), ("alerts.log",)),
        (str(tmp_path / "r2"), ("alerts.log", "x.csv"))]
