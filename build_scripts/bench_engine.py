"""logdesk's side of benchmark.py: the CLI in a subprocess and the engine API in fresh
processes, each with a private config and cache folder under --data.

* cache OFF (`--engine-child`): session start, the first run_pipeline and warm runs, then
  summarize + alerts + reports and the filter-change latency (summarize() on the cube);
* cache ON (`--cache-child`): A = the first run, which fills an empty private cache; B = the
  same folder again, unchanged; C = after 1% more lines in one file. B and C are timed through
  the engine API in this warm process and as `python -m logdesk process` subprocesses (which
  should not start a JVM when every file is cached: the JVM's peak RSS tells).

The cache is switched with `cache: {enabled: ...}` in the private config file; while the
config loader does not know that key yet, the child processes apply it with
dataclasses.replace and the cache-OFF CLI run gets an empty cache folder instead.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
import traceback
from datetime import timedelta
from pathlib import Path
from typing import Self

REPO = Path(__file__).resolve().parent.parent
FILTER_REPEATS = 20  # filter-change latency is the median of this many summarize() calls
SAMPLE_RUNS = 3  # runs of the bundled sample after the data's runs (warm figure: min of the last two)


# ----------------------------------------------------------------------------- memory


class PeakRss:
    """Polls /proc every 100 ms for the peak resident memory of a process and of the Java
    processes below it (the Spark driver JVM is a child of the Python process)."""

    def __init__(self, root_pid: int, interval: float = 0.1) -> None:
        self.root_pid = root_pid
        self.interval = interval
        self.root_kb = 0
        self.java_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self.available = Path("/proc/self/status").exists()

    def __enter__(self) -> Self:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self.available:
            self._thread.join()

    def _poll(self) -> None:
        while True:
            self.root_kb = max(self.root_kb, _rss_kb(self.root_pid))
            for pid in _descendants(self.root_pid):
                if _is_java(pid):
                    self.java_kb = max(self.java_kb, _rss_kb(pid))
            if self._stop.wait(self.interval):
                return


def _rss_kb(pid: int) -> int:
    """Peak (VmHWM) or else current (VmRSS) resident size in kB; 0 when gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            found[key] = int(value.split()[0])
    return found.get("VmHWM", found.get("VmRSS", 0))


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...; comm may hold spaces and parentheses
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _is_java(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() == "java"
    except OSError:
        return False


# ----------------------------------------------------------------------------- config


def private_env(data_dir: Path, variant: str, master: str, driver_memory: str,
                cache: dict | None, cache_dir: Path) -> dict[str, str]:
    """Environment for Spark processes: own config file (master, memory, cache) and cache."""
    config_dir = data_dir / f"config-{variant}"
    config_dir.mkdir(parents=True, exist_ok=True)
    text = f'spark:\n  master: "{master}"\n  driver_memory: "{driver_memory}"\n'
    if cache:
        text += "cache:\n" + "".join(f"  {k}: {json.dumps(v)}\n" for k, v in cache.items())
    (config_dir / "config.yaml").write_text(text, encoding="utf-8")
    env = dict(os.environ)
    env["LOGDESK_CONFIG_DIR"] = str(config_dir)
    env["LOGDESK_CACHE_DIR"] = str(cache_dir)
    # every private cache folder would make its own JVM class archive on its first run (a slow
    # one, engine/class_archive.py): the JVM figures here are without it, as before it existed
    env["LOGDESK_CLASS_ARCHIVE"] = "off"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def config_accepts_cache(data_dir: Path) -> tuple[bool, str]:
    """Whether this logdesk's config loader takes `cache: {enabled: false}` (and applies it)."""
    probe = data_dir / "config-probe.yaml"
    probe.write_text("cache:\n  enabled: false\n", encoding="utf-8")
    code = ("import sys; from logdesk.config_loader import load_settings; "
            "s = load_settings(sys.argv[1]); print(getattr(getattr(s, 'cache', None), "
            "'enabled', 'missing'))")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", code, str(probe)], env=env,
                          capture_output=True, text=True)
    probe.unlink(missing_ok=True)
    if proc.returncode == 0 and proc.stdout.strip() == "False":
        return True, "config file"
    why = (proc.stderr.strip().splitlines() or [proc.stdout.strip()])[-1][:200]
    return False, why


