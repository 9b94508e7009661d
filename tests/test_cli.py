"""The `logdesk` command, run as a user would: `python -m logdesk ...` in a subprocess.

The error-path tests never start Spark: every one of them must be refused before that.
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from logdesk import cli
from logdesk.cli import (
    CtrlC,
    StageLines,
    UserError,
    child_stderr_to,
    parse_levels,
    parse_record_filter,
    parse_time_bound,
    print_summary,
)
from logdesk.control import RunControl
from logdesk.results import (
    Alert,
    Analytics,
    Cube,
    FactTable,
    FileIngest,
    IngestReport,
    RecordFilter,
    RunResult,
)
from logdesk.settings import Settings

REPO = Path(__file__).resolve().parent.parent


def run_cli(*args, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "logdesk", *map(str, args)],
        capture_output=True, text=True, timeout=timeout, cwd=REPO,
        env={**os.environ, **(env or {})},
    )


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("logdesk: error: "), lines[0]
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def log_folder(tmp_path) -> Path:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "app.csv").write_text(
        "timestamp,level,service,ip,endpoint,message\n"
        "2024-05-01T10:00:00Z,INFO,api,10.0.0.1,/a,ok\n",
        encoding="utf-8",
    )
    return folder


# --------------------------------------------------------------------------- help


def test_help_lists_the_app_options_and_the_process_command():
    result = run_cli("--help")
    assert result.returncode == 0, result.stderr
    for word in ("FOLDER", "--export", "--screenshot", "--exit-when-done", "--config", "process"):
        assert word in result.stdout
    assert result.stderr == ""


def test_process_help_lists_its_options():
    result = run_cli("process", "--help")
    assert result.returncode == 0
    for word in ("--out", "--master", "--from", "--to", "--levels", "--driver-memory", "--config"):
        assert word in result.stdout


def test_help_does_not_load_spark_or_qt():
    code = (
        "import sys, contextlib, io\n"
        "from logdesk.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['process', '--help'])\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pyspark', 'py4j', 'PySide6'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


# --------------------------------------------------------------------------- input folder


def test_missing_folder(tmp_path):
    missing = tmp_path / "no-such-logs"
    assert_one_line_error(run_cli("process", missing, "--out", tmp_path / "out"),
                          "folder not found", str(missing))


def test_file_instead_of_folder(tmp_path):
    a_file = tmp_path / "app.log"
    a_file.write_text("x\n")
    assert_one_line_error(run_cli("process", a_file, "--out", tmp_path / "out"),
                          "not a folder", str(a_file))


def test_empty_folder(tmp_path):
    empty = tmp_path / "empty"
    (empty / "sub").mkdir(parents=True)  # a subfolder without files is still empty
    assert_one_line_error(run_cli("process", empty, "--out", tmp_path / "out"),
                          "folder is empty", str(empty))


def test_app_mode_checks_the_folder_before_opening_a_window(tmp_path):
    assert_one_line_error(run_cli(tmp_path / "nothing-here"), "folder not found")


# --------------------------------------------------------------------------- settings


def test_bad_config_value(tmp_path, log_folder):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("alerts:\n  error_rate_threshold: 1.5\n")
    assert_one_line_error(
        run_cli("process", log_folder, "--out", tmp_path / "out", "--config", cfg),
        "config error: alerts.error_rate_threshold = 1.5 (allowed: a number between 0 and 1)",
        str(cfg),
    )


def test_unknown_config_key(tmp_path, log_folder):
    cfg = tmp_path / "typo.yaml"
    cfg.write_text("spark:\n  mastr: local[2]\n")
    assert_one_line_error(
        run_cli("process", log_folder, "--out", tmp_path / "out", "--config", cfg),
        "unknown setting", "spark.mastr", "did you mean spark.master?",
    )


def test_missing_config_file(tmp_path, log_folder):
    cfg = tmp_path / "nope.yaml"
    assert_one_line_error(
        run_cli("process", log_folder, "--config", cfg), "config file not found", str(cfg)
    )


def test_bad_master_flag(tmp_path, log_folder):
    assert_one_line_error(
        run_cli("process", log_folder, "--out", tmp_path / "out", "--master", "mesos://h:5050"),
        "spark.master = 'mesos://h:5050'", "command line",
    )


def test_bad_driver_memory_flag(tmp_path, log_folder):
    assert_one_line_error(
        run_cli("process", log_folder, "--out", tmp_path / "out", "--driver-memory", "lots"),
        "spark.driver_memory = 'lots'",
    )


# --------------------------------------------------------------------------- filters


def test_bad_levels(tmp_path, log_folder):
    assert_one_line_error(
        run_cli("process", log_folder, "--out", tmp_path / "out", "--levels", "ERROR,LOUD"),
        "--levels", "LOUD", "allowed: DEBUG, INFO, WARN, ERROR, CRITICAL, UNKNOWN",
    )


def test_bad_from(tmp_path, log_folder):
    assert_one_line_error(
        run_cli("process", log_folder, "--out", tmp_path / "out", "--from", "yesterday"),
        "bad --from 'yesterday'", "ISO date",
    )


def test_from_after_to(tmp_path, log_folder):
    assert_one_line_error(
        run_cli("process", log_folder, "--out", tmp_path / "out",
                "--from", "2024-05-02", "--to", "2024-05-01"),
        "--from 2024-05-02 is not before --to 2024-05-01",
    )


def test_unknown_option_is_one_line():
    assert_one_line_error(run_cli("process", "--frm", "2024-01-01"), "unrecognized arguments")


# --------------------------------------------------------------------------- output folder


def test_unwritable_output_folder(tmp_path, log_folder):
    # Root ignores permissions, so make the folder impossible: its parent is a regular file.
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    out = blocker / "reports"
    assert_one_line_error(run_cli("process", log_folder, "--out", out),
                          "cannot write to output folder", str(out))


def test_output_folder_that_is_a_file(tmp_path, log_folder):
    out = tmp_path / "report.txt"
    out.write_text("x")
    assert_one_line_error(run_cli("process", log_folder, "--out", out),
                          "output folder is a file", str(out))


# --------------------------------------------------------------------------- Java


def test_no_usable_java(tmp_path, log_folder):
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    line = assert_one_line_error(
        run_cli(
            "process", log_folder, "--out", tmp_path / "out", "--master", "local[1]",
            env={"JAVA_HOME": "/nonexistent", "PATH": str(empty_bin),
                 "LOGDESK_NO_BUNDLED_JAVA": "1"},
        ),
        "No usable Java runtime", "JAVA_HOME=/nonexistent",
    )
    assert "install Java 17" in line


# --------------------------------------------------------------------------- parsing helpers


def test_time_bounds_are_in_the_configured_zone():
    f = parse_record_filter("2024-05-01T10:00", "2024-05-01", "error, warn", "Europe/Berlin")
    assert f.start.isoformat() == "2024-05-01T10:00:00+02:00"
    # a date alone as --to includes that whole day: the bound is the next midnight, exclusive
    assert f.end.isoformat() == "2024-05-02T00:00:00+02:00"
    assert f.levels == frozenset({"ERROR", "WARN"})


def test_explicit_offset_is_kept():
    moment = parse_time_bound("2024-05-01T10:00:00Z", "--from", "Asia/Tokyo", is_end=False)
    assert moment == datetime(2024, 5, 1, 10, tzinfo=UTC)


def test_levels_need_at_least_one_name():
    with pytest.raises(UserError, match="comma-separated"):
        parse_levels(" , ")


# --------------------------------------------------------------------------- printed output


def _result_objects(record_filter: RecordFilter | None = None):
    empty = FactTable(keys=(), **{name: np.zeros(0, dtype=np.int64) for name in
                                  ("bucket", "level", "key", "count", "first_ms", "last_ms")})
    run = RunResult(
        input_folder="/logs", started_at=datetime(2024, 5, 1, tzinfo=UTC),
        duration_seconds=1.0, stage_seconds={},
        ingest=IngestReport("/logs", (
            FileIngest("/logs/a.csv", "csv", 1201, 1200, 1),
            FileIngest("/logs/b.log", "clf", 300, 298, 2),
        )),
        cube=Cube(3600, "UTC", empty, {}), records_path="", malformed_csv_path="",
        applied_filter=record_filter or RecordFilter(),
    )
    berlin = ZoneInfo("Europe/Berlin")
    analytics = Analytics(
        filter=RecordFilter(), time_zone="Europe/Berlin", bucket_seconds=3600,
        trend_window_seconds=3600, total=1498, errors=150, by_level={},
        first_seen=datetime(2024, 5, 1, 8, 0, 0, tzinfo=UTC),
        last_seen=datetime(2024, 5, 2, 21, 59, 59, tzinfo=berlin),
        errors_by_type=(), top_errors=(), errors_by_hour=(), errors_by_day=(), error_trend=(),
        errors_by_severity=(), per_ip=(), per_service=(), per_endpoint=(),
    )
    return run, analytics


def test_summary_alerts_and_written_files_are_printed():
    run, analytics = _result_objects()
    alerts = (
        Alert("high_error_rate", "warning", 0.1001, 0.1, "", None, None),
        Alert("critical_errors", "critical", 7, 5, "",
              datetime(2024, 5, 1, 12, tzinfo=UTC),
              datetime(2024, 5, 1, 13, 30, tzinfo=UTC)),
    )
    out = io.StringIO()
    settings = Settings(time_zone="Europe/Berlin")
    print_summary(out, run, analytics, alerts, [Path("/r/summary.json")], settings)
    text = out.getvalue()
    assert _summary_value(text, "files") == "2 files read, 0 skipped"
    assert _summary_value(text, "records") == "1,498"
    assert _summary_value(text, "malformed") == "3"
    assert _summary_value(text, "errors") == "150"
    assert _summary_value(text, "error rate") == "10.01 %"
    # UTC instants are shown in the configured zone
    assert _summary_value(text, "time span") == (
        "2024-05-01 10:00:00 … 2024-05-02 21:59:59 Europe/Berlin"
    )
    assert "  WARNING  high_error_rate: 10.01 % > 10.00 %, no timestamps" in text
    assert (
        "  CRITICAL critical_errors: 7 >= 5, 2024-05-01 14:00:00 … 2024-05-01 15:30:00 "
        "Europe/Berlin" in text
    )
    assert text.rstrip().endswith("written\n  /r/summary.json")
    assert "filter" not in text


def test_summary_without_alerts_and_with_a_filter():
    lo = datetime(2024, 5, 1, tzinfo=UTC)
    run, analytics = _result_objects(RecordFilter(start=lo, levels=frozenset({"ERROR"})))
    out = io.StringIO()
    print_summary(out, run, analytics, (), [], Settings())
    text = out.getvalue()
    assert "\nno alerts\n" in text
    assert _summary_value(text, "filter").endswith("ERROR: 1,498 records")


def test_stage_lines_number_pipeline_stages_and_close_on_abort():
    out = io.StringIO()
    lines = StageLines(out)
    lines.begin("starting Spark (local[2])")
    lines.numbered(["discover", "aggregate"])
    lines.on_progress("discover", 0.0)
    lines.on_progress("discover", 0.1)  # same stage again: no new line
    lines.on_progress("aggregate", 0.5)
    lines.abort()
    text = out.getvalue().splitlines()
    assert len(text) == 3
    assert re.fullmatch(r"starting Spark \(local\[2\]\) … \d+\.\d s", text[0])
    assert re.fullmatch(r"\[1/2\] discover … \d+\.\d s", text[1])
    assert text[2] == "[2/2] aggregate … stopped"


def _boom(args):
    raise RuntimeError("disk on fire\nsecond line")


def test_unexpected_error_is_one_line_with_a_debug_hint(monkeypatch, capsys):
    monkeypatch.setattr(cli, "_process", _boom)
    monkeypatch.delenv("LOGDESK_DEBUG", raising=False)
    assert cli.main(["process"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "logdesk: error: unexpected RuntimeError: disk on fire "
        "(run with LOGDESK_DEBUG=1 for details)\n"
    )


def test_debug_env_prints_the_traceback(monkeypatch, capsys):
    monkeypatch.setattr(cli, "_process", _boom)
    monkeypatch.setenv("LOGDESK_DEBUG", "1")
    assert cli.main(["process"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "_boom" in err


def test_keyboard_interrupt_exits_130(monkeypatch, capsys):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_process", interrupted)
    assert cli.main(["process"]) == 130
    assert capsys.readouterr().err == "logdesk: interrupted\n"


def test_ctrl_c_cancels_a_running_spark_run_then_quits():
    ctrl_c = CtrlC()
    with pytest.raises(KeyboardInterrupt):  # no run in progress: interrupt at once
        ctrl_c(signal.SIGINT, None)
    cancelled = threading.Event()
    control = RunControl()
    control.set_canceller(cancelled.set)
    ctrl_c.control = control
    ctrl_c(signal.SIGINT, None)  # first Ctrl+C: cancel on a helper thread, no exception here
    assert cancelled.wait(10) and control.is_cancelled
    with pytest.raises(KeyboardInterrupt):  # second Ctrl+C
        ctrl_c(signal.SIGINT, None)


def test_child_processes_started_inside_write_their_stderr_to_the_log(tmp_path, capfd):
    log = tmp_path / "logs" / "spark-console.log"
    with child_stderr_to(log):
        subprocess.run([sys.executable, "-c", "import sys; sys.stderr.write('jvm noise')"],
                       check=True, timeout=60)
    subprocess.run([sys.executable, "-c", "import sys; sys.stderr.write('after')"],
                   check=True, timeout=60)
    assert log.read_text() == "jvm noise"
    assert capfd.readouterr().err == "after"


# --------------------------------------------------------------------------- end to end


def _summary_value(stdout: str, name: str) -> str:
    m = re.search(rf"^  {re.escape(name)}\s+(.+)$", stdout, re.MULTILINE)
    assert m, f"no {name!r} line in:\n{stdout}"
    return m.group(1).strip()


@pytest.mark.slow
def test_cli_process_sample_end_to_end(tmp_path):
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "shop.csv").write_text(
        "timestamp,level,service,ip,endpoint,message\n"
        "2024-05-01T10:00:00Z,INFO,api,10.0.0.1,/orders,GET /orders 200\n"
        "2024-05-01T10:05:00Z,ERROR,api,10.0.0.2,/orders,Timeout after 300 ms\n"
        "2024-05-01T10:10:00Z,WARN,db,10.0.0.3,/orders,slow query\n"
        "2024-05-01T11:00:00Z,CRITICAL,db,10.0.0.3,/pay,Disk full\n"
        "N/A,INFO,api,10.0.0.1,/orders,timestamp is not a time\n",
        encoding="utf-8",
    )
    out = tmp_path / "reports"
    result = run_cli("process", folder, "--out", out, "--master", "local[1]",
                     "--driver-memory", "1g", timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    stdout = result.stdout
    assert re.search(r"^\[1/\d+\] \S.* … \d+\.\d s$", stdout, re.MULTILINE), stdout
    assert _summary_value(stdout, "files") == "1 file read, 0 skipped"
    assert _summary_value(stdout, "records") == "4"
    assert _summary_value(stdout, "malformed") == "1"
    assert _summary_value(stdout, "errors") == "2"
    assert _summary_value(stdout, "error rate") == "50.00 %"
    assert _summary_value(stdout, "time span") == "2024-05-01 10:00:00 … 2024-05-01 11:00:00 UTC"
    # 2 errors of 4 records: the rate alert fires (> 10 %), the count and critical ones do not
    assert re.search(r"^  \w+\s+high_error_rate: 50\.00 % > 10\.00 %", stdout, re.MULTILINE), stdout
    assert "high_error_count" not in stdout and "critical_errors" not in stdout
    written = [Path(line.strip()) for line in stdout.split("\nwritten\n", 1)[1].splitlines()]
    assert written and all(p.is_file() and out in p.parents for p in written), written
    assert {p.suffix for p in written} >= {".csv", ".json"}
    assert result.stderr == "", result.stderr
    # a folder never read before: Spark was begun beside discovery, not after it
    assert re.search(r"^starting Spark \(local\[1\]\) … \d+\.\d s \(begun beside discovery, "
                     r"\d+\.\d s waited\)$", stdout, re.MULTILINE), stdout

    again = run_cli("process", folder, "--out", out, "--master", "local[1]",
                    "--driver-memory", "1g", timeout=600)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "starting Spark" not in again.stdout  # every file answered from the cache: no JVM
    assert _summary_value(again.stdout, "records") == "4"
    assert again.stderr == "", again.stderr


def test_a_launcher_may_pass_several_paths_or_a_log_file(tmp_path):
    # Desktop launchers pass every dropped item (%F): the first folder wins, else a file's folder.
    from logdesk.cli import _folder_to_open

    logs = tmp_path / "logs"
    logs.mkdir()
    log_file = logs / "app.csv"
    log_file.write_text("timestamp,level,message\n")
    other = tmp_path / "other"
    other.mkdir()
    assert _folder_to_open([]) is None
    assert _folder_to_open([log_file]) == logs
    assert _folder_to_open([log_file, other]) == other
    assert _folder_to_open([tmp_path / "missing"]) == tmp_path / "missing"


def test_a_new_error_type_alert_prints_its_message_with_control_characters_escaped():
    from logdesk.results import Alert

    utc = ZoneInfo("UTC")
    alert = Alert("new_error_type", "warning", 1.0, 0.0,
                  '1 new error type since the previous run: "Evil \x1b[31m <*>"',
                  datetime(2024, 3, 1, 12, 0, tzinfo=UTC), datetime(2024, 3, 1, 12, 30, tzinfo=UTC))
    assert cli.format_alert(alert, utc, "UTC") == (
        'WARNING  new_error_type: 1 new error type since the previous run: "Evil \\x1b[31m <*>", '
        "2024-03-01 12:00:00 … 2024-03-01 12:30:00 UTC"
    )


def test_cli_process_reads_a_folder_on_a_hadoop_file_system(tmp_path):
    """`logdesk process viewfs://…`: the URL reaches the engine with its "//" (argparse's Path
    would fold it), the config's spark.conf gives the session the mount (viewfs:// over a
    local folder stands in for hdfs://), and the summary counts what is in the files."""
    from logdesk.cli_args import process_parser

    assert process_parser().parse_args(["hdfs://nn:8020/logs"]).folder == "hdfs://nn:8020/logs"
    folder = tmp_path / "logs"
    (folder / "deep").mkdir(parents=True)
    (folder / "deep" / "shop.csv").write_text(
        "timestamp,level,message\n2024-05-01T10:00:00Z,INFO,ok\n"
        "2024-05-01T10:05:00Z,ERROR,Timeout after 300 ms\nN/A,INFO,not a time\n", encoding="utf-8")
    (folder / "notes.txt").write_text("no timestamps here\n", encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(
        "spark:\n  conf:\n"
        f"    spark.hadoop.fs.viewfs.mounttable.cli.link./logs: \"{folder.as_uri()}\"\n",
        encoding="utf-8")
    result = run_cli("process", "viewfs://cli/logs/", "--config", config, "--out",
                     tmp_path / "reports", "--master", "local[1]", "--driver-memory", "1g",
                     "--no-cache", timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _summary_value(result.stdout, "folder") == "viewfs://cli/logs"
    assert _summary_value(result.stdout, "files") == "1 file read, 1 skipped"
    assert _summary_value(result.stdout, "records") == "2"
    assert _summary_value(result.stdout, "malformed") == "1"
    assert _summary_value(result.stdout, "errors") == "1"
