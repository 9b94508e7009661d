"""write_reports: exact files and contents, formula safety, all-or-nothing writes, alert history."""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from fault_helpers import error_as_nobody

from logdesk.reports.alerts_log import (
    append_alert_history,
    data_fingerprint,
    read_alert_history,
)
from logdesk.reports.writer import REPORT_FILES, ReportWriteError, write_reports
from logdesk.results import (
    Alert,
    Analytics,
    Cube,
    ErrorTypeInfo,
    ErrorTypeStat,
    FactTable,
    FileIngest,
    IngestReport,
    KeyStat,
    PatternStat,
    RecordFilter,
    RunResult,
    SeverityStat,
    TimeCount,
)
from logdesk.settings import Settings

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2024, 1, 3, 13, 0, tzinfo=BERLIN)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def empty_cube() -> Cube:
    e = np.zeros(0, dtype=np.int64)
    table = FactTable((), e, e.astype(np.int8), e.astype(np.int32), e, e, e)
    return Cube(3600, "Europe/Berlin", table, {})


ANALYTICS = Analytics(
    filter=RecordFilter(start=datetime(2024, 1, 1, 0, 0), levels=frozenset({"ERROR", "INFO"})),
    time_zone="Europe/Berlin",
    bucket_seconds=3600,
    trend_window_seconds=3600,
    total=20,
    errors=6,
    by_level={"DEBUG": 0, "INFO": 12, "WARN": 2, "ERROR": 4, "CRITICAL": 2, "UNKNOWN": 0},
    first_seen=at("2024-01-01 22:01"),
    last_seen=at("2024-01-02 00:30:00.250"),
    errors_by_type=(
        ErrorTypeStat("DbTimeout", 4, at("2024-01-01 22:10:00.5"), at("2024-01-02 00:40"), "db timeout, after 30s"),
        ErrorTypeStat('=HYPERLINK("http://x")', 2, at("2024-01-01 23:00"), at("2024-01-01 23:05"), '-1+2 "quoted"'),
    ),
    top_errors=(
        ErrorTypeStat("DbTimeout", 4, at("2024-01-01 22:10:00.5"), at("2024-01-02 00:40"), "db timeout, after 30s"),
    ),
    errors_by_hour=(TimeCount(at("2024-01-01 22:00"), 15, 4), TimeCount(at("2024-01-02 00:00"), 5, 2)),
    errors_by_day=(TimeCount(at("2024-01-01 00:00"), 15, 4), TimeCount(at("2024-01-02 00:00"), 5, 2)),
    error_trend=(TimeCount(at("2024-01-01 22:00"), 15, 4), TimeCount(at("2024-01-02 00:00"), 5, 2)),
    errors_by_severity=(
        SeverityStat("INFO", 12, 0.6), SeverityStat("WARN", 2, 0.1),
        SeverityStat("ERROR", 4, 0.2), SeverityStat("CRITICAL", 2, 0.1),
    ),
    per_ip=(KeyStat("+10.0.0.1", 10, 4), KeyStat("10.0.0.2", 10, 2)),
    per_service=(KeyStat("api", 20, 6),),
    per_endpoint=(KeyStat("@home", 8, 5), KeyStat("(none)", 12, 1)),
    first_error=at("2024-01-01 22:10:00.5"),
    last_error=at("2024-01-02 00:40"),
    first_critical=at("2024-01-01 23:00"),
    last_critical=at("2024-01-01 23:05"),
    patterns=(
        PatternStat("GET <path> <num>", 14, {"INFO": 12, "ERROR": 2}, at("2024-01-01 22:01"),
                    at("2024-01-02 00:30:00.250"), "GET /a 200"),
        PatternStat("=cmd <*>", 6, {"WARN": 2, "ERROR": 2, "CRITICAL": 2}, at("2024-01-01 23:00"),
                    at("2024-01-01 23:05"), "=cmd x"),
    ),
)
ALERTS = (
    Alert("high_error_rate", "critical", 0.3, 0.1, "Error rate 30.0% is above the 10.0% threshold",
          at("2024-01-01 22:10:00.5"), at("2024-01-02 00:40")),
)
MALFORMED = "file,line,reason,raw\n/data/logs/app.log,7,no timestamp,'=cmd|calc\n"


