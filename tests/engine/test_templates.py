"""Template mining over masked error types: exact templates, kept-apart constant words,
determinism, and the pipeline's per-type details and known-templates file."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from logdesk.engine.known_error_types import KNOWN_ERROR_TYPES_NAME
from logdesk.engine.pipeline import run_pipeline
from logdesk.engine.templates import mine_templates
from logdesk.results import ErrorTypeInfo
from logdesk.settings import PathSettings, Settings


def mined(spark, types: list[str], partitions: int = 1) -> dict[str, str]:
    frame = spark.createDataFrame([(t,) for t in types], "error_type string").repartition(partitions)
    return {r["error_type"]: r["template"] for r in mine_templates(frame).collect()}


def test_variable_words_merge_and_constant_words_stay_apart(spark):
    types = [
        # one event: the user name varies, every type has its own
        "User alice failed login from <ip>",
        "User bob failed login from <ip>",
        "User carol failed login from <ip>",
        # two events that differ by one constant word, each seen with several users
        "Connection refused by auth for user alice",
        "Connection refused by auth for user bob",
        "Connection reset by auth for user carol",
        "Connection reset by auth for user dave",
        # same length and first word, little else in common: kept apart
        "Failed to open <path> for writing",
        "Failed to connect to <ip> now",
        # a first token holding a mask is a variable (syslog program[pid]:)
        "nginx[<num>]: segfault at <hex> error <num>",
        "php-fpm[<num>]: segfault at <hex> error <num>",
        # alone in its group: itself
        "Disk full on <path>",
    ]
    assert mined(spark, types) == {
        "User alice failed login from <ip>": "User <*> failed login from <ip>",
        "User bob failed login from <ip>": "User <*> failed login from <ip>",
        "User carol failed login from <ip>": "User <*> failed login from <ip>",
        "Connection refused by auth for user alice": "Connection refused by auth for user <*>",
        "Connection refused by auth for user bob": "Connection refused by auth for user <*>",
        "Connection reset by auth for user carol": "Connection reset by auth for user <*>",
        "Connection reset by auth for user dave": "Connection reset by auth for user <*>",
        "Failed to open <path> for writing": "Failed to open <path> for writing",
        "Failed to connect to <ip> now": "Failed to connect to <ip> now",
        "nginx[<num>]: segfault at <hex> error <num>": "<*> segfault at <hex> error <num>",
        "php-fpm[<num>]: segfault at <hex> error <num>": "<*> segfault at <hex> error <num>",
        "Disk full on <path>": "Disk full on <path>",
    }


def test_two_types_differing_in_one_word_merge_like_drain(spark):
    # with one type each, a differing word cannot be told from a variable: Drain merges them too
    assert set(mined(spark, ["Job nightly failed: <str>", "Job hourly failed: <str>"]).values()) == {
        "Job <*> failed: <str>"
    }


def test_mining_is_deterministic_whatever_the_order_and_partitioning(spark):
    types = [f"Queue {q} is full, dropping message <uuid>" for q in ("emails", "exports", "payments")]
    types += [f"Cache {c} unreachable at <ip>" for c in ("redis", "memcached")]
    types += ["Cache redis evicted <num> keys", "Cache redis evicted all keys"]
    first = mined(spark, types, partitions=1)
    assert mined(spark, list(reversed(types)), partitions=3) == first
    assert first["Queue emails is full, dropping message <uuid>"] == "Queue <*> is full, dropping message <uuid>"
    assert first["Cache redis evicted <num> keys"] == "Cache redis evicted <*> keys"


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
    assert first.cube.dims["error_type"].keys == ("Disk full on <path>", "User <*> failed login from <ip>")
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
