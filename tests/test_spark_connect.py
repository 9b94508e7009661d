"""logdesk against a Spark Connect server (sc://) started from the installed pyspark: the same
reports as local mode, and a cancel that stops the server's work (by the run's tag).

The server is pyspark's own SparkConnectServer, run in the foreground with spark-submit (what
sbin/start-connect-server.sh runs as a daemon), in a process group of its own that the test
kills whatever happens. Every client session lives in a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from test_cluster import (_comparable, _finish, _free_port, _report_files, _start,
                          _start_python, _stop, _tail, _write_logs)

pytestmark = [pytest.mark.cluster, pytest.mark.slow]

START_TIMEOUT = 120
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def connect_server(tmp_path_factory) -> Iterator[tuple[str, dict[str, str], Path]]:
    import pyspark

    from logdesk.engine.java import JavaNotFound, find_java

    try:
        import grpc  # noqa: F401 - the client's transport: installed by the test extra
    except ImportError:
        pytest.fail('the Spark Connect client is not installed: pip install "pyspark[connect]"')
    try:
        java = find_java()
    except JavaNotFound as exc:
        pytest.skip(f"no Java runtime for a Spark Connect server: {exc}")
    spark_home = Path(pyspark.__file__).resolve().parent
    base = tmp_path_factory.mktemp("connect")
    env = dict(os.environ, JAVA_HOME=java.java_home, SPARK_HOME=str(spark_home),
               SPARK_LOCAL_IP="127.0.0.1", SPARK_LOG_DIR=str(base))
    env.pop("SPARK_CONF_DIR", None)
    port = _free_port()
    log = base / "connect-server.log"
    server = _start([str(spark_home / "bin" / "spark-submit"), "--class",
                     "org.apache.spark.sql.connect.service.SparkConnectServer",
                     "--master", "local[2]", "--driver-memory", "1g",
                     "--conf", f"spark.connect.grpc.binding.port={port}",
                     "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
                     "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
                     "--conf", "spark.sql.session.timeZone=UTC"], env, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while "Spark Connect server started" not in log.read_text(errors="replace"):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Spark Connect server did not start:\n{_tail(log)}")
            time.sleep(0.5)
        client_env = dict(env, LOGDESK_CONFIG_DIR=str(base / "user-config"))
        yield f"sc://127.0.0.1:{port}", client_env, log
    finally:
        _stop(server)


def test_a_connect_run_writes_the_same_reports_as_local_mode(connect_server, tmp_path):
    url, env, log = connect_server
    logs = tmp_path / "logs"
    logs.mkdir()
    expected = _write_logs(logs)
    outputs = {}
    for name, master in (("connect", url), ("local", "local[2]")):
        run = _start_python(["-m", "logdesk", "process", str(logs), "--out", str(tmp_path / name),
                             "--master", master, "--driver-memory", "1g"],
                            dict(env, LOGDESK_CACHE_DIR=str(tmp_path / f"cache-{name}")),
                            tmp_path, f"logdesk process --master {master}")
        outputs[name] = _finish(run, (log,))
    assert f"starting Spark ({url})" in outputs["connect"]
    assert "Spark Connect server" in log.read_text(errors="replace")
    connect, local = _report_files(tmp_path / "connect"), _report_files(tmp_path / "local")
    assert sorted(connect) == sorted(local)
    totals = json.loads(local["json/summary.json"])["totals"]
    assert (totals["parsed_rows"], totals["malformed_rows"]) == (expected["records"],
                                                                expected["malformed"])
    for relative in sorted(local):
        assert _comparable(relative, connect[relative]) == _comparable(relative, local[relative]), (
            f"{relative} differs between the Spark Connect run and the local run")


CANCEL_SCRIPT = textwrap.dedent('''
    import json, sys, threading, time
    from pathlib import Path
    from logdesk.control import Cancelled, RunControl
    from logdesk.engine.pipeline import run_pipeline
    from logdesk.engine.session import create_session
    from logdesk.settings import CacheSettings, PathSettings, Settings, SparkSettings

    url, logs, work = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    settings = Settings(spark=SparkSettings(master=url), cache=CacheSettings(enabled=False),
                        paths=PathSettings(work_dir=work))
    spark = create_session(settings.spark, "UTC")
    asked = {}

    def progress(stage, fraction, detail):
        if stage == "read & normalize" and "at" not in asked:
            asked["at"] = time.monotonic()
            threading.Timer(1.0, control.cancel).start()  # once Spark is busy reading

    control = RunControl(progress=progress)
    began = time.monotonic()
    try:
        run_pipeline(spark, logs, settings, control=control)
        outcome = "finished"
    except Cancelled:
        outcome = "cancelled"
    ended = time.monotonic()
    # the session still works, and no operation of the run is left on the server
    after = spark.range(10).count()
    print(json.dumps({"outcome": outcome, "seconds": ended - began,
                      "stop_seconds": ended - asked.get("at", ended) - 1.0, "after": after}))
''')


def test_cancel_stops_a_connect_run_by_its_tag(connect_server, tmp_path):
    url, env, log = connect_server
    logs = tmp_path / "logs"
    logs.mkdir()
    # big enough that reading through the server takes well over the one second before cancel
    with open(logs / "big.csv", "w", encoding="utf-8") as handle:
        handle.write("timestamp,level,service,message\n")
        for i in range(400_000):
            handle.write(f"2024-03-01T10:{i // 6000 % 60:02d}:{i // 100 % 60:02d}Z,"
                         f"{'ERROR' if i % 50 == 0 else 'INFO'},svc{i % 7},request {i} served\n")
    script = tmp_path / "cancel.py"
    script.write_text(CANCEL_SCRIPT, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), url, str(logs), str(tmp_path / "work")],
                          capture_output=True, text=True, timeout=600, cwd=REPO, env=env)
    assert done.returncode == 0, done.stdout + done.stderr + _tail(log)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["outcome"] == "cancelled", (result, _tail(log))
    assert result["after"] == 10
    print(f"Spark Connect cancel: {result['stop_seconds']:.2f} s from the request to Cancelled")
    work = tmp_path / "work"
    assert not work.exists() or not [p for p in work.glob("*/*") if p.is_dir()]  # no run left