def load_child_settings(cache_enabled: bool, cache_dir: str = "") -> tuple[object, str]:
    """Settings from the private config; the cache switch applied by hand when needed."""
    from logdesk.config_loader import load_settings

    settings = load_settings()
    cache = getattr(settings, "cache", None)
    if cache is None:
        return settings, "this logdesk has no cache settings"
    if cache.enabled == cache_enabled and (not cache_dir or cache.dir == cache_dir):
        return settings, "the settings as loaded"
    changes = {"enabled": cache_enabled, **({"dir": cache_dir} if cache_dir else {})}
    return (dataclasses.replace(settings, cache=dataclasses.replace(cache, **changes)),
            "dataclasses.replace")


# ----------------------------------------------------------------------------- CLI


def measure_cli(logs: Path, out: Path, env: dict[str, str]) -> dict:
    """Wall time of `logdesk process` in a subprocess; {"error": ...} when it failed."""
    cmd = [sys.executable, "-m", "logdesk", "process", str(logs), "--out", str(out)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakRss(proc.pid) as peak:
        stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    result = {"seconds": seconds, "python_kb": peak.root_kb, "java_kb": peak.java_kb,
              "jvm_started": peak.java_kb > 0, "stdout": stdout[-2000:]}
    if proc.returncode != 0:
        tail = (stderr.strip() or stdout.strip()).splitlines()[-3:]
        result["error"] = f"logdesk process failed ({proc.returncode}): {' | '.join(tail)}"
    return result


# ----------------------------------------------------------------------------- children


def run_in_child(mode: str, logs: Path, out: Path, env: dict[str, str], *extra: str) -> dict:
    """Run this file's `mode` child in a fresh Python process, so its peaks are its own."""
    result_file = out / f"{mode}-result.json"
    result_file.unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), f"--{mode}", str(logs),
           "--out", str(out), "--result", str(result_file), *extra]
    log_file = out / f"{mode}-stderr.log"
    with open(log_file, "w") as log:  # the JVM's own warnings go here, not to the terminal
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        with PeakRss(proc.pid) as peak:
            proc.wait()
    if not result_file.is_file():
        tail = " | ".join(log_file.read_text(errors="replace").strip().splitlines()[-3:])
        return {"error": f"{mode} process failed ({proc.returncode}): {tail}"}
    result = json.loads(result_file.read_text())
    result["java_kb"] = peak.java_kb
    result["python_hwm_kb"] = peak.root_kb
    return result


def _timed_run(spark, logs: Path, settings) -> tuple[dict, object]:
    from logdesk.engine.pipeline import run_pipeline

    t = time.perf_counter()
    try:
        run = run_pipeline(spark, logs, settings)
    except Exception as exc:  # noqa: BLE001 - the engine may be mid-rewrite: report, go on
        return {"error": f"{type(exc).__name__}: {str(exc).strip()[:300]}",
                "trace": traceback.format_exc()[-1500:]}, None
    info = {"pipeline_s": time.perf_counter() - t,
            "stages": dict(getattr(run, "stage_seconds", {}) or {}),
            "spark_jobs": getattr(run, "spark_jobs", None),
            "plan_seconds": getattr(run, "plan_seconds", None)}
    cache = getattr(run, "cache", None)
    if cache is not None:
        info["cache"] = dataclasses.asdict(cache) if dataclasses.is_dataclass(cache) else str(cache)
    return info, run


def _start(settings) -> tuple[object, float]:
    from logdesk.engine.session import create_session

    t = time.perf_counter()
    spark = create_session(settings.spark, settings.time_zone, app_name="logdesk-benchmark")
    return spark, time.perf_counter() - t


