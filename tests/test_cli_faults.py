"""`logdesk process` against failures a user can cause or suffer, run as a user would: a full
disk and a read-only file system (a tiny tmpfs), reports and records this user may not replace
(a forked child that is nobody), and the Spark engine killed in the middle of a run.

Each ends with its documented exit code and exactly one line on stderr; the out folder keeps
its earlier reports byte for byte, with no temporary left; after the engine died the next run
works. Runs answered from the cache (no Spark job) keep most of these tests quick."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import encodings.utf_8_sig  # noqa: F401 - loaded before a fork: the child (nobody) may not
import logdesk.cli_args  # noqa: F401 - read the interpreter's or the project's files
import logdesk.reports.writer  # noqa: F401 - the same
from fault_helpers import (
    as_nobody,
    fill_up,
    reachable_by_nobody,
    remount_read_only,
    snapshot,
    spark_jvms,
    tiny_tmpfs,
    write_big_csv,
)
from logdesk import cli

REPO = Path(__file__).resolve().parent.parent
CSV = (
    "timestamp,level,service,ip,endpoint,message\n"
    "2024-05-01T10:00:00Z,INFO,api,10.0.0.1,/orders,GET /orders 200\n"
    "2024-05-01T10:05:00Z,ERROR,api,10.0.0.2,/orders,Timeout after 300 ms\n"
    "2024-05-01T10:10:00Z,WARN,db,10.0.0.3,/orders,slow query\n"
)


def run_cli(*args, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "logdesk", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, cwd=REPO, env=dict(os.environ))


def one_error_line(result: subprocess.CompletedProcess, code: int = 2) -> str:
    assert result.returncode == code, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("logdesk: error: "), lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    return lines[0].removeprefix("logdesk: error: ")


@pytest.fixture(scope="module")
def cached_logs(tmp_path_factory) -> Path:
    """A small folder whose files the cache holds already: later runs start no Spark."""
    base = tmp_path_factory.mktemp("faults")
    folder = base / "logs"
    folder.mkdir()
    (folder / "shop.csv").write_text(CSV, encoding="utf-8")
    first = run_cli("process", folder, "--out", base / "first", "--master", "local[1]",
                    "--driver-memory", "1g")
    assert first.returncode == 0, first.stdout + first.stderr
    return folder


def cached_run(folder: Path, out: Path, *more) -> subprocess.CompletedProcess:
    return run_cli("process", folder, "--out", out, *more, timeout=180)


@pytest.mark.slow
def test_a_full_disk_exits_2_and_keeps_the_earlier_reports(cached_logs, tmp_path):
    with tiny_tmpfs(tmp_path / "mnt", size="256k") as mnt:
        out = mnt / "reports"
        earlier = cached_run(cached_logs, out)
        assert earlier.returncode == 0, earlier.stdout + earlier.stderr
        assert "no Spark job" in earlier.stdout
        before = snapshot(out)
        fill_up(mnt, leave_bytes=8192)  # two pages: some temporaries fit, not all
        full = cached_run(cached_logs, out)
        line = one_error_line(full)
        assert re.fullmatch(rf"Could not write reports to {re.escape(str(out))}: No space left on "
                            rf"device \({re.escape(str(out))}/\S+\)", line), line
        assert "written" not in full.stdout.split("writing reports", 1)[1]
        assert snapshot(out) == before


@pytest.mark.slow
def test_a_read_only_out_folder_exits_2_before_spark(cached_logs, tmp_path):
    with tiny_tmpfs(tmp_path / "mnt") as mnt:
        out = mnt / "reports"
        assert cached_run(cached_logs, out).returncode == 0
        before = snapshot(out)
        remount_read_only(mnt)
        result = cached_run(cached_logs, out)
        assert one_error_line(result) == f"cannot write to output folder {out}: Read-only file system"
        assert result.stdout == ""  # refused before any stage
        records = mnt / "records.csv"
        result = cached_run(cached_logs, tmp_path / "elsewhere", "--records", records)
        assert one_error_line(result) == f"cannot write records to {records}: Read-only file system"
        assert snapshot(out) == before


def _as_nobody_main(*args: str) -> tuple[int, str]:
    return as_nobody(lambda: cli.main(["process", *args]))


@pytest.fixture
def nobody_setup(tmp_path):
    """A config file and a log folder `nobody` can read, an out folder with earlier reports."""
    config = tmp_path / "config.yaml"
    config.write_text("analytics:\n  top_n: 10\n", encoding="utf-8")
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "shop.csv").write_text(CSV, encoding="utf-8")
    out = tmp_path / "reports"
    (out / "csv").mkdir(parents=True)
    (out / "json").mkdir()
    (out / "csv" / "errors_by_type.csv").write_bytes(b"earlier report\n")
    (out / "json" / "summary.json").write_bytes(b'{"earlier": true}\n')
    for folder in (out, out / "csv", out / "json"):
        folder.chmod(0o777)  # nobody may make files here; the earlier reports are root's 0644
    for path in (logs, logs / "shop.csv", config):
        path.chmod(0o755 if path.is_dir() else 0o644)
    reachable_by_nobody(tmp_path)
    return config, logs, out


def test_an_earlier_report_this_user_may_not_replace_exits_2(nobody_setup):
    config, logs, out = nobody_setup
    before = snapshot(out)
    code, stderr = _as_nobody_main(str(logs), "--out", str(out), "--config", str(config))
    assert (code, stderr) == (2, f"logdesk: error: cannot write to output folder {out}: "
                                 f"Permission denied ({out / 'csv' / 'errors_by_type.csv'})\n")
    assert snapshot(out) == before


def test_a_report_folder_this_user_may_not_write_exits_2(nobody_setup):
    config, logs, out = nobody_setup
    (out / "json").chmod(0o755)  # root's: nobody may not make the new summary.json there
    before = snapshot(out)
    code, stderr = _as_nobody_main(str(logs), "--out", str(out), "--config", str(config))
    assert (code, stderr) == (2, f"logdesk: error: cannot write to output folder {out}: "
                                 f"Permission denied ({out / 'json'})\n")
    assert snapshot(out) == before


def test_a_records_file_this_user_may_not_replace_exits_2(nobody_setup, tmp_path):
    config, logs, out = nobody_setup
    for name in ("csv/errors_by_type.csv", "json/summary.json"):
        (out / name).unlink()  # the reports may be written: only the records file is in the way
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    records = shared / "records.csv"
    records.write_bytes(b"earlier records\n")  # root's, 0644
    code, stderr = _as_nobody_main(str(logs), "--out", str(out), "--config", str(config),
                                   "--records", str(records))
    assert (code, stderr) == (2, f"logdesk: error: cannot write records to {records}: "
                                 "Permission denied\n")
    assert records.read_bytes() == b"earlier records\n"
    assert sorted(p.name for p in shared.iterdir()) == ["records.csv"]


@pytest.mark.slow
def test_a_full_disk_for_the_records_exits_2_and_leaves_no_parts(cached_logs, tmp_path):
    out = tmp_path / "reports"
    with tiny_tmpfs(tmp_path / "mnt", size="64k") as mnt:
        records = mnt / "records.csv"
        fill_up(mnt)
        result = cached_run(cached_logs, out, "--records", records, "--master", "local[1]",
                            "--driver-memory", "1g")
        assert one_error_line(result) == (f"cannot write records to {records}: No space left on "
                                          "device")
        assert sorted(p.name for p in mnt.iterdir()) == ["filler.bin"]  # no file, no .parts
    assert (out / "json" / "summary.json").is_file()  # the reports came first and were written


# --------------------------------------------------------------------------- the engine dies


# Spark is handed over when the first file must be read: the stage line is begun again after it
READING_WITH_SPARK = re.compile(rb"starting Spark \(local\[1\]\) \xe2\x80\xa6 [\d.]+ s"
                                rb"(?: \(begun beside discovery, [\d.]+ s waited\))?\n"
                                rb"\[\d/\d\] read & normalize \xe2\x80\xa6 ")


@pytest.mark.slow
def test_the_engine_killed_mid_run_exits_1_and_the_next_run_works(tmp_path):
    logs = tmp_path / "logs"
    write_big_csv(logs, 50_000)
    out = tmp_path / "reports"
    (out / "json").mkdir(parents=True)
    (out / "json" / "summary.json").write_bytes(b'{"earlier": "run"}\n')
    (out / "alerts.log").write_bytes(b'{"rule": "earlier"}\n')
    seeded = snapshot(out)

    command = [sys.executable, "-m", "logdesk", "process", str(logs), "--out", str(out),
               "--master", "local[1]", "--driver-memory", "1g"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
                            env=dict(os.environ))
    stdout, stderr = bytearray(), bytearray()
    reading = threading.Event()

    def pump(stream, buffer: bytearray) -> None:
        for chunk in iter(lambda: stream.read1(4096), b""):
            buffer.extend(chunk)
            if READING_WITH_SPARK.search(stdout):
                reading.set()

    pumps = [threading.Thread(target=pump, args=(proc.stdout, stdout), daemon=True),
             threading.Thread(target=pump, args=(proc.stderr, stderr), daemon=True)]
    for thread in pumps:
        thread.start()
    try:
        assert reading.wait(600), bytes(stdout + stderr).decode()
        jvms = spark_jvms(proc.pid)
        assert len(jvms) == 1, (jvms, bytes(stdout).decode())
        os.kill(jvms[0], signal.SIGKILL)
        code = proc.wait(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    for thread in pumps:
        thread.join(timeout=30)
    died = subprocess.CompletedProcess(command, code, bytes(stdout).decode(), bytes(stderr).decode())
    line = one_error_line(died, code=1)
    assert line == ("the Spark engine stopped unexpectedly (its Java process ended); no reports "
                    f"were written to {out}; run the command again"), line
    assert died.stdout.rstrip().endswith("read & normalize … stopped"), died.stdout
    assert snapshot(out) == seeded  # no new report, no half-written one, no temporary
    assert not Path(f"/proc/{jvms[0]}").exists() or spark_jvms(proc.pid) == []

    again = run_cli("process", logs, "--out", out, "--master", "local[1]", "--driver-memory", "1g")
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stderr == ""
    assert re.search(r"^  records\s+50,000$", again.stdout, re.MULTILINE), again.stdout
    assert re.search(r"^  errors\s+5,000$", again.stdout, re.MULTILINE), again.stdout
    assert re.search(r"^  malformed\s+0$", again.stdout, re.MULTILINE), again.stdout
    assert (out / "alerts.log").read_bytes().startswith(b'{"rule": "earlier"}\n')