@pytest.fixture
def run(tmp_path) -> RunResult:
    malformed = tmp_path / "engine" / "malformed_rows.csv"
    malformed.parent.mkdir()
    malformed.write_text(MALFORMED, encoding="utf-8")
    return RunResult(
        input_folder="/data/logs",
        started_at=datetime(2024, 1, 3, 12, 0, tzinfo=timezone.utc),
        duration_seconds=12.34567,
        stage_seconds={"discover": 0.1, "aggregate": 2.5},
        ingest=IngestReport("/data/logs", (
            FileIngest("/data/logs/app.log", "plain", 21, 20, 1, "utf-8", ""),
            FileIngest("/data/logs/empty.log", "plain", 0, 0, 0, "utf-8", "no data lines"),
        )),
        cube=empty_cube(),
        records_path="",
        malformed_csv_path=str(malformed),
        applied_filter=RecordFilter(),
        error_types=(
            ErrorTypeInfo("DbTimeout", 4, at("2024-01-01 22:10:00.5"), at("2024-01-02 00:40"),
                          ("api", "worker"), 2, "db timeout, after 30s"),
            ErrorTypeInfo('=HYPERLINK("http://x")', 2, at("2024-01-01 23:00"), at("2024-01-01 23:05"),
                          ("=evil", "api"), 4, '-1+2 "quoted"'),
        ),
    )


def write(run, out, analytics=ANALYTICS, alerts=ALERTS):
    return write_reports(run, analytics, alerts, out, Settings(time_zone="Europe/Berlin"), now=NOW)


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def test_writes_exactly_the_report_files(run, tmp_path):
    out = tmp_path / "reports"
    written = write(run, out)
    assert written == [out / name for name in REPORT_FILES]
    assert files_under(out) == set(REPORT_FILES)
    assert len(REPORT_FILES) == 14


def test_csv_contents_are_exact_and_formula_safe(run, tmp_path):
    out = tmp_path / "reports"
    write(run, out)
    assert read(out / "csv/errors_by_type.csv") == (
        "error_type,count,share_of_errors,first_seen,last_seen,sample,services\n"
        'DbTimeout,4,0.6667,2024-01-01T22:10:00.500+01:00,2024-01-02T00:40:00.000+01:00,"db timeout, after 30s",'
        '"api, worker"\n'
        '"\'=HYPERLINK(""http://x"")",2,0.3333,2024-01-01T23:00:00.000+01:00,2024-01-01T23:05:00.000+01:00,'
        '"\'-1+2 ""quoted""","\'=evil, api (+2 more)"\n'
    )
    assert read(out / "csv/top_errors.csv") == (
        "rank,error_type,count,share_of_errors,first_seen,last_seen,sample,services\n"
        '1,DbTimeout,4,0.6667,2024-01-01T22:10:00.500+01:00,2024-01-02T00:40:00.000+01:00,"db timeout, after 30s",'
        '"api, worker"\n'
    )
    assert read(out / "csv/errors_by_hour.csv") == (
        "hour_start,total,errors,error_rate\n"
        "2024-01-01T22:00:00+01:00,15,4,0.2667\n"
        "2024-01-02T00:00:00+01:00,5,2,0.4000\n"
    )
    assert read(out / "csv/errors_per_ip.csv") == (
        "ip,total,errors,error_rate\n'+10.0.0.1,10,4,0.4000\n10.0.0.2,10,2,0.2000\n"
    )
    assert read(out / "csv/errors_per_service.csv") == "service,total,errors,error_rate\napi,20,6,0.3000\n"
    assert read(out / "csv/errors_per_endpoint.csv") == (
        "endpoint,total,errors,error_rate\n'@home,8,5,0.6250\n(none),12,1,0.0833\n"
    )
    assert read(out / "csv/patterns.csv") == (
        "template,count,debug,info,warn,error,critical,unknown,first_seen,last_seen,sample\n"
        "GET <path> <num>,14,0,12,0,2,0,0,2024-01-01T22:01:00.000+01:00,2024-01-02T00:30:00.250+01:00,GET /a 200\n"
        "'=cmd <*>,6,0,0,2,2,2,0,2024-01-01T23:00:00.000+01:00,2024-01-01T23:05:00.000+01:00,'=cmd x\n"
    )
    # copied as the engine wrote it (already neutralized there), header once
    assert read(out / "csv/malformed_rows.csv") == MALFORMED


