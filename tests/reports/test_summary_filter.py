"""summary.json has one `filter`: the records its numbers are of, whether the run read them with
the CLI's --from/--to/--levels or the app summarized them with its filter bar."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timezone

import numpy as np
import pytest

from logdesk.reports.writer import write_reports
from logdesk.results import Analytics, Cube, FactTable, FileIngest, IngestReport, RecordFilter, RunResult
from logdesk.settings import Settings

UTC = timezone.utc
JAN1, JAN2, JAN3 = (datetime(2024, 1, d, tzinfo=UTC) for d in (1, 2, 3))


ANALYTICS = Analytics(
    filter=RecordFilter(start=datetime(2024, 1, 1, tzinfo=UTC), levels=frozenset({"ERROR", "INFO"})),
    time_zone="UTC", bucket_seconds=3600, trend_window_seconds=3600, total=3, errors=1,
    by_level={"DEBUG": 0, "INFO": 2, "WARN": 0, "ERROR": 1, "CRITICAL": 0, "UNKNOWN": 0},
    first_seen=JAN1, last_seen=JAN2, errors_by_type=(), top_errors=(), errors_by_hour=(),
    errors_by_day=(), error_trend=(), errors_by_severity=(), per_ip=(), per_service=(), per_endpoint=(),
)


@pytest.fixture
def run(tmp_path) -> RunResult:
    e = np.zeros(0, dtype=np.int64)
    table = FactTable((), e, e.astype(np.int8), e.astype(np.int32), e, e, e)
    malformed = tmp_path / "malformed_rows.csv"
    malformed.write_text("file,line,reason,raw\n", encoding="utf-8")
    return RunResult(
        input_folder="/data/logs", started_at=JAN3, duration_seconds=1.0, stage_seconds={},
        ingest=IngestReport("/data/logs", (FileIngest("/data/logs/a.log", "plain", 3, 3, 0, "utf-8", ""),)),
        cube=Cube(3600, "UTC", table, {}), records_path="", malformed_csv_path=str(malformed),
        applied_filter=RecordFilter(), error_types=(),
    )


def write(run, out, analytics=ANALYTICS):
    return write_reports(run, analytics, (), out, Settings(time_zone="UTC"), now=JAN3)


def test_narrowed_by_keeps_what_both_let_through():
    cli = RecordFilter(start=JAN1, end=JAN3, levels=frozenset({"ERROR", "WARN"}))
    app = RecordFilter(start=JAN2, levels=frozenset({"ERROR", "INFO"}))
    assert cli.narrowed_by(app) == RecordFilter(JAN2, JAN3, frozenset({"ERROR"}))
    assert app.narrowed_by(cli) == RecordFilter(JAN2, JAN3, frozenset({"ERROR"}))
    assert RecordFilter().narrowed_by(app) == app
    assert cli.narrowed_by(RecordFilter()) == cli
    assert RecordFilter().narrowed_by(RecordFilter()).is_empty


def _summary(out) -> dict:
    return json.loads((out / "json" / "summary.json").read_text(encoding="utf-8"))


def test_a_cli_filter_is_the_summary_filter(run, tmp_path):  
    cli_run = replace(run, applied_filter=RecordFilter(levels=frozenset({"ERROR"})))
    write(cli_run, tmp_path / "out", analytics=replace(ANALYTICS, filter=RecordFilter()))
    summary = _summary(tmp_path / "out")
    assert "applied_filter" not in summary
    assert summary["filter"] == {"description": "ERROR", "start": None, "end": None, "levels": ["ERROR"]}
    for name in ("error_trends", "errors_by_day", "errors_by_severity"):
        document = json.loads((tmp_path / "out" / "json" / f"{name}.json").read_text(encoding="utf-8"))
        assert document["filter"] == summary["filter"], name


def test_an_app_filter_is_the_summary_filter(run, tmp_path):  
    write(run, tmp_path / "out")
    summary = _summary(tmp_path / "out")
    assert "applied_filter" not in summary
    assert summary["filter"]["levels"] == ["INFO", "ERROR"]
    assert summary["filter"]["start"] == "2024-01-01T00:00:00+00:00"
