"""json/ingest_report.json: continuation lines and malformed samples per file, untouched text."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import numpy as np

from logdesk.reports.writer import write_reports
from logdesk.results import (
    Analytics,
    Cube,
    FactTable,
    FileIngest,
    IngestReport,
    MalformedSample,
    RecordFilter,
    RunResult,
)
from logdesk.settings import Settings


def _empty_cube() -> Cube:
    e = np.zeros(0, dtype=np.int64)
    return Cube(3600, "UTC", FactTable((), e, e.astype(np.int8), e.astype(np.int32), e, e, e), {})


def _analytics() -> Analytics:
    return Analytics(
        filter=RecordFilter(), time_zone="UTC", bucket_seconds=3600, trend_window_seconds=3600,
        total=0, errors=0, by_level={}, first_seen=None, last_seen=None, errors_by_type=(),
        top_errors=(), errors_by_hour=(), errors_by_day=(), error_trend=(), errors_by_severity=(),
        per_ip=(), per_service=(), per_endpoint=(),
    )


def test_ingest_report_has_continuation_lines_and_malformed_samples(tmp_path):
    samples = (
        MalformedSample(3, "no timestamp", "=HYPERLINK(\"x\") <b>raw</b>"),
        MalformedSample(None, "undecodable", ""),
    )
    ingest = IngestReport("/logs", (
        FileIngest("/logs/app.log", "log4j", 12, 6, 2, "utf-16", "", continuation_lines=4,
                   malformed_samples=samples),
        FileIngest("/logs/b.jsonl", "jsonl", 3, 3, 0),
    ))
    run = RunResult(
        input_folder="/logs", started_at=datetime(2024, 1, 1, tzinfo=timezone.utc),
        duration_seconds=1.0, stage_seconds={}, ingest=ingest, cube=_empty_cube(),
        records_path="", malformed_csv_path="",
    )
    write_reports(run, _analytics(), (), tmp_path, Settings())
    report = json.loads((tmp_path / "json" / "ingest_report.json").read_text(encoding="utf-8"))
    app, b = report["files"]
    assert app == {
        "path": "/logs/app.log", "fate": "read", "format": "log4j", "timestamp_layout": "",
        "encoding": "utf-16", "data_lines": 12,
        "parsed_rows": 6, "malformed_rows": 2, "note": "", "continuation_lines": 4,
        "malformed_samples": [
            {"line": 3, "reason": "no timestamp", "raw": "=HYPERLINK(\"x\") <b>raw</b>"},  # JSON, not a sheet
            {"line": None, "reason": "undecodable", "raw": ""},
        ],
    }
    assert (b["continuation_lines"], b["malformed_samples"]) == (0, [])
    assert report["totals"] == {"files": 2, "files_read": 2, "files_skipped": 0,
                                "files_unreadable": 0, "data_lines": 15, "parsed_rows": 9,
                                "malformed_rows": 2, "continuation_lines": 4}
