"""Every record gets a mined template: the run's patterns (per level), the records view's
`template` column, the records export and the known error types. Expected groups are written
by hand; the exact spelling of a mask (<ip>, <num>) is the masking tests' business, so the
checks here are on which records share a template and on the counts."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from logdesk.analysis.summarize import summarize
from logdesk.engine import records
from logdesk.engine.known_error_types import KNOWN_ERROR_TYPES_NAME
from logdesk.engine.pipeline import run_pipeline
from logdesk.engine.records_export import export_records
from logdesk.results import RecordFilter
from logdesk.settings import AnalyticsSettings, PathSettings, Settings

LINES = [
    ("2024-03-01T10:00:00Z", "INFO", "api", "User alice logged in from 10.0.0.1"),
    ("2024-03-01T10:01:00Z", "INFO", "api", "User bob logged in from 10.0.0.2"),
    ("2024-03-01T10:02:00Z", "ERROR", "api", "User carol failed login from 10.0.0.3"),
    ("2024-03-01T10:03:00Z", "ERROR", "web", "User dave failed login from 10.0.0.4"),
    ("2024-03-01T10:04:00Z", "WARN", "web", "Cache miss for key 42"),
    ("2024-03-01T10:05:00Z", "WARN", "web", "Cache miss for key 7"),
    # the same template at another level: one pattern, two levels, no error type
    ("2024-03-01T10:06:00Z", "INFO", "api", "Cache miss for key 9"),
]
LOGGED, FAILED, CACHE = (0, 1), (2, 3), (4, 5, 6)  # which lines share a template


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "logs"
    folder.mkdir()
    with open(folder / "app.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["timestamp", "level", "service", "message"])
        writer.writerows(LINES)
    return folder


def test_every_record_has_a_template_and_error_types_are_those_of_errors(spark, tmp_path):
    settings = Settings(paths=PathSettings(work_dir=str(tmp_path / "work")))
    run = run_pipeline(spark, _folder(tmp_path), settings)

    rows = records.load_records(spark, run.records_path).orderBy("ts").collect()
    assert len(rows) == len(LINES)
    template = [r["template"] for r in rows]
    assert all(template), template
    for group in (LOGGED, FAILED, CACHE):
        assert len({template[i] for i in group}) == 1
    assert len({template[LOGGED[0]], template[FAILED[0]], template[CACHE[0]]}) == 3
    # the varying user name is a wildcard, the constant words stay
    assert template[LOGGED[0]].startswith("User <*> logged in from ")
    assert template[FAILED[0]].startswith("User <*> failed login from ")
    assert template[CACHE[0]].startswith("Cache miss for key ")
    # error_type: the template of ERROR/CRITICAL records only
    assert [r["error_type"] for r in rows] == [
        template[i] if LINES[i][1] == "ERROR" else None for i in range(len(LINES))
    ]

    analytics = summarize(run.cube, RecordFilter(), AnalyticsSettings())
    assert [(p.template, p.count, dict(p.by_level)) for p in analytics.patterns] == [
        (template[CACHE[0]], 3, {"INFO": 1, "WARN": 2}),
        # a tie on count: name order ("failed" before "logged")
        (template[FAILED[0]], 2, {"ERROR": 2}),
        (template[LOGGED[0]], 2, {"INFO": 2}),
    ]
    assert sum(p.count for p in analytics.patterns) == analytics.total == 7
    cache = analytics.patterns[0]
    assert cache.sample == "Cache miss for key 42"  # the smallest message of any level
    assert [(t.error_type, t.count) for t in analytics.errors_by_type] == [(template[FAILED[0]], 2)]
    assert [(i.template, i.count, i.services) for i in run.error_types] == [
        (template[FAILED[0]], 2, ("api", "web"))
    ]

    # the folder remembers error types only, not every template
    known = next((tmp_path / "work").rglob(KNOWN_ERROR_TYPES_NAME))
    assert json.loads(known.read_text(encoding="utf-8"))["templates"] == [template[FAILED[0]]]

    target = tmp_path / "records.csv"
    assert export_records(spark, run, RecordFilter(), "", target, "UTC") == 7
    with open(target, encoding="utf-8", newline="") as handle:
        exported = list(csv.DictReader(handle))
    assert [(e["message"], e["template"], e["error_type"]) for e in exported] == [
        (LINES[i][3], template[i], template[i] if LINES[i][1] == "ERROR" else "") for i in range(len(LINES))
    ]


def test_a_level_filter_keeps_the_templates_of_the_whole_folder(spark, tmp_path):
    """Templates are mined over every record, whatever the run's filter: the same records get
    the same templates with and without a level filter."""
    folder = _folder(tmp_path)
    settings = Settings(paths=PathSettings(work_dir=str(tmp_path / "work")))
    whole = run_pipeline(spark, folder, settings)
    warn_only = run_pipeline(spark, folder, settings, record_filter=RecordFilter(levels=frozenset({"WARN"})))
    all_patterns = summarize(whole.cube, RecordFilter(), AnalyticsSettings()).patterns
    warn = summarize(warn_only.cube, RecordFilter(), AnalyticsSettings()).patterns
    assert [(p.template, p.count, dict(p.by_level)) for p in warn] == [(all_patterns[0].template, 2, {"WARN": 2})]
