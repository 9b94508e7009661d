"""Reports and records exports get the mode of any new file under the umask (0o666 & ~umask),
not mkstemp's 0600 or the 0644 Hadoop's local file system gives whatever the umask is."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from logdesk.reports.atomic import PendingFile, commit_files, current_umask, new_file_mode
from logdesk.reports.writer import REPORT_FILES, write_reports
from logdesk.results import RecordFilter
from logdesk.settings import PathSettings, Settings
from test_write_faults import _analytics, _run

# (umask, the mode of a new file under it), worked out by hand: 666 & ~022 = 644, 666 & ~027 = 640
MASKS = [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)]


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), MASKS, ids=lambda v: oct(v))
def test_the_umask_is_read_without_being_changed(mask, expected):
    with umask(mask):
        assert current_umask() == mask
        assert current_umask() == mask  # reading it twice: it was not changed by the first read
        assert new_file_mode() == expected


@pytest.mark.parametrize(("mask", "expected"), MASKS, ids=lambda v: oct(v))
def test_reports_follow_the_umask(tmp_path, mask, expected):
    out = tmp_path / "reports"
    with umask(mask):
        write_reports(_run(), _analytics(3), (), out, Settings(),
                      now=datetime(2024, 5, 2, tzinfo=timezone.utc))
    modes = {name: oct(mode(out / name)) for name in REPORT_FILES}
    assert modes == {name: oct(expected) for name in REPORT_FILES}


def test_a_replaced_file_gets_the_mode_of_a_new_file(tmp_path):
    target = tmp_path / "alerts.log"
    target.write_bytes(b"old\n")
    target.chmod(0o600)
    with umask(0o022):
        commit_files([PendingFile(target, b"new\n")], tmp_path)
    assert target.read_bytes() == b"new\n" and mode(target) == 0o644


CSV = (
    "timestamp,level,service,ip,endpoint,message\n"
    "2024-05-01T10:00:00Z,INFO,api,10.0.0.1,/a,ok\n"
    "2024-05-01T10:05:00Z,ERROR,api,10.0.0.2,/b,failed\n"
)


@pytest.fixture(scope="module")
def engine_run(spark, tmp_path_factory):
    from logdesk.engine.pipeline import run_pipeline

    base = tmp_path_factory.mktemp("umask")
    (base / "logs").mkdir()
    (base / "logs" / "app.csv").write_text(CSV, encoding="utf-8")
    return run_pipeline(spark, base / "logs", Settings(paths=PathSettings(work_dir=str(base / "work"))))


@pytest.mark.slow
@pytest.mark.parametrize(("mask", "expected"), MASKS[:2], ids=lambda v: oct(v))
@pytest.mark.parametrize("name", ["records.csv", "records.parquet"])
def test_records_exports_follow_the_umask(spark, engine_run, tmp_path, mask, expected, name):
    from logdesk.engine.records_export import export_records

    target = tmp_path / name
    with umask(mask):
        rows = export_records(spark, engine_run, RecordFilter(), "", target, "UTC")
    assert rows == 2
    assert oct(mode(target)) == oct(expected)