def test_no_malformed_rows_gives_a_header_only_file(run, tmp_path):
    out = tmp_path / "reports"
    write(replace(run, malformed_csv_path=""), out)
    assert read(out / "csv/malformed_rows.csv") == "file,line,reason,raw\n"


def test_malformed_rows_from_a_spark_part_folder_keep_one_header(run, tmp_path):
    parts = tmp_path / "parts"
    parts.mkdir()
    (parts / "part-00000-a.csv").write_text("file,line,reason,raw\na.log,1,bad,x\n", encoding="utf-8")
    (parts / "part-00001-b.csv").write_text("file,line,reason,raw\nb.log,2,bad,y\n", encoding="utf-8")
    (parts / "_SUCCESS").write_text("", encoding="utf-8")
    out = tmp_path / "reports"
    write(replace(run, malformed_csv_path=str(parts)), out)
    assert read(out / "csv/malformed_rows.csv") == "file,line,reason,raw\na.log,1,bad,x\nb.log,2,bad,y\n"


# The dangerous starts of issue 11; each must come out of the report CSVs with one leading quote.
DANGEROUS_STARTS = [
    "  =2+2", "\x0b=1+1", " \t=5+5", "\n=4+4", "\t=1", "\r=1", "@SUM(A1)", "+1+2", "-1+2", "=1",
]


def _csv_cells(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(read(path), newline="")))


@pytest.mark.parametrize("cell", DANGEROUS_STARTS, ids=repr)
def test_report_csv_neutralizes_each_dangerous_start(run, tmp_path, cell):
    analytics = replace(
        ANALYTICS,
        per_service=(KeyStat(cell, 3, 1), KeyStat("-", 2, 0), KeyStat("-42", 1, 1), KeyStat("(none)", 4, 0)),
        errors_by_type=(ErrorTypeStat(cell, 2, at("2024-01-01 23:00"), at("2024-01-01 23:05"), "-3.5"),),
    )
    out = tmp_path / "reports"
    write(replace(run, error_types=()), out, analytics=analytics)
    assert _csv_cells(out / "csv/errors_per_service.csv") == [
        ["service", "total", "errors", "error_rate"],
        ["'" + cell, "3", "1", "0.3333"],
        ["-", "2", "0", "0.0000"],      # a lone minus is no formula: written as it is
        ["-42", "1", "1", "1.0000"],    # a plain number stays a number
        ["(none)", "4", "0", "0.0000"],  # the key of a missing service, as in the JSON reports
    ]
    assert _csv_cells(out / "csv/errors_by_type.csv")[1] == [
        "'" + cell, "2", "0.3333", "2024-01-01T23:00:00.000+01:00", "2024-01-01T23:05:00.000+01:00",
        "-3.5", "",
    ]


