"""logdesk against a Spark cluster on another host: a network namespace of the test's own.

The Spark master and worker run inside a namespace whose only link is a veth pair with two
addresses that exist only here (10.231.N.1 in the root namespace, 10.231.N.2 inside). The
driver, `logdesk process --master spark://10.231.N.2:PORT` in the root namespace, must
advertise an address the executor can reach back (no loopback address works across the two)
and read its input as a file:// URL, which both namespaces see (they share the file system).
Its reports must equal a local run's. The namespace and every process started in it are
removed whatever happens.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from test_cluster import (_comparable, _finish, _master_state, _report_files, _start,
                          _start_python, _stop, _wait_until, _write_logs)

pytestmark = [pytest.mark.cluster, pytest.mark.slow]

MASTER_PORT, WEBUI_PORT = 7077, 8080  # inside the namespace: nothing else listens there


@dataclass(frozen=True)
class RemoteCluster:
    master_url: str
    webui_url: str
    driver_side: str  # the root namespace's address on the link
    base_env: dict[str, str]
    log_dir: Path


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check, timeout=30)


def _why_no_namespace() -> str | None:
    if os.name != "posix" or shutil.which("ip") is None:
        return "needs Linux with iproute2's `ip`"
    if os.geteuid() != 0:
        return "making a network namespace needs root"
    probe = f"ldkprobe{os.getpid()}"
    made = _ip("netns", "add", probe, check=False)
    if made.returncode != 0:
        return f"`ip netns add` failed here: {made.stderr.strip()}"
    _ip("netns", "delete", probe, check=False)
    return None


@pytest.fixture(scope="module")
def remote_cluster(tmp_path_factory) -> Iterator[RemoteCluster]:
    import pyspark

    from logdesk.engine.java import JavaNotFound, find_java

    reason = _why_no_namespace()
    if reason:
        pytest.skip(f"no second host: {reason}")
    try:
        java = find_java()
    except JavaNotFound as exc:
        pytest.skip(f"no Java runtime for a Spark cluster: {exc}")
    spark_home = Path(pyspark.__file__).resolve().parent
    spark_class = spark_home / "bin" / "spark-class"

    n = os.getpid() % 250 + 1
    namespace, here, there = f"ldk{os.getpid()}", f"ldk{n}a", f"ldk{n}b"
    driver_side, cluster_side = f"10.231.{n}.1", f"10.231.{n}.2"
    base = tmp_path_factory.mktemp("remote-cluster")
    procs: list[subprocess.Popen] = []
    try:
        _ip("link", "del", here, check=False)  # a leftover of a killed earlier run
        _ip("netns", "add", namespace)
        _ip("link", "add", here, "type", "veth", "peer", "name", there)
        _ip("link", "set", there, "netns", namespace)
        _ip("addr", "add", f"{driver_side}/24", "dev", here)
        _ip("link", "set", here, "up")
        for command in (["addr", "add", f"{cluster_side}/24", "dev", there],
                        ["link", "set", there, "up"], ["link", "set", "lo", "up"]):
            _ip("netns", "exec", namespace, "ip", *command)

        env = dict(os.environ)
        for leftover in ("SPARK_CONF_DIR", "SPARK_MASTER_HOST", "SPARK_WORKER_CORES", "MASTER",
                         "SPARK_LOCAL_IP"):
            env.pop(leftover, None)
        env.update(JAVA_HOME=java.java_home, SPARK_HOME=str(spark_home), SPARK_LOG_DIR=str(base),
                   SPARK_WORKER_DIR=str(base / "work"), PYSPARK_PYTHON=sys.executable,
                   PYSPARK_DRIVER_PYTHON=sys.executable)
        inside = dict(env, SPARK_LOCAL_IP=cluster_side)
        in_namespace = ["ip", "netns", "exec", namespace, str(spark_class)]
        master_url = f"spark://{cluster_side}:{MASTER_PORT}"
        webui_url = f"http://{cluster_side}:{WEBUI_PORT}"

        master_log = base / "master.log"
        procs.append(_start(in_namespace + [
            "org.apache.spark.deploy.master.Master", "--host", cluster_side,
            "--port", str(MASTER_PORT), "--webui-port", str(WEBUI_PORT)], inside, master_log))

        def master_alive():
            state = _master_state(webui_url)  # from the root namespace: the link works
            return state if state and state.get("status") == "ALIVE" else None

        _wait_until(master_alive, procs[0], master_log, "Spark master (in the namespace)")
        worker_log = base / "worker.log"
        procs.append(_start(in_namespace + [
            "org.apache.spark.deploy.worker.Worker", master_url, "--host", cluster_side,
            "--cores", "1", "--memory", "1g", "--webui-port", "8081"], inside, worker_log))

        def worker_registered():
            state = _master_state(webui_url)
            return state if state and state.get("aliveworkers", 0) >= 1 else None

        _wait_until(worker_registered, procs[1], worker_log, "Spark worker (in the namespace)")
        driver_env = dict(env, LOGDESK_CONFIG_DIR=str(base / "user-config"))
        yield RemoteCluster(master_url, webui_url, driver_side, driver_env, base)
    finally:
        for proc in reversed(procs):
            _stop(proc)
        # the executor JVMs the worker started live in the namespace too
        pids = _ip("netns", "pids", namespace, check=False).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), 9)
            except (ProcessLookupError, ValueError):
                pass
        _ip("netns", "delete", namespace, check=False)  # takes the veth pair with it
        _ip("link", "del", here, check=False)


def test_a_cluster_on_another_host_writes_the_same_reports_as_local_mode(remote_cluster, tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    expected = _write_logs(logs)
    cluster_logs = (remote_cluster.log_dir / "master.log", remote_cluster.log_dir / "worker.log")

    # A plain path is refused before Spark starts: the cluster cannot be assumed to see it.
    refused = subprocess.run(
        [sys.executable, "-m", "logdesk", "process", str(logs), "--out", str(tmp_path / "x"),
         "--master", remote_cluster.master_url], capture_output=True, text=True, timeout=120,
        env=remote_cluster.base_env)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert f"give the folder as file://{logs.resolve()}" in refused.stderr
    assert "starting Spark" not in refused.stdout

    runs = {
        "remote": _start_python(
            ["-m", "logdesk", "process", f"file://{logs}", "--out", str(tmp_path / "remote"),
             "--master", remote_cluster.master_url, "--driver-memory", "1g"],
            dict(remote_cluster.base_env, LOGDESK_CACHE_DIR=str(tmp_path / "cache-remote")),
            tmp_path, f"logdesk process --master {remote_cluster.master_url}"),
        "local": _start_python(
            ["-m", "logdesk", "process", str(logs), "--out", str(tmp_path / "local"),
             "--master", "local[2]", "--driver-memory", "1g"],
            dict(remote_cluster.base_env, LOGDESK_CACHE_DIR=str(tmp_path / "cache-local")),
            tmp_path, "logdesk process --master local[2]"),
    }
    try:
        outputs = {name: _finish(run, cluster_logs) for name, run in runs.items()}
    finally:
        for run in runs.values():
            _stop(run.proc)
    assert f"starting Spark ({remote_cluster.master_url})" in outputs["remote"]

    # It ran on the other host: the master finished a logdesk application, its executor ran
    # in the namespace and reached the driver at the link's root-side address.
    deadline = time.monotonic() + 30
    while True:
        state = _master_state(remote_cluster.webui_url) or {}
        apps = [a for a in state.get("completedapps", []) if a.get("name") == "logdesk"]
        if apps or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert len(apps) == 1, state.get("completedapps")
    stderr_files = list((remote_cluster.log_dir / "work" / apps[0]["id"]).glob("*/stderr"))
    assert stderr_files, "no executor was launched"
    executor_log = "".join(p.read_text(errors="replace") for p in stderr_files)
    assert f"spark://CoarseGrainedScheduler@{remote_cluster.driver_side}:40401" in executor_log

    # Its cache was off (no shared cache.dir), and said so in one line.
    assert "cache off for this run: with a cluster master, set cache.dir" in outputs["remote"]

    remote, local = _report_files(tmp_path / "remote"), _report_files(tmp_path / "local")
    assert sorted(remote) == sorted(local)
    summary = json.loads(local["json/summary.json"])
    assert summary["totals"]["parsed_rows"] == expected["records"]
    assert summary["totals"]["malformed_rows"] == expected["malformed"]
    for relative in sorted(local):
        assert _comparable(relative, remote[relative]) == _comparable(relative, local[relative]), (
            f"{relative} differs between the run on the other host and the local run")


def test_a_shared_cache_folder_serves_the_next_run_on_another_host(remote_cluster, tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    _write_logs(logs)
    # both namespaces see this folder: the executors write the files' copies there
    config = tmp_path / "cluster.yaml"
    config.write_text(f"cache:\n  dir: {tmp_path / 'shared-cache'}\npaths:\n"
                      f"  work_dir: {tmp_path / 'shared-work'}\n", encoding="utf-8")
    command = ["-m", "logdesk", "process", f"file://{logs}", "--config", str(config),
               "--master", remote_cluster.master_url, "--driver-memory", "1g"]
    cluster_logs = (remote_cluster.log_dir / "master.log", remote_cluster.log_dir / "worker.log")
    first = _finish(_start_python(command + ["--out", str(tmp_path / "first")],
                                  remote_cluster.base_env, tmp_path, "first run"), cluster_logs)
    assert "3 files from the cache, 0 read from their previous end, 0 read whole" not in first
    assert "0 files from the cache, 0 read from their previous end, 3 read whole" in first
    again = _finish(_start_python(command + ["--out", str(tmp_path / "again")],
                                  remote_cluster.base_env, tmp_path, "second run"), cluster_logs)
    assert "3 files from the cache, 0 read from their previous end, 0 read whole" in again
    assert "starting Spark" not in again  # all answered from the shared cache: no Spark at all
    first_reports, again_reports = _report_files(tmp_path / "first"), _report_files(tmp_path / "again")
    for relative in sorted(first_reports):
        assert _comparable(relative, again_reports[relative]) == _comparable(
            relative, first_reports[relative]), relative
