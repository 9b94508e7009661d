"""Cancelling a run: wherever it is (a stage's start or end, between the folders of the
discovery, in the driver's merge), the run raises Cancelled and leaves nothing behind — no
run folder, no half-written copy — and the next run gives what a run gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from logdesk.control import Cancelled, RunControl
from logdesk.engine import discover, pipeline
from logdesk.engine.pipeline import run_pipeline
from logdesk.settings import CacheSettings, PathSettings, Settings

LOG4J = (
    "2024-03-01 10:00:00,000 ERROR [main] com.acme.Api - Request 17 failed\n"
    "\tat com.acme.Api.call(Api.java:10)\n"
    "2024-03-01 10:00:01,000 INFO [main] com.acme.Api - Request 18 ok\n"
)
CSV = "timestamp,level,message\n2024-03-01T10:00:00Z,ERROR,boom\nN/A,INFO,bad time\n"


def _logs(tmp_path: Path) -> Path:
    logs = tmp_path / "logs"
    for sub in ("a", "b"):
        (logs / sub).mkdir(parents=True)
        (logs / sub / "app.log").write_text(LOG4J, encoding="utf-8")
    (logs / "api.csv").write_text(CSV, encoding="utf-8")
    return logs


def _settings(tmp_path: Path, cache: bool) -> Settings:
    return Settings(paths=PathSettings(work_dir=str(tmp_path / "work")),
                    cache=CacheSettings(enabled=cache, dir=str(tmp_path / "cache")))


def _leftovers(tmp_path: Path) -> list[str]:
    """Run folders and Spark's unfiled output (the cache's entries are complete or absent)."""
    work, incoming = tmp_path / "work", tmp_path / "cache" / "incoming"
    runs = [str(p) for p in work.glob("*/*") if p.is_dir()] if work.is_dir() else []
    return runs + ([str(p) for p in incoming.iterdir()] if incoming.is_dir() else [])


def _counts(run) -> tuple[int, int, int]:
    return run.ingest.parsed_rows, run.ingest.malformed_rows, run.ingest.continuation_lines


def _events(spark, tmp_path: Path) -> list[tuple[str, float]]:
    """The stage boundaries' reports (those within a stage have a detail, and how many come
    depends on timing)."""
    seen: list[tuple[str, float]] = []
    run = run_pipeline(spark, _logs(tmp_path / "probe"), _settings(tmp_path / "probe", False),
                       control=RunControl(progress=lambda s, f, d: d or seen.append((s, f))))
    assert _counts(run) == (5, 1, 2)
    return seen


def test_a_cancel_at_any_stage_leaves_no_run_behind(spark, tmp_path):
    events = _events(spark, tmp_path)
    assert [s for s, _ in events][:2] == ["discover", "discover"]
    for n in range(len(events) - 1):  # the last one comes after the run is published
        where = tmp_path / f"at-{n}"
        logs, settings = _logs(where), _settings(where, False)
        calls: list[str] = []
        box: list[RunControl] = []

        def progress(stage: str, fraction: float, detail: str) -> None:
            if detail:
                return
            calls.append(stage)
            if len(calls) == n + 1:
                box[0].cancel()

        control = RunControl(progress=progress)
        box.append(control)
        with pytest.raises(Cancelled):
            run_pipeline(spark, logs, settings, control=control)
        assert _leftovers(where) == [], (n, events[n])
        work = where / "work"
        assert not work.exists() or list(work.iterdir()) == [], (n, events[n])
        assert _counts(run_pipeline(spark, logs, settings)) == (5, 1, 2)


def test_a_cancel_inside_driver_steps(spark, tmp_path, monkeypatch):
    logs = _logs(tmp_path)
    settings = _settings(tmp_path, True)
    control = RunControl()
    described: list[Path] = []
    real_describe = discover._describe_found

    def describe_then_cancel(path, *args, **kwargs):
        described.append(path)
        control.cancel()  # the first file: the next folder is not looked at
        return real_describe(path, *args, **kwargs)

    monkeypatch.setattr(discover, "_describe_found", describe_then_cancel)
    with pytest.raises(Cancelled):
        run_pipeline(spark, logs, settings, control=control)
    assert len(described) == 1 and _leftovers(tmp_path) == []
    monkeypatch.undo()

    real_merge = pipeline.merge_partials
    control = RunControl()

    def merge_then_cancel(*args, **kwargs):
        merged = real_merge(*args, **kwargs)
        control.cancel()
        return merged

    monkeypatch.setattr(pipeline, "merge_partials", merge_then_cancel)
    with pytest.raises(Cancelled):
        run_pipeline(spark, logs, settings, control=control)
    assert _leftovers(tmp_path) == []
    monkeypatch.undo()
    # the files' entries were filed before the cancel: the next run reuses them
    again = run_pipeline(spark, logs, settings)
    assert _counts(again) == (5, 1, 2) and again.cache.reused == 3
