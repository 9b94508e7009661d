"""Smoke test of the packaged app (build_scripts/build_app.py) on a machine without Java.

Skipped unless dist/logdesk/logdesk exists (or LOGDESK_PACKAGED_APP names another unpacked
copy, e.g. one moved to a folder with spaces and non-ASCII letters). Every run here has no
`java` on PATH and no JAVA_HOME, so the app can only work on the runtime it carries.
Run: `pytest -m packaged tests/test_packaged_app.py` (build_scripts/package_smoke.sh).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP_DIR = Path(os.environ.get("LOGDESK_PACKAGED_APP") or ROOT / "dist" / "logdesk")
EXE = APP_DIR / ("logdesk.exe" if os.name == "nt" else "logdesk")
SAMPLE = ROOT / "resources" / "sample_logs"
TIMEOUT = 600

pytestmark = [
    pytest.mark.packaged,
    pytest.mark.skipif(not EXE.exists(), reason=f"no packaged app at {EXE} "
                       "(build it with: python3 build_scripts/build_app.py)"),
    pytest.mark.skipif(os.name == "nt", reason="POSIX tool links for a PATH without java"),
]

# Fields that differ between any two runs: when and how long, not what.
RUN_TIME_KEYS = {"generated_at", "run", "run_time", "duration_seconds", "started_at"}


# ------------------------------------------------------------------ environment without Java


def _path_without_java(tools: Path) -> str:
    """A PATH holding every program of the current PATH except those of a Java installation."""
    tools.mkdir()
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if not folder or not Path(folder).is_dir():
            continue
        for entry in Path(folder).iterdir():
            target = entry.resolve()
            if (entry.name in ("java", "javac") or "jvm" in target.parts or entry.is_dir()
                    or not os.access(entry, os.X_OK) or (tools / entry.name).exists()):
                continue
            (tools / entry.name).symlink_to(target)
    return str(tools)


@pytest.fixture(scope="module")
def no_java_env(tmp_path_factory) -> dict[str, str]:
    base = tmp_path_factory.mktemp("no-java")
    env = {k: v for k, v in os.environ.items()
           if k not in ("JAVA_HOME", "SPARK_HOME", "PYSPARK_PYTHON", "PYTHONPATH")}
    env.update(PATH=_path_without_java(base / "bin"),
               LOGDESK_CACHE_DIR=str(base / "cache"), LOGDESK_CONFIG_DIR=str(base / "config"))
    assert shutil.which("java", path=env["PATH"]) is None
    return env


def _run(cmd: list[str | Path], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], env=env, capture_output=True, text=True,
                          timeout=TIMEOUT, **kwargs)


# ------------------------------------------------------------------ report comparison


def _without_run_fields(value, out_dir: str):
    if isinstance(value, dict):
        return {k: _without_run_fields(v, out_dir) for k, v in value.items()
                if k not in RUN_TIME_KEYS}
    if isinstance(value, list):
        return [_without_run_fields(v, out_dir) for v in value]
    if isinstance(value, str):
        return value.replace(out_dir, "<OUT>")
    return value


def _report(out_dir: Path) -> dict[str, object]:
    """Every report file under out_dir, parsed, with run-time fields and its own path removed."""
    files: dict[str, object] = {}
    for path in sorted(out_dir.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(out_dir).as_posix()
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            files[name] = _without_run_fields(json.loads(text), str(out_dir))
        elif path.suffix == ".log":  # alerts.log: one JSON object per line
            files[name] = [_without_run_fields(json.loads(line), str(out_dir))
                           for line in text.splitlines() if line.strip()]
        else:
            files[name] = [[cell.replace(str(out_dir), "<OUT>") for cell in row]
                           for row in csv.reader(io.StringIO(text))]
    return files


@pytest.fixture(scope="module")
def development_reports(tmp_path_factory) -> dict[str, object]:
    """The reports of `python -m logdesk process` (this checkout, the machine's Java)."""
    out = tmp_path_factory.mktemp("dev-reports")
    env = dict(os.environ, LOGDESK_CACHE_DIR=str(tmp_path_factory.mktemp("dev-cache")),
               LOGDESK_CONFIG_DIR=str(tmp_path_factory.mktemp("dev-config")))
    done = _run([sys.executable, "-m", "logdesk", "process", SAMPLE, "--out", out], env,
                cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return _report(out)


# ------------------------------------------------------------------ tests


def test_process_gives_the_reports_of_a_development_run(no_java_env, development_reports,
                                                        tmp_path):
    out = tmp_path / "packaged reports"
    done = _run([EXE, "process", SAMPLE, "--out", out], no_java_env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    packaged = _report(out)
    assert set(packaged) == set(development_reports)
    assert "csv/errors_by_type.csv" in packaged and "json/summary.json" in packaged
    for name in sorted(packaged):
        assert packaged[name] == development_reports[name], name
    assert packaged["json/summary.json"]["totals"]["records"] > 0


def test_app_window_analyzes_and_saves_a_screenshot(no_java_env, tmp_path):
    picture = tmp_path / "window.png"
    env = dict(no_java_env, QT_QPA_PLATFORM="offscreen", LOGDESK_STARTUP_PROBE="1")
    done = _run([EXE, SAMPLE, "--screenshot", picture, "--exit-when-done"], env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert picture.read_bytes().startswith(b"\x89PNG")
    assert picture.stat().st_size > 20_000  # a drawn dashboard, not an empty window
    assert "window shown" in done.stdout


def test_frozen_app_uses_its_own_spark(no_java_env):
    done = _run([EXE, "-m", "pyspark.find_spark_home"], no_java_env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert Path(done.stdout.strip()).resolve().is_relative_to(APP_DIR.resolve())


def test_frozen_app_runs_spark_python_workers(tmp_path):
    """Spark starts Python workers as `PYSPARK_PYTHON -m pyspark.daemon`; with the packaged
    executable as PYSPARK_PYTHON, an RDD map (Python code on the executor) must work."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("the development driver here needs a Java runtime")
    code = (
        "from pyspark.sql import SparkSession\n"
        "spark = (SparkSession.builder.master('local[1]')\n"
        "         .config('spark.ui.enabled', 'false').getOrCreate())\n"
        "rdd = spark.sparkContext.parallelize(range(100), 2)\n"
        "print('sum', rdd.map(lambda x: x * 2).sum())\n"
        "import os\n"
        "print('executables', sorted(set(rdd.map(lambda _: __import__('sys').executable)"
        ".collect())))\n"
        "spark.stop()\n"
    )
    env = dict(os.environ, PYSPARK_PYTHON=str(EXE), SPARK_LOCAL_IP="127.0.0.1")
    env.pop("SPARK_HOME", None)
    done = _run([sys.executable, "-c", code], env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "sum 9900" in done.stdout.splitlines()
    assert f"executables {[str(EXE)]!r}" in done.stdout.splitlines()


def test_missing_bundled_java_gives_a_clear_message(no_java_env, tmp_path):
    broken = tmp_path / "broken app"
    try:  # hard links: a cheap copy whose java-runtime can be removed
        shutil.copytree(APP_DIR, broken, symlinks=True, copy_function=os.link,
                        ignore=shutil.ignore_patterns("java-runtime"))
    except OSError as exc:
        pytest.skip(f"cannot hard-link the app into {tmp_path}: {exc}")
    # --no-cache: a folder the cache already answers needs no Spark, hence no Java at all
    done = _run([broken / EXE.name, "process", SAMPLE, "--out", tmp_path / "out", "--no-cache"],
                no_java_env)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Java runtime inside this logdesk installation is missing" in done.stderr
    assert "Traceback" not in done.stderr