def test_json_documents(run, tmp_path):
    out = tmp_path / "reports"
    write(run, out)
    summary = json.loads(read(out / "json/summary.json"))
    assert summary == {
        "generated_at": "2024-01-03T13:00:00+01:00",
        "input_folder": "/data/logs",
        "time_zone": "Europe/Berlin",
        "run": {
            "started_at": "2024-01-03T12:00:00.000+00:00",
            "duration_seconds": 12.346,
            "stage_seconds": {"discover": 0.1, "aggregate": 2.5},
        },
        "filter": {
            "description": "2024-01-01 00:00 → …; INFO,ERROR",
            "start": "2024-01-01T00:00:00+01:00",
            "end": None,
            "levels": ["INFO", "ERROR"],
        },
        "totals": {"records": 20, "errors": 6, "error_rate": 0.3, "files": 2, "data_lines": 21,
                   "parsed_rows": 20, "malformed_rows": 1},
        "by_level": {"DEBUG": 0, "INFO": 12, "WARN": 2, "ERROR": 4, "CRITICAL": 2, "UNKNOWN": 0},
        "time_span": {"first_seen": "2024-01-01T22:01:00.000+01:00", "last_seen": "2024-01-02T00:30:00.250+01:00"},
        "bucket_seconds": 3600,
        "trend_window_seconds": 3600,
        "alerts": [{
            "rule": "high_error_rate", "severity": "critical", "value": 0.3, "threshold": 0.1,
            "message": "Error rate 30.0% is above the 10.0% threshold",
            "evidence_start": "2024-01-01T22:10:00.500+01:00", "evidence_end": "2024-01-02T00:40:00.000+01:00",
        }],
        "alert_thresholds": {"error_rate_threshold": 0.1, "error_count_threshold": 100, "critical_error_count": 5},
    }
    trends = json.loads(read(out / "json/error_trends.json"))
    assert trends["window_seconds"] == 3600 and trends["time_zone"] == "Europe/Berlin"
    assert trends["points"] == [
        {"start": "2024-01-01T22:00:00+01:00", "total": 15, "errors": 4, "error_rate": 0.266667},
        {"start": "2024-01-02T00:00:00+01:00", "total": 5, "errors": 2, "error_rate": 0.4},
    ]
    days = json.loads(read(out / "json/errors_by_day.json"))["days"]
    assert [(d["date"], d["start"], d["total"], d["errors"]) for d in days] == [
        ("2024-01-01", "2024-01-01T00:00:00+01:00", 15, 4),
        ("2024-01-02", "2024-01-02T00:00:00+01:00", 5, 2),
    ]
    severity = json.loads(read(out / "json/errors_by_severity.json"))
    assert severity["total"] == 20
    assert severity["levels"] == [
        {"level": "INFO", "count": 12, "share": 0.6}, {"level": "WARN", "count": 2, "share": 0.1},
        {"level": "ERROR", "count": 4, "share": 0.2}, {"level": "CRITICAL", "count": 2, "share": 0.1},
    ]
    ingest = json.loads(read(out / "json/ingest_report.json"))
    assert ingest == {
        "folder": "/data/logs",
        "files": [
            {"path": "/data/logs/app.log", "fate": "read", "format": "plain",
             "timestamp_layout": "", "encoding": "utf-8", "data_lines": 21,
             "parsed_rows": 20, "malformed_rows": 1, "note": "", "continuation_lines": 0,
             "malformed_samples": []},
            {"path": "/data/logs/empty.log", "fate": "read", "format": "plain",
             "timestamp_layout": "", "encoding": "utf-8", "data_lines": 0,
             "parsed_rows": 0, "malformed_rows": 0, "note": "no data lines", "continuation_lines": 0,
             "malformed_samples": []},
        ],
        "totals": {"files": 2, "files_read": 2, "files_skipped": 0, "files_unreadable": 0,
                   "data_lines": 21, "parsed_rows": 20, "malformed_rows": 1,
                   "continuation_lines": 0},
    }
    text = read(out / "json/summary.json")
    assert text.startswith('{\n  "alert_thresholds"') and text.endswith("}\n")  # indent 2, sorted keys


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".*"))


def test_failure_midway_leaves_no_new_files_and_no_temporaries(run, tmp_path, monkeypatch):
    out = tmp_path / "reports"
    real_replace = os.replace
    calls = []

    def replace_then_fail(src, dst):
        calls.append(dst)
        if len(calls) == 5:
            raise OSError(28, "No space left on device", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_then_fail)
    with pytest.raises(ReportWriteError) as caught:
        write(run, out)
    message = str(caught.value)
    assert message.startswith(f"Could not write reports to {out}: No space left on device")
    assert "\n" not in message
    assert not out.exists() or files_under(out) == set()
    assert len(calls) == 5


def test_failure_midway_keeps_the_previous_reports(run, tmp_path, monkeypatch):
    out = tmp_path / "reports"
    write(run, out)
    before = {name: (out / name).read_bytes() for name in REPORT_FILES}
    real_replace = os.replace
    calls = []

    def replace_then_fail(src, dst):
        calls.append(dst)
        if len(calls) == 8:
            raise OSError(5, "Input/output error", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_then_fail)
    changed = replace(ANALYTICS, total=999, errors=1)
    with pytest.raises(ReportWriteError):
        write(run, out, changed, ())
    assert {name: (out / name).read_bytes() for name in REPORT_FILES} == before
    assert leftovers(out) == []


