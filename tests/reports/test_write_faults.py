"""write_reports against real faults: a full disk (a tiny tmpfs), a read-only file system, and
reports this user may not replace (a forked child that is nobody). Every time: one line that
names the folder, the reason and the file; the earlier reports byte for byte as they were; no
temporary left behind."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest

from fault_helpers import (
    error_as_nobody,
    fill_up,
    reachable_by_nobody,
    remount_read_only,
    snapshot,
    tiny_tmpfs,
)
from logdesk.reports.atomic import PendingFile, ReportWriteError, commit_files
from logdesk.reports.writer import REPORT_FILES, write_reports
from logdesk.results import Analytics, Cube, FactTable, FileIngest, IngestReport, RecordFilter, RunResult
from logdesk.settings import Settings

UTC = timezone.utc


def _run() -> RunResult:
    empty = FactTable(keys=(), **{name: np.zeros(0, dtype=np.int64) for name in
                                  ("bucket", "level", "key", "count", "first_ms", "last_ms")})
    return RunResult(
        input_folder="/logs", started_at=datetime(2024, 5, 1, tzinfo=UTC), duration_seconds=1.0,
        stage_seconds={}, ingest=IngestReport("/logs", (FileIngest("/logs/a.log", "plain", 3, 3, 0),)),
        cube=Cube(3600, "UTC", empty, {}), records_path="", malformed_csv_path="",
        applied_filter=RecordFilter(),
    )


def _analytics(total: int) -> Analytics:
    return Analytics(
        filter=RecordFilter(), time_zone="UTC", bucket_seconds=3600, trend_window_seconds=3600,
        total=total, errors=1, by_level={"ERROR": 1, "INFO": total - 1},
        first_seen=datetime(2024, 5, 1, 8, tzinfo=UTC), last_seen=datetime(2024, 5, 1, 9, tzinfo=UTC),
        errors_by_type=(), top_errors=(), errors_by_hour=(), errors_by_day=(), error_trend=(),
        errors_by_severity=(), per_ip=(), per_service=(), per_endpoint=(),
    )


def write(out: Path, total: int) -> list[Path]:
    return write_reports(_run(), _analytics(total), (), out, Settings(),
                         now=datetime(2024, 5, 2, tzinfo=UTC))


def _one_line(exc: pytest.ExceptionInfo) -> str:
    message = str(exc.value)
    assert "\n" not in message
    return message


def test_a_full_disk_midway_keeps_the_earlier_reports(tmp_path):
    with tiny_tmpfs(tmp_path / "mnt", size="256k") as mnt:
        out = mnt / "reports"
        write(out, total=3)
        before = snapshot(out)
        assert sorted(before) == sorted(REPORT_FILES)
        # room for two pages: the first reports' temporaries fit, a later one does not
        fill_up(mnt, leave_bytes=8192)
        with pytest.raises(ReportWriteError) as failed:
            write(out, total=4)
        message = _one_line(failed)
        assert message.startswith(f"Could not write reports to {out}: No space left on device ("), message
        named = Path(message.rsplit("(", 1)[1].rstrip(")"))
        assert out in named.parents and named.relative_to(out).as_posix() in REPORT_FILES, message
        assert snapshot(out) == before  # nothing replaced, no temporary, no backup left


def test_a_read_only_file_system_is_one_line_and_changes_nothing(tmp_path):
    with tiny_tmpfs(tmp_path / "mnt") as mnt:
        out = mnt / "reports"
        write(out, total=3)
        before = snapshot(out)
        remount_read_only(mnt)
        with pytest.raises(ReportWriteError) as failed:
            write(out, total=4)
        message = _one_line(failed)
        assert message == (f"Could not write reports to {out}: Read-only file system "
                           f"({out / 'csv' / 'errors_by_type.csv'})")
        assert snapshot(out) == before


def test_a_report_this_user_may_not_replace_is_left_alone(tmp_path):
    out = tmp_path / "reports"
    write(out, total=3)  # as root (or the test user): the files are theirs
    for folder in (out, out / "csv", out / "json"):
        folder.chmod(0o777)  # nobody may make files anywhere here, only not replace them
    reachable_by_nobody(out)
    before = snapshot(out)

    code, message = error_as_nobody(lambda: write(out, total=4), ReportWriteError)
    assert code == 3, message
    # a rename over it would have worked (the folder is writable): the file's own mode decides
    assert message == (f"Could not write reports to {out}: Permission denied "
                       f"({out / 'csv' / 'errors_by_type.csv'})")
    assert snapshot(out) == before


def test_a_folder_this_user_may_not_write_names_the_folder(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    reachable_by_nobody(out)  # readable and enterable, not writable (root's 0755)

    code, message = error_as_nobody(
        lambda: commit_files([PendingFile(out / "a.txt", b"x")], out), ReportWriteError)
    assert code == 3, message
    assert message == f"Could not write reports to {out}: Permission denied ({out})"
    assert list(out.iterdir()) == []


def test_new_analytics_replace_all_reports_when_there_is_room(tmp_path):
    # the control case of the full-disk test: the same write succeeds with room to spare
    with tiny_tmpfs(tmp_path / "mnt", size="512k") as mnt:
        out = mnt / "reports"
        write(out, total=3)
        before = snapshot(out)
        write(out, total=4)
        after = snapshot(out)
        assert sorted(after) == sorted(before)
        assert after["json/summary.json"] != before["json/summary.json"]
        assert b'"records": 4' in after["json/summary.json"]