def engine_child(logs: Path, out: Path, warm_runs: int, result: dict) -> None:
    """Cache OFF: first and warm runs, reports, filter-change latency (fills `result`)."""
    from logdesk.analysis.alerts import evaluate_alerts
    from logdesk.analysis.summarize import summarize
    from logdesk.engine.session import stop_session
    from logdesk.reports.writer import write_reports
    from logdesk.results import RecordFilter

    settings, result["cache_off_by"] = load_child_settings(False)
    result.update(master=settings.spark.master, driver_memory=settings.spark.driver_memory)
    spark, result["session_start_s"] = _start(settings)
    runs, run = [], None
    try:
        for _ in range(1 + warm_runs):
            info, this = _timed_run(spark, logs, settings)
            runs.append(info)
            result["runs"] = runs
            if this is None:
                return
            run = this
        # the bundled sample in the same, now warm session: what the app does after its
        # warm-up when a small folder is dropped (first of these compiles its formats' plans)
        sample = REPO / "resources" / "sample_logs"
        result["sample_runs"] = [_timed_run(spark, sample, settings)[0] for _ in range(SAMPLE_RUNS)]
    finally:
        stop_session(spark)

    t = time.perf_counter()
    analytics = summarize(run.cube, RecordFilter(), settings.analytics)
    alerts = evaluate_alerts(analytics, settings.alerts)
    write_reports(run, analytics, alerts, out / "engine-reports", settings)
    result["summarize_alerts_reports_s"] = time.perf_counter() - t
    result.update(parsed_rows=run.ingest.parsed_rows, malformed_rows=run.ingest.malformed_rows,
                  total=analytics.total, errors=analytics.errors,
                  by_level=dict(analytics.by_level), alerts=[a.rule for a in alerts],
                  bucket_seconds=run.cube.bucket_seconds,
                  error_types=len(analytics.errors_by_type),
                  fact_rows={"levels": len(run.cube.levels),
                             **{name: len(table) for name, table in run.cube.dims.items()}})
    # what a filter change in the window costs: no Spark, only the cube
    first, last = analytics.first_seen, analytics.last_seen
    middle = first + (last - first) / 2
    filters = {
        "levels={ERROR}": RecordFilter(levels=frozenset({"ERROR"})),
        "3-day date range": RecordFilter(start=middle, end=middle + timedelta(days=3)),
    }
    latency = {}
    for name, record_filter in filters.items():
        times = []
        for _ in range(FILTER_REPEATS):
            t = time.perf_counter()
            summarize(run.cube, record_filter, settings.analytics)
            times.append(time.perf_counter() - t)
        latency[name] = statistics.median(times)
    result["filter_latency_s"] = latency
    result["python_maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def cache_child(logs: Path, out: Path, spec_json: str, data_dir: Path, result: dict) -> None:
    """Cache ON: A fill, B re-open (engine, CLI), C after +1% in one file (engine, CLI)."""
    import bench_data
    from logdesk.engine.session import stop_session

    spec = bench_data.DataSpec(**json.loads(spec_json))
    env = dict(os.environ)
    settings, result["cache_on_by"] = load_child_settings(True)
    spark, result["session_start_s"] = _start(settings)
    target = sorted(p for p in logs.iterdir() if p.is_file())[-1]
    extra = max(1, spec.rows // 100)
    result.update(grown_file=target.name, appended_lines=extra)
    try:
        for name in ("A", "B"):
            result[name], _ = _timed_run(spark, logs, settings)
        result["B_cli"] = measure_cli(logs, out / "cli-b", env)
        # two separate +1% steps: C for the engine, C_cli for the CLI (each after a cache
        # that holds the file as it was just before)
        for name, seed in (("C", 1), ("C_cli", 2)):
            bench_data.append_lines(spec, data_dir, target, extra, spec.seed * 1000 + seed)
            if name == "C":
                result[name], _ = _timed_run(spark, logs, settings)
            else:
                result[name] = measure_cli(logs, out / "cli-c", env)
    finally:
        bench_data.restore(spec, data_dir)  # the data stays reusable
        stop_session(spark)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="internal: benchmark.py's engine processes")
    parser.add_argument("--engine-child", type=Path)
    parser.add_argument("--cache-child", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--result", type=Path, required=True)
    parser.add_argument("--warm-runs", type=int, default=1)
    parser.add_argument("--spec", default="{}")
    parser.add_argument("--data", type=Path)
    args = parser.parse_args(argv)
    result: dict = {}
    try:
        if args.engine_child:
            engine_child(args.engine_child, args.out, args.warm_runs, result)
        else:
            cache_child(args.cache_child, args.out, args.spec, args.data, result)
    except Exception as exc:  # noqa: BLE001 - written down for the report
        result["error"] = f"{type(exc).__name__}: {str(exc).strip()[:300]}"
        result["trace"] = traceback.format_exc()[-1500:]
    args.result.write_text(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