def test_output_folder_that_is_a_file_is_a_clear_error(run, tmp_path):
    out = tmp_path / "reports"
    out.write_text("not a folder", encoding="utf-8")
    with pytest.raises(ReportWriteError, match=f"^Could not write reports to {out}: "):
        write(run, out)
    assert out.read_text(encoding="utf-8") == "not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["engine", "reports"]


def test_read_only_folder_is_a_clear_error(run, tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    out.chmod(0o555)
    try:
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            # the child (nobody) must reach the folder and read the run's malformed rows
            for folder in (tmp_path, *tmp_path.parents):
                folder.chmod(folder.stat().st_mode | 0o005)
            (tmp_path / "engine").chmod(0o755)
            Path(run.malformed_csv_path).chmod(0o644)
            write(run, tmp_path / "warm-up")  # every lazy import and cache loaded before the fork
            code, message = error_as_nobody(lambda: write(run, out), ReportWriteError)
            assert code == 3 and "Permission denied" in message, (code, message)
        else:
            with pytest.raises(ReportWriteError, match="Permission denied"):
                write(run, out)
        assert files_under(out) == set()
    finally:
        out.chmod(0o700)


def test_alert_history_is_not_duplicated_by_rewriting_the_same_run(run, tmp_path):
    out = tmp_path / "reports"
    write(run, out)
    write(run, out)
    entries = read_alert_history(out / "alerts.log")
    assert len(entries) == 1
    assert entries[0] == {
        "run_time": "2024-01-03T12:00:00.000+00:00",
        "input_folder": "/data/logs",
        "rule": "high_error_rate",
        "severity": "critical",
        "value": 0.3,
        "threshold": 0.1,
        "message": "Error rate 30.0% is above the 10.0% threshold",
        "evidence_start": "2024-01-01T22:10:00.500+01:00",
        "evidence_end": "2024-01-02T00:40:00.000+01:00",
        "fingerprint": data_fingerprint(run, ANALYTICS),
    }
    # new data in the same folder is new history
    grown = replace(run, ingest=IngestReport("/data/logs", (FileIngest("/data/logs/app.log", "plain", 30, 29, 1),)))
    write(grown, out)
    assert len(read_alert_history(out / "alerts.log")) == 2
    # no alerts: the log keeps what it had
    write(run, out, alerts=())
    assert len(read_alert_history(out / "alerts.log")) == 2


def test_append_alert_history_counts_and_survives_broken_lines(tmp_path):
    log = tmp_path / "alerts.log"
    log.write_bytes(b'not json\n{"rule": "old"}\n[1, 2]\n{"torn": ')  # an interrupted earlier write
    run_time = datetime(2024, 1, 3, 12, 0, tzinfo=timezone.utc)
    assert append_alert_history(log, ALERTS, run_time, "/data/logs", "abc") == 1
    assert append_alert_history(log, ALERTS, run_time, "/data/logs", "abc") == 0
    assert append_alert_history(log, ALERTS, run_time, "/other/logs", "abc") == 1
    entries = read_alert_history(log)
    assert [e.get("rule") for e in entries] == ["old", "high_error_rate", "high_error_rate"]
    assert [e.get("input_folder") for e in entries[1:]] == ["/data/logs", "/other/logs"]
    assert log.read_bytes().startswith(b'not json\n{"rule": "old"}\n[1, 2]\n{"torn": \n')
    assert read_alert_history(tmp_path / "missing.log") == []


def test_fingerprint_follows_the_data(run):
    same = data_fingerprint(run, ANALYTICS)
    assert same == data_fingerprint(run, ANALYTICS)
    assert data_fingerprint(run, replace(ANALYTICS, total=21)) != same
    assert data_fingerprint(replace(run, applied_filter=RecordFilter(levels=frozenset({"ERROR"}))), ANALYTICS) != same
