"""logdesk on a real Spark standalone cluster (one master, one worker, on 127.0.0.1).

The master and worker come from the installed pyspark (bin/spark-class). Every Spark session in
this module lives in a subprocess, so nothing clashes with the shared `spark` fixture. The
cluster is always stopped, whatever happens, by killing the process groups it was started in.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

pytestmark = [pytest.mark.cluster, pytest.mark.slow]

START_TIMEOUT = 120  # seconds for the master, and again for the worker, to come up
RUN_TIMEOUT = 300  # seconds for one `logdesk process` run
STOP_TIMEOUT = 20


@dataclass(frozen=True)
class Cluster:
    master_url: str
    webui_url: str
    base_env: dict[str, str]  # environment for driver subprocesses
    log_dir: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _master_state(webui_url: str) -> dict | None:
    try:
        with urllib.request.urlopen(f"{webui_url}/json", timeout=3) as reply:
            return json.load(reply)
    except (OSError, ValueError):
        return None


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        if os.name == "nt":
            return subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                    creationflags=subprocess.CREATE_NEW_PROCESS_GROUP)
        # Its own session: the launcher script execs java, and killpg reaches all of it.
        return subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    if os.name == "nt":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True,
                       check=False)
        proc.wait(STOP_TIMEOUT)
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(STOP_TIMEOUT)
            return
        except subprocess.TimeoutExpired:
            continue


def _wait_until(check, proc: subprocess.Popen, log: Path, what: str) -> dict:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{what} exited with {proc.returncode}:\n{_tail(log)}")
        state = check()
        if state:
            return state
        time.sleep(0.5)
    pytest.fail(f"{what} not up after {START_TIMEOUT}s:\n{_tail(log)}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    import pyspark

    from logdesk.engine.java import JavaNotFound, find_java

    try:
        java = find_java()
    except JavaNotFound as exc:
        pytest.skip(f"no Java runtime for a Spark cluster: {exc}")

    spark_home = Path(pyspark.__file__).resolve().parent
    spark_class = spark_home / "bin" / ("spark-class.cmd" if os.name == "nt" else "spark-class")
    assert spark_class.exists(), f"pyspark ships no {spark_class}"

    base = tmp_path_factory.mktemp("cluster")
    env = dict(os.environ)
    for leftover in ("SPARK_CONF_DIR", "SPARK_MASTER_HOST", "SPARK_WORKER_CORES", "MASTER"):
        env.pop(leftover, None)
    env.update(
        JAVA_HOME=java.java_home,
        SPARK_HOME=str(spark_home),
        SPARK_LOCAL_IP="127.0.0.1",
        SPARK_LOG_DIR=str(base),
        SPARK_WORKER_DIR=str(base / "work"),
        # We use no Python UDFs, but executors must never pick some other python.
        PYSPARK_PYTHON=sys.executable,
        PYSPARK_DRIVER_PYTHON=sys.executable,
    )
    port, webui_port = _free_port(), _free_port()
    master_url = f"spark://127.0.0.1:{port}"
    webui_url = f"http://127.0.0.1:{webui_port}"

    procs: list[subprocess.Popen] = []
    began = time.monotonic()
    try:
        master_log = base / "master.log"
        master = _start(
            [str(spark_class), "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
             "--port", str(port), "--webui-port", str(webui_port)],
            env, master_log,
        )
        procs.append(master)

        def master_alive():
            state = _master_state(webui_url)
            return state if state and state.get("status") == "ALIVE" else None

        _wait_until(master_alive, master, master_log, "Spark master")

        worker_log = base / "worker.log"
        worker = _start(
            [str(spark_class), "org.apache.spark.deploy.worker.Worker", master_url,
             "--host", "127.0.0.1", "--port", str(_free_port()), "--cores", "1",
             "--memory", "1g", "--webui-port", str(_free_port())],
            env, worker_log,
        )
        procs.append(worker)

        def worker_registered():
            state = _master_state(webui_url)
            return state if state and state.get("aliveworkers", 0) >= 1 else None

        _wait_until(worker_registered, worker, worker_log, "Spark worker")
        print(f"standalone cluster {master_url} up in {time.monotonic() - began:.1f} s")

        driver_env = dict(env)
        driver_env["LOGDESK_CONFIG_DIR"] = str(base / "user-config")  # no user config file
        yield Cluster(master_url, webui_url, driver_env, base)
    finally:
        for proc in reversed(procs):
            _stop(proc)


@dataclass
class _Run:
    what: str
    proc: subprocess.Popen
    started: float


def _start_python(args: list[str], env: dict[str, str], cwd: Path, what: str) -> _Run:
    # Its own process group, so a run that hangs can be killed with its JVM.
    proc = subprocess.Popen([sys.executable, *args], env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=os.name != "nt")
    return _Run(what, proc, time.monotonic())


def _finish(run: _Run, logs: tuple[Path, ...]) -> str:
    """Wait for `run` (at most RUN_TIMEOUT from its start); its stdout, or fail the test."""

    def cluster_logs() -> str:
        return "".join(f"\n--- {log.name}:\n{_tail(log, 15)}" for log in logs)

    remaining = max(1.0, RUN_TIMEOUT - (time.monotonic() - run.started))
    try:
        stdout, stderr = run.proc.communicate(timeout=remaining)
    except subprocess.TimeoutExpired:
        _stop(run.proc)
        stdout, stderr = run.proc.communicate()
        pytest.fail(f"{run.what} did not finish in {RUN_TIMEOUT}s:\n{stderr[-3000:]}"
                    f"{cluster_logs()}")
    if run.proc.returncode != 0:
        pytest.fail(f"{run.what} failed ({run.proc.returncode}):\n{stdout[-2000:]}\n"
                    f"{stderr[-3000:]}{cluster_logs()}")
    print(f"{run.what}: {time.monotonic() - run.started:.1f} s")  # shown with -rP: CI timing
    return stdout


# ------------------------------------------------------------------------------ same reports


LETTERS = {"DEBUG": "D", "INFO": "I", "WARN": "W", "ERROR": "E", "CRITICAL": "F"}


def _write_logs(folder: Path) -> dict[str, int]:
    """Three small files in three shapes (with quoting, a multi-line message and broken rows);
    returns the counts a correct run must report."""
    rng = random.Random(7)
    start = datetime(2026, 3, 1, 6, tzinfo=UTC)
    levels = ("DEBUG", "INFO", "INFO", "INFO", "WARN", "ERROR", "ERROR", "CRITICAL")
    messages = {
        "ERROR": ("Timeout after {n} ms calling payment-provider", "User {n} not found",
                  'Deadlock on table "orders", transaction {n} rolled back',
                  "Connection refused to 10.0.0.{n}:5432"),
        "CRITICAL": ("Disk /var/lib/data {n}% full", "Database pool exhausted ({n}/50 in use)"),
    }
    ips = [f"10.1.0.{i}" for i in range(1, 9)] + [f"203.0.113.{i}" for i in range(1, 5)]
    endpoints = ("/api/v1/orders", "/api/v1/cart", "/api/v1/login", "/health")

    def record(i: int) -> tuple[datetime, str, str, str, str, str]:
        level = rng.choice(levels)
        template = rng.choice(messages.get(level, ("GET {e} 200 in {n} ms, cache hit",)))
        endpoint = rng.choice(endpoints)
        message = template.format(n=rng.randint(1, 99), e=endpoint)
        return (start + timedelta(minutes=7 * i), level, rng.choice(("web", "orders", "auth")),
                rng.choice(ips), endpoint, message)

    def csv_text(header: tuple[str, ...], rows: list[list[str]]) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue()

    counts = {"records": 0, "malformed": 0, "errors": 0, "critical": 0}

    def keep(level: str) -> None:
        counts["records"] += 1
        counts["errors"] += level in ("ERROR", "CRITICAL")
        counts["critical"] += level == "CRITICAL"

    # 1. the standard columns, ISO times
    rows = []
    for i in range(240):
        t, level, service, ip, endpoint, message = record(i)
        if i == 5:  # a stack trace: one quoted field over two lines
            level = "ERROR"
            message = "NullPointerException in OrderService.java:88\n    at OrderService.place"
        rows.append([t.strftime("%Y-%m-%dT%H:%M:%SZ"), level, service, ip, endpoint, message])
        keep(level)
    text = csv_text(("timestamp", "level", "service", "ip", "endpoint", "message"), rows)
    text += "N/A,INFO,web,10.1.0.1,/health,GET /health 200 in 3 ms\n"  # bad timestamp
    text += "2026-03-01T09:00:00Z,INFO,web,10.1.0.1,/health,GET /health, 200\n"  # 7 fields
    counts["malformed"] += 2
    (folder / "web").mkdir()
    (folder / "web" / "access.csv").write_text(text, encoding="utf-8")

    # 2. gzip, slashed times, lower-case levels
    rows = []
    for i in range(240, 400):
        t, level, *rest = record(i)
        rows.append([t.strftime("%Y/%m/%d %H:%M:%S"), level.lower(), *rest])
        keep(level)
    text = csv_text(("timestamp", "level", "service", "ip", "endpoint", "message"), rows)
    (folder / "web" / "older.csv.gz").write_bytes(gzip.compress(text.encode(), mtime=0))

    # 3. other column names and order, access-log times, an empty message
    rows = []
    for i in range(400, 520):
        t, level, service, ip, endpoint, message = record(i)
        stamp = t.strftime("%d/") + "Mar" + t.strftime("/%Y:%H:%M:%S +0000")
        rows.append([stamp, ip, LETTERS[level], service, endpoint, message])
        keep(level)
    rows.append(["01/Mar/2026:10:00:00 +0000", "10.1.0.2", "I", "auth", "/api/v1/login", ""])
    counts["malformed"] += 1
    text = csv_text(("time", "remote_addr", "severity", "component", "path", "msg"), rows)
    (folder / "auth.log").write_text(text, encoding="utf-8")
    return counts


# Report content that legitimately differs between two runs of the same data.
VOLATILE_SUMMARY_KEYS = ("generated_at", "run")  # run: started_at, duration, stage seconds
VOLATILE_ALERT_LOG_KEYS = ("run_time",)


def _comparable(relative: str, data: bytes):
    if relative == "json/summary.json":
        document = json.loads(data)
        for key in VOLATILE_SUMMARY_KEYS:
            assert key in document, f"summary.json has no {key!r} any more: update this test"
            del document[key]
        return document
    if relative == "alerts.log":
        entries = [json.loads(line) for line in data.decode().splitlines() if line.strip()]
        for entry in entries:
            for key in VOLATILE_ALERT_LOG_KEYS:
                entry.pop(key)
        return entries
    return data


def _report_files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)).replace(os.sep, "/"): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_cluster_and_local_runs_write_the_same_reports(cluster, tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    expected = _write_logs(logs)
    masters = {"cluster": cluster.master_url, "local": "local[2]"}
    cluster_logs = (cluster.log_dir / "master.log", cluster.log_dir / "worker.log")
    # Both runs at once: most of each is JVM start-up and waiting, so together they take
    # little longer than one.
    runs: dict[str, _Run] = {}
    try:
        for name, master in masters.items():
            env = dict(cluster.base_env, LOGDESK_CACHE_DIR=str(tmp_path / f"cache-{name}"))
            runs[name] = _start_python(
                ["-m", "logdesk", "process", str(logs), "--out", str(tmp_path / name),
                 "--master", master, "--driver-memory", "1g"],
                env, tmp_path, f"logdesk process --master {master}",
            )
        for name, run in runs.items():
            stdout = _finish(run, cluster_logs)
            assert f"starting Spark ({masters[name]})" in stdout
    finally:
        for run in runs.values():
            _stop(run.proc)
    reports = {name: _report_files(tmp_path / name) for name in masters}

    # The cluster run really ran on the cluster: the master finished a logdesk application
    # and the worker launched an executor for it.
    state = _master_state(cluster.webui_url) or {}
    app_ids = [app["id"] for app in state.get("completedapps", []) if app.get("name") == "logdesk"]
    assert len(app_ids) == 1, state.get("completedapps")
    assert any((cluster.log_dir / "work" / app_ids[0]).iterdir()), "no executor was launched"

    cluster_reports, local_reports = reports["cluster"], reports["local"]
    assert sorted(cluster_reports) == sorted(local_reports)
    assert {"json/summary.json", "csv/errors_by_type.csv", "csv/malformed_rows.csv"} <= set(local_reports)

    # Both runs saw exactly the data: the comparison below is not between two empty reports.
    totals = json.loads(local_reports["json/summary.json"])["totals"]
    assert totals["parsed_rows"] == expected["records"]
    assert totals["malformed_rows"] == expected["malformed"]
    assert totals["errors"] == expected["errors"]
    by_level = json.loads(local_reports["json/summary.json"])["by_level"]
    assert by_level["CRITICAL"] == expected["critical"]

    for relative in sorted(local_reports):
        assert _comparable(relative, cluster_reports[relative]) == _comparable(
            relative, local_reports[relative]
        ), f"{relative} differs between the cluster run and the local run"
