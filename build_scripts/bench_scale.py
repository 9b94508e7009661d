"""benchmark.py's figures for many files and for cancel, each in a fresh process.

many files  a folder of 20,000 three-line text files in 200 nested folders (generated here,
            under DATA/many-files, reused while its stamp matches): `logdesk process --no-cache`
            end to end with its stage lines, and the engine API (cache off) first and warm,
            discovery and reading timed apart.
cancel      the engine API on the benchmark's own data (5M CSV rows with --rows 5000000): a
            first run, then a full warm run that gives each stage's length, then one run per cancel point, cancelled
            at a moment inside a stage (early in reading, mid-way, in the aggregate and in its
            driver-side merge, at the finish); the time from the request to the run returning
            Cancelled is printed for each, and the largest.

    python build_scripts/bench_scale.py --many-files DATA   # just these, without the rest
    python build_scripts/bench_scale.py --cancel LOGS --data DATA
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_engine  # noqa: E402

REPO = bench_engine.REPO
MANY_DIRS, MANY_PER_DIR, MANY_LINES = 200, 100, 3
MANY_VERSION = 1
_LEVELS = ("INFO", "INFO", "INFO", "WARN", "ERROR", "DEBUG")
CANCEL_TARGET_S = 2.0
# Where each cancel comes: (a stage, a fraction of its length in the full warm run) or (a
# driver-side step, seconds after it starts): the filing of the read files into their entries
# and the merge of every file's share (templates mined, cube built), both plain Python
CANCEL_POINTS = (("read & normalize", 0.05), ("read & normalize", 0.5), ("aggregate", 0.1),
                 ("filing", 0.1), ("merge", 0.2), ("finish", 0.0))
_DRIVER_STEPS = {"filing": "file_units", "merge": "merge_partials"}


# ----------------------------------------------------------------------------- data


def ensure_many_files(data_dir: Path, dirs: int = MANY_DIRS, per_dir: int = MANY_PER_DIR,
                      seed: int = 7) -> tuple[Path, bool]:
    """DATA/many-files/logs: `dirs` folders (svc-NN/host-NNN) of `per_dir` files of 3 lines
    `2024-01-DD HH:MM:SS LEVEL request N handled in M ms`; reused when its stamp matches."""
    root = data_dir / "many-files"
    logs, stamp_file = root / "logs", root / "stamp.json"
    stamp = {"dirs": dirs, "per_dir": per_dir, "seed": seed, "version": MANY_VERSION}
    if stamp_file.is_file() and logs.is_dir():
        try:
            if json.loads(stamp_file.read_text()) == stamp:
                return logs, False
        except ValueError:
            pass
    import shutil

    shutil.rmtree(logs, ignore_errors=True)
    rng = random.Random(seed)
    for d in range(dirs):
        folder = logs / f"svc-{d // 20:02d}" / f"host-{d:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(per_dir):
            lines = [f"2024-01-{1 + d % 28:02d} {i % 24:02d}:{k:02d}:{rng.randrange(60):02d} "
                     f"{rng.choice(_LEVELS)} request {rng.randrange(10000)} handled in "
                     f"{rng.randrange(500)} ms\n" for k in range(MANY_LINES)]
            (folder / f"app-{i:03d}.log").write_text("".join(lines), encoding="utf-8")
    stamp_file.write_text(json.dumps(stamp) + "\n")  # outside the logs folder
    return logs, True


# ----------------------------------------------------------------------------- measures


_STAGE_LINE = re.compile(r"^(?:\[\d+/\d+\] )?(.+?) … ([\d.]+) s"
                         r"(?: \(begun beside discovery, ([\d.]+) s waited\))?$")
SPARK_WAIT = "waiting for Spark"  # the part of Spark's start the run waited for


def cli_stages(stdout: str) -> dict[str, float]:
    """The stage lines `logdesk process` prints -> seconds per stage (summed when repeated)."""
    out: dict[str, float] = {}
    for line in stdout.splitlines():
        m = _STAGE_LINE.match(line.strip())
        if m:
            out[m.group(1)] = round(out.get(m.group(1), 0.0) + float(m.group(2)), 2)
            if m.group(1).startswith("starting Spark"):  # all of it, unless begun early
                out[SPARK_WAIT] = float(m.group(3) if m.group(3) is not None else m.group(2))
    return out


def measure_many_files(data_dir: Path, out: Path, env: dict[str, str],
                       dirs: int = MANY_DIRS) -> dict:
    logs, made = ensure_many_files(data_dir, dirs)
    files = dirs * MANY_PER_DIR
    cmd = [sys.executable, "-m", "logdesk", "process", str(logs), "--out", str(out / "many-cli"),
           "--no-cache"]
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    res: dict = {"files": files, "dirs": dirs, "lines": files * MANY_LINES, "generated": made,
                 "cli": {"seconds": time.perf_counter() - t, "stages": cli_stages(proc.stdout)}}
    if proc.returncode != 0:
        res["cli"]["error"] = (proc.stderr.strip() or proc.stdout.strip())[-300:]
    res["engine"] = run_child("many-child", logs, out, env)
    res["app"] = run_child("many-app-child", logs, out, env)
    return res


def many_child(logs: Path, result: dict) -> None:
    """Engine API, cache off: a first and a warm run; stage seconds of each."""
    settings, _ = bench_engine.load_child_settings(False)
    spark, result["session_start_s"] = bench_engine._start(settings)
    result["runs"] = []
    for _ in range(2):
        info, run = bench_engine._timed_run(spark, logs, settings)
        result["runs"].append(info)
        if run is None:
            return
    result["records"] = run.ingest.parsed_rows


def many_app_child(logs: Path, result: dict) -> None:
    """The app's first run: its Spark session warmed up on the bundled sample first (as
    SparkBackend.start does while the user picks a folder), then one run, cache off."""
    from logdesk.engine.backend import _warm_up

    settings, _ = bench_engine.load_child_settings(False)
    spark, result["session_start_s"] = bench_engine._start(settings)
    t = time.perf_counter()
    _warm_up(spark, settings)
    result["warm_up_s"] = time.perf_counter() - t
    info, run = bench_engine._timed_run(spark, logs, settings)
    result["runs"] = [info]
    if run is not None:
        result["records"] = run.ingest.parsed_rows


def cancel_child(logs: Path, result: dict) -> None:
    """A first run, a full warm run for the stages' lengths (and its driver-side steps'), then
    a run per CANCEL_POINTS entry, cancelled there; seconds from the request to Cancelled."""
    from logdesk.control import Cancelled, RunControl
    from logdesk.engine import pipeline

    settings, _ = bench_engine.load_child_settings(False)
    spark, result["session_start_s"] = bench_engine._start(settings)
    started: dict[str, float] = {}  # the current run's stages and driver steps: when they began
    lengths: dict[str, float] = {}
    for step, name in _DRIVER_STEPS.items():
        real = getattr(pipeline, name)

        def timed(*args, _real=real, _step=step, **kwargs):
            started[_step] = time.perf_counter()
            try:
                return _real(*args, **kwargs)
            finally:
                lengths[_step] = time.perf_counter() - started[_step]

        setattr(pipeline, name, timed)
    bench_engine._timed_run(spark, logs, settings)  # the first run compiles: not typical
    full, _ = bench_engine._timed_run(spark, logs, settings)
    result["full_run"] = full
    result["driver_steps_s"] = {k: round(v, 3) for k, v in lengths.items()}
    stages = full.get("stages", {})
    points = []
    for where, amount in CANCEL_POINTS:
        if where in _DRIVER_STEPS:
            delay = amount
        elif where in stages:
            delay = amount * stages[where]
        else:
            continue
        started.clear()
        asked: list[float] = []
        done = threading.Event()
        control = RunControl(progress=lambda name, *_: started.setdefault(name, time.perf_counter()))

        def canceller(where=where, delay=delay) -> None:
            while where not in started:
                if done.wait(0.005):
                    return
            if done.wait(max(0.0, started[where] + delay - time.perf_counter())):
                return  # the run ended first
            asked.append(time.perf_counter())
            control.cancel()

        thread = threading.Thread(target=canceller, daemon=True)
        thread.start()
        outcome = "finished"
        try:
            pipeline.run_pipeline(spark, logs, settings, control=control)
        except Cancelled:
            outcome = "cancelled"
        except Exception as exc:  # noqa: BLE001 - reported, not fatal for the others
            outcome = f"failed: {type(exc).__name__}: {str(exc)[:120]}"
        ended = time.perf_counter()
        done.set()
        thread.join()
        point = {"stage": where, "at_s": round(delay, 2), "outcome": outcome}
        if asked:
            point["latency_s"] = round(ended - asked[0], 3)
        points.append(point)
        result["points"] = points


def run_child(mode: str, logs: Path, out: Path, env: dict[str, str]) -> dict:
    result_file = out / f"{mode}-result.json"
    result_file.unlink(missing_ok=True)
    log_file = out / f"{mode}-stderr.log"
    cmd = [sys.executable, str(Path(__file__).resolve()), f"--{mode}", str(logs),
           "--result", str(result_file)]
    with open(log_file, "w") as log:
        proc = subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    if not result_file.is_file():
        tail = " | ".join(log_file.read_text(errors="replace").strip().splitlines()[-3:])
        return {"error": f"{mode} process failed ({proc.returncode}): {tail}"}
    return json.loads(result_file.read_text())


def measure_cancel(logs: Path, out: Path, env: dict[str, str]) -> dict:
    return run_child("cancel-child", logs, out, env)


# ----------------------------------------------------------------------------- report


def many_figures(res: dict) -> dict:
    """discovery, discovery + reading and total seconds: CLI (cold) and engine (warm)."""
    cli, eng = res.get("cli", {}), res.get("engine", {})
    st = cli.get("stages", {})
    runs = [r for r in eng.get("runs", []) if "stages" in r]
    warm = runs[-1]["stages"] if runs else {}
    return {
        "cli_discover": st.get("discover"),
        # the wait for Spark counts: a command-line run cannot read without it
        "cli_read": (st["discover"] + st["read & normalize"] + st.get(SPARK_WAIT, 0.0))
        if {"discover", "read & normalize"} <= st.keys() else None,
        "cli_total": cli.get("seconds"),
        "warm_discover": warm.get("discover"),
        "warm_read": (warm["discover"] + warm["read & normalize"])
        if {"discover", "read & normalize"} <= warm.keys() else None,
        "warm_total": runs[-1]["pipeline_s"] if runs else None,
        "first_read": _discover_and_read(runs[0]) if runs else None,
        "app_read": _discover_and_read((res.get("app", {}).get("runs") or [{}])[0]),
    }


def _discover_and_read(run: dict) -> float | None:
    stages = run.get("stages", {})
    if not {"discover", "read & normalize"} <= stages.keys():
        return None
    return stages["discover"] + stages["read & normalize"]


def print_many(res: dict) -> None:
    if not res:
        return
    if "error" in res:
        print(f"many files FAILED: {res['error']}")
        return
    f = many_figures(res)
    cli, eng = res.get("cli", {}), res.get("engine", {})
    print(f"many files: {res['files']:,} files of {MANY_LINES} lines in {res['dirs']} folders "
          f"({res['lines']:,} lines)")
    print(f"  logdesk process --no-cache: {cli.get('seconds', 0):.2f} s, stages "
          + ", ".join(f"{k} {v:.1f}" for k, v in cli.get("stages", {}).items())
          + (f"  FAILED: {cli['error']}" if "error" in cli else ""))
    for i, run in enumerate(eng.get("runs", [])):
        label = "engine first run" if i == 0 else "engine warm run"
        stages = ", ".join(f"{k} {v:.2f}" for k, v in run.get("stages", {}).items())
        print(f"  {label}: {run.get('pipeline_s', float('nan')):.2f} s ({stages})")
    app = res.get("app", {})
    for run in app.get("runs", []):
        stages = ", ".join(f"{k} {v:.2f}" for k, v in run.get("stages", {}).items())
        print(f"  app first run (after its {app.get('warm_up_s', float('nan')):.1f} s warm-up):"
              f" {run.get('pipeline_s', float('nan')):.2f} s ({stages})")
    if "error" in app:
        print(f"  app first run FAILED: {app['error']}")
    print(f"  discovery + reading: CLI {_s(f['cli_read'])} s, engine first {_s(f['first_read'])}"
          f" s, app first {_s(f['app_read'])} s, warm {_s(f['warm_read'])} s (target <= 20 s);"
          f" records {eng.get('records', '?')}")


def print_cancel(res: dict) -> None:
    if not res:
        return
    if "error" in res:
        print(f"cancel FAILED: {res['error']}")
        return
    full = res.get("full_run", {})
    steps = ", ".join(f"{k} {v:.2f} s" for k, v in res.get("driver_steps_s", {}).items())
    print(f"cancel (engine API, warm session; full run {full.get('pipeline_s', 0):.1f} s, "
          f"driver-side steps in it: {steps or 'n/a'}):")
    for p in res.get("points", []):
        latency = (f"latency {p['latency_s']:.3f} s" if "latency_s" in p
                   else "(ended before the cancel came)")
        print(f"  {p['stage']:<18} +{p['at_s']:>6.2f} s: {p['outcome']:<10} {latency}")
    worst = cancel_worst(res)
    print(f"  largest latency {_s(worst, 3)} s (target <= {CANCEL_TARGET_S:.0f} s)")


def cancel_worst(res: dict) -> float | None:
    lat = [p["latency_s"] for p in res.get("points", []) if "latency_s" in p]
    return max(lat) if lat else None


def _s(x, digits: int = 2) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--many-child", type=Path)
    parser.add_argument("--many-app-child", type=Path)
    parser.add_argument("--cancel-child", type=Path)
    parser.add_argument("--result", type=Path)
    parser.add_argument("--many-files", type=Path, help="DATA folder: measure many files")
    parser.add_argument("--cancel", type=Path, help="LOGS folder: measure cancel")
    parser.add_argument("--data", type=Path, default=REPO / "build" / "benchmark")
    args = parser.parse_args(argv)
    if args.many_child or args.many_app_child or args.cancel_child:
        result: dict = {}
        try:
            if args.many_child:
                many_child(args.many_child, result)
            elif args.many_app_child:
                many_app_child(args.many_app_child, result)
            else:
                cancel_child(args.cancel_child, result)
        except Exception as exc:  # noqa: BLE001 - written down for the report
            result["error"] = f"{type(exc).__name__}: {str(exc).strip()[:300]}"
            result["trace"] = traceback.format_exc()[-1500:]
        args.result.write_text(json.dumps(result, default=str))
        return 0
    import tempfile

    data = (args.many_files or args.data).resolve()
    data.mkdir(parents=True, exist_ok=True)
    env = bench_engine.private_env(data, "off", "local[*]", "2g", {"enabled": False},
                                   data / "cache")
    with tempfile.TemporaryDirectory(prefix="logdesk-bench-scale-") as tmp:
        if args.many_files:
            print_many(measure_many_files(data, Path(tmp), env))
        if args.cancel:
            print_cancel(measure_cancel(args.cancel.resolve(), Path(tmp), env))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
