"""export_records and SparkBackend.export_records on a run of a small folder: exact rows, line
numbers after a multi-line quoted field, the filter, formula safety, CSV and Parquet."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq
import pytest

from logdesk.engine.backend import SparkBackend
from logdesk.engine.pipeline import run_pipeline
from logdesk.engine.records_export import EXPORT_COLUMNS, RecordsExportError, export_records
from logdesk.results import RecordFilter
from logdesk.settings import PathSettings, Settings, SparkSettings

BERLIN = ZoneInfo("Europe/Berlin")

# Line 2's record spans lines 2-4 (a quoted field with two newlines); line 5 is malformed.
A_CSV = (
    "timestamp,level,service,ip,endpoint,message\n"
    '2024-05-01T10:00:00Z,ERROR,api,10.0.0.1,/a,"first\n'
    "wrapped\n"
    'twice"\n'
    "N/A,INFO,api,10.0.0.1,/a,bad time\n"
    "2024-05-01T10:05:00Z,ERROR,api,10.0.0.2,/b,=cmd|' /C calc'!A0\n"
    "2024-05-01T10:06:00.250Z,WARN,db,,/c,slow\n"
    "2024-05-01T10:07:00Z,INFO,db,10.0.0.3,/c,fine\n"
    '2024-05-02T09:00:00Z,ERROR,db,10.0.0.3,/d,"Timeout, after 30 ms"\n'
)
B_CSV = (
    "timestamp,level,service,message\n"
    "2024-05-01T11:00:00Z,WARN,web,disk at 91%\n"
)


@pytest.fixture(scope="module")
def run(spark, tmp_path_factory):
    base = tmp_path_factory.mktemp("export")
    folder = base / "logs"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.csv").write_text(A_CSV, encoding="utf-8")
    (folder / "sub" / "b.csv").write_text(B_CSV, encoding="utf-8")
    # The run is in the session's zone (UTC); exports below speak Berlin time all the same.
    settings = Settings(paths=PathSettings(work_dir=str(base / "work")))
    return run_pipeline(spark, folder, settings)


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# The whole 1 May in Berlin, ERROR and WARN only: drops line 8 (2 May) and line 7 (INFO).
MAY_1_ERRORS_WARNINGS = RecordFilter(
    start=datetime(2024, 5, 1, tzinfo=BERLIN), end=datetime(2024, 5, 2, tzinfo=BERLIN),
    levels=frozenset({"ERROR", "WARN"}),
)


def test_csv_export_has_exact_rows_lines_and_safe_cells(spark, run, tmp_path):
    target = tmp_path / "records.csv"
    count = export_records(spark, run, MAY_1_ERRORS_WARNINGS, "", target, "Europe/Berlin")
    assert count == 4
    with open(target, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert tuple(header) == EXPORT_COLUMNS
    rows = _rows(target)
    a, b = str(Path(run.input_folder) / "a.csv"), str(Path(run.input_folder) / "sub" / "b.csv")
    got = [{k: v for k, v in r.items() if k not in ("template", "error_type")} for r in rows]
    assert got == [
        {"timestamp": "2024-05-01T12:00:00.000+02:00", "level": "ERROR", "service": "api",
         "ip": "10.0.0.1", "endpoint": "/a", "message": "first\nwrapped\ntwice",
         "source_file": a, "line": "2"},
        {"timestamp": "2024-05-01T12:05:00.000+02:00", "level": "ERROR", "service": "api",
         "ip": "10.0.0.2", "endpoint": "/b", "message": "'=cmd|' /C calc'!A0",
         "source_file": a, "line": "6"},
        {"timestamp": "2024-05-01T12:06:00.250+02:00", "level": "WARN", "service": "db",
         "ip": "", "endpoint": "/c", "message": "slow", "source_file": a, "line": "7"},
        {"timestamp": "2024-05-01T13:00:00.000+02:00", "level": "WARN", "service": "web",
         "ip": "", "endpoint": "", "message": "disk at 91%", "source_file": b, "line": "2"},
    ]
    # templates are the engine's business; every record has one, error types are errors' only
    assert [bool(r["template"]) for r in rows] == [True, True, True, True]
    assert [r["error_type"] for r in rows] == [r["template"] for r in rows[:2]] + ["", ""]
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())  # no temp folder left


def test_parquet_export_keeps_types(spark, run, tmp_path):
    target = tmp_path / "records.parquet"
    count = export_records(spark, run, RecordFilter(levels=frozenset({"ERROR"})), "", target, "Europe/Berlin")
    assert count == 3
    assert target.is_file()
    table = pq.read_table(target)
    assert tuple(table.column_names) == EXPORT_COLUMNS
    rows = table.to_pylist()
    assert [(Path(r["source_file"]).name, r["line"]) for r in rows] == [("a.csv", 2), ("a.csv", 6), ("a.csv", 9)]
    assert rows[1]["message"] == "=cmd|' /C calc'!A0"  # Parquet is data, not a spreadsheet
    stamps = [r["timestamp"] for r in rows]
    utc = [s.replace(tzinfo=timezone.utc) if s.tzinfo is None else s.astimezone(timezone.utc) for s in stamps]
    assert utc == [datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc),
                   datetime(2024, 5, 1, 10, 5, tzinfo=timezone.utc),
                   datetime(2024, 5, 2, 9, 0, tzinfo=timezone.utc)]


def test_backend_export_applies_filter_and_search_and_replaces_the_file(spark, run, tmp_path):
    backend = SparkBackend(own_session=False, warm_up=False)
    # the shared session stays in UTC; the export speaks the run's zone (Berlin) all the same
    backend.start(Settings(spark=SparkSettings(master="local[2]", shuffle_partitions=4)))
    target = tmp_path / "out.csv"
    target.write_text("old content\n", encoding="utf-8")
    berlin_run = replace(run, cube=replace(run.cube, time_zone="Europe/Berlin"))
    count = backend.export_records(berlin_run, RecordFilter(levels=frozenset({"WARN", "INFO", "ERROR"})), "DB", target)
    rows = _rows(target)
    assert count == len(rows) == 3  # service "db"; the search is case-insensitive
    assert [(r["timestamp"], r["line"]) for r in rows] == [
        ("2024-05-01T12:06:00.250+02:00", "7"), ("2024-05-01T12:07:00.000+02:00", "8"),
        ("2024-05-02T11:00:00.000+02:00", "9"),
    ]


def test_unwritable_target_says_why(spark, run, tmp_path):
    with pytest.raises(RecordsExportError, match="does not exist"):
        export_records(spark, run, RecordFilter(), "", tmp_path / "missing" / "r.csv", "UTC")
    with pytest.raises(RecordsExportError, match="is a folder"):
        export_records(spark, run, RecordFilter(), "", tmp_path, "UTC")


def test_a_run_without_records_exports_a_header_only(spark, run, tmp_path):
    target = tmp_path / "none.csv"
    assert export_records(spark, replace(run, records_path=""), RecordFilter(), "", target, "UTC") == 0
    assert target.read_text(encoding="utf-8") == ",".join(EXPORT_COLUMNS) + "\n"


def test_exported_error_types_are_the_runs_mined_templates(spark, tmp_path):
    """The staged copy keeps masked types; the export (like the records view) shows the mined
    templates the reports show, not the masked text."""
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "app.csv").write_text(
        "timestamp,level,message\n"
        "2024-05-01T10:00:00Z,ERROR,Connection refused by auth\n"
        "2024-05-01T10:01:00Z,ERROR,Connection refused by billing\n"
        "2024-05-01T10:02:00Z,ERROR,Connection refused by orders\n"
        "2024-05-01T10:03:00Z,INFO,all good\n",
        encoding="utf-8",
    )
    run = run_pipeline(spark, folder, Settings(paths=PathSettings(work_dir=str(tmp_path / "w"))))
    assert {t.template for t in run.error_types} == {"Connection refused by <*>"}
    target = tmp_path / "records.csv"
    assert export_records(spark, run, RecordFilter(), "", target, "UTC") == 4
    assert [r["error_type"] for r in _rows(target)] == ["Connection refused by <*>"] * 3 + [""]
