"""`logdesk process FOLDER --records FILE`, run as a user would (subprocess)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# Line 2's record spans lines 2-4 (quoted field with two newlines); line 5 is malformed, so the
# checked rows sit on lines 6, 7 and 9 of the file.
APP_CSV = (
    "timestamp,level,service,ip,endpoint,message\n"
    '2024-05-01T10:00:00Z,INFO,api,10.0.0.1,/a,"first\n'
    "wrapped\n"
    'twice"\n'
    "N/A,ERROR,api,10.0.0.1,/a,bad time\n"
    "2024-05-01T10:05:00Z,ERROR,api,10.0.0.2,/b,@SUM(1+1)\n"
    "2024-05-01T10:06:00Z,WARN,db,,/c,\"slow, very\"\n"
    "2024-05-01T10:07:00Z,INFO,db,10.0.0.3,/c,fine\n"
    "2024-05-01T23:30:00Z,ERROR,db,10.0.0.3,/d,late\n"
    "2024-05-02T09:00:00Z,ERROR,db,10.0.0.3,/d,next day\n"
)


def run_cli(*args, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "logdesk", *map(str, args)],
        capture_output=True, text=True, timeout=timeout, cwd=REPO, env=dict(os.environ),
    )


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("logdesk: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture
def log_folder(tmp_path) -> Path:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "app.csv").write_text(APP_CSV, encoding="utf-8")
    return folder


def test_records_file_in_a_missing_folder_is_refused_before_spark(tmp_path, log_folder):
    target = tmp_path / "nowhere" / "records.csv"
    result = run_cli("process", log_folder, "--out", tmp_path / "out", "--records", target, timeout=120)
    assert_one_line_error(result, "cannot write records to", str(target), "does not exist")
    assert "starting Spark" not in result.stdout


def test_records_file_that_is_a_folder_is_refused(tmp_path, log_folder):
    result = run_cli("process", log_folder, "--out", tmp_path / "out", "--records", tmp_path, timeout=120)
    assert_one_line_error(result, "cannot write records to", "it is a folder")


def _records_line(stdout: str) -> str:
    lines = [line for line in stdout.splitlines() if line.startswith("records  ")]
    assert len(lines) == 1, stdout
    return lines[0]


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_process_writes_the_records_of_the_filter(tmp_path, log_folder, suffix):
    target = tmp_path / f"records{suffix}"
    result = run_cli(
        "process", log_folder, "--out", tmp_path / "out", "--master", "local[1]",
        "--driver-memory", "1g", "--from", "2024-05-01", "--to", "2024-05-01",
        "--levels", "error,warn", "--records", target,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert _records_line(result.stdout) == f"records  3 rows written to {target}"
    source = str(log_folder.resolve() / "app.csv")
    if suffix == ".csv":
        with open(target, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == ["timestamp", "level", "service", "ip", "endpoint", "message",
                           "template", "error_type", "source_file", "line"]
        assert [r[:6] + r[8:] for r in rows[1:]] == [
            ["2024-05-01T10:05:00.000+00:00", "ERROR", "api", "10.0.0.2", "/b", "'@SUM(1+1)", source, "6"],
            ["2024-05-01T10:06:00.000+00:00", "WARN", "db", "", "/c", "slow, very", source, "7"],
            ["2024-05-01T23:30:00.000+00:00", "ERROR", "db", "10.0.0.3", "/d", "late", source, "9"],
        ]
    else:
        import pyarrow.parquet as pq

        rows = pq.read_table(target).to_pylist()
        got = [
            (r["timestamp"].replace(tzinfo=timezone.utc) if r["timestamp"].tzinfo is None
             else r["timestamp"].astimezone(timezone.utc), r["level"], r["message"], r["source_file"], r["line"])
            for r in rows
        ]
        assert got == [
            (datetime(2024, 5, 1, 10, 5, tzinfo=timezone.utc), "ERROR", "@SUM(1+1)", source, 6),
            (datetime(2024, 5, 1, 10, 6, tzinfo=timezone.utc), "WARN", "slow, very", source, 7),
            (datetime(2024, 5, 1, 23, 30, tzinfo=timezone.utc), "ERROR", "late", source, 9),
        ]
