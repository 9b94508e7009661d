"""Templates applied to records (with_templates), and the pipeline's per-type details and
known-templates file. The mining itself is tested in tests/engine/test_mining_python.py."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from logdesk.engine.known_error_types import KNOWN_ERROR_TYPES_NAME
from logdesk.engine.pipeline import run_pipeline
from logdesk.engine.templates import WILDCARD, with_templates
from logdesk.results import ErrorTypeInfo
from logdesk.settings import PathSettings, Settings


def test_with_templates_gives_every_record_a_template_and_errors_an_error_type(spark):
    records = spark.createDataFrame(
        [(1, "ERROR", "User alice failed"), (2, "INFO", "User bob failed"), (3, "CRITICAL", "Disk full"),
         (4, "ERROR", None), (5, "WARN", "  ")],
        "id int, level string, masked string",
    )
    mapping = spark.createDataFrame(
        [("User alice failed", f"User {WILDCARD} failed"), ("User bob failed", f"User {WILDCARD} failed")],
        "masked string, template string",
    )
    got = with_templates(records, mapping)
    assert got.columns == ["id", "level", "masked", "template", "error_type"]
    assert sorted((r["id"], r["template"], r["error_type"]) for r in got.collect()) == [
        (1, "User <*> failed", "User <*> failed"),
        (2, "User <*> failed", None),  # an INFO record has a template, no error type
        (3, "Disk full", "Disk full"),  # not in the mapping: its own template
        (4, None, None),
        (5, None, None),  # blank: no template
    ]
    # without a mapping (a run that kept none) the masked message is the template
    bare = with_templates(records, None).where("id = 1").first()
    assert (bare["template"], bare["error_type"]) == ("User alice failed", "User alice failed")


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_pipeline_maps_records_to_templates_with_details_and_remembers_them(spark, tmp_path):
    settings = Settings(paths=PathSettings(work_dir=str(tmp_path / "work")))
    folder = tmp_path / "logs"
    _write(folder / "a.csv",
           "timestamp,level,service,message\n"
           "2024-03-01T10:00:00Z,ERROR,api,User alice failed login from 10.0.0.1\n"
           "2024-03-01T10:05:00Z,ERROR,web,User bob failed login from 10.0.0.2\n"
           "2024-03-01T10:10:00Z,CRITICAL,api,User carol failed login from 10.0.0.3\n"
           "2024-03-01T10:20:00Z,INFO,api,User dave logged in from 10.0.0.4\n"
           "2024-03-01T11:00:00Z,ERROR,,Disk full on /var/data\n")

    first = run_pipeline(spark, folder, settings)
    assert first.previous_error_types is None
    assert first.error_types == (
        ErrorTypeInfo("User <*> failed login from <ip>", 3, utc(2024, 3, 1, 10, 0), utc(2024, 3, 1, 10, 10),
                      ("api", "web"), 2, "User alice failed login from 10.0.0.1"),
        ErrorTypeInfo("Disk full on <path>", 1, utc(2024, 3, 1, 11, 0), utc(2024, 3, 1, 11, 0),
                      (), 0, "Disk full on /var/data"),
    )
    # every record has a pattern: at dave's INFO record, position 3 holds 2 words (failed /
    # logged) in 4 records, constants, so it is a template of its own
    assert first.cube.dims["pattern"].keys == (
        "Disk full on <path>", "User <*> failed login from <ip>", "User dave logged in from <ip>"
    )
    known = next((tmp_path / "work").glob(f"*/{KNOWN_ERROR_TYPES_NAME}"))
    assert json.loads(known.read_text(encoding="utf-8")) == {
        "templates": ["Disk full on <path>", "User <*> failed login from <ip>"]
    }

    second = run_pipeline(spark, folder, settings)
    assert second.previous_error_types == frozenset({"Disk full on <path>", "User <*> failed login from <ip>"})
    assert second.error_types == first.error_types


@pytest.mark.parametrize("content", ["not json", '{"templates": [1, 2]}', "[]"])
def test_an_unreadable_known_types_file_counts_as_no_previous_run(tmp_path, content):
    from logdesk.engine.known_error_types import read_known_error_types, write_known_error_types

    (tmp_path / KNOWN_ERROR_TYPES_NAME).write_text(content, encoding="utf-8")
    assert read_known_error_types(tmp_path) is None
    write_known_error_types(tmp_path, ["b", "a", "b"])
    assert read_known_error_types(tmp_path) == frozenset({"a", "b"})
    assert [p.name for p in tmp_path.iterdir()] == [KNOWN_ERROR_TYPES_NAME]
